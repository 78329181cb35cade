import { createHash } from 'crypto';

import { N8n, describeBuilt, failingAfter, itemsOf, loadExample, post, simulate, simulatorExamples, variant } from './support/n8n';

const TRIGGER = 'Prodege Trigger';
const SECRET = 'e2e-prodege-secret-2b7d';
const examples = simulatorExamples('prodege');

/** Prodege's documented recipe over data alone, written out apart from the node and the simulator. */
const sign = (data: string, secret = SECRET) => createHash('sha256').update(`${secret}:data=${data}`, 'utf8').digest('base64url');
const signedForm = (data: string) => `data=${encodeURIComponent(data)}&signature=${encodeURIComponent(sign(data))}`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

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
			// Both webhooks' examples: two status updates and two Real Time Pricing events.
			expect(items.flat().map((item) => `${String(item.eventName)} ${String(item.status ?? item.project_status)}`).sort()).toEqual([
				'projectStatusUpdate COMPLETE',
				'projectStatusUpdate PAUSED',
				'realTimePricing LIVE',
				'realTimePricing PAUSED',
			]);
		});

		it('emits a status update whose reason and status Prodege has not documented, every field kept', async () => {
			const before = (await n8n.executions(workflow.id)).length;
			const data = JSON.stringify({
				...examples['project_status.paused'],
				event_id: '644b075404443f2a3c77e2e1',
				status: 'ON_HOLD',
				update_reason: 161,
				description: 'DISABLED_BY_CPI_REALITY_CHECK',
				required_cpi: '3.10',
				rejection_note: 'Rejected by the client',
			});
			const answer = await post(workflow.url, signedForm(data), FORM);
			expect(answer).toMatchObject({ status: 200, body: { success: true } });
			const [execution] = (await n8n.settledExecutions(workflow.id, before + 1)).slice(before);
			expect(itemsOf(execution, TRIGGER)).toEqual([
				expect.objectContaining({
					event_id: '644b075404443f2a3c77e2e1',
					status: 'ON_HOLD',
					update_reason: 161,
					required_cpi: '3.10',
					rejection_note: 'Rejected by the client',
					update_reason_description: 'DISABLED_BY_CPI_REALITY_CHECK',
					update_reason_listed: false,
					eventName: 'projectStatusUpdate',
				}),
			]);
		});

		it('emits a Real Time Pricing event sent by the simulator, with its fields in their documented types', async () => {
			const before = (await n8n.executions(workflow.id)).length;
			const [answer] = simulate('prodege', 'real_time_pricing.paused', workflow.url, ['--secret', SECRET, '--offset', '7']);
			expect(answer).toMatchObject({ status: 200, body: { success: true } });
			const [execution] = (await n8n.settledExecutions(workflow.id, before + 1)).slice(before);
			const [item] = itemsOf(execution, TRIGGER);
			const example = examples['real_time_pricing.paused'];
			expect(item).toMatchObject({ ...example, event_id: expect.stringMatching(/^[0-9a-f]{24}$/), event_time_utc: '2023-02-06T21:42:01Z', eventName: 'realTimePricing' });
			expect(item.eventKey).toBe(`realTimePricing:${String(item.event_id)}`);
		});

		it('answers 400 to a Real Time Pricing event without a project_id, and starts no execution', async () => {
			const before = (await n8n.executions(workflow.id)).length;
			const { project_id: _projectId, ...rest } = examples['real_time_pricing.live'];
			const answer = await post(workflow.url, signedForm(JSON.stringify({ ...rest, event_id: '63e174296722563b9cc2e2e2' })), FORM);
			expect(answer.status).toBe(400);
			expect(answer.body).toMatchObject({ success: false, error: { event_id: '63e174296722563b9cc2e2e2' } });
			expect(await n8n.settledExecutions(workflow.id, before)).toHaveLength(before);
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
