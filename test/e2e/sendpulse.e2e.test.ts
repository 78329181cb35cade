import { type SendPulseMock, startSendPulseMock } from '../mocks/sendpulseApi';
import { type Execution, N8n, describeBuilt, eventually, itemsOf, loadExample, post, simulate, simulatorExamples, variant } from './support/n8n';

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

describeBuilt('sendPulse', 'SendPulse Automation 360 loop in a real n8n: an event sent from a workflow starts a flow whose Send webhook reaches the trigger', () => {
	const n8n = new N8n();
	const ACTION = 'Send order event';
	let mock: SendPulseMock;
	let workflow: { id: string; url: string };
	/** The trigger's executions (the manual runs of the action are saved too, in another mode). */
	const triggerRuns = async (count: number): Promise<Execution[]> =>
		await eventually(
			async () => (await n8n.executions(workflow.id)).filter((execution) => execution.mode === 'webhook' && execution.finished),
			(runs) => runs.length >= count,
			30_000,
		);

	beforeAll(async () => {
		mock = await startSendPulseMock();
		const token = await n8n.createCredential('SendPulse loop token', 'webhookSharedSecretApi', { secret: TOKEN, location: 'query', name: 'token' });
		const loop = variant(loadExample('sendpulse-automation-loop.json'), 'e2e SendPulse loop');
		const action = loop.nodes.find((node) => node.name === ACTION)!;
		action.parameters = { ...action.parameters, eventUrl: mock.eventUrl };
		workflow = await n8n.deploy(loop, { webhookSharedSecretApi: token });
		mock.startFlowOnEvent(`${workflow.url}?token=${TOKEN}`, { title: 'Order follow-up', automationId: 128771 });
	});

	afterAll(async () => {
		await mock?.stop();
	});

	it('to the event’s URL, with no credential: SendPulse gets the event, and the trigger runs with the flow’s webhook', async () => {
		const run = await n8n.execute(workflow.id);
		expect(run.data?.resultData?.error).toBeUndefined();
		expect(itemsOf(run, ACTION)).toEqual([{ result: true, sentBy: 'eventUrl', email: 'jane@example.com', phone: '+380631234567' }]);
		expect(mock.events).toEqual([
			{ via: 'url', event: expect.any(String), body: { order_id: '10045', order_total: '49.90', email: 'jane@example.com', phone: '+380631234567' } },
		]);
		const deliveries = await eventually(() => mock.flowDeliveries, (done) => done.length === 1);
		expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);
		const [execution] = await triggerRuns(1);
		expect(itemsOf(execution, 'SendPulse Trigger')).toEqual([
			expect.objectContaining({ automation_id: '128771', title: 'Order follow-up', email: 'jane@example.com', variables: { order_id: '10045', order_total: '49.90' } }),
		]);
		expect(itemsOf(execution, 'Flow step reached')[0].summary).toBe('Flow Order follow-up reached Send webhook for jane@example.com, order 10045');
	});

	it('by name with the SendPulse API credential: sent with a token, the flow’s webhook reaches the same trigger, and a Mailing List Email node adds the buyer', async () => {
		const credential = await n8n.createCredential('SendPulse mock', 'sendPulseApi', mock.credentialData());
		const byName = loadExample('sendpulse-automation-loop.json');
		// The action's half only: this workflow is run by hand, and the published one above keeps the trigger.
		byName.nodes = byName.nodes.filter((node) => node.webhookId === undefined && node.name !== 'Flow step reached');
		byName.connections = Object.fromEntries(Object.entries(byName.connections).filter(([from]) => byName.nodes.some((node) => node.name === from)));
		const action = byName.nodes.find((node) => node.name === ACTION)!;
		const { eventUrl: _unused, ...parameters } = action.parameters;
		action.parameters = { ...parameters, sendBy: 'eventName', eventName: 'order_placed', email: 'joe@example.com', phone: '' };
		action.credentials = { sendPulseApi: credential };
		// Then the buyer goes into a mailing list picked from the dropdown, with the address the event item carries.
		byName.nodes.push({
			parameters: {
				resource: 'mailingListEmail',
				operation: 'add',
				mailingListId: { __rl: true, mode: 'list', value: '490687', cachedResultName: 'Customers' },
				email: '={{ $json.email }}',
				variables: { variable: [{ name: 'Name', value: 'Joe' }] },
				addOptions: {},
			},
			name: 'Add to Customers',
			type: action.type,
			typeVersion: 1,
			position: [480, 0],
			credentials: { sendPulseApi: credential },
		});
		byName.connections[ACTION] = { main: [[{ node: 'Add to Customers', type: 'main', index: 0 }]] };
		const run = await n8n.execute(await n8n.create({ ...byName, name: 'e2e SendPulse event by name' }));
		expect(itemsOf(run, ACTION)).toEqual([{ result: true, sentBy: 'eventName', eventName: 'order_placed', email: 'joe@example.com' }]);
		expect(itemsOf(run, 'Add to Customers')).toEqual([{ result: true, mailingListId: '490687', email: 'joe@example.com' }]);
		expect(mock.listEmails.get('490687')?.get('joe@example.com')).toEqual({ email: 'joe@example.com', variables: { Name: 'Joe' }, status: 'active' });
		expect(mock.requests.find((request) => request.path === '/events/name/order_placed')).toMatchObject({ method: 'POST', token: expect.any(String), status: 200 });
		const runs = await triggerRuns(2);
		expect(itemsOf(runs[1], 'SendPulse Trigger')).toEqual([expect.objectContaining({ email: 'joe@example.com', variables: { order_id: '10045', order_total: '49.90' } })]);
	});
});
