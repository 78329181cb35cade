import type { IDataObject } from 'n8n-workflow';

import { SendPulseApi } from '../../credentials/SendPulseApi.credentials';
import { SendPulse } from '../../nodes/SendPulse/SendPulse.node';
import { type ContextSetup, type Logged, runAction } from '../helpers/execute';
import type { CredentialStore, RequestLog } from '../helpers/n8nHttp';
import { type SendPulseMock, startSendPulseMock } from '../mocks/sendpulseApi';

const node = new SendPulse();
const TARGET = 'https://n8n.example.com/webhook/abc/webhook?token=t0k3n';
let api: SendPulseMock;
let credential: CredentialStore;

beforeEach(async () => {
	api = await startSendPulseMock({
		webhooks: [
			{ url: 'https://crm.example.com/hooks/open', action: 'open' },
			{ url: 'https://crm.example.com/hooks/spam', action: 'spam' },
			{ url: 'https://crm.example.com/hooks/unsubscribe', action: 'unsubscribe' },
		],
	});
	credential = { type: new SendPulseApi(), data: api.credentialData() };
});
afterEach(async () => {
	await api.stop();
});

const run = async (parameters: IDataObject | IDataObject[], extra: Partial<ContextSetup> = {}) => {
	const count = Array.isArray(parameters) ? parameters.length : 1;
	const [output] = await runAction(
		node,
		{ parameters, credentials: { sendPulseApi: credential }, ...extra },
		Array.from({ length: count }, () => ({ json: {} })),
	);
	return output;
};

const idOf = (action: string) => String(api.webhooks.find((webhook) => webhook.action === action)!.id);

describe('SendPulse node: Webhook operations against the mock API', () => {
	it('is usable as an AI tool', () => {
		expect(node.description.usableAsTool).toBe(true);
	});

	it('Create: makes one webhook per event and returns each with its ID', async () => {
		const output = await run({ resource: 'webhook', operation: 'create', url: TARGET, events: ['delivered', 'redirect'] });
		expect(output.map((item) => item.json)).toEqual([
			{ id: expect.any(String), user_id: '7043663', url: TARGET, action: 'delivered' },
			{ id: expect.any(String), user_id: '7043663', url: TARGET, action: 'redirect' },
		]);
		expect(api.webhooks.filter((webhook) => webhook.url === TARGET).map((webhook) => webhook.action)).toEqual(['delivered', 'redirect']);
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('Get Many: lists every webhook, or up to the limit', async () => {
		const all = await run({ resource: 'webhook', operation: 'getAll', returnAll: true });
		expect(all.map((item) => item.json.action)).toEqual(['open', 'spam', 'unsubscribe']);
		const two = await run({ resource: 'webhook', operation: 'getAll', returnAll: false, limit: 2 });
		expect(two).toHaveLength(2);
	});

	it('Get: returns one webhook by ID', async () => {
		const output = await run({ resource: 'webhook', operation: 'get', webhookId: idOf('spam') });
		expect(output.map((item) => item.json)).toEqual([
			{ id: idOf('spam'), user_id: '7043663', url: 'https://crm.example.com/hooks/spam', action: 'spam' },
		]);
	});

	it('Update: changes the URL at SendPulse', async () => {
		const id = idOf('open');
		const output = await run({ resource: 'webhook', operation: 'update', webhookId: id, url: TARGET });
		expect(output[0].json).toEqual({ id, url: TARGET, updated: true });
		expect(api.webhooks.find((webhook) => String(webhook.id) === id)?.url).toBe(TARGET);
	});

	it('Delete: removes the webhook at SendPulse', async () => {
		const id = idOf('unsubscribe');
		const output = await run({ resource: 'webhook', operation: 'delete', webhookId: id });
		expect(output[0].json).toEqual({ id, deleted: true });
		expect(api.webhooks.map((webhook) => webhook.action)).toEqual(['open', 'spam']);
	});

	it('runs once per input item, each with its own parameters', async () => {
		const output = await run([
			{ resource: 'webhook', operation: 'get', webhookId: idOf('open') },
			{ resource: 'webhook', operation: 'get', webhookId: idOf('spam') },
		]);
		expect(output.map((item) => [item.json.action, item.pairedItem])).toEqual([
			['open', { item: 0 }],
			['spam', { item: 1 }],
		]);
	});
});

describe('SendPulse node: errors a user can act on', () => {
	it('a webhook that does not exist: says so and how to find the right ID', async () => {
		await expect(run({ resource: 'webhook', operation: 'get', webhookId: '999' })).rejects.toMatchObject({
			message: 'SendPulse found nothing to get webhook 999',
			description: expect.stringContaining('Get Many'),
			httpCode: '404',
		});
	});

	it('rate limiting (429): says to wait, with SendPulse’s Retry-After', async () => {
		api.failNext({ status: 429, pathPrefix: '/v2' });
		await expect(run({ resource: 'webhook', operation: 'getAll', returnAll: true })).rejects.toMatchObject({
			message: expect.stringContaining('rate-limiting this account (HTTP 429)'),
			description: expect.stringContaining('Wait 30 s'),
			httpCode: '429',
		});
	});

	it('credentials refused even after a fresh token (401): says to copy ID and secret again', async () => {
		api.failNext({ status: 401, pathPrefix: '/v2', times: 2 });
		await expect(run({ resource: 'webhook', operation: 'getAll', returnAll: true })).rejects.toMatchObject({
			message: 'SendPulse refused the credentials while trying to list webhooks',
			description: expect.stringContaining('client ID and secret'),
		});
		// One refresh was tried before giving up.
		expect(api.tokensIssued()).toBe(2);
	});

	it('server errors (5xx): says the fault is SendPulse’s and to retry later', async () => {
		api.failNext({ status: 502, pathPrefix: '/v2' });
		await expect(run({ resource: 'webhook', operation: 'delete', webhookId: idOf('open') })).rejects.toMatchObject({
			message: expect.stringContaining('server error (HTTP 502)'),
			description: expect.stringContaining('Retry On Fail'),
		});
	});

	it('a refused request (400): passes on what SendPulse said', async () => {
		api.failNext({ status: 400, pathPrefix: '/v2', body: { success: false, message: 'Url is not allowed' } });
		await expect(run({ resource: 'webhook', operation: 'create', url: TARGET, events: ['open'] })).rejects.toMatchObject({
			message: 'SendPulse refused to create webhooks for open (HTTP 400)',
			description: expect.stringContaining('SendPulse said: Url is not allowed.'),
		});
	});

	it('a URL that is not http(s) is refused before calling SendPulse', async () => {
		await expect(run({ resource: 'webhook', operation: 'create', url: 'n8n.example.com/hook', events: ['open'] })).rejects.toThrow(
			'"n8n.example.com/hook" is not an http(s) URL',
		);
		expect(api.requests).toHaveLength(0);
	});

	it('never puts the client secret or the token in an error', async () => {
		api.failNext({ status: 500, pathPrefix: '/v2' });
		const log: RequestLog[] = [];
		const error = await run({ resource: 'webhook', operation: 'getAll', returnAll: true }, { log }).catch((caught: unknown) => caught);
		const token = /Bearer (\S+)/.exec(log[1].headers.authorization)![1];
		const text = JSON.stringify(error) + String((error as Error).message) + String((error as { description?: string }).description);
		expect(text).not.toContain(api.clientSecret);
		expect(text).not.toContain(token);
	});

	it('with Continue On Fail, a failing item becomes an error item and the others still run', async () => {
		const logs: Logged[] = [];
		const output = await run(
			[
				{ resource: 'webhook', operation: 'get', webhookId: '999' },
				{ resource: 'webhook', operation: 'get', webhookId: idOf('open') },
			],
			{ continueOnFail: true, logs },
		);
		expect(output.map((item) => item.json)).toEqual([
			{ error: 'SendPulse found nothing to get webhook 999', description: expect.stringContaining('Get Many'), status: 404 },
			expect.objectContaining({ action: 'open' }),
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
