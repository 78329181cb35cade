/**
 * Every secret and signature a caller presents is compared in constant time: through the kit's safeEqual
 * (crypto.timingSafeEqual over SHA-256 digests) or verifySignature, which compares the same way.
 *
 * Pinned two ways: a static scan of the node sources finds no ===, !==, ==, != or string method (includes,
 * startsWith, localeCompare, Buffer.compare, Set.has…) applied to a secret-like value; and spies show that a
 * delivery with a wrong or a right secret goes through safeEqual or verifySignature, and from there through
 * timingSafeEqual, for every kind of proof: shared secret, basic auth, the generated Optimizely pair, the
 * Prodege signature.
 */
import { createHash } from 'crypto';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

import ts from 'typescript';

import { OptimizelyCampaignTrigger } from '../../nodes/OptimizelyCampaign/OptimizelyCampaignTrigger.node';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';
import { QixolPromoTrigger } from '../../nodes/QixolPromo/QixolPromoTrigger.node';
import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import { basicAuthHeader, deliver, type Delivery, type NodeSetup } from '../helpers/webhook';

// The modules themselves, not import-star copies: callers read their functions from these objects at each call.
const crypto = require('crypto') as typeof import('crypto');
const secure = require('../../nodes/shared/secure') as typeof import('../../nodes/shared/secure');

const ROOT = join(__dirname, '../..');
const SECRETISH = /secret|password|passphrase|signature|token|api_?key|webhookkey|credential|digest|hmac/i;
/** Names that only look secret: constants (SIGNATURE_PARAMETER), names of fields, kinds of failure. */
const CONSTANT = /^[A-Z][A-Z0-9_]*$/;

/** Comparisons the scan flags that compare no secret, each with why. */
const NOT_SECRETS: Record<string, string> = {
	'nodes/shared/pipeline.ts: name.toLowerCase() === secret': 'a header name against the name the secret travels under, not the secret',
};

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) return sources(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

const isPlainValue = (node: ts.Expression): boolean =>
	ts.isLiteralExpression(node) ||
	ts.isNoSubstitutionTemplateLiteral(node) ||
	node.kind === ts.SyntaxKind.NullKeyword ||
	node.kind === ts.SyntaxKind.TrueKeyword ||
	node.kind === ts.SyntaxKind.FalseKeyword ||
	(ts.isIdentifier(node) && (node.text === 'undefined' || CONSTANT.test(node.text))) ||
	ts.isTypeOfExpression(node) ||
	(ts.isPropertyAccessExpression(node) && (node.name.text === 'length' || CONSTANT.test(node.name.text))) ||
	(ts.isPrefixUnaryExpression(node) && ts.isLiteralExpression(node.operand)) ||
	// A list of option names (['none', 'sharedSecret'].includes(method)) holds no secret.
	(ts.isArrayLiteralExpression(node) && node.elements.every((element) => ts.isStringLiteral(element)));

const looksSecret = (node: ts.Node, file: ts.SourceFile) => SECRETISH.test(node.getText(file)) && !isPlainValue(node as ts.Expression);

const EQUALITY = new Set([
	ts.SyntaxKind.EqualsEqualsEqualsToken,
	ts.SyntaxKind.ExclamationEqualsEqualsToken,
	ts.SyntaxKind.EqualsEqualsToken,
	ts.SyntaxKind.ExclamationEqualsToken,
]);
const COMPARING_METHODS = new Set(['equals', 'compare', 'localeCompare', 'includes', 'startsWith', 'endsWith', 'indexOf', 'has', 'match', 'test']);

/** The places in one source that compare a secret-like value other than in constant time. */
function comparisonsIn(path: string, text: string): string[] {
	const found: string[] = [];
	const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
	const where = (node: ts.Node) => `${relative(ROOT, path)}: ${node.getText(file)}`;
	const visit = (node: ts.Node): void => {
		if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) {
			const sides = [node.left, node.right];
			if (!sides.some(isPlainValue) && sides.some((side) => looksSecret(side, file))) found.push(where(node));
		}
		if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && COMPARING_METHODS.has(node.expression.name.text)) {
			const operands = [node.expression.expression, ...node.arguments];
			// A regular expression testing a name (SENSITIVE.test(name)) reads no secret.
			if (operands.some((operand) => looksSecret(operand, file) && !ts.isRegularExpressionLiteral(operand) && !CONSTANT.test(operand.getText(file)))) {
				found.push(where(node));
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(file);
	return found;
}

/** Every place in the node and credential sources that compares a secret other than in constant time. */
function variableTimeComparisons(): string[] {
	return [...sources(join(ROOT, 'nodes')), ...sources(join(ROOT, 'credentials'))]
		.flatMap((path) => comparisonsIn(path, readFileSync(path, 'utf8')))
		.filter((place) => !(place in NOT_SECRETS));
}

describe('constant-time comparison of secrets', () => {
	it('no node or credential source compares a secret with ===, !==, ==, != or a string method', () => {
		expect(variableTimeComparisons()).toEqual([]);
	});

	it('the scan finds what it looks for, and passes what compares no secret', () => {
		const planted = [
			'if (received === expected.password) ok();',
			'if (token.startsWith(given)) ok();',
			'if (signature != computed) no();',
			'if (Buffer.compare(a, secretBuffer) === 0) ok();',
			"if (typeof secret === 'string' && secret.length === 0 && kind === 'signature') no();",
			"if (['none', 'sharedSecret'].includes(method) && key !== SIGNATURE_PARAMETER) ok();",
		].join('\n');
		expect(comparisonsIn(join(ROOT, 'planted.ts'), planted)).toEqual([
			'planted.ts: received === expected.password',
			'planted.ts: token.startsWith(given)',
			'planted.ts: signature != computed',
			'planted.ts: Buffer.compare(a, secretBuffer)',
		]);
		// What the list of exceptions names is still there to be excepted.
		for (const place of Object.keys(NOT_SECRETS)) {
			const [path, text] = place.split(': ');
			expect(comparisonsIn(join(ROOT, path), readFileSync(join(ROOT, path), 'utf8'))).toContain(`${path}: ${text}`);
		}
	});

	it('only the kit calls timingSafeEqual, and it compares digests of equal length', () => {
		const callers = [...sources(join(ROOT, 'nodes')), ...sources(join(ROOT, 'credentials'))].filter((path) => readFileSync(path, 'utf8').includes('timingSafeEqual'));
		expect(callers.map((path) => relative(ROOT, path))).toEqual(['nodes/shared/secure.ts']);
		const spy = jest.spyOn(crypto, 'timingSafeEqual');
		expect(secure.safeEqual('short', 'a much longer expected secret')).toBe(false);
		expect(spy).toHaveBeenCalledTimes(1);
		const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
		// SHA-256 digests, as their 43 base64url characters: the same length whatever the secrets' lengths.
		expect([a.toString('latin1'), b.toString('latin1')]).toEqual([
			createHash('sha256').update('short').digest('base64url'),
			createHash('sha256').update('a much longer expected secret').digest('base64url'),
		]);
		spy.mockRestore();
	});
});

describe('every kind of proof goes through safeEqual or verifySignature', () => {
	const SECRET = 'constant-time-secret-0123';
	const USER = 'ct-user';
	const sign = (data: string, secret = SECRET) => createHash('sha256').update(`${secret}:data=${data}`, 'utf8').digest('base64url');
	const personaclick = '[{"operation":"bulk_campaign","status":"success","bulk_campaign_id":"1"}]';
	const optimizely = '[{"type":"sent","id":"1","created":1}]';
	const prodegeData = '{"event_id":"644b075404443f2a3c77c7cb","event_time":"2023-04-27 16:37:56","project_id":1,"status":"LIVE","update_reason":113}';
	const prodege = (signature: string): Delivery => ({ rawBody: JSON.stringify({ data: prodegeData, signature }) });

	// Basic auth is compared as the whole "user:password" pair.
	const cases: Array<{ name: string; node: unknown; setup: NodeSetup; right: Delivery; wrong: Delivery; expected: string; guessed?: string; via?: 'verifySignature' }> = [
		{
			name: 'shared secret in the query (Personaclick)',
			node: new PersonaclickTrigger(),
			setup: { parameters: { authentication: 'sharedSecret' }, credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'query', name: 'token' } } },
			right: { rawBody: personaclick, query: { token: SECRET } },
			wrong: { rawBody: personaclick, query: { token: 'guess' } },
			expected: SECRET,
		},
		{
			name: 'shared secret in a header (SendPulse)',
			node: new SendPulseTrigger(),
			setup: { parameters: { source: 'automation360Events', authentication: 'sharedSecret' }, credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'header', name: 'X-Token' } } },
			right: { rawBody: '[{"event":"spam","email":"a@example.com"}]', headers: { 'x-token': SECRET } },
			wrong: { rawBody: '[{"event":"spam","email":"a@example.com"}]', headers: { 'x-token': 'guess' } },
			expected: SECRET,
		},
		{
			name: 'basic auth (Qixol Promo)',
			node: new QixolPromoTrigger(),
			setup: { parameters: { authentication: 'basicAuth' }, credentials: { webhookBasicAuthApi: { user: USER, password: SECRET } } },
			right: { rawBody: '{"EventName":"Promotion.Created","PromotionId":1}', headers: { authorization: basicAuthHeader(USER, SECRET) } },
			wrong: { rawBody: '{"EventName":"Promotion.Created","PromotionId":1}', headers: { authorization: basicAuthHeader(USER, 'guess') } },
			expected: `${USER}:${SECRET}`,
			guessed: `${USER}:guess`,
		},
		{
			name: 'the generated pair (Optimizely Campaign)',
			node: new OptimizelyCampaignTrigger(),
			setup: { parameters: { events: [] }, staticData: { registration: { basicAuth: { user: USER, password: SECRET }, webhooks: { 'https://x.example.com/w': { sent: '1' } } } } },
			right: { rawBody: optimizely, headers: { authorization: basicAuthHeader(USER, SECRET) } },
			wrong: { rawBody: optimizely, headers: { authorization: basicAuthHeader(USER, 'guess') } },
			expected: `${USER}:${SECRET}`,
			guessed: `${USER}:guess`,
		},
		{
			name: 'the signature (Prodege)',
			node: new ProdegeTrigger(),
			setup: { parameters: {}, credentials: { prodegeApi: { secretKey: SECRET } } },
			right: prodege(sign(prodegeData)),
			wrong: prodege(sign(prodegeData, 'guess')),
			expected: sign(prodegeData),
			via: 'verifySignature',
		},
	];

	it.each(cases)('$name: a wrong and a right proof are both compared in constant time', async ({ node, setup, right, wrong, expected, guessed = 'guess', via }) => {
		const safeEqual = jest.spyOn(secure, 'safeEqual');
		const verifySignature = jest.spyOn(secure, 'verifySignature');
		const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');
		// A signature is compared inside the kit's verifySignature, which hashes both sides as safeEqual does.
		const compared = (presented: string) =>
			via === 'verifySignature'
				? verifySignature.mock.calls.some(([given]) => given === presented)
				: safeEqual.mock.calls.some(([given, want]) => given === presented && want === expected);
		const presentedIn = (delivery: Delivery) =>
			via === 'verifySignature'
				? (JSON.parse(String(delivery.rawBody)) as { signature: string }).signature
				: delivery === right
					? expected
					: guessed;
		try {
			const refused = await deliver(node as never, setup, wrong);
			expect(refused.items).toBeUndefined();
			expect(compared(presentedIn(wrong))).toBe(true);
			expect(timingSafeEqual).toHaveBeenCalled();
			for (const spy of [safeEqual, verifySignature, timingSafeEqual]) spy.mockClear();
			const accepted = await deliver(node as never, setup, right);
			expect(accepted.items).toHaveLength(1);
			expect(compared(presentedIn(right))).toBe(true);
			expect(timingSafeEqual).toHaveBeenCalled();
		} finally {
			for (const spy of [safeEqual, verifySignature, timingSafeEqual]) spy.mockRestore();
		}
	});
});
