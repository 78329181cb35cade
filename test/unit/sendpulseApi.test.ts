import { NodeApiError, UserError, type INode, type JsonObject } from 'n8n-workflow';

import { apiError, readFailure, rowsOf } from '../../nodes/SendPulse/api';

const node: INode = { id: '1', name: 'SendPulse', type: 'sendPulse', typeVersion: 1, position: [0, 0], parameters: {} };

/** The error shape of a failed HTTP call, before n8n wraps it. */
const axiosLike = (status: number, data: unknown, headers: Record<string, string> = {}) =>
	Object.assign(new Error(`Request failed with status code ${status}`), {
		isAxiosError: true,
		config: { headers: { Authorization: 'Bearer live-token-123' }, data: '{"client_secret":"s3cr3t"}' },
		response: { status, headers, data },
	});

describe('SendPulse API errors', () => {
	it('reads status, vendor message and Retry-After from a raw HTTP error', () => {
		expect(readFailure(axiosLike(429, { message: 'Too many requests' }, { 'retry-after': '12' }))).toEqual({
			status: 429,
			vendorMessage: 'Too many requests',
			retryAfter: '12',
			network: undefined,
		});
	});

	it('reads the same from an error n8n already wrapped in a NodeApiError, as real n8n hands it over', () => {
		const wrapped = new NodeApiError(node, axiosLike(429, { message: 'Too many requests' }, { 'retry-after': '12' }) as unknown as JsonObject);
		expect(readFailure(wrapped)).toMatchObject({ status: 429, vendorMessage: 'Too many requests', retryAfter: '12' });
	});

	it('tells a connection failure from an HTTP one', () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
		expect(readFailure(refused)).toMatchObject({ status: undefined, network: 'ECONNREFUSED' });
		const error = apiError(node, readFailure(refused), 'list webhooks');
		expect(error.message).toBe('Could not reach SendPulse to list webhooks');
		expect(error.description).toContain('(ECONNREFUSED)');
	});

	it('passes on why the credential got no token, raw or as n8n wraps it, instead of blaming the network', () => {
		const refused = new UserError('SendPulse refused the client ID or secret (HTTP 401). Copy both again from Account Settings → API in SendPulse.');
		for (const error of [refused, new NodeApiError(node, refused as unknown as JsonObject)]) {
			const result = apiError(node, readFailure(error), 'list webhooks');
			expect(result.message).toBe(refused.message);
			expect(result.description).toContain('needed to list webhooks');
		}
	});

	it.each([
		[401, 'SendPulse refused the credentials while trying to list webhooks', 'client ID and secret'],
		[403, 'SendPulse does not allow this account to list webhooks', 'REST API access'],
		[404, 'SendPulse found nothing to list webhooks', 'Get Many'],
		[429, 'SendPulse is rate-limiting this account (HTTP 429) while trying to list webhooks', 'Wait a minute'],
		[500, 'SendPulse had a server error (HTTP 500) while trying to list webhooks', 'Try again later'],
		[422, 'SendPulse refused to list webhooks (HTTP 422)', 'public http(s) address'],
	])('HTTP %i: "%s", with what to do', (status, message, advice) => {
		const error = apiError(node, readFailure(axiosLike(status, {})), 'list webhooks');
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(message);
		expect(error.description).toContain(advice);
		expect(error.httpCode).toBe(String(status));
	});

	it('keeps the request, and so the token and secret, out of the error', () => {
		const error = apiError(node, readFailure(axiosLike(500, { message: 'Internal' })), 'list webhooks');
		const text = JSON.stringify(error) + JSON.stringify(error.toJSON?.()) + String(error.description);
		expect(text).not.toContain('live-token-123');
		expect(text).not.toContain('s3cr3t');
		expect(error.description).toContain('SendPulse said: Internal.');
	});

	it('quotes at most 200 characters of what SendPulse said', () => {
		const failure = readFailure(axiosLike(400, { message: 'x'.repeat(5000) }));
		expect(failure.vendorMessage).toHaveLength(200);
	});
});

describe('SendPulse API answers', () => {
	it.each([
		['a list in data', { success: true, data: [{ id: 1 }, { id: 2 }] }, 2],
		['one row in data', { success: true, data: { id: 1 } }, 1],
		['data wrapped twice', { data: { data: [{ id: 1 }] } }, 1],
		['a bare list', [{ id: 1 }, { id: 2 }, { id: 3 }], 3],
		['a bare success', { success: true }, 0],
		['one row, bare', { id: 1, url: 'https://x.example', action: 'open' }, 1],
		['an empty body', undefined, 0],
	])('reads rows from %s', (_, answer, count) => {
		expect(rowsOf(answer)).toHaveLength(count);
	});
});
