import { N8n, describeBuilt, itemsOf, loadExample, post, simulate, simulatorExamples, variant } from './support/n8n';

const TRIGGER = 'SendPulse Trigger';
const TOKEN = 'e2e-sendpulse-token-0c5e';
const automation = simulatorExamples('sendpulse').automation;

describeBuilt('sendPulseTrigger', 'SendPulse Trigger (Automation 360) in a real n8n', () => {
	const n8n = new N8n();
	let workflow: { id: string; url: string };

	beforeAll(async () => {
		const token = await n8n.createCredential('SendPulse e2e token', 'webhookSharedSecretApi', { secret: TOKEN, location: 'query', name: 'token' });
		workflow = await n8n.deploy(variant(loadExample('sendpulse-trigger.json'), 'e2e SendPulse'), { webhookSharedSecretApi: token });
	});

	it('answers a JSON array of three events with JSON, and runs once with three items', async () => {
		const [answer] = simulate('sendpulse', 'automation', workflow.url, ['--count', '3', '--batch', '3', '--secret', TOKEN]);
		expect(answer.status).toBe(200);
		expect(typeof answer.body).toBe('object');
		const executions = await n8n.settledExecutions(workflow.id, 1);
		expect(executions).toHaveLength(1);
		const items = itemsOf(executions[0], TRIGGER);
		expect(items).toHaveLength(3);
		expect(items[0]).toMatchObject({ automation_id: automation.automation_id, email: automation.email });
	});

	it('answers 401 to a wrong token and to a malformed body, and starts no execution', async () => {
		const [wrong] = simulate('sendpulse', 'automation', workflow.url, ['--secret', 'not-the-token', '--offset', '5']);
		expect(wrong.status).toBe(401);
		const broken = await post(`${workflow.url}?token=${TOKEN}`, '[{"automation_id":');
		expect(broken.status).toBe(422);
		expect(await n8n.settledExecutions(workflow.id, 1)).toHaveLength(1);
	});
});
