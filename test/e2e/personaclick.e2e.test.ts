import { N8n, describeBuilt, itemsOf, loadExample, post, simulate, simulatorExamples, variant } from './support/n8n';

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
