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

describeBuilt('sendPulseTrigger', 'SendPulse Trigger (SMTP webhooks) in a real n8n', () => {
	const n8n = new N8n();
	const delivered = simulatorExamples('sendpulse')['smtp.delivered'] as Record<string, unknown>;
	let workflow: { id: string; url: string };

	beforeAll(async () => {
		const token = await n8n.createCredential('SendPulse SMTP e2e token', 'webhookSharedSecretApi', { secret: TOKEN, location: 'query', name: 'token' });
		workflow = await n8n.deploy(variant(loadExample('sendpulse-trigger.json'), 'e2e SendPulse SMTP', { source: 'smtp' }), { webhookSharedSecretApi: token });
	});

	// The simulator's smtp.delivered is written from the fields SendPulse's "SMTP webhooks" page lists (its
	// example body is not in the project's notes); smtp.open carries an inferred name.
	it('emits a batch of SMTP events, one item each, with every field kept and the ISO twin', async () => {
		const [answer] = simulate('sendpulse', 'smtp', workflow.url, ['--count', '4', '--batch', '4', '--secret', TOKEN]);
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ success: true, received: 4, emitted: 4 });
		const executions = await n8n.settledExecutions(workflow.id, 1);
		expect(executions).toHaveLength(1);
		const items = itemsOf(executions[0], TRIGGER);
		expect(items.map((item) => item.eventName)).toEqual(['delivered', 'open', 'delivered', 'open']);
		expect(items[0]).toMatchObject({ ...delivered, timestampIso: '2024-06-03T08:32:01Z' });
	});

	it('emits an unlisted event name as sent, drops a repeat, and refuses an event without message_id', async () => {
		const event = { event: 'deferred', timestamp: 1717409999, message_id: 88001, recipient: 'zoe@example.com', sender: 's@example.com', subject: 'Hi', note: { x: 1 } };
		const first = await post(`${workflow.url}?token=${TOKEN}`, JSON.stringify([event, event, { ...event, message_id: '88002' }]));
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ received: 3, emitted: 1, duplicates: 1, rejected: [{ index: 2 }] });
		const executions = await n8n.settledExecutions(workflow.id, 2);
		expect(executions).toHaveLength(2);
		const items = executions.map((execution) => itemsOf(execution, TRIGGER)).find((list) => list[0]?.event === 'deferred');
		expect(items).toHaveLength(1);
		expect(items?.[0]).toMatchObject({ ...event, eventName: 'deferred' });
	});
});
