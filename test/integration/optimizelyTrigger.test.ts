/**
 * The Optimizely Campaign Trigger's webhook lifecycle against the local mock API, over real HTTP:
 * registration, idempotence, restarts that lose static data, rollback, removal, and faults.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { OptimizelyCampaign } from '../../nodes/OptimizelyCampaign/OptimizelyCampaign.node';
import { OptimizelyCampaignTrigger } from '../../nodes/OptimizelyCampaign/OptimizelyCampaignTrigger.node';
import { REGISTRATION_KEY, readRegistration } from '../../nodes/OptimizelyCampaign/events';
import { runAction, runLifecycle, type HookSetup } from '../helpers/execute';
import { basicAuthHeader, deliver } from '../helpers/webhook';
import type { FaultRule } from '../mocks/optimizelyApi';
import { PRODUCTION_URL, action, at, credentials, hook, useOptimizelyMock } from './optimizelySetup';

const trigger = new OptimizelyCampaignTrigger();
const mock = useOptimizelyMock();

const checkExists = (setup: HookSetup) => runLifecycle(trigger, 'checkExists', setup);
const create = (setup: HookSetup) => runLifecycle(trigger, 'create', setup);
const remove = (setup: HookSetup) => runLifecycle(trigger, 'delete', setup);

/** What n8n does on activation: create only when checkExists says there is nothing. */
async function activate(setup: HookSetup): Promise<void> {
	if (!(await checkExists(setup))) await create(setup);
}

async function rejection(work: Promise<unknown>): Promise<NodeApiError | NodeOperationError> {
	const error = await work.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error instanceof NodeApiError || error instanceof NodeOperationError).toBe(true);
	return error as NodeApiError | NodeOperationError;
}

const calls = () => mock.requests.map((request) => `${request.method} ${request.path.replace(/\d{6,}/g, ':id')} ${request.status}`);

const sentEvent = (id: string) => ({ type: 'sent', id, created: 1617108575391, mailId: 'M', recipientId: 'r@example.com', attempt: 1 });

/** Delivers one event to the trigger with the credentials a webhook at the mock would send. */
async function deliverAs(staticData: IDataObject, userName: string, password: string) {
	return await deliver(trigger, { parameters: { events: ['open', 'sent'] }, staticData }, {
		body: [sentEvent(`e-${Math.random()}`)],
		headers: { authorization: basicAuthHeader(userName, password) },
	});
}

describe('Optimizely Campaign Trigger: registration', () => {
	it('creates one json webhook per event type at the URL, with generated basic auth, and activates it', async () => {
		const staticData: IDataObject = {};
		const setup = hook(mock, staticData);
		expect(await checkExists(setup)).toBe(false);
		expect(await create(setup)).toBe(true);

		const webhooks = at(mock);
		expect(webhooks.map(({ type, status, format }) => ({ type, status, format }))).toEqual([
			{ type: 'open', status: 'activated', format: 'json' },
			{ type: 'sent', status: 'activated', format: 'json' },
		]);
		const registration = readRegistration(staticData)!;
		expect(registration.webhooks[PRODUCTION_URL]).toEqual({ open: String(webhooks[0].id), sent: String(webhooks[1].id) });
		expect(registration.basicAuth.password.length).toBeGreaterThanOrEqual(24);
		for (const webhook of webhooks) {
			expect(webhook.authentication).toEqual({ type: 'basicAuth', userName: registration.basicAuth.user, password: registration.basicAuth.password });
		}
		expect(mock.requests.filter((request) => request.form).every((request) => request.form!.format === 'json')).toBe(true);
		// checkExists had nothing in static data to check, so it called nothing; create lists once.
		expect(calls()).toEqual([
			'GET /webhooks 200',
			'POST /webhooks 201',
			'POST /webhooks/:id/activate 200',
			'POST /webhooks 201',
			'POST /webhooks/:id/activate 200',
		]);
	});

	it('generates a different user and password for each node', async () => {
		const first: IDataObject = {};
		const second: IDataObject = {};
		await create(hook(mock, first));
		await create(hook(mock, second, {}, `${PRODUCTION_URL}-2`));
		expect(readRegistration(first)!.basicAuth).not.toEqual(readRegistration(second)!.basicAuth);
	});

	it('is idempotent: a second activation finds the webhooks and creates nothing', async () => {
		const staticData: IDataObject = {};
		await activate(hook(mock, staticData));
		const before = mock.requests.length;
		await activate(hook(mock, staticData));
		expect(mock.requests.slice(before).map((request) => request.method)).toEqual(['GET']);
		expect(at(mock)).toHaveLength(2);
	});

	it('leaves webhooks at other URLs, of other clients and app connections alone', async () => {
		const others = [
			mock.seed({ type: 'open', targetUrl: 'https://elsewhere.example.com/hook', status: 'activated' }),
			mock.seed({ type: 'webhooknode', targetUrl: 'https://apps.example.com/node', status: 'activated' }),
			mock.seed({ type: 'open', targetUrl: PRODUCTION_URL, clientId: mock.otherClientId, status: 'activated' }),
		];
		const staticData: IDataObject = {};
		for (let cycle = 0; cycle < 5; cycle++) {
			await activate(hook(mock, staticData));
			expect(at(mock)).toHaveLength(2);
			await remove(hook(mock, staticData));
			expect(at(mock)).toHaveLength(0);
		}
		expect(mock.webhooks().concat(mock.webhooks(mock.otherClientId))).toEqual(others);
		expect(staticData[REGISTRATION_KEY]).toBeUndefined();
	});

	it('deactivates, then deletes, every webhook it owns; one already gone is fine', async () => {
		const staticData: IDataObject = {};
		await activate(hook(mock, staticData));
		const [open, sent] = at(mock);
		// Someone deleted one webhook and deactivated the other behind the trigger's back.
		const manage = (operation: string, id: number) =>
			runAction(new OptimizelyCampaign(), action(mock, { resource: 'webhook', operation, webhookId: String(id) }));
		await manage('delete', open.id);
		await manage('deactivate', sent.id);
		mock.requests.length = 0;

		expect(await remove(hook(mock, staticData))).toBe(true);
		expect(at(mock)).toHaveLength(0);
		expect(staticData[REGISTRATION_KEY]).toBeUndefined();
		// The gone one is tried from static data (404 is fine); the listed, inactive one is just deleted.
		expect(calls()).toEqual(['GET /webhooks 200', 'POST /webhooks/:id/deactivate 404', 'DELETE /webhooks/:id 204']);
	});

	it('refuses a non-HTTPS or local URL with the reason and what Optimizely needs, and calls nothing', async () => {
		for (const url of ['http://n8n.example.com/webhook/x/webhook', 'https://localhost:5678/webhook/x/webhook']) {
			const error = await rejection(create(hook(mock, {}, {}, url)));
			expect(error).toBeInstanceOf(NodeOperationError);
			// n8n 2.x shows an activation error's message only, so what to do is in it.
			expect(error.message).toMatch(
				new RegExp(`^Could not register the Optimizely Campaign webhooks \\(open, sent\\): Optimizely Campaign cannot deliver to ${url.replace(/[.?]/g, '\\$&')}: it uses`),
			);
			expect(error.message).toMatch(/HTTPS URL on port 443 that accepts POST requests from 193\.169\.180\.1/);
			expect(error.message).toMatch(/Allow Insecure URL \(Testing Only\)"\. No events arrive until the workflow is published again with this fixed\.$/);
			expect(error.description).toBeUndefined();
		}
		expect(mock.requests).toHaveLength(0);
	});

	it('registers a local URL when "Allow Insecure URL (Testing Only)" is on', async () => {
		const url = 'http://127.0.0.1:5678/webhook/x/webhook';
		expect(await create(hook(mock, {}, { options: { allowInsecureUrl: true } }, url))).toBe(true);
		expect(at(mock, url)).toHaveLength(2);
	});

	it('a wrong API password stops the registration with what to do, never the password, and registers nothing', async () => {
		const setup = hook(mock, {});
		setup.credentials = credentials(mock, { apiPassword: 'wrong-password-5c1e' });
		const error = await rejection(activate(setup));
		// n8n 2.x shows the message alone ("Workflow could not be published"), so it says it all.
		expect(error.message).toBe(
			'Could not register the Optimizely Campaign webhooks (open, sent): Optimizely Campaign did not accept the API user and password: check the Optimizely Campaign credential. Optimizely Campaign said: Unauthorized. Nothing was left registered. No events arrive until the workflow is published again with this fixed.',
		);
		expect(JSON.stringify(error) + error.message).not.toContain('wrong-password-5c1e');
		expect(mock.requests.filter((request) => request.method !== 'GET')).toEqual([]);
	});

	it('says to listen again when the registration for a test event fails', async () => {
		const setup = { ...hook(mock, {}), activationMode: 'manual' as const };
		setup.credentials = credentials(mock, { apiPassword: 'wrong-password-5c1e' });
		const error = await rejection(activate(setup));
		expect(error.message).toMatch(/^Could not register the Optimizely Campaign webhooks \(open, sent\): .* Fix this, then listen for a test event again\.$/);
	});

	it('asks for at least one event type', async () => {
		const error = await rejection(create(hook(mock, {}, { events: [] })));
		expect(error.message).toBe(
			'Could not register the Optimizely Campaign webhooks: Choose at least one event type. Each event type becomes one webhook in Optimizely Campaign. No events arrive until the workflow is published again with this fixed.',
		);
	});
});

describe('Optimizely Campaign Trigger: repairs instead of duplicating', () => {
	it('a restart that lost static data adopts the webhooks: no duplicate, and new credentials are sent', async () => {
		const staticData: IDataObject = {};
		await activate(hook(mock, staticData));
		const ids = at(mock).map((webhook) => webhook.id);
		const old = readRegistration(staticData)!.basicAuth;

		const restarted: IDataObject = {};
		await activate(hook(mock, restarted));
		expect(at(mock).map((webhook) => webhook.id)).toEqual(ids);
		expect(at(mock).every((webhook) => webhook.status === 'activated')).toBe(true);
		expect(mock.requests.filter((request) => request.method === 'POST' && request.path === '/webhooks')).toHaveLength(2);

		const fresh = readRegistration(restarted)!.basicAuth;
		expect(fresh).not.toEqual(old);
		expect(at(mock)[0].authentication).toMatchObject({ userName: fresh.user, password: fresh.password });
		expect((await deliverAs(restarted, fresh.user, fresh.password)).status).toBe(200);
		expect((await deliverAs(restarted, old.user, old.password)).status).toBe(401);
	});

	it('a restart that lost static data still removes everything on deactivation', async () => {
		await activate(hook(mock, {}));
		expect(await remove(hook(mock, {}))).toBe(true);
		expect(at(mock)).toHaveLength(0);
	});

	it('re-activates a webhook someone deactivated, and removes strays and duplicates at its URL', async () => {
		const staticData: IDataObject = {};
		await activate(hook(mock, staticData));
		const [open] = at(mock);
		await runAction(new OptimizelyCampaign(), action(mock, { resource: 'webhook', operation: 'deactivate', webhookId: String(open.id) }));
		mock.seed({ type: 'sent', targetUrl: PRODUCTION_URL, status: 'activated' });
		mock.seed({ type: 'click', targetUrl: PRODUCTION_URL, status: 'deactivated' });
		mock.requests.length = 0;

		await activate(hook(mock, staticData));
		expect(at(mock).map(({ type, status }) => `${type} ${status}`)).toEqual(['open activated', 'sent activated']);
		expect(at(mock)[0].id).toBe(open.id);
		expect(mock.requests.some((request) => request.method === 'POST' && request.path === '/webhooks')).toBe(false);
	});

	it('a create lost in transit (done, but the answer timed out) is found, not repeated', async () => {
		mock.inject({ fault: { kind: 'hang' }, method: 'POST', path: /^\/webhooks$/, phase: 'after' });
		await create(hook(mock, {}));
		expect(at(mock).map((webhook) => webhook.type)).toEqual(['open', 'sent']);
		expect(mock.requests.filter((request) => request.method === 'POST' && request.path === '/webhooks')).toHaveLength(2);
	});

	it('test and production URLs are registered apart: ending a test leaves production working', async () => {
		const staticData: IDataObject = {};
		const testUrl = PRODUCTION_URL.replace('/webhook/', '/webhook-test/');
		await activate(hook(mock, staticData));
		await activate(hook(mock, staticData, {}, testUrl));
		expect(at(mock, testUrl)).toHaveLength(2);
		await remove(hook(mock, staticData, {}, testUrl));

		expect(at(mock, testUrl)).toHaveLength(0);
		expect(at(mock).map((webhook) => webhook.status)).toEqual(['activated', 'activated']);
		const { user, password } = readRegistration(staticData)!.basicAuth;
		expect((await deliverAs(staticData, user, password)).status).toBe(200);
		expect(await checkExists(hook(mock, staticData))).toBe(true);
	});
});

describe('Optimizely Campaign Trigger: a create that fails half-way', () => {
	const types = { events: ['open', 'sent', 'click'] };

	it('undoes what it did when the second create is refused, and throws one clear error', async () => {
		const staticData: IDataObject = {};
		mock.inject({
			fault: { kind: 'status', status: 400, body: { message: 'The webhook limit of this client is reached' } },
			method: 'POST',
			path: /^\/webhooks$/,
			skip: 1,
		});
		const error = await rejection(create(hook(mock, staticData, types)));

		expect(error.message).toBe(
			'Could not register the Optimizely Campaign webhooks (open, sent, click): Optimizely Campaign refused the webhook: check the target URL (HTTPS on port 443), the event type and the authentication. Optimizely Campaign said: The webhook limit of this client is reached. Nothing was left registered. No events arrive until the workflow is published again with this fixed.',
		);
		expect(error.description).toBeUndefined();
		expect(at(mock)).toHaveLength(0);
		expect(staticData[REGISTRATION_KEY]).toBeUndefined();
		expect(calls().slice(-3)).toEqual(['GET /webhooks 200', 'POST /webhooks/:id/deactivate 200', 'DELETE /webhooks/:id 204']);
	});

	it('undoes what it did when an activation keeps failing', async () => {
		mock.inject({ fault: { kind: 'status', status: 500 }, method: 'POST', path: /activate$/, skip: 1, times: 3 });
		const error = await rejection(create(hook(mock, {}, types)));
		expect(error.message).toMatch(
			/^Could not register the Optimizely Campaign webhooks \(open, sent, click\): Optimizely Campaign had a server error \(500\) while activating webhook \d+: .*Nothing was left registered\. No events arrive until the workflow is published again with this fixed\.$/,
		);
		expect(at(mock)).toHaveLength(0);
	});

	it('says which webhooks it could not remove when the undo fails too', async () => {
		mock.inject({ fault: { kind: 'status', status: 400 }, method: 'POST', path: /^\/webhooks$/, skip: 1 });
		mock.inject({ fault: { kind: 'status', status: 503 }, method: 'DELETE', times: 10 });
		const error = await rejection(create(hook(mock, {}, types)));
		expect(error.message).toMatch(
			/^Could not register the Optimizely Campaign webhooks \(open, sent, click\): .*\. Also, 1 Optimizely Campaign webhook\(s\) could not be removed: \d+ \(Optimizely Campaign had a server error \(503\) while deleting webhook \d+/,
		);
		expect(error.message).toMatch(/Deactivate the workflow again to retry .*No events arrive until the workflow is published again with this fixed\.$/);
		// Deactivated, at least, so nothing is delivered; the next activation adopts or removes it.
		expect(at(mock).map((webhook) => webhook.status)).toEqual(['deactivated']);
	});
});

describe('Optimizely Campaign Trigger and node together: Verify reaches the trigger', () => {
	let server: Server;
	let url: string;
	const staticData: IDataObject = {};
	const received: Array<{ status?: number; items?: IDataObject[] }> = [];

	beforeAll(async () => {
		// Stands in for n8n's webhook endpoint: every POST goes through the trigger's webhook().
		server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const headers = { 'content-type': req.headers['content-type'] ?? '', authorization: req.headers.authorization ?? '' };
				void deliver(trigger, { parameters: { events: ['open', 'sent'] }, staticData }, { rawBody: Buffer.concat(chunks), headers }).then((result) => {
					received.push({ status: result.status, items: result.items });
					res.writeHead(result.status ?? 200, { 'Content-Type': 'application/json' });
					res.end(JSON.stringify(result.body));
				});
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/verify-node/webhook`;
	});
	afterAll(async () => {
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});

	it('registered credentials are accepted, and the test events become items', async () => {
		const setup = hook(mock, staticData, { options: { allowInsecureUrl: true } }, url);
		await activate(setup);
		const sent = at(mock, url).find((webhook) => webhook.type === 'sent')!;
		const [results] = await runAction(
			new OptimizelyCampaign(),
			action(mock, { resource: 'webhook', operation: 'verify', webhookId: String(sent.id), mailingId: '10230355206', numberOfEvents: 5 }),
		);
		expect(results.map((item) => item.json)).toEqual([expect.objectContaining({ httpStatusCode: 200, numberOfEvents: 5 })]);
		expect(received).toHaveLength(1);
		expect(received[0].items).toHaveLength(5);
		expect(received[0].items!.every((item) => item.eventName === 'sent' && item.mailingId === 10230355206)).toBe(true);
		await remove(setup);
		expect(at(mock, url)).toHaveLength(0);
	});
});

describe('Optimizely Campaign Trigger: 50 activation cycles with faults', () => {
	/** Faults by cycle: most are ridden out by retries, some make a cycle fail; each must fail clearly. */
	const FAULTS: Record<number, FaultRule[]> = {
		1: [{ fault: { kind: 'status', status: 503 }, method: 'POST', path: /^\/webhooks$/ }],
		2: [{ fault: { kind: 'status', status: 429, retryAfter: '0' }, method: 'GET', times: 2 }],
		3: [{ fault: { kind: 'hang' }, method: 'POST', path: /activate$/ }],
		4: [{ fault: { kind: 'status', status: 500 }, method: 'DELETE' }],
		5: [{ fault: { kind: 'hang' }, method: 'POST', path: /^\/webhooks$/, phase: 'after' }],
		6: [{ fault: { kind: 'reset' }, method: 'POST', path: /deactivate$/ }],
		7: [{ fault: { kind: 'malformed' }, method: 'GET' }],
		// Persistent: the create fails and must roll back.
		8: [{ fault: { kind: 'status', status: 500 }, method: 'POST', path: /^\/webhooks$/, skip: 1, times: 3 }],
		// Persistent: the removal fails; the next cycle must clean up.
		9: [{ fault: { kind: 'status', status: 503, retryAfter: '0' }, method: 'DELETE', times: 6 }],
		0: [{ fault: { kind: 'status', status: 429, retryAfter: '0' }, method: 'POST', path: /^\/webhooks$/, times: 4 }],
	};
	const UNCLEAR = /fetch failed|Request failed with status code|undefined|\[object Object\]|^Error$/;

	it('leaves zero webhooks owned by the node, never duplicates, and every error is clear', async () => {
		const staticData: IDataObject = {};
		const setup = () => hook(mock, staticData, { events: ['open', 'sent', 'bounce'], options: { apiTimeout: 150 } });
		const errors: Array<{ cycle: number; phase: string; message: string }> = [];
		let injected = 0;
		let mostAtOnce = 0;
		let delivered = 0;

		for (let cycle = 0; cycle < 50; cycle++) {
			// The first and the last cycle run clean: the last shows what the faulted ones left behind.
			for (const rule of cycle === 0 || cycle === 49 ? [] : FAULTS[cycle % 10]) {
				mock.inject(rule);
				injected++;
			}
			for (const [phase, step] of [
				['activate', () => activate(setup())],
				['deliver', async () => {
					const registration = readRegistration(staticData);
					if (!registration) return;
					const { status } = await deliverAs(staticData, registration.basicAuth.user, registration.basicAuth.password);
					expect(status).toBe(200);
					delivered++;
				}],
				['deactivate', () => remove(setup())],
			] as const) {
				try {
					await step();
				} catch (error) {
					expect(error instanceof NodeApiError || error instanceof NodeOperationError).toBe(true);
					const message = (error as Error).message;
					expect(message).toMatch(/Optimizely Campaign/);
					expect(message).not.toMatch(UNCLEAR);
					expect(message).not.toContain(readRegistration(staticData)?.basicAuth.password ?? 'no password');
					expect(message).not.toContain(mock.password);
					errors.push({ cycle, phase, message });
				}
				mostAtOnce = Math.max(mostAtOnce, at(mock).length);
			}
			mock.clearFaults();
		}

		expect(at(mock)).toHaveLength(0);
		expect(mostAtOnce).toBeLessThanOrEqual(3);
		// Cycles ending in 8 fail to activate, those ending in 9 (49 aside) fail to deactivate; all else recovers.
		expect(errors.map(({ cycle, phase }) => `${cycle % 10} ${phase}`).sort()).toEqual(
			[...Array(5).fill('8 activate'), ...Array(4).fill('9 deactivate')].sort(),
		);
		expect(delivered).toBeGreaterThanOrEqual(45);
		// Figures for the record.
		process.stdout.write(
			`50 cycles: ${injected} fault rules injected, ${mock.requests.length} API calls, ${mock.requests.filter((r) => r.fault).length} faulted, ${errors.length} clear errors, ${delivered} deliveries accepted, ${at(mock).length} webhooks left\n`,
		);
	}, 60_000);
});
