import { type PersonaclickMock, startPersonaclickMock } from '../mocks/personaclickApi';
import { N8n, describeBuilt, itemsOf, loadExample, n8nMajor, post, simulate, simulatorExamples, variant } from './support/n8n';

const TRIGGER = 'Personaclick Trigger';
const TOKEN = 'e2e-personaclick-token-7f3a';
const USER = 'personaclick';
const PASSWORD = 'e2e-personaclick-password-91c2';

/** The vendor's published examples, as the simulator sends them. */
const examples = simulatorExamples('personaclick');

describeBuilt('personaclickTrigger', 'Personaclick Trigger in a real n8n', () => {
	const n8n = new N8n();
	const example = loadExample('personaclick-trigger.json');
	let token: { webhookSharedSecretApi: { id: string; name: string } };
	let basicAuth: { webhookBasicAuthApi: { id: string; name: string } };

	beforeAll(async () => {
		token = {
			webhookSharedSecretApi: await n8n.createCredential('Personaclick token', 'webhookSharedSecretApi', { secret: TOKEN, location: 'query', name: 'token' }),
		};
		basicAuth = { webhookBasicAuthApi: await n8n.createCredential('Personaclick basic auth', 'webhookBasicAuthApi', { user: USER, password: PASSWORD }) };
	});

	describe('with a token in the query (the demo workflow)', () => {
		let workflow: { id: string; url: string };
		beforeAll(async () => {
			workflow = await n8n.deploy(variant(example, 'e2e Personaclick token'), token);
		});

		it('answers 200 to each published example and runs once per event with exactly that event', async () => {
			const answers = simulate('personaclick', 'all', workflow.url, ['--count', String(Object.keys(examples).length), '--secret', TOKEN]);
			expect(answers.map((answer) => answer.status)).toEqual(Object.keys(examples).map(() => 200));
			for (const answer of answers) expect(answer.body).toMatchObject({ success: true, received: 1, emitted: 1 });

			const executions = await n8n.settledExecutions(workflow.id, answers.length);
			expect(executions).toHaveLength(answers.length);
			const emitted = executions.map((execution) => {
				expect(execution.status).toBe('success');
				const items = itemsOf(execution, TRIGGER);
				expect(items).toHaveLength(1);
				return items[0];
			});
			// Executions may finish in any order: match them up by the event key.
			expect(emitted.map(({ eventKey, ...fields }) => ({ ...fields, eventKey: typeof eventKey }))).toEqual(
				expect.arrayContaining(Object.values(examples).map((event) => ({ ...event, eventName: event.operation, eventKey: 'string' }))),
			);
			// The demo's second node ran on each item.
			const summaries = executions.map((execution) => itemsOf(execution, 'Summarise')[0]?.summary);
			expect(summaries).toContain("Personaclick import_products ended: error (Product ID 100500 doesn't have a picture link.)");
		});

		it('answers 200 to a resend of an event already emitted, and starts no execution', async () => {
			const before = (await n8n.executions(workflow.id)).length;
			const [answer] = simulate('personaclick', 'bulk_campaign.spam', workflow.url, ['--secret', TOKEN]);
			expect(answer.status).toBe(200);
			expect(answer.body).toMatchObject({ success: true, emitted: 0, duplicates: 1 });
			expect(await n8n.settledExecutions(workflow.id, before)).toHaveLength(before);
		});

		it('emits a status spelled "succes" as "success"', async () => {
			const before = (await n8n.executions(workflow.id)).length;
			const event = { status: 'succes', segment_id: 777001, operation: 'segment_recalculated_rfm' };
			const answer = await post(`${workflow.url}?token=${TOKEN}`, JSON.stringify(event));
			expect(answer.status).toBe(200);
			const executions = await n8n.settledExecutions(workflow.id, before + 1);
			expect(executions).toHaveLength(before + 1);
			expect(itemsOf(executions[executions.length - 1], TRIGGER)).toEqual([
				expect.objectContaining({ status: 'success', segment_id: '777001', operation: 'segment_recalculated_rfm' }),
			]);
		});
	});

	describe('rejections start no execution', () => {
		let workflow: { id: string; url: string };
		beforeAll(async () => {
			workflow = await n8n.deploy(variant(example, 'e2e Personaclick rejections'), token);
		});

		it('answers 401 to a wrong token and to no token', async () => {
			const [wrong] = simulate('personaclick', 'import_products.success', workflow.url, ['--secret', 'not-the-token']);
			expect(wrong.status).toBe(401);
			const [none] = simulate('personaclick', 'import_products.success', workflow.url);
			expect(none.status).toBe(401);
			expect(none.body).toEqual({ success: false, error: 'Unauthorized' });
		});

		it('answers 400 to an event that breaks the documented shape', async () => {
			const answer = await post(`${workflow.url}?token=${TOKEN}`, JSON.stringify({ status: 'error', operation: 'import_products' }));
			expect(answer.status).toBe(400);
			expect(answer.body).toMatchObject({ success: false, received: 1, emitted: 0 });
		});

		it('is refused by n8n itself (422) when the JSON is truncated', async () => {
			const answer = await post(`${workflow.url}?token=${TOKEN}`, '{"status":"success","task_id":');
			expect(answer.status).toBe(422);
		});

		it('has no execution after all of them', async () => {
			expect(await n8n.settledExecutions(workflow.id, 0)).toHaveLength(0);
		});
	});

	describe('with basic auth', () => {
		let workflow: { id: string; url: string };
		beforeAll(async () => {
			workflow = await n8n.deploy(variant(example, 'e2e Personaclick basic auth', { authentication: 'basicAuth' }), basicAuth);
		});

		it('answers 401 with a challenge to a wrong password, and starts no execution', async () => {
			const [answer] = simulate('personaclick', 'import_segment.success', workflow.url, ['--user', USER, '--password', 'wrong-password-123']);
			expect(answer.status).toBe(401);
			const unauthenticated = await post(workflow.url, JSON.stringify(examples['import_segment.success']));
			expect(unauthenticated.status).toBe(401);
			expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
			expect(await n8n.settledExecutions(workflow.id, 0)).toHaveLength(0);
		});

		it('runs the workflow for the right user and password', async () => {
			const [answer] = simulate('personaclick', 'import_segment.success', workflow.url, ['--user', USER, '--password', PASSWORD]);
			expect(answer.status).toBe(200);
			const executions = await n8n.settledExecutions(workflow.id, 1);
			expect(executions).toHaveLength(1);
			expect(itemsOf(executions[0], TRIGGER)).toEqual([expect.objectContaining(examples['import_segment.success'])]);
		});
	});

	describe('answering when the last node finishes', () => {
		let workflow: { id: string; url: string };
		beforeAll(async () => {
			workflow = await n8n.deploy(variant(example, 'e2e Personaclick last node', { responseMode: 'lastNode' }), token);
		});

		it('answers 200 after the run, and a resend runs again (no dedupe in this mode)', async () => {
			const first = simulate('personaclick', 'bulk_campaign.failed', workflow.url, ['--secret', TOKEN]);
			const again = simulate('personaclick', 'bulk_campaign.failed', workflow.url, ['--secret', TOKEN]);
			expect([first[0].status, again[0].status]).toEqual([200, 200]);
			const executions = await n8n.settledExecutions(workflow.id, 2);
			expect(executions).toHaveLength(2);
			for (const execution of executions) {
				expect(itemsOf(execution, TRIGGER)).toEqual([expect.objectContaining(examples['bulk_campaign.failed'])]);
			}
		});
	});
});

describeBuilt('personaclick', 'Personaclick node in a real n8n: a product import whose end reaches the Personaclick Trigger', () => {
	const n8n = new N8n();
	let mock: PersonaclickMock;
	let trigger: { id: string; url: string };
	let apiCredential: { id: string; name: string };

	beforeAll(async () => {
		mock = await startPersonaclickMock({ jobMs: 300 });
		apiCredential = await n8n.createCredential('Personaclick mock', 'personaclickApi', mock.credentialData());
		const token = await n8n.createCredential('Personaclick loop token', 'webhookSharedSecretApi', { secret: TOKEN, location: 'query', name: 'token' });
		trigger = await n8n.deploy(variant(loadExample('personaclick-trigger.json'), 'e2e Personaclick loop trigger'), { webhookSharedSecretApi: token });
	});

	afterAll(async () => {
		await mock?.stop();
	});

	it('imports the example’s products in one PUT, and the trigger emits the job’s end with the job ID the node emitted', async () => {
		const workflow = loadExample('personaclick-product-import.json');
		const action = workflow.nodes.find((node) => node.type.endsWith('.personaclick'))!;
		action.parameters = { ...action.parameters, notifyUrl: `${trigger.url}?token=${TOKEN}` };
		action.credentials = { personaclickApi: apiCredential };
		const run = await n8n.execute(await n8n.create({ ...workflow, name: 'e2e Personaclick import' }));

		const [queued] = itemsOf(run, action.name);
		expect(queued).toMatchObject({ resource: 'product', operation: 'import', method: 'PUT', queued: true, records: 3, batch: 1, batches: 1, callbackOperation: 'import_products' });
		const jobId = String(queued.jobId);
		const puts = mock.requests.filter((request) => request.path === '/import/products');
		expect(puts.map((request) => [request.method, request.status])).toEqual([['PUT', 204]]);
		expect(puts[0].body).toMatchObject({ shop_id: mock.shopId, shop_secret: mock.shopSecret });
		expect((puts[0].body?.items as Array<{ id: string; price: number }>).map((item) => [item.id, item.price])).toEqual([
			['BIKE-100', 499.9],
			['BIKE-101', 199],
			['HELMET-7', 39],
		]);
		const webhook = new URL(String(puts[0].body?.webhook));
		expect(Object.fromEntries(webhook.searchParams)).toEqual({ token: TOKEN, operation: 'import_products', job_id: jobId });

		await mock.callbacksSettled();
		expect(mock.callbacks).toEqual([{ url: webhook.toString(), body: { status: 'success' }, status: 200 }]);
		const executions = await n8n.settledExecutions(trigger.id, 1);
		expect(executions).toHaveLength(1);
		expect(itemsOf(executions[0], TRIGGER)).toEqual([
			expect.objectContaining({ status: 'success', operation: 'import_products', job_id: jobId, eventName: 'import_products', eventKey: `import_products|job_id=${jobId}` }),
		]);
		expect(itemsOf(executions[0], 'Summarise')[0]?.summary).toBe('Personaclick import_products ended: success');
		expect([...mock.products.keys()]).toEqual(['BIKE-100', 'BIKE-101', 'HELMET-7']);
	});

	it('tests the Personaclick API credential in n8n: OK with the right keys, and tells a wrong secret from a wrong shop', async () => {
		const test = async (label: string, data: Record<string, string>) => {
			const created = await n8n.createCredential(`Personaclick credential test ${label}`, 'personaclickApi', data);
			const answer = (await n8n.request('POST', '/rest/credentials/test', { credentials: { id: created.id, name: created.name, type: 'personaclickApi', data } }, 'cookie')) as {
				data?: { status: string; message: string };
			};
			return answer.data ?? answer;
		};
		const before = mock.requests.length;
		expect(await test('right', mock.credentialData())).toMatchObject({ status: 'OK' });
		const [listing] = mock.requests.slice(before);
		expect([listing.method, listing.path, listing.query]).toEqual(['GET', '/segments/get', { shop_id: mock.shopId, shop_secret: mock.shopSecret }]);
		// n8n 1.x answers a credential test's 401 and 400 with its own words, without the credential's rules.
		const [wrongSecret, wrongShop] =
			n8nMajor() >= 2
				? [/refused the shop secret \(HTTP 401\)/, /does not know this shop ID \(HTTP 400\)/]
				: [/^Authorization failed - please check your credentials$/, /^Bad request - please check your parameters$/];
		expect(await test('wrong secret', { ...mock.credentialData(), shopSecret: 'wrong-secret-123' })).toEqual({ status: 'Error', message: expect.stringMatching(wrongSecret) });
		expect(await test('wrong shop', { ...mock.credentialData(), shopId: 'another-shop' })).toEqual({ status: 'Error', message: expect.stringMatching(wrongShop) });
	});

	it('adds a contact to a static segment form-encoded, as documented, and then finds it there', async () => {
		const example = loadExample('personaclick-product-import.json');
		const start = example.nodes[0];
		const segment = { __rl: true, mode: 'id', value: '101' };
		const contact = { resource: 'segment', segment, contactBy: 'email', email: 'e2e@example.com' };
		const node = (name: string, operation: string, x: number) => ({
			parameters: { ...contact, operation },
			id: `6f0c3d52-9a51-4f43-8f43-0d1f7e2a12${x}`,
			name,
			type: 'n8n-nodes-vendor-webhooks.personaclick',
			typeVersion: 1,
			position: [x * 240, 0],
			credentials: { personaclickApi: apiCredential },
		});
		const workflow = {
			name: 'e2e Personaclick segment',
			nodes: [start, node('Add', 'addContact', 1), node('Check', 'checkContact', 2)],
			connections: {
				[start.name]: { main: [[{ node: 'Add', type: 'main', index: 0 }]] },
				Add: { main: [[{ node: 'Check', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const before = mock.requests.length;
		const run = await n8n.execute(await n8n.create(workflow));
		expect(itemsOf(run, 'Add')).toEqual([{ segmentId: '101', email: 'e2e@example.com', added: true }]);
		expect(itemsOf(run, 'Check')).toEqual([{ segmentId: '101', email: 'e2e@example.com', included: true }]);
		const [add, check] = mock.requests.slice(before);
		expect([add.method, add.path, add.contentType, add.body]).toEqual([
			'POST',
			'/segments/add',
			expect.stringMatching(/^application\/x-www-form-urlencoded/),
			{ shop_id: mock.shopId, shop_secret: mock.shopSecret, segment_id: '101', email: 'e2e@example.com' },
		]);
		expect([check.method, check.path, check.query]).toEqual(['GET', '/segments/includes', { shop_id: mock.shopId, shop_secret: mock.shopSecret, segment_id: '101', email: 'e2e@example.com' }]);
	});

	it('drops a resend of the same job’s callback: no second execution', async () => {
		const [callback] = mock.callbacks;
		const answer = await post(callback.url, JSON.stringify(callback.body));
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ success: true, emitted: 0, duplicates: 1 });
		expect(await n8n.settledExecutions(trigger.id, 1)).toHaveLength(1);
	});
});
