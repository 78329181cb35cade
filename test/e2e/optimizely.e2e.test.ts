import { type OptimizelyMock, startOptimizelyMock } from '../mocks/optimizelyApi';
import { N8n, describeBuilt, eventually, itemsOf, loadExample, post, simulate, variant } from './support/n8n';

const TRIGGER = 'Optimizely Campaign Trigger';

describeBuilt('optimizelyCampaignTrigger', 'Optimizely Campaign Trigger in a real n8n, against the mock API', () => {
	const n8n = new N8n();
	let mock: OptimizelyMock;
	let workflow: { id: string; url: string };
	let credential: { id: string; name: string };
	const live = (url: string) => mock.webhooks().filter((webhook) => webhook.targetUrl === url && webhook.status !== 'deleted');
	const basicAuth = (url: string) => {
		const created = mock.requests.find((request) => request.form?.targetUrl === url && request.form.authentication);
		const auth = JSON.parse(created?.form?.authentication ?? '{}') as { userName?: string; password?: string };
		return ['--user', auth.userName ?? '', '--password', auth.password ?? ''];
	};

	beforeAll(async () => {
		mock = await startOptimizelyMock();
		credential = await n8n.createCredential('Optimizely mock', 'optimizelyCampaignApi', mock.credential());
		const example = variant(loadExample('optimizely-campaign-trigger.json'), 'e2e Optimizely', { events: ['open', 'click'], options: { allowInsecureUrl: true } });
		workflow = await n8n.deploy(example, { optimizelyCampaignApi: credential });
	});

	it('runs the action node by hand (n8n execute): Create webhook returns the webhook the API created', async () => {
		const workflow = loadExample('optimizely-campaign.json');
		const action = workflow.nodes.find((node) => node.type.endsWith('.optimizelyCampaign'))!;
		action.parameters = { resource: 'webhook', operation: 'create', targetUrl: 'https://hooks.example.com/optimizely', eventType: 'bounce', authentication: 'none', options: {} };
		action.credentials = { optimizelyCampaignApi: credential };
		const run = await n8n.execute(await n8n.create({ ...workflow, name: 'e2e Optimizely action' }));
		const [created] = itemsOf(run, action.name);
		expect(created).toMatchObject({ type: 'bounce', targetUrl: 'https://hooks.example.com/optimizely' });
		expect(mock.webhooks().find((webhook) => webhook.id === Number(created.id))).toMatchObject({ type: 'bounce' });
	});

	afterAll(async () => {
		await mock?.close();
	});

	it('creates and activates one vendor webhook per event type on publish', async () => {
		// n8n serves the URL a moment before the trigger has finished registering it.
		const webhooks = await eventually(
			() => live(workflow.url),
			(found) => found.filter((webhook) => webhook.status === 'activated').length === 2,
		);
		expect(webhooks.map((webhook) => webhook.type).sort()).toEqual(['click', 'open']);
		for (const webhook of webhooks) expect(webhook.status).toBe('activated');
	});

	it('answers 200 to a batch signed with the registered basic auth and emits every event', async () => {
		const [answer] = simulate('optimizely', 'open', workflow.url, ['--count', '3', '--batch', '3', ...basicAuth(workflow.url)]);
		expect(answer.status).toBe(200);
		const executions = await n8n.settledExecutions(workflow.id, 1);
		expect(executions).toHaveLength(1);
		expect(itemsOf(executions[0], TRIGGER)).toHaveLength(3);
	});

	it('answers 401 to a wrong password and starts no execution', async () => {
		const [answer] = simulate('optimizely', 'click', workflow.url, ['--user', 'someone', '--password', 'wrong-password-1']);
		expect(answer.status).toBe(401);
		expect(await n8n.settledExecutions(workflow.id, 1)).toHaveLength(1);
	});

	it('answers 200 to an unreadable delivery from the registered caller, so Optimizely does not resend it, and starts no execution', async () => {
		const [, user, , password] = basicAuth(workflow.url);
		const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
		const before = (await n8n.executions(workflow.id)).length;
		// What n8n passes to the trigger without reading it as JSON: a form, plain text, and JSON that is no batch of events.
		const deliveries: Array<[string, string]> = [
			['application/x-www-form-urlencoded', 'type=open&mailId=M-1'],
			['text/plain', 'not an Optimizely delivery'],
			['application/json', '"just a string"'],
			['application/json', JSON.stringify(Array.from({ length: 101 }, (_, index) => ({ type: 'open', mailId: `M-${index}`, recipientId: 'r', created: index })))],
		];
		for (const [type, body] of deliveries) {
			const answer = await post(workflow.url, body, { 'content-type': type, authorization });
			expect([type, answer.status]).toEqual([type, 200]);
			expect(answer.body).toMatchObject({ success: false, error: expect.stringMatching(/^Cannot read the delivery: .*; it was logged and dropped$/) });
		}
		// JSON that does not parse never reaches the trigger: n8n answers it 422 itself.
		const broken = await post(workflow.url, '[{"type":"open",', { 'content-type': 'application/json', authorization });
		expect(broken.status).toBe(422);
		expect(await n8n.settledExecutions(workflow.id, before)).toHaveLength(before);
	});

	it('answers 401, not 200, to an unreadable delivery from a wrong caller', async () => {
		const answer = await post(workflow.url, 'type=open', { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('someone:wrong').toString('base64')}` });
		expect(answer.status).toBe(401);
		expect(answer.body).toEqual({ success: false, error: 'Unauthorized' });
	});

	it('creates no duplicate vendor webhook when n8n restarts with the workflow published', async () => {
		const before = live(workflow.url).map((webhook) => webhook.id).sort();
		await n8n.restart();
		await n8n.waitUntilRegistered(workflow.url);
		expect(live(workflow.url).map((webhook) => webhook.id).sort()).toEqual(before);
	});

	it('deactivates and deletes the vendor webhooks on unpublish', async () => {
		await n8n.unpublish(workflow.id);
		expect(await eventually(() => live(workflow.url), (found) => found.length === 0)).toEqual([]);
		const calls = mock.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path.replace(/\d+/g, ':id')}`);
		expect(calls).toEqual(expect.arrayContaining(['POST /webhooks/:id/deactivate', 'DELETE /webhooks/:id']));
	});
});
