import { NodeApiError, NodeOperationError, UserError, type INode, type JsonObject } from 'n8n-workflow';

import {
	type FailureKind,
	type FailureTexts,
	type VendorFailure,
	decodeAnswer,
	failureKind,
	isTransient,
	isTransientKind,
	readAnswer,
	readThrown,
	retryAfterMs,
	vendorApiError,
	vendorStatus,
	vendorWords,
} from '../../../nodes/shared/vendorApi';

const node: INode = { id: '1', name: 'Vendor', type: 'vendor', typeVersion: 1, position: [0, 0], parameters: {} };

/** A request error as the HTTP client throws it, before n8n wraps it. */
const httpError = (status: number, data: unknown, headers: Record<string, unknown> = {}) =>
	Object.assign(new Error(`Request failed with status code ${status}`), {
		config: { headers: { Authorization: 'Bearer live-token-123' } },
		response: { status, headers, data },
	});

const connectionError = (message: string, code: unknown) => Object.assign(new Error(message), { code });

/** Texts that name the kind and echo what the failure carried, so a test sees which text was chosen. */
const KINDS: FailureKind[] = ['credential', 'unreachable', 'timeout', 'unreadable', 'unauthorized', 'forbidden', 'notFound', 'rateLimited', 'serverError', 'refused'];
const texts = (detail?: string): FailureTexts =>
	Object.fromEntries(KINDS.map((kind) => [kind, (failure: VendorFailure) => ({ message: `${kind} ${failure.status ?? '-'}`, description: detail })])) as FailureTexts;

describe('what kind of failure a call came to', () => {
	it.each<[VendorFailure, FailureKind]>([
		[{ credential: 'The token could not be fetched' }, 'credential'],
		[{ credential: 'x', status: 500 }, 'credential'],
		[{ status: undefined, timedOut: true }, 'timeout'],
		[{ status: undefined, network: 'ECONNRESET' }, 'unreachable'],
		[{ status: 200 }, 'unreadable'],
		[{ status: 204 }, 'unreadable'],
		[{ status: 101 }, 'refused'],
		[{ status: 302 }, 'refused'],
		[{ status: 400 }, 'refused'],
		[{ status: 401 }, 'unauthorized'],
		[{ status: 403 }, 'forbidden'],
		[{ status: 404 }, 'notFound'],
		[{ status: 409 }, 'refused'],
		[{ status: 429 }, 'rateLimited'],
		[{ status: 500 }, 'serverError'],
		[{ status: 503 }, 'serverError'],
	])('%j is %s', (failure, kind) => {
		expect(failureKind(failure)).toBe(kind);
	});

	it('counts as transient only what may pass by itself', () => {
		expect(KINDS.filter(isTransientKind)).toEqual(['unreachable', 'timeout', 'unreadable', 'rateLimited', 'serverError']);
	});
});

describe('reading an answer body', () => {
	it('parses JSON, keeps other text, and treats an empty body as none', () => {
		expect(decodeAnswer('{"message":"Wrong url"}')).toEqual({ message: 'Wrong url' });
		expect(decodeAnswer(Buffer.from('[1,2]'))).toEqual([1, 2]);
		expect(decodeAnswer('Service Unavailable')).toBe('Service Unavailable');
		expect(decodeAnswer('  \n')).toBeUndefined();
		expect(decodeAnswer(undefined)).toBeUndefined();
		expect(decodeAnswer(null)).toBeUndefined();
		expect(decodeAnswer({ already: 'parsed' })).toEqual({ already: 'parsed' });
	});

	it("finds the vendor's words under the usual keys, in order, nested or not", () => {
		expect(vendorWords({ message: 'first', error: 'second' }, 100)).toBe('first');
		expect(vendorWords({ error_description: 'invalid_client', error: 'x' }, 100)).toBe('invalid_client');
		expect(vendorWords({ error: { message: 'nested' } }, 100)).toBe('nested');
		expect(vendorWords({ errors: { message: 'listed' } }, 100)).toBe('listed');
		expect(vendorWords({ message: '', errorMessage: 'later key' }, 100)).toBe('later key');
		expect(vendorWords({ detail: 'detail' }, 100)).toBe('detail');
		expect(vendorWords({ title: 'title' }, 100)).toBe('title');
		expect(vendorWords({ error: { code: 7 }, status: 500 }, 100)).toBeUndefined();
		expect(vendorWords([{ message: 'in a list' }], 100)).toBeUndefined();
		expect(vendorWords(42, 100)).toBeUndefined();
		expect(vendorWords(undefined, 100)).toBeUndefined();
	});

	it('quotes text trimmed and shortened, and never an HTML page', () => {
		expect(vendorWords('  Bad Gateway \n', 100)).toBe('Bad Gateway');
		expect(vendorWords('x'.repeat(5000), 200)).toHaveLength(200);
		expect(vendorWords({ message: 'y'.repeat(5000) }, 500)).toHaveLength(500);
		expect(vendorWords(' <html><body>502</body></html>', 100)).toBeUndefined();
		expect(vendorWords('   ', 100)).toBeUndefined();
	});
});

describe('reading a full response', () => {
	it('keeps status, redacted body, quoted words and Retry-After', () => {
		const failure = readAnswer(
			{
				statusCode: 400,
				headers: { 'retry-after': ['7', '8'] },
				body: JSON.stringify({ message: 'bad authentication {"password":"leaky-secret-9"}', list: ['leaky-secret-9', 3] }),
			},
			{ quote: 500, secrets: ['leaky-secret-9', 'abc'] },
		);
		expect(failure).toEqual({
			status: 400,
			body: { message: 'bad authentication {"password":"***"}', list: ['***', 3] },
			vendorMessage: 'bad authentication {"password":"***"}',
			retryAfter: '7',
		});
	});

	it('reads a numeric Retry-After, and works without secrets or headers', () => {
		expect(readAnswer({ statusCode: 429, headers: { 'retry-after': 3 }, body: '' }, { quote: 10 })).toEqual({
			status: 429,
			body: undefined,
			vendorMessage: undefined,
			retryAfter: '3',
		});
		expect(readAnswer({ statusCode: 503, headers: {}, body: 'down for maintenance' }, { quote: 4 })).toMatchObject({
			vendorMessage: 'down',
			retryAfter: undefined,
		});
		expect(readAnswer({ statusCode: 503, headers: { 'retry-after': { odd: true } }, body: 'abc' }, { quote: 4, secrets: ['ab'] })).toMatchObject({
			body: 'abc',
			retryAfter: undefined,
		});
	});
});

describe('reading what a request helper threw', () => {
	it('reads status, words and Retry-After from the raw error, never its request', () => {
		const failure = readThrown(httpError(429, { message: 'Too many requests' }, { 'retry-after': '12' }), { quote: 200 });
		expect(failure).toEqual({ status: 429, vendorMessage: 'Too many requests', retryAfter: '12' });
		expect(JSON.stringify(failure)).not.toContain('live-token-123');
	});

	it('reads the same from the NodeApiError n8n wraps it in', () => {
		const wrapped = new NodeApiError(node, httpError(503, { error: { message: 'Maintenance' } }) as unknown as JsonObject);
		expect(readThrown(wrapped, { quote: 200 })).toEqual({ status: 503, vendorMessage: 'Maintenance', retryAfter: undefined });
	});

	it('takes the status from httpCode or statusCode, and words from the wrapper context', () => {
		const wrapper = { httpCode: '404', context: { data: { message: 'No such webhook' } } };
		expect(readThrown(wrapper, { quote: 200 })).toMatchObject({ status: 404, vendorMessage: 'No such webhook' });
		expect(readThrown({ statusCode: 502 }, { quote: 200 })).toMatchObject({ status: 502 });
		expect(readThrown({ httpCode: null, statusCode: 500 }, { quote: 200 })).toMatchObject({ status: 500 });
	});

	it('tells a connection failure from an answer, even when the wrapper keeps its code as httpCode', () => {
		const refused = connectionError('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED');
		for (const error of [refused, new NodeApiError(node, refused as unknown as JsonObject)]) {
			const failure = readThrown(error, { quote: 200 });
			expect(failure).toMatchObject({ status: undefined, network: 'ECONNREFUSED', timedOut: undefined });
			expect(failure.clues).toContain('ECONNREFUSED');
		}
	});

	it('recognises a timeout, axios-style or a DOMException with its numeric code', () => {
		const axiosTimeout = connectionError('timeout of 200ms exceeded', 'ECONNABORTED');
		expect(readThrown(new NodeApiError(node, axiosTimeout as unknown as JsonObject), { quote: 200 })).toMatchObject({
			status: undefined,
			network: 'ECONNABORTED',
			timedOut: true,
		});
		const abort = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError', code: 23 });
		const failure = readThrown(new NodeApiError(node, abort as unknown as JsonObject), { quote: 200 });
		expect(failure).toMatchObject({ status: undefined, network: undefined, timedOut: true });
		expect(failure.clues).toContain('23');
	});

	it('keeps secrets out of the clues and the quoted words', () => {
		const failure = readThrown(connectionError('socket hang up at https://user:hunter2-pass@api.example.com', 'ECONNRESET'), {
			quote: 200,
			secrets: ['hunter2-pass'],
		});
		expect(failure.clues).toBe('socket hang up at https://user:***@api.example.com Error ECONNRESET');
		const answered = readThrown(httpError(400, { message: 'password hunter2-pass is wrong' }), { quote: 200, secrets: ['hunter2-pass'] });
		expect(answered.vendorMessage).toBe('password *** is wrong');
	});

	it('reads a thrown value that is no object as a connection failure with no clues', () => {
		expect(readThrown('boom', { quote: 200 })).toEqual({ status: undefined });
		expect(readThrown(undefined, { quote: 200 })).toEqual({ status: undefined });
	});

	it("passes on why the credential got no token, raw or wrapped", () => {
		const refused = new UserError('The client ID or secret was refused (HTTP 401). Copy both again.');
		expect(readThrown(refused, { quote: 200 })).toEqual({ credential: refused.message });
		expect(readThrown(new NodeApiError(node, refused as unknown as JsonObject), { quote: 200 })).toEqual({ credential: refused.message });
	});
});

describe('Retry-After', () => {
	it('reads delta seconds and HTTP dates, and ignores what it cannot read', () => {
		const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
		expect(retryAfterMs('2')).toBe(2000);
		expect(retryAfterMs(' 0 ')).toBe(0);
		expect(retryAfterMs('Wed, 21 Oct 2026 07:28:05 GMT', now)).toBe(5000);
		expect(retryAfterMs('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0);
		expect(retryAfterMs(undefined)).toBeUndefined();
		expect(retryAfterMs(' ')).toBeUndefined();
		expect(retryAfterMs('soon')).toBeUndefined();
	});
});

describe('the error a user sees', () => {
	it("puts the vendor's reason first, then what to do", () => {
		const error = vendorApiError(node, 'Acme', { status: 400, vendorMessage: 'Url is not allowed', body: { message: 'Url is not allowed' } }, texts('Check the URL.'));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('refused 400');
		expect(error.description).toBe('Acme said: Url is not allowed. Check the URL.');
		expect(error.httpCode).toBe('400');
		expect(error.context).toMatchObject({ status: 400, body: { message: 'Url is not allowed' }, transient: false });
	});

	it("quotes the vendor alone when there is nothing to add, and says only what to do when the vendor said nothing", () => {
		expect(vendorApiError(node, 'Acme', { status: 502, vendorMessage: 'Bad gateway' }, texts()).description).toBe('Acme said: Bad gateway');
		expect(vendorApiError(node, 'Acme', { status: 404 }, texts('List them first.')).description).toBe('List them first.');
		expect(vendorApiError(node, 'Acme', { status: 404 }, texts()).description).toBeFalsy();
	});

	it('does not quote a success the node could not read', () => {
		const error = vendorApiError(node, 'Acme', { status: 200, vendorMessage: 'ok', body: { message: 'ok' } }, texts('The API may have changed.'));
		expect(error.message).toBe('unreadable 200');
		expect(error.description).toBe('The API may have changed.');
		expect(isTransient(error)).toBe(true);
	});

	it('carries no status when there was no answer, and the item it failed on', () => {
		const error = vendorApiError(node, 'Acme', { status: undefined, network: 'ECONNRESET' }, texts('Check the network.'), 3);
		expect(error.message).toBe('unreachable -');
		expect(error.httpCode).toBeNull();
		expect(error.context).toMatchObject({ status: undefined, transient: true, itemIndex: 3 });
		expect(vendorStatus(error)).toBeUndefined();
	});

	it('tells callers the status and whether trying again may help', () => {
		const limited = vendorApiError(node, 'Acme', { status: 429 }, texts());
		const refused = vendorApiError(node, 'Acme', { status: 409 }, texts());
		expect([isTransient(limited), vendorStatus(limited)]).toEqual([true, 429]);
		expect([isTransient(refused), vendorStatus(refused)]).toEqual([false, 409]);
		expect(isTransient(new Error('plain'))).toBe(false);
		expect(vendorStatus(new NodeOperationError(node, 'configuration'))).toBeUndefined();
		expect(vendorStatus('text')).toBeUndefined();
	});
});
