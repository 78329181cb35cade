import { N8n, describeBuilt, failingAfter, itemsOf, loadExample, post, simulate, simulatorExamples, variant } from './support/n8n';

const TRIGGER = 'Prodege Trigger';
const SECRET = 'e2e-prodege-secret-2b7d';
const examples = simulatorExamples('prodege');

describeBuilt('prodegeTrigger', 'Prodege Trigger in a real n8n', () => {
	const n8n = new N8n();
	const example = loadExample('prodege-trigger.json');
	let credentials: Record<string, { id: string; name: string }>;

	beforeAll(async () => {
		credentials = { prodegeApi: await n8n.createCredential('Prodege e2e', 'prodegeApi', { apik: 'e2e-apik', secretKey: SECRET, environment: 'production' }) };
	});

	describe('signed deliveries, answered at once', () => {
		let workflow: { id: string; url: string };
		beforeAll(async () => {
			workflow = await n8n.deploy(variant(example, 'e2e Prodege signed'), credentials);
		});

		it.each([
			['form', '0'],
			['json', '1'],
		])('answers 200 {success:true} to signed %s deliveries and emits each event once', async (format, offset) => {
			const before = (await n8n.executions(workflow.id)).length;
			const count = Object.keys(examples).length;
			const answers = simulate('prodege', 'all', workflow.url, ['--count', String(count), '--offset', offset, '--secret', SECRET, '--format', format]);
			for (const answer of answers) expect(answer).toMatchObject({ status: 200, body: { success: true } });
			const executions = (await n8n.settledExecutions(workflow.id, before + count)).slice(before);
			expect(executions).toHaveLength(count);
			const items = executions.map((execution) => itemsOf(execution, TRIGGER));
			for (const emitted of items) expect(emitted).toHaveLength(1);
			expect(items.flat().map((item) => item.status).sort()).toEqual(['COMPLETE', 'PAUSED']);
		});

		it('answers 400 to a bad signature and starts no execution', async () => {
			const before = (await n8n.executions(workflow.id)).length;
			const [answer] = simulate('prodege', 'project_status.paused', workflow.url, ['--secret', 'not-the-secret', '--count', '3']);
			expect(answer.status).toBe(400);
			expect(answer.body).toMatchObject({ success: false });
			const unsigned = await post(workflow.url, `data=${encodeURIComponent(JSON.stringify(examples['project_status.paused']))}`, {
				'content-type': 'application/x-www-form-urlencoded',
			});
			expect(unsigned.status).toBe(400);
			expect(await n8n.settledExecutions(workflow.id, before)).toHaveLength(before);
		});
	});

	describe('answering when the workflow finishes, with a workflow that fails', () => {
		let workflow: { id: string; url: string };
		beforeAll(async () => {
			workflow = await n8n.deploy(failingAfter(example, 'e2e Prodege failing', { responseMode: 'lastNode' }), credentials);
		});

		it('answers 500 so Prodege resends, and the resend runs again', async () => {
			const first = simulate('prodege', 'project_status.paused', workflow.url, ['--secret', SECRET]);
			const resend = simulate('prodege', 'project_status.paused', workflow.url, ['--secret', SECRET]);
			expect([first[0].status, resend[0].status]).toEqual([500, 500]);
			const executions = await n8n.settledExecutions(workflow.id, 2);
			expect(executions).toHaveLength(2);
			for (const execution of executions) {
				expect(execution.status).toBe('error');
				expect(itemsOf(execution, TRIGGER)).toEqual([expect.objectContaining({ event_id: examples['project_status.paused'].event_id })]);
			}
		});
	});
});
