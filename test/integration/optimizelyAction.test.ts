/**
 * The Optimizely Campaign action node against the local mock API, over real HTTP: every operation, the
 * vendor's errors as a user sees them, and Continue On Fail.
 */
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { OptimizelyCampaign } from '../../nodes/OptimizelyCampaign/OptimizelyCampaign.node';
import { runCredentialTest } from '../helpers/n8nHttp';
import { actionRunner, credentials, useOptimizelyMock } from './optimizelySetup';

const node = new OptimizelyCampaign();
const mock = useOptimizelyMock();

const TARGET = 'https://hooks.example.com/optimizely';
const op = (operation: string, extra: IDataObject = {}): IDataObject => ({ resource: 'webhook', operation, ...extra });

const { run, failure } = actionRunner(node, mock);

describe('Optimizely Campaign: Create', () => {
	it('sends a form-urlencoded create with authentication as a JSON string, and returns the webhook without the password', async () => {
		const { items, setup } = await run(
			op('create', {
				targetUrl: TARGET,
				eventType: 'bounce',
				authentication: 'basicAuth',
				basicAuthUser: 'hook-user',
				basicAuthPassword: 'hook-password-123',
			}),
		);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ type: 'bounce', status: 'created', format: 'json', targetUrl: TARGET, authentication: { type: 'basicAuth' } });
		expect(JSON.stringify(items)).not.toContain('hook-password-123');

		const sent = setup.log.find((request) => request.method === 'POST')!;
		expect(sent.url).toBe(`${mock.baseUrl}/${mock.clientId}/webhooks`);
		expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
		const form = Object.fromEntries(new URLSearchParams(sent.body));
		expect(form).toEqual({
			targetUrl: TARGET,
			type: 'bounce',
			format: 'json',
			authentication: '{"type":"basicAuth","userName":"hook-user","password":"hook-password-123"}',
		});
		expect(mock.requests.at(-1)).toMatchObject({ method: 'POST', path: '/webhooks', status: 201 });
		expect(mock.webhooks()[0].authentication).toEqual({ type: 'basicAuth', userName: 'hook-user', password: 'hook-password-123' });
	});

	it('creates with a header key, or with no authentication', async () => {
		await run(op('create', { targetUrl: TARGET, eventType: 'click', authentication: 'keyAuth', keyAuthHeader: 'X-Key', keyAuthValue: 'k-secret-1' }));
		await run(op('create', { targetUrl: TARGET, eventType: 'open', authentication: 'none' }));
		expect(mock.webhooks().map((webhook) => webhook.authentication)).toEqual([
			{ type: 'keyAuth', key: 'X-Key', passphrase: 'k-secret-1' },
			{ type: 'none' },
		]);
	});

	it('offers all twelve event types, and the archive type comes back spelled "archived"', async () => {
		const type = node.description.properties.find((property) => property.name === 'eventType')!;
		expect((type.options ?? []).map((option) => ('value' in option ? option.value : undefined)).sort()).toEqual(
			['archive', 'blocklist', 'bounce', 'click', 'confirmedoptin', 'doubleoptin', 'filteredbyblocklist', 'open', 'sent', 'singleoptin', 'spamcomplaint', 'unsubscribe'].sort(),
		);
		const { items } = await run(op('create', { targetUrl: TARGET, eventType: 'archive', authentication: 'none' }));
		expect(items[0].type).toBe('archived');
	});

	it('refuses basic auth without a password before calling the API', async () => {
		const error = await failure(op('create', { targetUrl: TARGET, eventType: 'open', authentication: 'basicAuth', basicAuthUser: 'u' }));
		expect(error.message).toBe('Basic Auth needs a user and a password');
		expect(mock.requests).toHaveLength(0);
	});

	it('explains a 400 on create, with the vendor message and no secret', async () => {
		const error = await failure(
			op('create', { targetUrl: 'not a url', eventType: 'open', authentication: 'keyAuth', keyAuthHeader: 'X-Key', keyAuthValue: 'very-secret-value' }),
		);
		expect(error.message).toMatch(/refused the webhook: check the target URL \(HTTPS on port 443\)/);
		expect(error.description).toBe('Optimizely Campaign said: Wrong url');
		expect(error.context).toMatchObject({ status: 400, body: { status: 400, message: 'Wrong url' } });
		expect(JSON.stringify({ message: error.message, description: error.description, context: error.context })).not.toContain('very-secret-value');
	});
});

describe('Optimizely Campaign: Get Many and Get', () => {
	beforeEach(() => {
		for (let i = 0; i < 230; i++) mock.seed({ type: i % 2 ? 'open' : 'click', targetUrl: `${TARGET}/${i}` });
	});

	it('returns all webhooks over several pages with Return All', async () => {
		const { items } = await run(op('getAll', { returnAll: true }));
		expect(items).toHaveLength(230);
		expect(new Set(items.map((item) => item.id)).size).toBe(230);
		const pages = mock.requests.filter((request) => request.path === '/webhooks');
		expect(pages.map((request) => request.query.offset)).toEqual(['0', '100', '200']);
		expect(pages.every((request) => request.query.limit === '100')).toBe(true);
	});

	it('stops at the limit, asking only for what it needs', async () => {
		const { items } = await run(op('getAll', { returnAll: false, limit: 120 }));
		expect(items).toHaveLength(120);
		expect(mock.requests.map((request) => [request.query.offset, request.query.limit])).toEqual([
			['0', '100'],
			['100', '20'],
		]);
	});

	it('passes sort and direction through', async () => {
		const { items } = await run(op('getAll', { returnAll: false, limit: 3, options: { sort: 'ID', direction: 'ASC' } }));
		const ids = mock.webhooks().map((webhook) => webhook.id).sort((a, b) => a - b);
		expect(items.map((item) => item.id)).toEqual(ids.slice(0, 3));
		expect(mock.requests[0].query).toMatchObject({ sort: 'ID', direction: 'ASC' });
	});

	it('gets one webhook by listing, since the API has no get-one endpoint', async () => {
		const wanted = mock.webhooks()[205];
		const { items } = await run(op('get', { webhookId: String(wanted.id) }));
		expect(items).toEqual([expect.objectContaining({ id: wanted.id, targetUrl: wanted.targetUrl })]);
		expect(mock.requests.every((request) => request.method === 'GET' && request.path === '/webhooks')).toBe(true);
	});

	it('says clearly when the webhook is not there', async () => {
		const error = await failure(op('get', { webhookId: '424242' }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('No webhook with ID 424242 was found for this client');
	});

	it('refuses a webhook ID that is not a number', async () => {
		const error = await failure(op('get', { webhookId: 'abc' }));
		expect(error.message).toBe('The webhook ID must be a number, not "abc"');
		expect(mock.requests).toHaveLength(0);
	});
});

describe('Optimizely Campaign: Update, Activate, Deactivate, Delete, Verify', () => {
	it('updates only what is given, keeping URL, type and authentication', async () => {
		const webhook = mock.seed({ type: 'open', targetUrl: TARGET, authentication: { type: 'keyAuth', key: 'X-K', passphrase: 'keep-me-1' } });
		const { items } = await run(op('update', { webhookId: String(webhook.id), updateFields: { targetUrl: `${TARGET}/v2` } }));
		expect(items[0]).toMatchObject({ id: webhook.id, targetUrl: `${TARGET}/v2`, type: 'open' });
		expect(mock.webhooks()[0].authentication).toEqual({ type: 'keyAuth', key: 'X-K', passphrase: 'keep-me-1' });
		expect(mock.requests.at(-1)?.form).toEqual({ targetUrl: `${TARGET}/v2`, type: 'open', format: 'json' });
	});

	it('updates the authentication and type', async () => {
		const webhook = mock.seed({ type: 'open', targetUrl: TARGET });
		await run(
			op('update', {
				webhookId: String(webhook.id),
				updateFields: { eventType: 'click', authentication: 'basicAuth', basicAuthUser: 'u2', basicAuthPassword: 'p2-secret' },
			}),
		);
		expect(mock.webhooks()[0]).toMatchObject({ type: 'click', authentication: { type: 'basicAuth', userName: 'u2', password: 'p2-secret' } });
		// URL and type both given or fetched: one list call, then the PUT.
		expect(mock.requests.map((request) => request.method)).toEqual(['GET', 'PUT']);
	});

	it('activates and deactivates, and explains doing either twice', async () => {
		const webhook = mock.seed({ type: 'sent', targetUrl: TARGET });
		const id = String(webhook.id);
		expect((await run(op('activate', { webhookId: id }))).items[0]).toMatchObject({ id: webhook.id, status: 'activated' });
		const again = await failure(op('activate', { webhookId: id }));
		expect(again.message).toBe(`Webhook ${id} is already activated`);
		expect(again.context.status).toBe(400);

		expect((await run(op('deactivate', { webhookId: id }))).items[0]).toMatchObject({ status: 'deactivated' });
		const notActive = await failure(op('deactivate', { webhookId: id }));
		expect(notActive.message).toBe(`Webhook ${id} is not activated, so there is nothing to deactivate`);
	});

	it('deletes an active webhook by deactivating it first (the default)', async () => {
		const webhook = mock.seed({ type: 'sent', targetUrl: TARGET, status: 'activated' });
		const { items } = await run(op('delete', { webhookId: String(webhook.id), deactivateFirst: true }));
		expect(items).toEqual([{ id: String(webhook.id), deleted: true, deactivated: true }]);
		expect(mock.webhooks()).toHaveLength(0);
		expect(mock.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
			`POST /webhooks/${webhook.id}/deactivate 200`,
			`DELETE /webhooks/${webhook.id} 204`,
		]);
	});

	it('deletes an inactive webhook with Deactivate First on, taking "not activated" in its stride', async () => {
		const webhook = mock.seed({ type: 'sent', targetUrl: TARGET, status: 'deactivated' });
		const { items } = await run(op('delete', { webhookId: String(webhook.id) }));
		expect(items).toEqual([{ id: String(webhook.id), deleted: true, deactivated: false }]);
		expect(mock.webhooks()).toHaveLength(0);
	});

	it('explains a delete of an active webhook with Deactivate First off', async () => {
		const webhook = mock.seed({ type: 'sent', targetUrl: TARGET, status: 'activated' });
		const error = await failure(op('delete', { webhookId: String(webhook.id), deactivateFirst: false }));
		expect(error.message).toBe(`Webhook ${webhook.id} is still activated: deactivate it first, or turn on "Deactivate First"`);
		expect(mock.webhooks()).toHaveLength(1);
	});

	it('verifies: the per-event results come back', async () => {
		const webhook = mock.seed({ type: 'open', targetUrl: 'http://127.0.0.1:9/unreachable' });
		const { items } = await run(op('verify', { webhookId: String(webhook.id), mailingId: '10230355206', numberOfEvents: 3 }));
		expect(items).toEqual([expect.objectContaining({ id: webhook.id, numberOfEvents: 3, httpStatusCode: 0, targetUrl: 'http://127.0.0.1:9/unreachable' })]);
		expect(mock.requests[0]).toMatchObject({ path: `/webhooks/${webhook.id}/verify`, query: { mailingId: '10230355206', numberOfEvents: '3' } });
	});

	it('checks Number of Events (1 to 100) and the mailing ID before calling', async () => {
		const webhook = mock.seed({ type: 'open', targetUrl: TARGET });
		const tooMany = await failure(op('verify', { webhookId: String(webhook.id), mailingId: '1', numberOfEvents: 101 }));
		expect(tooMany.message).toBe('Number of Events must be a whole number from 1 to 100, not 101');
		const noMailing = await failure(op('verify', { webhookId: String(webhook.id), mailingId: 'x', numberOfEvents: 1 }));
		expect(noMailing.message).toBe('The mailing ID must be a number, not "x"');
		expect(mock.requests).toHaveLength(0);
	});

	it('explains a type that cannot be verified', async () => {
		const webhook = mock.seed({ type: 'blocklist', targetUrl: TARGET });
		const error = await failure(op('verify', { webhookId: String(webhook.id), mailingId: '1', numberOfEvents: 1 }));
		expect(error.message).toMatch(/cannot verify webhook \d+: check that its event type can be verified/);
		expect(error.description).toBe('Optimizely Campaign said: Webhooks of type blocklist cannot be verified');
	});
});

describe('Optimizely Campaign: vendor errors a user can act on', () => {
	it('404: the webhook was not found for this client', async () => {
		const error = await failure(op('activate', { webhookId: '777' }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`Webhook 777 was not found for client ${mock.clientId}: it may have been deleted; Get Many lists the IDs`);
		expect((error as NodeApiError).httpCode).toBe('404');
	});

	it("409: another client's webhook", async () => {
		const foreign = mock.seed({ type: 'open', targetUrl: TARGET, clientId: mock.otherClientId });
		const error = await failure(op('deactivate', { webhookId: String(foreign.id) }));
		expect(error.message).toBe(
			`Webhook ${foreign.id} is not assigned to client ${mock.clientId}: it belongs to another client; check the client ID in the credential`,
		);
	});

	it('401: wrong API password, without the password in the error', async () => {
		const error = await failure(op('getAll', { returnAll: true }), { credentials: credentials(mock, { apiPassword: 'wrong-password-99' }) });
		expect(error.message).toBe('Optimizely Campaign did not accept the API user and password: check the Optimizely Campaign credential');
		expect(JSON.stringify({ m: error.message, d: error.description, c: error.context })).not.toContain('wrong-password-99');
	});

	it('403: a client the API user may not use', async () => {
		const error = await failure(op('getAll', { returnAll: true }), { credentials: credentials(mock, { clientId: '999' }) });
		expect(error.message).toMatch(/^The API user may not manage webhooks of client 999/);
	});

	it('429: waits as long as Retry-After says, then succeeds', async () => {
		mock.inject({ fault: { kind: 'status', status: 429, retryAfter: '1' }, path: /^\/webhooks$/ });
		const started = Date.now();
		const { items } = await run(op('getAll', { returnAll: true }));
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(items).toEqual([]);
		expect(mock.requests.map((request) => request.status)).toEqual([429, 200]);
	});

	it('429: a wait longer than a minute is not waited out; the error says how long', async () => {
		mock.inject({ fault: { kind: 'status', status: 429, retryAfter: '3600' } });
		const error = await failure(op('getAll', { returnAll: true }));
		expect(error.message).toBe('Optimizely Campaign is rate limiting this API user and asks to wait 3600 s: try again later');
		expect(mock.requests).toHaveLength(1);
	});

	it('429: gives up after three waits', async () => {
		mock.inject({ fault: { kind: 'status', status: 429, retryAfter: '0' }, times: 10 });
		const error = await failure(op('getAll', { returnAll: true }));
		expect(error.message).toMatch(/rate limiting this API user/);
		expect(mock.requests).toHaveLength(4);
	});

	it.each([500, 502, 503])('%d: a server error, with advice', async (status) => {
		mock.inject({ fault: { kind: 'status', status } });
		const error = await failure(op('getAll', { returnAll: true }));
		expect(error.message).toBe(
			`Optimizely Campaign had a server error (${status}) while listing the webhooks: try again later`,
		);
	});

	it('a hang: the call times out with a clear error', async () => {
		mock.inject({ fault: { kind: 'hang' } });
		const error = await failure(op('activate', { webhookId: '5', options: { timeout: 200 } }));
		expect(error.message).toBe('Optimizely Campaign did not answer within 200 ms while activating webhook 5: try again later');
	});

	it('a connection reset: a clear error', async () => {
		mock.inject({ fault: { kind: 'reset' } });
		const error = await failure(op('getAll', { returnAll: true }));
		expect(error.message).toBe(
			`Could not reach Optimizely Campaign at ${mock.baseUrl} while listing the webhooks: the connection failed or was dropped; check the base URL and the network, then try again`,
		);
	});

	it('a 200 with a malformed body: a clear error', async () => {
		mock.inject({ fault: { kind: 'malformed' } });
		const error = await failure(op('getAll', { returnAll: true }));
		expect(error.message).toBe('Optimizely Campaign answered 200 while listing the webhooks, with a body this node cannot read');
	});

	it('a credential with a client ID that is not a number', async () => {
		const error = await failure(op('getAll', { returnAll: true }), { credentials: credentials(mock, { clientId: 'acme' }) });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The client ID in the Optimizely Campaign credential must be a number');
	});
});

describe('Optimizely Campaign: Continue On Fail', () => {
	it("turns each failed item into an error item with the vendor's status and body, and goes on", async () => {
		const good = mock.seed({ type: 'open', targetUrl: TARGET });
		const { items, paired } = await run([op('activate', { webhookId: '404404' }), op('activate', { webhookId: String(good.id) })], {
			continueOnFail: true,
		});
		expect(items[0]).toEqual({
			error: `Webhook 404404 was not found for client ${mock.clientId}: it may have been deleted; Get Many lists the IDs`,
			description: 'Optimizely Campaign said: Webhook 404404 not found',
			status: 404,
			body: { status: 404, message: 'Webhook 404404 not found' },
		});
		expect(items[1]).toMatchObject({ id: good.id, status: 'activated' });
		expect(paired).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('keeps secrets out of error items', async () => {
		mock.inject({ fault: { kind: 'status', status: 400, body: { message: 'bad authentication {"password":"leaky-secret-9"}' } } });
		const { items } = await run(
			[op('create', { targetUrl: TARGET, eventType: 'open', authentication: 'basicAuth', basicAuthUser: 'u', basicAuthPassword: 'leaky-secret-9' })],
			{ continueOnFail: true },
		);
		expect(JSON.stringify(items)).not.toContain('leaky-secret-9');
		expect(items[0].description).toBe('Optimizely Campaign said: bad authentication {"password":"***"}');
	});
});

describe('Optimizely Campaign API credential', () => {
	const store = (overrides: IDataObject = {}) => credentials(mock, overrides).optimizelyCampaignApi;

	it('tests against GET /{clientId}/users/authenticated with HTTP Basic', async () => {
		const log: Parameters<typeof runCredentialTest>[1] = [];
		expect(await runCredentialTest(store(), log)).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(log[0].url).toBe(`${mock.baseUrl}/${mock.clientId}/users/authenticated`);
		expect(log[0].headers.authorization).toBe(`Basic ${Buffer.from(`${mock.user}:${mock.password}`).toString('base64')}`);
	});

	it('says what is wrong on 401 and 403', async () => {
		expect((await runCredentialTest(store({ apiPassword: 'nope' }))).message).toMatch(/API user or the API password is wrong/);
		expect((await runCredentialTest(store({ clientId: '31337' }))).message).toMatch(/may not use this client ID/);
	});

	it('uses the default base URL unless overridden', () => {
		const base = store().type.properties.find((property) => property.name === 'baseUrl');
		expect(base?.default).toBe('https://api.campaign.episerver.net/rest');
	});
});
