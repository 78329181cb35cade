import { type OptimizelyMock, startOptimizelyMock } from '../mocks/optimizelyApi';
import { N8n, describeBuilt, eventually, itemsOf, loadExample, variant } from './support/n8n';

const TRIGGER = 'Optimizely Campaign Trigger';

describeBuilt('optimizelyCampaign', 'Optimizely Campaign: the welcome mail loop in a real n8n, against the mock API', () => {
	const n8n = new N8n();
	let mock: OptimizelyMock;
	let credential: { id: string; name: string };

	beforeAll(async () => {
		mock = await startOptimizelyMock();
		credential = await n8n.createCredential('Optimizely mock (loop)', 'optimizelyCampaignApi', mock.credential());
	});

	afterAll(async () => {
		await mock?.close();
	});

	it('adds a recipient, sends a transactional mail and reads it sent; the trigger of the same workflow receives the sent event', async () => {
		const example = variant(loadExample('optimizely-campaign-mail-loop.json'), 'e2e Optimizely mail loop', { options: { allowInsecureUrl: true } });
		for (const node of example.nodes) if (node.type.endsWith('.optimizelyCampaign')) node.credentials = { optimizelyCampaignApi: credential };
		const workflow = await n8n.deploy(example, { optimizelyCampaignApi: credential });
		await eventually(
			() => mock.webhooks().filter((webhook) => webhook.targetUrl === workflow.url && webhook.status === 'activated'),
			(found) => found.length === 1,
		);

		const run = await n8n.execute(workflow.id);
		const [added] = itemsOf(run, 'Add Recipient');
		expect(added).toMatchObject({ id: 'ann@example.com', recipientListId: '200000001', pendingOptIn: false });
		const [mail] = itemsOf(run, 'Send Welcome Mail');
		expect(mail).toMatchObject({ mailId: expect.any(String), transactionalMailId: '400000001', recipientId: 'ann@example.com' });
		const [status] = itemsOf(run, 'Wait Until Sent');
		expect(status).toEqual({ sendStatus: 'sent', mailId: mail.mailId, final: true });

		const calls = mock.requests.filter((request) => !request.path.startsWith('/webhooks')).map((request) => `${request.method} ${request.path} ${request.status}`);
		expect(calls[0]).toBe('POST /recipients/200000001 201');
		expect(calls[1]).toBe('POST /transactionalmail/400000001/send 202');
		expect(calls.at(-1)).toBe('GET /transactionalmail/status 200');
		expect(mock.requests.find((request) => request.path === '/transactionalmail/400000001/send')?.form).toMatchObject({
			recipientId: 'ann@example.com',
			recipientListId: '200000001',
			'data.firstname': 'Ann',
		});

		// The mock delivers the sent event to the trigger's URL with the basic auth the trigger registered.
		const delivered = await eventually(
			() => mock.deliveries.filter((delivery) => delivery.url === workflow.url),
			(found) => found.some((delivery) => delivery.status === 200),
			30_000,
		);
		expect(delivered.find((delivery) => delivery.status === 200)?.events[0]).toMatchObject({ type: 'sent', mailId: mail.mailId });
		const triggered = await eventually(
			async () => (await n8n.executions(workflow.id)).filter((execution) => itemsOf(execution, TRIGGER).length > 0),
			(found) => found.length > 0 && found.every((execution) => execution.status !== 'running' && execution.status !== 'new'),
			30_000,
		);
		expect(triggered).toHaveLength(1);
		expect(itemsOf(triggered[0], TRIGGER)).toEqual([expect.objectContaining({ type: 'sent', mailId: mail.mailId, recipientId: 'ann@example.com' })]);
		expect(itemsOf(triggered[0], 'Mail Sent')[0]).toMatchObject({ summary: `Mail ${String(mail.mailId)} was sent to ann@example.com` });
	});
});
