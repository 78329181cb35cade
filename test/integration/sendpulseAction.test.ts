import { NodeHelpers, type IDataObject, type INode, type INodeCredentialDescription } from 'n8n-workflow';

import { SendPulseApi } from '../../credentials/SendPulseApi.credentials';
import { SendPulse } from '../../nodes/SendPulse/SendPulse.node';
import { type ContextSetup, type Logged, loadOptionsContext, runAction } from '../helpers/execute';
import type { CredentialStore, RequestLog } from '../helpers/n8nHttp';
import { type SendPulseMock, startSendPulseMock } from '../mocks/sendpulseApi';

const node = new SendPulse();
const TARGET = 'https://n8n.example.com/webhook/abc/webhook?token=t0k3n';
let api: SendPulseMock;
let credential: CredentialStore;

beforeEach(async () => {
	api = await startSendPulseMock({
		webhooks: [
			{ url: 'https://crm.example.com/hooks/open', action: 'open' },
			{ url: 'https://crm.example.com/hooks/spam', action: 'spam' },
			{ url: 'https://crm.example.com/hooks/unsubscribe', action: 'unsubscribe' },
		],
	});
	credential = { type: new SendPulseApi(), data: api.credentialData() };
});
afterEach(async () => {
	await api.stop();
});

const run = async (parameters: IDataObject | IDataObject[], extra: Partial<ContextSetup> = {}) => {
	const count = Array.isArray(parameters) ? parameters.length : 1;
	const [output] = await runAction(
		node,
		{ parameters, credentials: { sendPulseApi: credential }, ...extra },
		Array.from({ length: count }, () => ({ json: {} })),
	);
	return output;
};

const idOf = (action: string) => String(api.webhooks.find((webhook) => webhook.action === action)!.id);

describe('SendPulse node: Webhook operations against the mock API', () => {
	it('is usable as an AI tool', () => {
		expect(node.description.usableAsTool).toBe(true);
	});

	it('Create: makes one webhook per event and returns each with its ID', async () => {
		const output = await run({ resource: 'webhook', operation: 'create', url: TARGET, events: ['delivered', 'redirect'] });
		expect(output.map((item) => item.json)).toEqual([
			{ id: expect.any(String), user_id: '7043663', url: TARGET, action: 'delivered' },
			{ id: expect.any(String), user_id: '7043663', url: TARGET, action: 'redirect' },
		]);
		expect(api.webhooks.filter((webhook) => webhook.url === TARGET).map((webhook) => webhook.action)).toEqual(['delivered', 'redirect']);
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('Get Many: lists every webhook, or up to the limit', async () => {
		const all = await run({ resource: 'webhook', operation: 'getAll', returnAll: true });
		expect(all.map((item) => item.json.action)).toEqual(['open', 'spam', 'unsubscribe']);
		const two = await run({ resource: 'webhook', operation: 'getAll', returnAll: false, limit: 2 });
		expect(two).toHaveLength(2);
	});

	it('Get: returns one webhook by ID', async () => {
		const output = await run({ resource: 'webhook', operation: 'get', webhookId: idOf('spam') });
		expect(output.map((item) => item.json)).toEqual([
			{ id: idOf('spam'), user_id: '7043663', url: 'https://crm.example.com/hooks/spam', action: 'spam' },
		]);
	});

	it('Update: changes the URL at SendPulse', async () => {
		const id = idOf('open');
		const output = await run({ resource: 'webhook', operation: 'update', webhookId: id, url: TARGET });
		expect(output[0].json).toEqual({ id, url: TARGET, updated: true });
		expect(api.webhooks.find((webhook) => String(webhook.id) === id)?.url).toBe(TARGET);
	});

	it('Delete: removes the webhook at SendPulse', async () => {
		const id = idOf('unsubscribe');
		const output = await run({ resource: 'webhook', operation: 'delete', webhookId: id });
		expect(output[0].json).toEqual({ id, deleted: true });
		expect(api.webhooks.map((webhook) => webhook.action)).toEqual(['open', 'spam']);
	});

	it('runs once per input item, each with its own parameters', async () => {
		const output = await run([
			{ resource: 'webhook', operation: 'get', webhookId: idOf('open') },
			{ resource: 'webhook', operation: 'get', webhookId: idOf('spam') },
		]);
		expect(output.map((item) => [item.json.action, item.pairedItem])).toEqual([
			['open', { item: 0 }],
			['spam', { item: 1 }],
		]);
	});
});

describe('SendPulse node: errors a user can act on', () => {
	it('a webhook that does not exist: says so and how to find the right ID', async () => {
		await expect(run({ resource: 'webhook', operation: 'get', webhookId: '999' })).rejects.toMatchObject({
			message: 'SendPulse found nothing to get webhook 999',
			description: expect.stringContaining('Get Many'),
			httpCode: '404',
		});
	});

	it('rate limiting (429): says to wait, with SendPulse’s Retry-After', async () => {
		api.failNext({ status: 429, pathPrefix: '/v2' });
		await expect(run({ resource: 'webhook', operation: 'getAll', returnAll: true })).rejects.toMatchObject({
			message: expect.stringContaining('rate-limiting this account (HTTP 429)'),
			description: expect.stringContaining('Wait 30 s'),
			httpCode: '429',
		});
	});

	it('credentials refused even after a fresh token (401): says to copy ID and secret again', async () => {
		api.failNext({ status: 401, pathPrefix: '/v2', times: 2 });
		await expect(run({ resource: 'webhook', operation: 'getAll', returnAll: true })).rejects.toMatchObject({
			message: 'SendPulse refused the credentials while trying to list webhooks',
			description: expect.stringContaining('client ID and secret'),
		});
		// One refresh was tried before giving up.
		expect(api.tokensIssued()).toBe(2);
	});

	it('server errors (5xx): says the fault is SendPulse’s and to retry later', async () => {
		api.failNext({ status: 502, pathPrefix: '/v2' });
		await expect(run({ resource: 'webhook', operation: 'delete', webhookId: idOf('open') })).rejects.toMatchObject({
			message: expect.stringContaining('server error (HTTP 502)'),
			description: expect.stringContaining('Retry On Fail'),
		});
	});

	it('a refused request (400): passes on what SendPulse said', async () => {
		api.failNext({ status: 400, pathPrefix: '/v2', body: { success: false, message: 'Url is not allowed' } });
		await expect(run({ resource: 'webhook', operation: 'create', url: TARGET, events: ['open'] })).rejects.toMatchObject({
			message: 'SendPulse refused to create webhooks for open (HTTP 400)',
			description: expect.stringContaining('SendPulse said: Url is not allowed.'),
		});
	});

	it('a URL that is not http(s) is refused before calling SendPulse', async () => {
		await expect(run({ resource: 'webhook', operation: 'create', url: 'n8n.example.com/hook', events: ['open'] })).rejects.toThrow(
			'"n8n.example.com/hook" is not an http(s) URL',
		);
		expect(api.requests).toHaveLength(0);
	});

	it('never puts the client secret or the token in an error', async () => {
		api.failNext({ status: 500, pathPrefix: '/v2' });
		const log: RequestLog[] = [];
		const error = await run({ resource: 'webhook', operation: 'getAll', returnAll: true }, { log }).catch((caught: unknown) => caught);
		const token = /Bearer (\S+)/.exec(log[1].headers.authorization)![1];
		const text = JSON.stringify(error) + String((error as Error).message) + String((error as { description?: string }).description);
		expect(text).not.toContain(api.clientSecret);
		expect(text).not.toContain(token);
	});

	it('with Continue On Fail, a failing item becomes an error item and the others still run', async () => {
		const logs: Logged[] = [];
		const output = await run(
			[
				{ resource: 'webhook', operation: 'get', webhookId: '999' },
				{ resource: 'webhook', operation: 'get', webhookId: idOf('open') },
			],
			{ continueOnFail: true, logs },
		);
		expect(output.map((item) => item.json)).toEqual([
			{ error: 'SendPulse found nothing to get webhook 999', description: expect.stringContaining('Get Many'), status: 404 },
			expect.objectContaining({ action: 'open' }),
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

/** The API calls the mock answered (the token endpoint's aside). */
const calls = () => api.requests.filter((request) => request.path !== '/oauth/access_token');

const event = (parameters: IDataObject = {}): IDataObject => ({
	resource: 'automation360Event',
	operation: 'send',
	sendBy: 'eventName',
	eventName: 'order_placed',
	email: 'jane@example.com',
	...parameters,
});

const variables = (pairs: Record<string, string>) => ({ variable: Object.entries(pairs).map(([name, value]) => ({ name, value })) });

const list = (operation: string, parameters: IDataObject = {}): IDataObject => ({
	resource: 'mailingListEmail',
	operation,
	mailingListId: { __rl: true, mode: 'list', value: '490686' },
	email: 'jane@example.com',
	...parameters,
});

describe('SendPulse node: Automation 360 Event → Send', () => {
	it('by name: posts email, phone, the variables and automation_id with the token, and emits SendPulse’s answer', async () => {
		const log: RequestLog[] = [];
		const output = await run(
			event({
				phone: '+380631234567',
				variables: variables({ product_name: 'Kettle', order_total: '49.90' }),
				additionalFields: { automationId: 128771 },
			}),
			{ log },
		);
		expect(calls()).toEqual([
			{
				method: 'POST',
				path: '/events/name/order_placed',
				token: expect.any(String),
				status: 200,
				body: { product_name: 'Kettle', order_total: '49.90', email: 'jane@example.com', phone: '+380631234567', automation_id: 128771 },
			},
		]);
		expect(log.at(-1)?.headers.authorization).toMatch(/^Bearer \S+$/);
		expect(api.events).toEqual([{ via: 'name', event: 'order_placed', body: expect.objectContaining({ email: 'jane@example.com', automation_id: 128771 }) }]);
		expect(output).toEqual([
			{
				json: { result: true, sentBy: 'eventName', eventName: 'order_placed', email: 'jane@example.com', phone: '+380631234567' },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('by the event’s URL: needs no credential, sends no token, and never puts the URL in the item', async () => {
		const log: RequestLog[] = [];
		const [output] = await runAction(node, {
			parameters: event({ sendBy: 'eventUrl', eventUrl: api.eventUrl, email: '', phone: '+380631234567', variables: variables({ plan: 'pro' }) }),
			log,
		});
		expect(api.events).toEqual([{ via: 'url', event: expect.any(String), body: { plan: 'pro', phone: '+380631234567' } }]);
		expect(log).toHaveLength(1);
		expect(log[0].headers.authorization).toBeUndefined();
		expect(api.tokensIssued()).toBe(0);
		expect(output.map((item) => item.json)).toEqual([{ result: true, sentBy: 'eventUrl', phone: '+380631234567' }]);
		expect(JSON.stringify(output)).not.toContain('/events/id/');
	});

	it('hides the credential only when sending to the event’s URL, so n8n does not ask for one there', () => {
		const [description] = node.description.credentials as INodeCredentialDescription[];
		const workflowNode = { parameters: {} } as INode;
		const shown = (parameters: IDataObject) => NodeHelpers.displayParameter(parameters as never, description, workflowNode, node.description);
		expect(shown({ resource: 'automation360Event', operation: 'send', sendBy: 'eventUrl' })).toBe(false);
		expect(shown({ resource: 'automation360Event', operation: 'send', sendBy: 'eventName' })).toBe(true);
		expect(shown({ resource: 'mailingListEmail', operation: 'add' })).toBe(true);
		expect(shown({ resource: 'webhook', operation: 'getAll' })).toBe(true);
	});

	it('an Automation ID left at 0, its default, sends no automation_id', async () => {
		await run(event({ additionalFields: { automationId: 0 } }));
		expect(calls()).toEqual([expect.objectContaining({ status: 200, body: { email: 'jane@example.com' } })]);
	});

	it.each([
		['neither email nor phone', event({ email: '', phone: '' }), 'The event has neither email nor phone'],
		['an email that is not one', event({ email: 'jane.example.com' }), '"jane.example.com" is not an email address'],
		['a variable named like a field of its own', event({ variables: variables({ email: 'x@example.com' }) }), '"email" cannot be a variable'],
		['a variable set twice', event({ variables: { variable: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }] } }), 'The variable "a" is set twice'],
		['a variable without a name', event({ variables: variables({ ' ': '1' }) }), 'A variable has no name'],
		['an automation ID that is not a whole number', event({ additionalFields: { automationId: 12.5 } }), 'Automation ID "12.5" is not a positive whole number'],
		['a negative automation ID', event({ additionalFields: { automationId: -3 } }), 'Automation ID "-3" is not a positive whole number'],
		['no event name', event({ eventName: '  ' }), 'Event Name is empty'],
		['an event URL that is not http(s), without quoting it', event({ sendBy: 'eventUrl', eventUrl: 'events.sendpulse.com/events/id/x' }), /^The Event URL is not an http\(s\) URL$/],
	])('refuses %s before calling SendPulse', async (_, parameters, message) => {
		await expect(run(parameters)).rejects.toThrow(message);
		expect(api.requests).toHaveLength(0);
	});

	it('an unknown event URL: says to copy it again, and keeps the URL out of the error', async () => {
		const wrong = `${api.url}/events/id/0badc0ffee0badc0ffee0badc0ffee00/7043663`;
		const error = (await run(event({ sendBy: 'eventUrl', eventUrl: wrong }), { credentials: {} }).catch((caught: unknown) => caught)) as Error & { description?: string };
		expect(error).toMatchObject({ message: 'SendPulse found no event at this URL', description: expect.stringContaining('Events Manager') });
		expect(JSON.stringify(error) + error.message + String(error.description)).not.toContain('0badc0ffee0badc0ffee0badc0ffee00');
	});

	it('an event URL that cannot be reached: says so, and to look in SendPulse before sending again', async () => {
		const closed = 'http://127.0.0.1:1/events/id/7a41c3e2d9f04b6b8d1e5f20c3a9b7e1/8102113';
		const error = (await run(event({ sendBy: 'eventUrl', eventUrl: closed }), { credentials: {} }).catch((caught: unknown) => caught)) as Error & { description?: string };
		expect(error).toMatchObject({ message: 'Could not reach the event’s URL', description: expect.stringContaining('look in SendPulse before sending it again') });
		expect(JSON.stringify(error) + String(error.description)).not.toContain('7a41c3e2d9f04b6b8d1e5f20c3a9b7e1');
	});

	it('a refused event (400): passes on what SendPulse said and what to check', async () => {
		api.failNext({ status: 400, pathPrefix: '/events', body: { result: false, message: 'Variable order_total is required' } });
		await expect(run(event())).rejects.toMatchObject({
			message: 'SendPulse refused the event (HTTP 400)',
			description: expect.stringMatching(/^SendPulse said: Variable order_total is required\. Check that email or phone/),
			httpCode: '400',
		});
	});

	it('an answer of result false counts as a refusal, not a success', async () => {
		api.failNext({ status: 200, pathPrefix: '/events', body: { result: false, message: 'Event is disabled' } });
		await expect(run(event())).rejects.toMatchObject({ message: 'SendPulse refused the event (HTTP 400)', description: expect.stringContaining('Event is disabled') });
	});

	it('keeps whatever else SendPulse answers with (its answer is known from third-party code only)', async () => {
		api.failNext({ status: 200, pathPrefix: '/events', body: { result: true, event_id: 'e-81' } });
		const output = await run(event());
		expect(output[0].json).toEqual({ result: true, event_id: 'e-81', sentBy: 'eventName', eventName: 'order_placed', email: 'jane@example.com' });
	});

	it('takes a success answered with text as the answer, as the event’s answer is not documented', async () => {
		api.failNext({ status: 200, pathPrefix: '/events', body: 'OK' });
		const output = await run(event());
		expect(output[0].json).toEqual({ result: 'OK', sentBy: 'eventName', eventName: 'order_placed', email: 'jane@example.com' });
	});

	it('an expired token: n8n gets a fresh one and sends the event once', async () => {
		await run(event());
		api.advanceTime(3601);
		await run(event({ email: 'joe@example.com' }));
		expect(api.tokensIssued()).toBe(2);
		expect(calls().map((request) => request.status)).toEqual([200, 401, 200]);
		expect(api.events.map((accepted) => accepted.body.email)).toEqual(['jane@example.com', 'joe@example.com']);
	});

	it('a 429 is waited out (Retry-After) and the event is sent once', async () => {
		api.failNext({ status: 429, pathPrefix: '/events', headers: { 'Retry-After': '1' } });
		const output = await run(event());
		expect(calls().map((request) => request.status)).toEqual([429, 200]);
		expect(api.events).toHaveLength(1);
		expect(output[0].json.result).toBe(true);
	});

	it('a 429 asking for longer than the node waits: says to wait, and sends nothing', async () => {
		api.failNext({ status: 429, pathPrefix: '/events' });
		await expect(run(event())).rejects.toMatchObject({ message: expect.stringContaining('HTTP 429'), description: expect.stringContaining('Wait 30 s') });
		expect(api.events).toHaveLength(0);
	});
});

describe('SendPulse node: staying under 10 requests a second', () => {
	// The mock answers the 11th call within a second with 429, so unpaced calls would show up as 429s here.
	it('sends 15 items’ events without a 429, spaced under the limit', async () => {
		const started = Date.now();
		const output = await run(Array.from({ length: 15 }, (_, index) => event({ email: `buyer${index}@example.com` })));
		expect(output).toHaveLength(15);
		expect(calls().map((request) => request.status)).toEqual(Array.from({ length: 15 }, () => 200));
		expect(api.events.map((accepted) => accepted.body.email)).toEqual(Array.from({ length: 15 }, (_, index) => `buyer${index}@example.com`));
		expect(Date.now() - started).toBeGreaterThanOrEqual(14 * 100);
	}, 20_000);
});

describe('SendPulse node: Mailing List Email', () => {
	it('Add: sends the address with its variables and emits the list and address', async () => {
		const output = await run(list('add', { variables: variables({ Name: 'Jane', Phone: '+380631234567' }) }));
		expect(calls()).toEqual([
			expect.objectContaining({
				method: 'POST',
				path: '/addressbooks/490686/emails',
				status: 200,
				body: { emails: [{ email: 'jane@example.com', variables: { Name: 'Jane', Phone: '+380631234567' } }] },
			}),
		]);
		expect(api.listEmails.get('490686')?.get('jane@example.com')).toEqual({ email: 'jane@example.com', variables: { Name: 'Jane', Phone: '+380631234567' }, status: 'active' });
		expect(output[0].json).toEqual({ result: true, mailingListId: '490686', email: 'jane@example.com' });
	});

	it('Add with double opt-in: sends confirmation "force", the sender, template and language', async () => {
		await run(
			list('add', {
				mailingListId: { __rl: true, mode: 'id', value: '490687' },
				addOptions: { doubleOptIn: true, senderEmail: 'news@shop.example.com', templateId: '1134565', messageLang: 'en' },
			}),
		);
		expect(calls()[0]).toMatchObject({
			path: '/addressbooks/490687/emails',
			body: { emails: [{ email: 'jane@example.com', variables: {} }], confirmation: 'force', sender_email: 'news@shop.example.com', template_id: '1134565', message_lang: 'en' },
		});
		expect(api.listEmails.get('490687')?.get('jane@example.com')?.status).toBe('pending');
	});

	it('Add with double opt-in but no sender email: refused before calling SendPulse', async () => {
		await expect(run(list('add', { addOptions: { doubleOptIn: true } }))).rejects.toThrow('Double opt-in needs a sender email');
		expect(api.requests).toHaveLength(0);
	});

	it('Update Variables: sends the address and the variables as name/value pairs', async () => {
		await run(list('add', { variables: variables({ Name: 'Jane', City: 'Kyiv' }) }));
		const output = await run(list('updateVariables', { variables: variables({ City: 'Lviv' }) }));
		expect(calls()[1]).toMatchObject({
			method: 'POST',
			path: '/addressbooks/490686/emails/variable',
			body: { email: 'jane@example.com', variables: [{ name: 'City', value: 'Lviv' }] },
		});
		expect(api.listEmails.get('490686')?.get('jane@example.com')?.variables).toEqual({ Name: 'Jane', City: 'Lviv' });
		expect(output[0].json).toEqual({ result: true, mailingListId: '490686', email: 'jane@example.com' });
	});

	it('Update Variables of an address not in the list: passes on SendPulse’s words and what to check', async () => {
		await expect(run(list('updateVariables', { variables: variables({ City: 'Lviv' }) }))).rejects.toMatchObject({
			message: 'SendPulse refused the request for mailing list 490686 (HTTP 400)',
			description: expect.stringMatching(/^SendPulse said: Email is not in the mailing list\. .*must be in the list already/),
		});
	});

	it('Update Variables with none: refused before calling SendPulse', async () => {
		await expect(run(list('updateVariables'))).rejects.toThrow('No variable to update');
		expect(api.requests).toHaveLength(0);
	});

	it('Unsubscribe: posts the address to the list’s unsubscribe call', async () => {
		await run(list('add'));
		const output = await run(list('unsubscribe'));
		expect(calls()[1]).toMatchObject({ method: 'POST', path: '/addressbooks/490686/emails/unsubscribe', body: { emails: ['jane@example.com'] } });
		expect(api.listEmails.get('490686')?.get('jane@example.com')?.status).toBe('unsubscribed');
		expect(output[0].json).toEqual({ result: true, mailingListId: '490686', email: 'jane@example.com' });
	});

	it('Delete: sends DELETE with the address in the body', async () => {
		await run(list('add'));
		const output = await run(list('delete'));
		expect(calls()[1]).toMatchObject({ method: 'DELETE', path: '/addressbooks/490686/emails', body: { emails: ['jane@example.com'] } });
		expect(api.listEmails.get('490686')?.has('jane@example.com')).toBe(false);
		expect(output[0].json).toEqual({ result: true, mailingListId: '490686', email: 'jane@example.com' });
	});

	it('a mailing list SendPulse does not know: says to pick it from the list', async () => {
		await expect(run(list('add', { mailingListId: { __rl: true, mode: 'id', value: '999' } }))).rejects.toMatchObject({
			message: 'SendPulse found no mailing list 999, or not the email in it',
			description: expect.stringContaining('Pick the mailing list from the list'),
			httpCode: '404',
		});
	});

	it.each([
		['a mailing list ID that is not a number', list('add', { mailingListId: { __rl: true, mode: 'id', value: 'Newsletter' } }), '"Newsletter" is not a mailing list ID'],
		['no mailing list', list('delete', { mailingListId: { __rl: true, mode: 'list', value: '' } }), 'No mailing list chosen'],
		['no email', list('delete', { email: '' }), 'Email is empty'],
		['an email that is not one', list('unsubscribe', { email: 'jane' }), '"jane" is not an email address'],
	])('refuses %s before calling SendPulse', async (_, parameters, message) => {
		await expect(run(parameters)).rejects.toThrow(message);
		expect(api.requests).toHaveLength(0);
	});

	it('lists the mailing lists for the dropdown, by name, and narrows them by a search', async () => {
		const search = node.methods.listSearch.searchMailingLists;
		const context = loadOptionsContext({ parameters: list('add'), credentials: { sendPulseApi: credential } }, node);
		expect((await search.call(context)).results.map((entry) => [entry.name, entry.value])).toEqual([
			['Customers', '490687'],
			['Newsletter', '490686'],
			['Webinar leads', '490688'],
		]);
		expect((await search.call(context, 'web')).results.map((entry) => entry.value)).toEqual(['490688']);
	});
});

describe('SendPulse node: Continue On Fail with the new operations', () => {
	it('a failing item becomes an error item (with SendPulse’s status), and the others are still sent', async () => {
		const output = await run(
			[
				list('add', { email: 'a@example.com' }),
				list('add', { email: 'b@example.com', mailingListId: { __rl: true, mode: 'id', value: '999' } }),
				list('add', { email: 'not-an-address' }),
				list('add', { email: 'c@example.com' }),
			],
			{ continueOnFail: true },
		);
		expect(output.map((item) => item.json)).toEqual([
			expect.objectContaining({ email: 'a@example.com', result: true }),
			expect.objectContaining({ error: 'SendPulse found no mailing list 999, or not the email in it', status: 404 }),
			expect.objectContaining({ error: '"not-an-address" is not an email address' }),
			expect.objectContaining({ email: 'c@example.com', result: true }),
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect([...(api.listEmails.get('490686')?.keys() ?? [])]).toEqual(['a@example.com', 'c@example.com']);
	});
});
