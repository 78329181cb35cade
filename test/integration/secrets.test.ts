/**
 * No secret reaches what n8n shows or keeps: items, answers, logs, thrown errors (as n8n saves them), static
 * data, credential-test messages. Every path runs with recognisable secret values, and everything it
 * produces is scanned for them, raw and as base64, base64url, hex and URL-encoded, and for base64
 * user:password pairs as an Authorization header carries them.
 *
 * Paths: each trigger accepted, refused, invalid, undecodable, and with request metadata on; each action
 * operation, its errors and Continue On Fail; each lifecycle, with faults and with a vendor that echoes what
 * it was sent; each credential test.
 *
 * Two things are shown by design and left out of the scan where they belong: SendPulse's webhook key in the
 * answer to a delivery it took in (SendPulse asks for it), and the basic-auth pair the Optimizely Campaign
 * Trigger generates, in the trigger's own static data (where n8n keeps it to check deliveries).
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import type { ICredentialsDecrypted, ICredentialTestFunctions, IDataObject, INodeType } from 'n8n-workflow';

import { OptimizelyCampaignApi } from '../../credentials/OptimizelyCampaignApi.credentials';
import { SendPulseApi } from '../../credentials/SendPulseApi.credentials';
import { WebhookBasicAuthApi } from '../../credentials/WebhookBasicAuthApi.credentials';
import { WebhookSharedSecretApi } from '../../credentials/WebhookSharedSecretApi.credentials';
import { OptimizelyCampaign } from '../../nodes/OptimizelyCampaign/OptimizelyCampaign.node';
import { OptimizelyCampaignTrigger } from '../../nodes/OptimizelyCampaign/OptimizelyCampaignTrigger.node';
import { REGISTRATION_KEY } from '../../nodes/OptimizelyCampaign/events';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { prodegeCredentialCheck } from '../../nodes/Prodege/credentialCheck';
import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';
import { QixolPromoTrigger } from '../../nodes/QixolPromo/QixolPromoTrigger.node';
import { SendPulse } from '../../nodes/SendPulse/SendPulse.node';
import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import { testIncomingCredential } from '../../nodes/shared';
import { type ContextSetup, type HookSetup, type Logged, runAction, runLifecycle } from '../helpers/execute';
import { type CredentialStore, runCredentialTest } from '../helpers/n8nHttp';
import { basicAuthHeader, deliver, type Delivery, type NodeSetup, type Observed } from '../helpers/webhook';
import { OptimizelyMock } from '../mocks/optimizelyApi';
import { type SendPulseMock, startSendPulseMock } from '../mocks/sendpulseApi';

const SECRETS: Record<string, string> = {
	optimizelyApiPassword: 'SECRET-optimizely-api-7Hq2',
	prodegeSecret: 'SECRET-prodege-secret-4Kx9',
	sendPulseClientSecret: 'SECRET-sendpulse-client-2Wn8',
	sharedSecret: 'SECRET-shared-token-6Rb3',
	basicAuthPassword: 'SECRET-basic-password-9Tz5',
	sendPulseKey: 'SECRET-sendpulse-key-3Jm1',
	webhookPassword: 'SECRET-webhook-password-5Ln7',
	webhookPassphrase: 'SECRET-webhook-passphrase-8Pc4',
};
const BASIC_USER = 'webhook-user';
/** Pairs an Authorization header would carry, as user → password. */
const PAIRS: Array<[string, string]> = [[BASIC_USER, SECRETS.basicAuthPassword]];

/** What one path produced, and which secrets that place may legitimately show. */
interface Scanned {
	place: string;
	text: string;
	allowed: string[];
}
const scanned: Scanned[] = [];

/** An error as n8n shows and saves it: message, description, its JSON (context, cause), the messages it gathered. */
function errorText(error: unknown): string {
	if (!(error instanceof Error)) return safeJson(error);
	const shaped = error as Error & { description?: unknown; messages?: unknown; errorResponse?: unknown; toJSON?: () => unknown };
	return safeJson({
		message: shaped.message,
		description: shaped.description,
		stack: shaped.stack,
		json: typeof shaped.toJSON === 'function' ? shaped.toJSON() : undefined,
		messages: shaped.messages,
		errorResponse: shaped.errorResponse,
	});
}

function safeJson(value: unknown): string {
	const seen = new WeakSet<object>();
	return (
		JSON.stringify(value, (_key, entry: unknown) => {
			if (typeof entry === 'object' && entry !== null) {
				if (seen.has(entry)) return '[circular]';
				seen.add(entry);
			}
			return entry instanceof Error ? { message: entry.message, stack: entry.stack } : entry;
		}) ?? ''
	);
}

function scan(place: string, value: unknown, allowed: string[] = []): void {
	scanned.push({ place, text: value instanceof Error ? errorText(value) : safeJson(value), allowed });
}

/** Everything a trigger's delivery produced: the answer, its headers, the items, the log. */
function scanDelivery(place: string, observed: Observed, allowed: string[] = []): void {
	scan(place, { status: observed.status, body: observed.body, headers: observed.headers, items: observed.items, logs: observed.logs }, allowed);
}

/** Runs work that may throw; scans the error, and returns it. */
async function scanThrown(place: string, work: Promise<unknown>): Promise<unknown> {
	try {
		const value = await work;
		scan(`${place} (result)`, value);
		return undefined;
	} catch (error) {
		scan(`${place} (thrown)`, error);
		return error;
	}
}

function forms(secret: string): string[] {
	const bytes = Buffer.from(secret);
	return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), encodeURIComponent(secret)];
}

// ---- Triggers ----------------------------------------------------------------------------------------

const fixture = (vendor: string, name: string) => readFileSync(join(__dirname, '../fixtures', vendor, name), 'utf8');
const sharedSecret = (location: 'query' | 'header' = 'query', name = 'token') => ({
	webhookSharedSecretApi: { secret: SECRETS.sharedSecret, location, name },
});
const basicAuth = { webhookBasicAuthApi: { user: BASIC_USER, password: SECRETS.basicAuthPassword } };
const withMetadata = (parameters: IDataObject) => ({ ...parameters, options: { ...(parameters.options as IDataObject), includeRequestMetadata: true } });

interface TriggerCase {
	name: string;
	node: INodeType;
	setup: NodeSetup;
	/** A delivery with valid proof and valid events. */
	valid: Delivery;
	/** The same proof, events none of which is valid. */
	invalid: Delivery;
	/** Proof that fails. */
	refused: Delivery;
	allowedWhenTaken?: string[];
}

/** Each delivery path of a trigger, and the same with request metadata on; everything scanned. */
async function runTrigger(trigger: TriggerCase): Promise<void> {
	const paths: Array<[string, Delivery]> = [
		['accepted', trigger.valid],
		['refused', trigger.refused],
		['invalid', trigger.invalid],
		['undecodable', { ...trigger.valid, body: undefined, rawBody: '{"truncated": ', headers: { ...trigger.valid.headers, 'content-type': 'text/plain' } }],
	];
	for (const metadata of [false, true]) {
		const parameters = metadata ? withMetadata(trigger.setup.parameters ?? {}) : (trigger.setup.parameters ?? {});
		for (const [path, delivery] of paths) {
			const observed = await deliver(trigger.node, { ...trigger.setup, parameters, staticData: structuredClone(trigger.setup.staticData ?? {}) }, delivery);
			const taken = path === 'accepted' && observed.items !== undefined;
			scanDelivery(`${trigger.name} ${path}${metadata ? ' with metadata' : ''}`, observed, taken ? (trigger.allowedWhenTaken ?? []) : []);
			if (path === 'accepted') expect(observed.items?.length).toBeGreaterThan(0);
			if (path === 'refused' || path === 'invalid') expect(observed.items).toBeUndefined();
		}
	}
}

describe('secrets: triggers', () => {
	const personaclick = fixture('personaclick', 'bulk_campaign.success.json');

	it('Personaclick: the token in the query or in a header of its own name', async () => {
		await runTrigger({
			name: 'Personaclick (token in query)',
			node: new PersonaclickTrigger(),
			setup: { parameters: { authentication: 'sharedSecret' }, credentials: sharedSecret() },
			valid: { rawBody: personaclick, query: { token: SECRETS.sharedSecret, other: 'x' }, headers: { 'x-request-id': '1' } },
			invalid: { rawBody: '[{"operation":"nope"}]', query: { token: SECRETS.sharedSecret } },
			refused: { rawBody: personaclick, query: { token: 'wrong-token' } },
		});
		await runTrigger({
			name: 'Personaclick (token in X-Hook header)',
			node: new PersonaclickTrigger(),
			setup: { parameters: { authentication: 'sharedSecret' }, credentials: sharedSecret('header', 'X-Hook') },
			valid: { rawBody: personaclick, headers: { 'x-hook': SECRETS.sharedSecret } },
			invalid: { rawBody: '[{"operation":"nope"}]', headers: { 'x-hook': SECRETS.sharedSecret } },
			refused: { rawBody: personaclick, headers: { 'x-hook': 'wrong-token' } },
		});
	});

	it('Qixol Promo: basic auth, and a token; JSON and refusals answered 200', async () => {
		const event = JSON.stringify({ EventName: 'Promotion.Created', PromotionId: 8001 });
		await runTrigger({
			name: 'Qixol Promo (basic auth)',
			node: new QixolPromoTrigger(),
			setup: { parameters: { authentication: 'basicAuth' }, credentials: basicAuth },
			valid: { rawBody: event, headers: { authorization: basicAuthHeader(BASIC_USER, SECRETS.basicAuthPassword) } },
			invalid: { rawBody: '[{"EventName":"Promotion.Created","PromotionId":{"Value":1}}]', headers: { authorization: basicAuthHeader(BASIC_USER, SECRETS.basicAuthPassword) } },
			refused: { rawBody: event, headers: { authorization: basicAuthHeader(BASIC_USER, 'wrong-password') } },
		});
		await runTrigger({
			name: 'Qixol Promo (token)',
			node: new QixolPromoTrigger(),
			setup: { parameters: { authentication: 'sharedSecret', refusedAnswer: 'error' }, credentials: sharedSecret() },
			valid: { rawBody: event, query: { token: SECRETS.sharedSecret, event: 'Promotion.Created' } },
			invalid: { rawBody: '{}', query: { token: SECRETS.sharedSecret } },
			refused: { rawBody: event, query: { token: 'wrong-token' } },
		});
	});

	it('SendPulse: the token in the query, and the webhook key answered only to deliveries taken in', async () => {
		for (const source of ['automation360', 'automation360Events', 'emailService']) {
			const body = source === 'automation360' ? fixture('sendpulse', 'automation360.send_webhook.json') : fixture('sendpulse', 'automation360.spam.json');
			await runTrigger({
				name: `SendPulse (${source})`,
				node: new SendPulseTrigger(),
				setup: {
					parameters: { source, registration: 'manual', authentication: 'sharedSecret', webhookKey: SECRETS.sendPulseKey },
					credentials: sharedSecret(),
				},
				valid: { rawBody: body, query: { token: SECRETS.sharedSecret } },
				invalid: { rawBody: '[{"nothing":"here"}]', query: { token: SECRETS.sharedSecret } },
				refused: { rawBody: body, query: { token: 'wrong-token' } },
				allowedWhenTaken: ['sendPulseKey'],
			});
		}
	});

	it('Prodege: a signed form and a signed JSON body', async () => {
		// The seed's data example; its last newline is not part of a JSON value embedded in a body.
		const data = fixture('prodege', 'project-status-update.json').trimEnd();
		const sign = (value: string, secret = SECRETS.prodegeSecret) => createHash('sha256').update(`${secret}:data=${value}`, 'utf8').digest('base64url');
		const form = (value: string, signature: string): Delivery => {
			const fields = { data: value, signature };
			return { body: fields, rawBody: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
		};
		const invalid = '{"event_id":"nope"}';
		await runTrigger({
			name: 'Prodege (form)',
			node: new ProdegeTrigger(),
			setup: { parameters: {}, credentials: { prodegeApi: { secretKey: SECRETS.prodegeSecret } } },
			valid: form(data, sign(data)),
			invalid: form(invalid, sign(invalid)),
			refused: form(data, sign(data, 'another-secret')),
		});
		await runTrigger({
			name: 'Prodege (JSON, signature header)',
			node: new ProdegeTrigger(),
			setup: { parameters: { options: { signatureHeader: 'X-Signature' } }, credentials: { prodegeApi: { secretKey: SECRETS.prodegeSecret } } },
			valid: { rawBody: `{"data":${data}}`, headers: { 'x-signature': sign(data) } },
			invalid: { rawBody: `{"data":${invalid}}`, headers: { 'x-signature': sign(invalid) } },
			refused: { rawBody: `{"data":${data}}`, headers: { 'x-signature': 'forged' } },
		});
	});
});

// ---- Optimizely Campaign: action, lifecycle, trigger with the generated pair, credential test ------------

describe('secrets: Optimizely Campaign', () => {
	let mock: OptimizelyMock;
	beforeAll(async () => {
		mock = await new OptimizelyMock({ password: SECRETS.optimizelyApiPassword }).listen();
	});
	afterAll(async () => {
		await mock.close();
	});

	const store = (data: IDataObject = {}): CredentialStore => ({ type: new OptimizelyCampaignApi(), data: { ...mock.credential(), ...data } });
	const action = (parameters: IDataObject, extra: Partial<ContextSetup> = {}) => {
		const setup: ContextSetup & { logs: Logged[] } = { parameters: { resource: 'webhook', ...parameters }, credentials: { optimizelyCampaignApi: store() }, logs: [], ...extra };
		return setup;
	};
	const runAndScan = async (place: string, setup: ContextSetup & { logs?: Logged[] }) => {
		await scanThrown(`Optimizely Campaign ${place}`, runAction(new OptimizelyCampaign(), setup));
		scan(`Optimizely Campaign ${place} (logs)`, setup.logs);
	};

	it('action: every operation, its errors, a vendor that echoes the request, and Continue On Fail', async () => {
		const create = { operation: 'create', targetUrl: 'https://hooks.example.com/x', eventType: 'bounce', authentication: 'basicAuth', basicAuthUser: 'hook', basicAuthPassword: SECRETS.webhookPassword };
		await runAndScan('create (basic auth)', action(create));
		await runAndScan('create (header key)', action({ ...create, eventType: 'open', authentication: 'keyAuth', keyAuthHeader: 'X-Key', keyAuthValue: SECRETS.webhookPassphrase }));
		const id = String(mock.webhooks()[0].id);
		await runAndScan('getAll', action({ operation: 'getAll', returnAll: true }));
		await runAndScan('get', action({ operation: 'get', webhookId: id }));
		await runAndScan('update', action({ operation: 'update', webhookId: id, updateFields: { authentication: 'basicAuth', basicAuthUser: 'u2', basicAuthPassword: SECRETS.webhookPassword } }));
		await runAndScan('activate', action({ operation: 'activate', webhookId: id }));
		await runAndScan('verify', action({ operation: 'verify', webhookId: id, mailingId: '1', numberOfEvents: 1 }));
		await runAndScan('deactivate', action({ operation: 'deactivate', webhookId: id }));
		await runAndScan('delete', action({ operation: 'delete', webhookId: id }));
		await runAndScan('get (404)', action({ operation: 'get', webhookId: '999' }));
		// A wrong API password: 401.
		await runAndScan('getAll (401)', action({ operation: 'getAll', returnAll: true }, { credentials: { optimizelyCampaignApi: store({ apiPassword: 'wrong-password' }) } }));
		// A vendor that echoes what it was sent, secrets and all.
		const echo = `Bad request: ${SECRETS.webhookPassword} ${SECRETS.optimizelyApiPassword} ${Buffer.from(`hook:${SECRETS.webhookPassword}`).toString('base64')}`;
		mock.inject({ fault: { kind: 'status', status: 400, body: { message: echo, request: { password: SECRETS.webhookPassword } } }, method: 'POST' });
		await runAndScan('create (400 echoing the request)', action(create));
		mock.inject({ fault: { kind: 'status', status: 500, body: echo }, method: 'POST' });
		await runAndScan('create (500 echoing, Continue On Fail)', action(create, { continueOnFail: true }));
		mock.inject({ fault: { kind: 'malformed' }, method: 'POST' });
		await runAndScan('create (malformed, Continue On Fail)', action(create, { continueOnFail: true }));
		mock.inject({ fault: { kind: 'reset' }, method: 'POST' });
		await runAndScan('create (reset)', action(create));
		PAIRS.push(['hook', SECRETS.webhookPassword], ['u2', SECRETS.webhookPassword]);
	});

	it('lifecycle and trigger: the generated pair stays in static data; faults and echoes reveal nothing', async () => {
		mock.reset();
		const staticData: IDataObject = {};
		const hook = (extra: Partial<HookSetup> = {}): HookSetup & { logs: Logged[] } => ({
			parameters: { events: ['open', 'sent'], options: { apiTimeout: 200 } },
			credentials: { optimizelyCampaignApi: store() },
			webhookUrl: 'https://n8n.example.com/webhook/secrets/webhook',
			staticData,
			logs: [],
			...extra,
		});
		const trigger = new OptimizelyCampaignTrigger();
		const lifecycle = async (place: string, method: 'checkExists' | 'create' | 'delete', setup = hook()) => {
			await scanThrown(`Optimizely Campaign Trigger ${place}`, runLifecycle(trigger, method, setup));
			scan(`Optimizely Campaign Trigger ${place} (logs)`, setup.logs);
		};
		await lifecycle('create', 'create');
		await lifecycle('checkExists', 'checkExists');
		const { user, password } = (staticData[REGISTRATION_KEY] as { basicAuth: { user: string; password: string } }).basicAuth;
		SECRETS.optimizelyGeneratedPassword = password;
		PAIRS.push([user, password]);
		// Static data may hold the generated pair, and nothing else secret.
		scan('Optimizely Campaign Trigger static data', staticData, ['optimizelyGeneratedPassword']);

		const registered = { parameters: { events: [] }, staticData };
		await runTrigger({
			name: 'Optimizely Campaign Trigger',
			node: trigger,
			setup: registered,
			valid: { rawBody: fixture('optimizely', 'sent.json'), headers: { authorization: basicAuthHeader(user, password) } },
			invalid: { rawBody: '[{"type":"nope"}]', headers: { authorization: basicAuthHeader(user, password) } },
			refused: { rawBody: fixture('optimizely', 'sent.json'), headers: { authorization: basicAuthHeader(user, 'wrong-password') } },
		});

		// Faults, and a vendor echoing the form it got (with the generated password in it).
		mock.inject({ fault: { kind: 'status', status: 500 }, method: 'DELETE', times: 9 });
		await lifecycle('delete (500s)', 'delete');
		mock.inject({ fault: { kind: 'status', status: 400, body: { message: `refused ${password} / ${SECRETS.optimizelyApiPassword}` } }, method: 'PUT', times: 3 });
		await lifecycle('create (400 echoing)', 'create');
		await lifecycle('create (wrong API password)', 'create', hook({ credentials: { optimizelyCampaignApi: store({ apiPassword: 'wrong-password' }) } }));
		mock.inject({ fault: { kind: 'hang' }, method: 'GET' });
		await lifecycle('checkExists (hang)', 'checkExists');
		await lifecycle('delete', 'delete');
		scan('Optimizely Campaign Trigger static data after delete', staticData);
	});

	it('credential test: right and wrong password', async () => {
		scan('Optimizely Campaign credential test', await runCredentialTest(store()));
		scan('Optimizely Campaign credential test (401)', await runCredentialTest(store({ apiPassword: 'wrong-password' })));
	});
});

// ---- SendPulse: action, lifecycle, credential ------------------------------------------------------

describe('secrets: SendPulse', () => {
	let api: SendPulseMock;
	beforeEach(async () => {
		api = await startSendPulseMock({ clientSecret: SECRETS.sendPulseClientSecret });
	});
	afterEach(async () => {
		// Every token the mock issued is a secret too.
		const known = new Set(Object.values(SECRETS));
		for (const request of api.requests) {
			if (request.token && !known.has(request.token)) {
				SECRETS[`sendPulseToken${known.size}`] = request.token;
				known.add(request.token);
			}
		}
		await api.stop();
	});

	const store = (data: IDataObject = {}): CredentialStore => ({ type: new SendPulseApi(), data: { ...api.credentialData(), ...data } });
	const URL = 'https://hooks.example.com/sendpulse?id=1';

	it('action: every operation, its errors, a vendor that echoes, and Continue On Fail', async () => {
		const run = async (place: string, parameters: IDataObject, extra: Partial<ContextSetup> = {}) => {
			const setup: ContextSetup & { logs: Logged[] } = { parameters: { resource: 'webhook', ...parameters }, credentials: { sendPulseApi: store() }, logs: [], ...extra };
			await scanThrown(`SendPulse ${place}`, runAction(new SendPulse(), setup));
			scan(`SendPulse ${place} (logs)`, setup.logs);
		};
		await run('create', { operation: 'create', url: URL, events: ['open', 'spam'] });
		const id = String(api.webhooks[0].id);
		await run('getAll', { operation: 'getAll', returnAll: true });
		await run('get', { operation: 'get', webhookId: id });
		await run('update', { operation: 'update', webhookId: id, url: `${URL}&v=2` });
		await run('delete', { operation: 'delete', webhookId: id });
		await run('get (404)', { operation: 'get', webhookId: id });
		await run('getAll (wrong client secret)', { operation: 'getAll', returnAll: true }, { credentials: { sendPulseApi: store({ clientSecret: 'wrong-secret' }) } });
		api.failNext({ status: 500, pathPrefix: '/v2', body: { message: `Internal error for ${SECRETS.sendPulseClientSecret}` } });
		await run('getAll (500 echoing)', { operation: 'getAll', returnAll: true });
		api.failNext({ status: 429, pathPrefix: '/v2' });
		await run('getAll (429, Continue On Fail)', { operation: 'getAll', returnAll: true }, { continueOnFail: true });
		api.failNext({ status: 401, pathPrefix: '/oauth', body: { error: 'invalid_client', error_description: `client ${SECRETS.sendPulseClientSecret} unknown` } });
		await run('getAll (token refused, echoing)', { operation: 'getAll', returnAll: true });
	});

	it('lifecycle: the registered URL carries the token; it stays out of static data, logs and errors', async () => {
		const staticData: IDataObject = {};
		const hook = (extra: Partial<HookSetup> = {}): HookSetup & { logs: Logged[] } => ({
			parameters: { source: 'emailService', registration: 'api', authentication: 'sharedSecret', events: ['open', 'redirect'] },
			credentials: {
				sendPulseApi: store(),
				webhookSharedSecretApi: { type: new WebhookSharedSecretApi(), data: { secret: SECRETS.sharedSecret, location: 'query', name: 'token' } },
			},
			webhookUrl: 'https://n8n.example.com/webhook/secrets/webhook',
			staticData,
			logs: [],
			...extra,
		});
		const trigger = new SendPulseTrigger();
		const lifecycle = async (place: string, method: 'checkExists' | 'create' | 'delete', setup = hook()) => {
			await scanThrown(`SendPulse Trigger ${place}`, runLifecycle(trigger, method, setup));
			scan(`SendPulse Trigger ${place} (logs)`, setup.logs);
		};
		await lifecycle('checkExists', 'checkExists');
		await lifecycle('create', 'create');
		await lifecycle('checkExists again', 'checkExists');
		scan('SendPulse Trigger static data', staticData);
		// A vendor that echoes the URL it was given, token and all.
		api.failNext({ status: 400, pathPrefix: '/v2/email-service/webhook', body: { message: `Incorrect url https://n8n.example.com/webhook/secrets/webhook?token=${SECRETS.sharedSecret}` } });
		await lifecycle('create (400 echoing the URL)', 'create', hook({ staticData: {} }));
		api.failNext({ status: 503, pathPrefix: '/v2' });
		await lifecycle('delete (503)', 'delete');
		await lifecycle('create (wrong client secret)', 'create', hook({ credentials: { ...hook().credentials, sendPulseApi: store({ clientSecret: 'wrong-secret' }) } }));
		await lifecycle('delete', 'delete');
		scan('SendPulse Trigger static data after delete', staticData);
	});

	it('credential test: right and wrong client secret', async () => {
		scan('SendPulse credential test', await runCredentialTest(store()));
		scan('SendPulse credential test (wrong secret)', await runCredentialTest(store({ clientSecret: 'wrong-secret' })));
	});

	it('credential test: a token endpoint that echoes the client secret is not repeated', async () => {
		api.failNext({ status: 400, pathPrefix: '/oauth', body: { error: `bad client_secret=${SECRETS.sendPulseClientSecret}` } });
		const { message } = await runCredentialTest(store());
		expect(message).not.toContain(SECRETS.sendPulseClientSecret);
	});
});

// ---- Incoming-auth and Prodege credential tests ------------------------------------------------------

describe('secrets: credential tests that contact nobody', () => {
	it('say what is missing or weak without repeating the secret', async () => {
		const context = {} as ICredentialTestFunctions;
		const credential = (type: string, data: IDataObject) => ({ id: '1', name: 'c', type, data }) as ICredentialsDecrypted;
		const cases: Array<[string, ICredentialsDecrypted]> = [
			['basic auth', credential(new WebhookBasicAuthApi().name, { user: BASIC_USER, password: SECRETS.basicAuthPassword })],
			['basic auth, short', credential(new WebhookBasicAuthApi().name, { user: BASIC_USER, password: SECRETS.basicAuthPassword.slice(0, 8) })],
			['shared secret', credential(new WebhookSharedSecretApi().name, { secret: SECRETS.sharedSecret, name: 'token' })],
			['shared secret, no name', credential(new WebhookSharedSecretApi().name, { secret: SECRETS.sharedSecret })],
		];
		for (const [place, data] of cases) scan(`incoming credential test (${place})`, await testIncomingCredential.call(context, data));
		for (const data of [{ secretKey: SECRETS.prodegeSecret }, { secretKey: SECRETS.prodegeSecret, environment: 'custom', baseUrl: `ftp://${SECRETS.prodegeSecret}` }]) {
			scan('Prodege credential check', await prodegeCredentialCheck.call(context, credential('prodegeApi', data)));
		}
	});
});

// Last, once every path has run: the scan itself.
it('holds no secret in anything any path produced', () => {
	const found: string[] = [];
	const pairForms = PAIRS.map(([user, password]) => Buffer.from(`${user}:${password}`).toString('base64'));
	for (const { place, text, allowed } of scanned) {
		for (const [name, secret] of Object.entries(SECRETS)) {
			if (allowed.includes(name)) continue;
			for (const form of forms(secret)) if (text.includes(form)) found.push(`${name} in ${place}`);
		}
		for (const form of pairForms) if (text.includes(form)) found.push(`a user:password pair in ${place}`);
	}
	process.stdout.write(
		`secrets | ${scanned.length} places scanned | ${Object.keys(SECRETS).length} secret values and ${PAIRS.length} pairs, ${forms('x').length} forms each | ${found.length} found\n`,
	);
	expect(found).toEqual([]);
	expect(scanned.length).toBeGreaterThan(100);
});
