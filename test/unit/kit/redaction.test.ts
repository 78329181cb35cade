/** Secrets a vendor echoes back, in any form it may echo them, never reach an error. */
import { NodeApiError, NodeOperationError, UserError, type IDataObject, type INode } from 'n8n-workflow';

import { readAnswer, readThrown, redactError } from '../../../nodes/shared/vendorApi';

const node = { id: '1', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
const SECRET = 'pw-7Hq2-secret';
const PAIR = `api-user:${SECRET}`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

describe('redacting what a vendor echoes', () => {
	it('takes a secret out as sent, URL-encoded, in base64 and base64url, and a user:password pair as a header carries it', () => {
		const echoed = `got ${SECRET}, ${encodeURIComponent(`${SECRET}/+`)}, ${b64(SECRET)}, ${b64url(`${SECRET}?>`)}, Basic ${b64(PAIR)}`;
		const failure = readAnswer(
			{ statusCode: 400, headers: {}, body: { message: echoed, nested: [{ header: `Basic ${b64(PAIR)}` }] } },
			{ quote: 500, secrets: [SECRET, `${SECRET}/+`, `${SECRET}?>`, PAIR] },
		);
		expect(failure.vendorMessage).toBe('got ***, ***, ***, ***, Basic ***');
		expect(JSON.stringify(failure.body)).not.toMatch(new RegExp([SECRET, b64(PAIR)].map((text) => text.replace(/[+/=]/g, '\\$&')).join('|')));
	});

	it('leaves secrets under 4 characters, which would garble ordinary words', () => {
		expect(readAnswer({ statusCode: 400, headers: {}, body: { message: 'abc def' } }, { quote: 50, secrets: ['abc'] }).vendorMessage).toBe('abc def');
	});

	it('keeps a key "__proto__" in a vendor body a key, never the copy\'s prototype', () => {
		const body = JSON.parse('{"message":"x","__proto__":{"polluted":true},"inner":{"__proto__":{"polluted":true}}}') as IDataObject;
		const failure = readAnswer({ statusCode: 500, headers: {}, body }, { quote: 50, secrets: [SECRET] });
		const copy = failure.body as Record<string, unknown>;
		expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
		expect(Object.getPrototypeOf(copy.inner)).toBe(Object.prototype);
		expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
		expect(Object.keys(copy)).toContain('__proto__');
	});

	it("redacts the credential's own message, which may quote the vendor quoting the secret", () => {
		const error = new UserError(`SendPulse refused the client ID or secret (HTTP 400). SendPulse said: bad client_secret=${SECRET}.`);
		expect(readThrown(error, { quote: 200, secrets: [SECRET] }).credential).toBe('SendPulse refused the client ID or secret (HTTP 400). SendPulse said: bad client_secret=***.');
		expect(readThrown(new NodeApiError(node, { message: 'wrapped' }, {}), { quote: 200 })).toMatchObject({ status: undefined });
	});

	it('takes secrets out of an error already built: message, description, gathered messages and body', () => {
		const error = new NodeApiError(node, { status: 400 }, { message: `url https://x/?token=${SECRET}`, description: `SendPulse said: ${SECRET}` });
		error.messages.push(`raw ${SECRET}`);
		error.context.body = { url: `https://x/?token=${SECRET}` };
		expect(redactError(error, [SECRET])).toBe(error);
		expect(error.message).toBe('url https://x/?token=***');
		expect(error.description).toBe('SendPulse said: ***');
		expect(error.messages).toEqual(['raw ***']);
		expect(error.context.body).toEqual({ url: 'https://x/?token=***' });

		const plain = new NodeOperationError(node, `no ${SECRET}`);
		expect(redactError(plain, [SECRET]).message).toBe('no ***');
		const bare = new NodeApiError(node, { status: 500 }, { message: `bare ${SECRET}` });
		bare.description = null;
		expect(redactError(bare, [SECRET]).message).toBe('bare ***');
		expect(bare.context.body).toBeUndefined();
		expect(redactError('not an error', [SECRET])).toBe('not an error');
	});
});
