import type { IDataObject, IHookFunctions, INodeProperties } from 'n8n-workflow';

import { QIXOL_EVENTS, qixolEventKey } from '../../nodes/QixolPromo/events';
import { basicAuthHeader, deliver } from '../helpers/webhook';
import {
	SECRET,
	defaultSetup,
	fixture,
	fixtures,
	node,
	parseXmlLikeN8n,
	postJson,
	postXml,
	vendorFields,
	xmlItem,
} from './qixolSupport';

const created = fixture('Promotion.Created');
const updated = fixture('Promotion.Updated');

describe('Qixol Promo Trigger: every event, as JSON and as XML (illustrative fixtures)', () => {
	it('has a fixture for each of the ten events in the seed', () => {
		expect(fixtures.map(({ event }) => event).sort()).toEqual([...QIXOL_EVENTS].sort());
		for (const { illustrative } of fixtures) expect(illustrative).toMatch(/^Illustrative shape, not a Qixol sample/);
	});

	describe.each(fixtures.map((entry) => [entry.event, entry] as const))('%s', (event, entry) => {
		it('stores its XML exactly as n8n parses it', async () => {
			expect(await parseXmlLikeN8n(entry.xml)).toEqual(entry.xmlParsedByN8n);
		});

		it('answers 200 to the JSON payload and emits one item: the payload as sent, names and types', async () => {
			const observed = await postJson(defaultSetup(), entry.json);

			expect(observed.status).toBe(200);
			expect(observed.body).toMatchObject({ success: true, received: 1, emitted: 1 });
			expect(observed.items).toHaveLength(1);
			expect(vendorFields(observed.items![0])).toEqual(entry.json);
			expect(observed.items![0].eventName).toBe(event);
			// The key is built from the canonical form, as before items kept the payload as sent.
			expect(observed.items![0].eventKey).toBe(qixolEventKey(event, entry.canonical as never));
			expect(observed.items![0].eventKey).toMatch(new RegExp(`^${event.replace('.', '\\.')}\\|.*payload:[\\w-]{12}$`));
		});

		it('emits the XML payload as n8n parsed it, with its root element, under the same name and key', async () => {
			const fromJson = await postJson(defaultSetup(), entry.json);
			const fromXml = await postXml(defaultSetup(), entry.xml);

			expect(fromXml.status).toBe(200);
			expect(fromXml.items).toHaveLength(1);
			expect(vendorFields(fromXml.items![0])).toEqual(xmlItem(entry));
			expect(fromXml.items![0].eventName).toBe(fromJson.items![0].eventName);
			expect(fromXml.items![0].eventKey).toBe(fromJson.items![0].eventKey);
		});
	});
});

describe('refused deliveries: 200 and drop by default, 4xx on request', () => {
	const basicSetup = (refusedAnswer?: string) => ({
		parameters: { authentication: 'basicAuth', ...(refusedAnswer ? { refusedAnswer } : {}) },
		credentials: { webhookBasicAuthApi: { user: 'qixol', password: 'correct-horse-battery' } },
	});

	it('answers 200, runs nothing and logs why, when the secret token is wrong', async () => {
		const observed = await postJson(defaultSetup(), created.json, { query: { token: 'guessed-token' } });

		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({ success: false, error: 'Unauthorized' });
		expect(observed.headers['www-authenticate']).toBeUndefined();
		expect(observed.items).toBeUndefined();
		expect(observed.logs).toContainEqual({
			level: 'warn',
			message: 'Qixol Promo webhook refused: the query parameter "token" does not hold the expected secret',
		});
	});

	it('answers 401 to a wrong secret token when 4xx is chosen', async () => {
		const observed = await postJson(defaultSetup({ refusedAnswer: 'error' }), created.json, { query: {} });

		expect(observed.status).toBe(401);
		expect(observed.items).toBeUndefined();
	});

	it('never writes the secret into logs or answers', async () => {
		const observed = await postJson(defaultSetup(), created.json, { query: { token: `${SECRET}x` } });

		expect(JSON.stringify([observed.logs, observed.body, observed.headers])).not.toContain(SECRET);
	});

	it.each([
		['200 and drops it by default', undefined, 200, undefined],
		['401 with a challenge when 4xx is chosen', 'error', 401, 'Basic realm="Qixol Promo webhook", charset="UTF-8"'],
	])('answers a wrong basic-auth password with %s', async (_case, refusedAnswer, status, challenge) => {
		const observed = await deliver(node, basicSetup(refusedAnswer), {
			body: created.json,
			headers: { authorization: basicAuthHeader('qixol', 'wrong-password') },
		});

		expect(observed.status).toBe(status);
		expect(observed.headers['www-authenticate']).toBe(challenge);
		expect(observed.items).toBeUndefined();
	});

	it('emits the event when the basic-auth user and password are right', async () => {
		const observed = await deliver(node, basicSetup('error'), {
			body: created.json,
			headers: { authorization: basicAuthHeader('qixol', 'correct-horse-battery') },
		});

		expect(observed.status).toBe(200);
		expect(observed.items).toHaveLength(1);
	});

	it('answers 403 to an address outside the allowlist when 4xx is chosen, and 200 by default', async () => {
		const parameters = { authentication: 'ipAllowlist', allowedIps: '203.0.113.0/24' };
		const refused = await deliver(node, { parameters: { ...parameters, refusedAnswer: 'error' } }, { body: created.json, remoteAddress: '198.51.100.7' });
		const dropped = await deliver(node, { parameters }, { body: created.json, remoteAddress: '198.51.100.7' });
		const allowed = await deliver(node, { parameters }, { body: created.json, remoteAddress: '203.0.113.9' });

		expect([refused.status, dropped.status, allowed.status]).toEqual([403, 200, 200]);
		expect([refused.items, dropped.items]).toEqual([undefined, undefined]);
		expect(allowed.items).toHaveLength(1);
	});

	it.each([
		['an empty XML body', '', 'Cannot read the delivery: the XML body is empty or could not be parsed'],
		['an empty root element', '<Webhook/>', 'Cannot read the delivery: the XML root element <webhook> is empty'],
		[
			'a root holding only namespace declarations',
			'<Webhook xmlns:i="http://www.w3.org/2001/XMLSchema-instance"></Webhook>',
			'Cannot read the delivery: the XML root element <webhook> is empty',
		],
	])('answers 200 and runs nothing for %s, or 400 when 4xx is chosen', async (_case, xml, error) => {
		const dropped = await postXml(defaultSetup(), xml);
		const refused = await postXml(defaultSetup({ refusedAnswer: 'error' }), xml);

		expect(dropped.status).toBe(200);
		expect(dropped.body).toEqual({ success: false, error });
		expect(dropped.items).toBeUndefined();
		expect(refused.status).toBe(400);
		expect(refused.body).toEqual({ success: false, error });
	});

	it('refuses an id or timestamp that holds an object rather than a single value', async () => {
		const observed = await postXml(
			defaultSetup({ refusedAnswer: 'error' }),
			'<Webhook><EventName>Promotion.Deleted</EventName><PromotionId><Value>1</Value></PromotionId><DeletedDate><Day>1</Day></DeletedDate></Webhook>',
		);

		expect(observed.status).toBe(400);
		expect(observed.body).toMatchObject({
			rejected: [
				{
					index: 0,
					errors: [
						'promotionid: Expected a single value for an id, got an object',
						'deleteddate: Expected a single value for a timestamp, got an object',
					],
				},
			],
		});
	});

	it('accepts a timestamp in a format it does not know, keeping it as sent', async () => {
		const observed = await postJson(defaultSetup(), { ...created.json, CreatedDate: '20/03/2024 14:00' });

		expect(observed.items![0].CreatedDate).toBe('20/03/2024 14:00');
	});

	it('emits the valid events of a JSON batch and answers 200 even when one is invalid', async () => {
		const observed = await postJson(defaultSetup({ refusedAnswer: 'error' }), [created.json, 'not an event']);

		expect(observed.status).toBe(200);
		expect(observed.body).toMatchObject({ received: 2, emitted: 1, rejected: [{ index: 1 }] });
		expect(observed.items).toHaveLength(1);
	});
});

describe('dedupe', () => {
	it('drops a repeat of an event already emitted, answering 200', async () => {
		const staticData: IDataObject = {};
		const first = await postJson(defaultSetup({}, staticData), created.json);
		const again = await postJson(defaultSetup({}, staticData), created.json);

		expect(first.items).toHaveLength(1);
		expect(again.status).toBe(200);
		expect(again.items).toBeUndefined();
		expect(again.body).toMatchObject({ success: true, emitted: 0, duplicates: 1 });
	});

	it('treats the XML form of an event already received as JSON as a repeat', async () => {
		const staticData: IDataObject = {};
		await postJson(defaultSetup({}, staticData), created.json);
		const again = await postXml(defaultSetup({}, staticData), created.xml);

		expect(again.items).toBeUndefined();
		expect(again.body).toMatchObject({ duplicates: 1 });
	});

	it('emits two different updates of the same promotion', async () => {
		const staticData: IDataObject = {};
		const later = { ...updated.json, Changes: [{ Field: 'Name', OldValue: 'Spring 15% off', NewValue: 'Spring 20% off' }] };
		const first = await postJson(defaultSetup({}, staticData), updated.json);
		const second = await postJson(defaultSetup({}, staticData), later);

		expect(first.items).toHaveLength(1);
		expect(second.items).toHaveLength(1);
		expect(second.items![0].eventKey).not.toBe(first.items![0].eventKey);
		expect(second.items![0].eventKey).toMatch(/^Promotion\.Updated\|promotionid=8001\|payload:/);
	});

	it('emits every repeat when the dedupe window is 0', async () => {
		const staticData: IDataObject = {};
		const setup = defaultSetup({ options: { dedupeWindow: 0 } }, staticData);
		await postJson(setup, created.json);
		const again = await postJson(setup, created.json);

		expect(again.items).toHaveLength(1);
	});
});

describe('events filter and event names', () => {
	const nameless = { PromotionId: 8002, DeletedDate: '2024-03-21T09:30:00Z' };

	it('leaves out events not selected, still answering 200', async () => {
		const observed = await postJson(defaultSetup({ events: ['Promotion.Created'] }), fixture('Promotion.Deleted').json);

		expect(observed.status).toBe(200);
		expect(observed.items).toBeUndefined();
		expect(observed.body).toMatchObject({ success: true, ignored: 1, emitted: 0 });
	});

	it.each(['promotion_created', 'PROMOTION.CREATED', 'Promotion Created'])(
		'reads the event name "%s" as Promotion.Created',
		async (spelling) => {
			const observed = await postJson(defaultSetup({ events: ['Promotion.Created'] }), { ...created.json, EventName: spelling });

			expect(observed.items![0].eventName).toBe('Promotion.Created');
			expect(observed.items![0].EventName).toBe(spelling);
		},
	);

	it('finds the event name under the other likely field names', async () => {
		const { EventName: _name, ...rest } = created.json;
		const observed = await postJson(defaultSetup(), { ...rest, WebhookEvent: 'Promotion.Created' });

		expect(observed.items![0].eventName).toBe('Promotion.Created');
	});

	it('takes the event name from the URL when the payload has none', async () => {
		const observed = await postJson(defaultSetup({ events: ['Promotion.Deleted'] }), nameless, {
			query: { token: SECRET, event: 'Promotion.Deleted' },
		});

		expect(observed.items).toEqual([
			expect.objectContaining({ eventName: 'Promotion.Deleted', PromotionId: 8002, DeletedDate: '2024-03-21T09:30:00Z' }),
		]);
		expect(observed.items![0]).not.toHaveProperty('EventName');
	});

	it('takes the first event parameter when the URL has two', async () => {
		const observed = await postJson(defaultSetup(), nameless, {
			query: { token: SECRET, event: ['Promotion.Deleted', 'Promotion.Created'] },
		});

		expect(observed.items![0].eventName).toBe('Promotion.Deleted');
	});

	it('emits a nameless event as "unknown" when no event is selected', async () => {
		const observed = await postJson(defaultSetup(), nameless);

		expect(observed.items![0].eventName).toBe('unknown');
	});

	it('leaves out a nameless event when events are selected, and says how to fix it', async () => {
		const observed = await postJson(defaultSetup({ events: ['Promotion.Deleted'] }), nameless);

		expect(observed.items).toBeUndefined();
		expect(observed.logs.map(({ message }) => message).join('\n')).toMatch(/End the webhook URL .* with event=<event name>/);
	});

	it('emits an event named in the URL with a name it does not list, as sent', async () => {
		const observed = await postJson(defaultSetup({ refusedAnswer: 'error' }), nameless, {
			query: { token: SECRET, event: 'Promotion.Removed' },
		});

		expect(observed.status).toBe(200);
		expect(observed.items).toEqual([expect.objectContaining({ eventName: 'Promotion.Removed', PromotionId: 8002 })]);
		expect(observed.items![0].eventKey).toMatch(/^Promotion\.Removed\|promotionid=8002\|payload:/);
	});

	it('reads an empty event parameter as no name', async () => {
		const observed = await postJson(defaultSetup(), nameless, { query: { token: SECRET, event: ' ' } });

		expect(observed.items![0].eventName).toBe('unknown');
	});

	it('lets the payload name win over the URL', async () => {
		const observed = await postJson(defaultSetup(), created.json, { query: { token: SECRET, event: 'Promotion.Deleted' } });

		expect(observed.items![0].eventName).toBe('Promotion.Created');
	});
});

describe('event names the package does not list (Qixol may add events)', () => {
	it('emits the event with its name as sent, answering 200 even when 4xx is chosen, and logs the name once', async () => {
		const setup = defaultSetup({ refusedAnswer: 'error' });
		const first = await postJson(setup, { ...created.json, EventName: 'Promotion.Archived.Q18' });
		const again = await postJson(setup, { ...created.json, EventName: 'Promotion.Archived.Q18', PromotionId: 8003 });
		const unlisted = (logs: typeof first.logs) => logs.filter(({ message }) => message.includes('Promotion.Archived.Q18'));

		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ success: true, received: 1, emitted: 1 });
		expect(first.items).toEqual([{ ...created.json, EventName: 'Promotion.Archived.Q18', eventName: 'Promotion.Archived.Q18', eventKey: expect.any(String) }]);
		expect(first.items![0].eventKey).toMatch(/^Promotion\.Archived\.Q18\|promotionid=8001\|payload:[\w-]{12}$/);
		expect(unlisted(first.logs)).toEqual([
			{ level: 'warn', message: 'Qixol Promo sent event name "Promotion.Archived.Q18", a value this package does not list; the event is emitted with it as sent' },
		]);
		expect(again.items).toHaveLength(1);
		expect(unlisted(again.logs)).toEqual([]);
	});

	it('emits an XML event with a name it does not list', async () => {
		const observed = await postXml(
			defaultSetup({ refusedAnswer: 'error' }),
			'<Webhook><EventName>Promotion.Archived</EventName><PromotionId>1</PromotionId></Webhook>',
		);

		expect(observed.status).toBe(200);
		expect(observed.items).toEqual([
			{ eventname: 'Promotion.Archived', promotionid: '1', xmlRoot: 'webhook', eventName: 'Promotion.Archived', eventKey: expect.any(String) },
		]);
	});

	it('leaves it out when events are picked, as it matches none of them', async () => {
		const observed = await postJson(defaultSetup({ events: ['Promotion.Created'] }), { ...created.json, EventName: 'Promotion.Archived' });

		expect(observed.status).toBe(200);
		expect(observed.items).toBeUndefined();
		expect(observed.body).toMatchObject({ success: true, ignored: 1, emitted: 0 });
	});

	it('lets an expression pick it by its name as sent', async () => {
		const observed = await postJson(defaultSetup({ events: 'Promotion.Archived' }), { ...created.json, EventName: 'Promotion.Archived' });

		expect(observed.items).toHaveLength(1);
	});

	it('does not log a listed event, whatever its spelling', async () => {
		const observed = await postJson(defaultSetup(), { ...created.json, EventName: 'promotion_created' });

		expect(observed.logs.filter(({ message }) => message.includes('does not list'))).toEqual([]);
	});
});

describe('items as Qixol sent them', () => {
	it('keeps a JSON payload\'s field names and JSON types, at every depth', async () => {
		const payload = {
			EventName: 'Promotion.Updated',
			PromotionId: 8001,
			IsActive: true,
			Discount: 10.5,
			Note: null,
			Id: 1,
			id: 2,
			Lines: [{ Sku: 'A-1', Qty: 2, Gift: false }],
			Details: { MaxUses: 100, Codes: ['X', 'Y'] },
		};
		const observed = await postJson(defaultSetup(), payload);

		expect(observed.items).toEqual([{ ...payload, eventName: 'Promotion.Updated', eventKey: expect.any(String) }]);
		expect(Object.keys(observed.items![0])).toEqual([...Object.keys(payload), 'eventName', 'eventKey']);
		// The key is still the canonical one: lower-case names, values as text.
		expect(observed.items![0].eventKey).toMatch(/^Promotion\.Updated\|id=2\|promotionid=8001\|payload:/);
	});

	it('gives a JSON event the same key as the same payload with its numbers as text', async () => {
		const asNumbers = await postJson(defaultSetup(), { EventName: 'Promotion.Deleted', PromotionId: 8002 });
		const asText = await postJson(defaultSetup(), { eventname: 'Promotion.Deleted', promotionid: '8002' });

		expect(asNumbers.items![0].PromotionId).toBe(8002);
		expect(asText.items![0].promotionid).toBe('8002');
		expect(asNumbers.items![0].eventKey).toBe(asText.items![0].eventKey);
	});

	it('lets the kit\'s eventName win over a payload field spelled exactly "eventName"', async () => {
		const observed = await postJson(defaultSetup(), { eventName: 'promotion_created', PromotionId: 1 });

		expect(observed.items![0]).toMatchObject({ eventName: 'Promotion.Created', PromotionId: 1 });
	});

	it('keeps the XML root element\'s name in xmlRoot, and its content as n8n parsed it', async () => {
		const xml =
			'<Webhook xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><EventName>Promotion.Deleted</EventName><PromotionId>8002</PromotionId><Note i:nil="true"/></Webhook>';
		const observed = await postXml(defaultSetup(), xml);
		const parsed = await parseXmlLikeN8n(xml);

		expect(vendorFields(observed.items![0])).toEqual({ ...(parsed.webhook as IDataObject), xmlRoot: 'webhook' });
		// The key is that of the canonical form, which reads the nil element as null.
		expect(observed.items![0].eventKey).toBe(
			qixolEventKey('Promotion.Deleted', { eventname: 'Promotion.Deleted', promotionid: '8002', note: null }),
		);
	});

	it('reads the event name from the XML root element when no field names it', async () => {
		const observed = await postXml(defaultSetup({ events: ['Promotion.Created'] }), '<PromotionCreated><PromotionId>7</PromotionId></PromotionCreated>');

		expect(observed.items).toEqual([
			{ promotionid: '7', xmlRoot: 'promotioncreated', eventName: 'Promotion.Created', eventKey: expect.stringMatching(/^Promotion\.Created\|promotionid=7\|/) },
		]);
	});

	it('reads a root element with a namespace prefix as the event name', async () => {
		const observed = await postXml(defaultSetup(), '<q:Promotion.Updated xmlns:q="urn:qixol"><PromotionId>7</PromotionId></q:Promotion.Updated>');

		expect(observed.items![0]).toMatchObject({ xmlRoot: 'q:promotion.updated', eventName: 'Promotion.Updated' });
	});

	it('prefers a field naming the event over the root, and the root over the URL', async () => {
		const named = await postXml(defaultSetup(), '<PromotionCreated><EventName>Promotion.Updated</EventName><PromotionId>7</PromotionId></PromotionCreated>');
		const rooted = await postXml(defaultSetup(), '<PromotionCreated><PromotionId>7</PromotionId></PromotionCreated>', {
			query: { token: SECRET, event: 'Promotion.Deleted' },
		});

		expect(named.items![0].eventName).toBe('Promotion.Updated');
		expect(rooted.items![0].eventName).toBe('Promotion.Created');
	});

	it('does not take a root element that names no listed event, such as <Webhook>, as the event name', async () => {
		const bare = await postXml(defaultSetup(), '<Webhook><PromotionId>7</PromotionId></Webhook>');
		const fromUrl = await postXml(defaultSetup(), '<Webhook><PromotionId>7</PromotionId></Webhook>', {
			query: { token: SECRET, event: 'Promotion.Deleted' },
		});

		expect(bare.items![0]).toMatchObject({ eventName: 'unknown', xmlRoot: 'webhook' });
		expect(fromUrl.items![0].eventName).toBe('Promotion.Deleted');
	});
});

describe('XML lists', () => {
	const oneCode =
		'<Webhook><EventName>CouponCodes.GenerateCompleted</EventName><CouponCodes><string>QX-ONLY</string></CouponCodes></Webhook>';
	const noCode = '<Webhook><EventName>CouponCodes.GenerateCompleted</EventName><CouponCodes/></Webhook>';

	it('keeps a list in the item as n8n parsed it, named as a list or not', async () => {
		const plain = await postXml(defaultSetup(), oneCode);
		const named = await postXml(defaultSetup({ options: { xmlListElements: 'CouponCodes' } }), oneCode);

		expect(plain.items![0].couponcodes).toEqual({ string: 'QX-ONLY' });
		expect(named.items![0].couponcodes).toEqual({ string: 'QX-ONLY' });
	});

	it('gives one-entry and empty lists named as lists the key of the same JSON, so the twin is a repeat', async () => {
		const setup = () => defaultSetup({ options: { xmlListElements: 'CouponCodes' } });
		const pairs: Array<[string, unknown[]]> = [
			[oneCode, ['QX-ONLY']],
			[noCode, []],
		];
		for (const [xml, codes] of pairs) {
			const fromXml = await postXml(setup(), xml);
			const fromJson = await postJson(setup(), { EventName: 'CouponCodes.GenerateCompleted', CouponCodes: codes });
			expect(fromXml.items).toHaveLength(1);
			expect(fromXml.items![0].eventKey).toBe(fromJson.items![0].eventKey);
		}
	});

	it('keeps namespace prefixes in the item and leaves them out of the key', async () => {
		const observed = await postXml(
			defaultSetup(),
			'<Webhook xmlns:a="urn:example"><EventName>Promotion.Deleted</EventName><a:PromotionId>8002</a:PromotionId></Webhook>',
		);

		expect(vendorFields(observed.items![0])).toEqual({
			$: { 'xmlns:a': 'urn:example' },
			eventname: 'Promotion.Deleted',
			'a:promotionid': '8002',
			xmlRoot: 'webhook',
		});
		expect(observed.items![0].eventKey).toBe(qixolEventKey('Promotion.Deleted', { eventname: 'Promotion.Deleted', promotionid: '8002' }));
	});
});

describe('answering when the last node finishes', () => {
	it('hands the items to the workflow and lets n8n answer', async () => {
		const observed = await postJson(defaultSetup({ responseMode: 'lastNode' }), created.json);

		expect(observed.status).toBeUndefined();
		expect(observed.items).toHaveLength(1);
	});

	it('still answers a refused delivery at once, with 200 by default', async () => {
		const observed = await postJson(defaultSetup({ responseMode: 'lastNode' }), created.json, { query: {} });

		expect(observed.status).toBe(200);
		expect(observed.items).toBeUndefined();
	});
});

describe('node description', () => {
	const property = (name: string): INodeProperties => {
		const found = node.description.properties.find((candidate) => candidate.name === name);
		if (!found) throw new Error(`No property ${name}`);
		return found;
	};

	it('offers exactly the ten events, each with a description', () => {
		const options = property('events').options as Array<{ value: string; description?: string }>;

		expect(options.map(({ value }) => value).sort()).toEqual([...QIXOL_EVENTS].sort());
		for (const { description } of options) expect(description).toBeTruthy();
	});

	it('warns about auto-disabling only when answering after the last node', () => {
		const notice = property('lastNodeNotice');

		expect(notice.type).toBe('notice');
		expect(notice.displayOptions).toEqual({ show: { responseMode: ['lastNode'] } });
		expect(notice.displayName).toMatch(/disables a webhook after 3 answers other than 200 within 60 minutes/);
	});

	it('says where to paste the URL and that each event needs its own webhook', () => {
		expect(property('setupNotice').displayName).toMatch(/Configuration → Webhooks → Add New/);
		expect(property('setupNotice').displayName).toMatch(/one per event/);
	});

	it('answers at once and drops refused deliveries with 200 unless told otherwise', () => {
		expect(property('responseMode').default).toBe('onReceived');
		expect(property('refusedAnswer').default).toBe('ok');
	});

	it('reports success for the manual registration steps', async () => {
		const hooks = node.webhookMethods!.default!;
		const context = {} as IHookFunctions;

		expect(await Promise.all([hooks.checkExists.call(context), hooks.create.call(context), hooks.delete.call(context)])).toEqual([
			true,
			true,
			true,
		]);
	});
});
