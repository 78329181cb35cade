import { N8n, describeBuilt, itemsOf, loadExample, post, simulate, simulatorExamples, variant } from './support/n8n';

const TRIGGER = 'Qixol Promo Trigger';
const TOKEN = 'e2e-qixol-token-48e1';
const events = Object.keys(simulatorExamples('qixol'));
/** The simulator's example of an event the package does not list: Qixol may add events. */
const UNLISTED = 'Promotion.Archived';

describeBuilt('qixolPromoTrigger', 'Qixol Promo Trigger in a real n8n', () => {
	const n8n = new N8n();
	const example = loadExample('qixol-promo-trigger.json');
	let workflow: { id: string; url: string };

	beforeAll(async () => {
		const token = await n8n.createCredential('Qixol e2e token', 'webhookSharedSecretApi', { secret: TOKEN, location: 'query', name: 'token' });
		workflow = await n8n.deploy(variant(example, 'e2e Qixol'), { webhookSharedSecretApi: token });
	});

	it.each([
		['json', '0'],
		['xml', '1'],
	])('answers 200 to each of the ten events, and to one it does not list, sent as %s: one execution and one item each', async (format, offset) => {
		expect(events).toContain(UNLISTED);
		const before = (await n8n.executions(workflow.id)).length;
		const answers = simulate('qixol', 'all', workflow.url, ['--count', String(events.length), '--offset', offset, '--secret', TOKEN, '--format', format]);
		expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
		const executions = (await n8n.settledExecutions(workflow.id, before + events.length)).slice(before);
		expect(executions).toHaveLength(events.length);
		for (const execution of executions) expect(itemsOf(execution, TRIGGER)).toHaveLength(1);
		const names = executions.map((execution) => itemsOf(execution, TRIGGER)[0].eventName);
		expect([...names].sort()).toEqual([...events].sort());
	});

	it('keeps a JSON payload\'s field names and JSON types through n8n, at every depth', async () => {
		const payload = {
			EventName: 'Promotion.Updated',
			PromotionId: 990001,
			IsActive: true,
			Discount: 12.5,
			Note: null,
			Changes: [{ Field: 'Name', OldValue: 'Spring 10% off', NewValue: 'Spring 15% off', Order: 1 }],
			Limits: { MaxUses: 100, PerCustomer: false },
		};
		const before = (await n8n.executions(workflow.id)).length;
		const answer = await post(`${workflow.url}?token=${TOKEN}`, JSON.stringify(payload));
		expect(answer.status).toBe(200);
		const executions = (await n8n.settledExecutions(workflow.id, before + 1)).slice(before);
		const items = executions.flatMap((execution) => itemsOf(execution, TRIGGER)).filter((item) => item.PromotionId === payload.PromotionId);
		expect(items).toHaveLength(1);
		expect(items[0]).toEqual({ ...payload, eventName: 'Promotion.Updated', eventKey: expect.stringMatching(/^Promotion\.Updated\|promotionid=990001\|payload:[\w-]{12}$/) });
	});

	it('answers a wrong token with 200 (so Qixol does not disable the webhook) and starts no execution', async () => {
		const before = (await n8n.executions(workflow.id)).length;
		const [answer] = simulate('qixol', 'Promotion.Created', workflow.url, ['--secret', 'wrong-token', '--count', '5']);
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ success: false });
		// n8n refuses XML it cannot parse before the trigger runs, so this one is not answered 200.
		const broken = await post(`${workflow.url}?token=${TOKEN}`, '<Webhook><EventName>Promotion.Created', { 'content-type': 'application/xml' });
		expect(broken.status).toBe(422);
		expect(await n8n.settledExecutions(workflow.id, before)).toHaveLength(before);
	});
});
