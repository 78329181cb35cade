/**
 * Hostile input: XML with entity expansion and external entities (through n8n's own parser settings),
 * bodies near n8n's size limit, batches beyond a vendor's maximum, nesting deeper than the call stack, and
 * keys that would pollute a prototype. Each gets a defined answer, and memory stays bounded.
 */
import { createServer } from 'http';
import { writeFileSync } from 'fs';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import { sanitizeXmlName, type IDataObject } from 'n8n-workflow';

import { OptimizelyCampaignApi } from '../../credentials/OptimizelyCampaignApi.credentials';
import { OptimizelyCampaign } from '../../nodes/OptimizelyCampaign/OptimizelyCampaign.node';
import { OptimizelyCampaignTrigger } from '../../nodes/OptimizelyCampaign/OptimizelyCampaignTrigger.node';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';
import { QixolPromoTrigger } from '../../nodes/QixolPromo/QixolPromoTrigger.node';
import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import { runAction } from '../helpers/execute';
import { basicAuthHeader, deliver, type NodeSetup } from '../helpers/webhook';
import { OptimizelyMock } from '../mocks/optimizelyApi';

interface XmlParser {
	parseStringPromise(xml: string): Promise<unknown>;
}
// xml2js 0.6.2 (a devDependency, as in n8n): n8n's body parser makes one instance with these settings.
const { Parser } = require('xml2js') as { Parser: new (options: object) => XmlParser };
const n8nXmlParser = () =>
	new Parser({ async: true, normalize: true, normalizeTags: true, explicitArray: false, tagNameProcessors: [sanitizeXmlName], attrNameProcessors: [sanitizeXmlName] });

/** What n8n does with an XML body: its parsed form, or 422 when its parser fails, or nothing when it never settles. */
async function n8nParses(parser: XmlParser, xml: string): Promise<{ body: IDataObject } | { refused: string } | { hangs: true }> {
	let timer: NodeJS.Timeout | undefined;
	const hang = new Promise<{ hangs: true }>((resolve) => {
		timer = setTimeout(() => resolve({ hangs: true }), 1_000);
	});
	try {
		return await Promise.race([
			parser.parseStringPromise(xml).then(
				(body) => ({ body: body as IDataObject }),
				(error: Error) => ({ refused: error.message.split('\n')[0] }),
			),
			hang,
		]);
	} finally {
		clearTimeout(timer);
	}
}

const SECRET = 'hostile-input-secret-0123';
const qixol = new QixolPromoTrigger();
const qixolSetup = (): NodeSetup => ({
	parameters: { authentication: 'sharedSecret' },
	credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'query', name: 'token' } },
	staticData: {},
});
const postXml = (body: IDataObject, xml: string) => deliver(qixol, qixolSetup(), { body, rawBody: xml, headers: { 'content-type': 'application/xml' }, query: { token: SECRET } });

/** A file an external entity points at, and a server a parameter entity points at: neither may be read. */
const MARKER = `xxe-marker-${process.pid}`;
const FILE = join(tmpdir(), `${MARKER}.txt`);
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE Webhook [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level === 0 ? '' : level};`.repeat(10)}">`).join('')}]><Webhook><EventName>Promotion.Created</EventName><Name>&lol9;</Name></Webhook>`;
const EXTERNAL = `<?xml version="1.0"?><!DOCTYPE Webhook [<!ENTITY xxe SYSTEM "file://${FILE}">]><Webhook><EventName>Promotion.Created</EventName><Name>&xxe;</Name></Webhook>`;

describe('hostile input: XML entities through n8n\'s parser (Qixol Promo)', () => {
	let requestsToServer = 0;
	const server = createServer((_req, res) => {
		requestsToServer++;
		res.end(`<!ENTITY stolen "${MARKER}">`);
	});
	let dtdUrl = '';
	beforeAll(async () => {
		writeFileSync(FILE, MARKER);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		dtdUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/evil.dtd`;
	});
	afterAll(async () => {
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});

	it('refuses, like n8n (422 before the node runs), a body that uses a declared, an external or an undeclared entity', async () => {
		for (const xml of [BILLION_LAUGHS, EXTERNAL, '<Webhook><EventName>Promotion.Created</EventName><Name>&nope;</Name></Webhook>']) {
			const started = Date.now();
			expect(await n8nParses(n8nXmlParser(), xml)).toEqual({ refused: 'Invalid character entity' });
			// Refused at the reference, with nothing expanded: fast.
			expect(Date.now() - started).toBeLessThan(500);
		}
	});

	it('ignores a DTD whose entities are not used, fetches nothing, and the trigger takes the event as usual', async () => {
		const xml = `<?xml version="1.0"?><!DOCTYPE Webhook [<!ENTITY % remote SYSTEM "${dtdUrl}"> %remote; <!ENTITY xxe SYSTEM "file://${FILE}">]><Webhook><EventName>Promotion.Created</EventName><PromotionId>7</PromotionId></Webhook>`;
		const parsed = await n8nParses(n8nXmlParser(), xml);
		expect(parsed).toEqual({ body: { webhook: { eventname: 'Promotion.Created', promotionid: '7' } } });
		const result = await postXml((parsed as { body: IDataObject }).body, xml);
		expect(result.status).toBe(200);
		expect(result.items).toEqual([{ eventname: 'Promotion.Created', promotionid: '7', xmlRoot: 'webhook', eventName: 'Promotion.Created', eventKey: expect.any(String) }]);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(requestsToServer).toBe(0);
	});

	it('after one failed parse, n8n\'s shared parser lets entity references through as text: the trigger emits the text, never what it names', async () => {
		// n8n keeps one parser for every request (packages/cli/src/middlewares/body-parser.ts); xml2js does
		// not recover its strictness after an error, so later references pass as literal text.
		const shared = n8nXmlParser();
		expect(await n8nParses(shared, BILLION_LAUGHS)).toEqual({ refused: 'Invalid character entity' });
		for (const [xml, text] of [
			[BILLION_LAUGHS, '&lol9;'],
			[EXTERNAL, '&xxe;'],
		] as const) {
			const parsed = await n8nParses(shared, xml);
			expect(parsed).toEqual({ body: { webhook: { eventname: 'Promotion.Created', name: text } } });
			const result = await postXml((parsed as { body: IDataObject }).body, xml);
			expect(result.status).toBe(200);
			expect(result.items).toEqual([expect.objectContaining({ name: text })]);
			expect(JSON.stringify([result.items, result.body, result.logs])).not.toMatch(new RegExp(`${MARKER}|lollol`));
		}
		expect(requestsToServer).toBe(0);
	});

	it('keeps hostile element and attribute names as data: n8n renames __proto__ and constructor, the trigger pollutes nothing', async () => {
		const xml = '<Webhook __proto__="a" constructor="b"><EventName>Promotion.Created</EventName><__proto__><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor></Webhook>';
		const parsed = await n8nParses(n8nXmlParser(), xml);
		const result = await postXml((parsed as { body: IDataObject }).body, xml);
		expect(result.status).toBe(200);
		expect(result.items).toEqual([expect.objectContaining({ sanitized___proto__: { polluted: 'yes' } })]);
		expect(Object.getPrototypeOf(result.items![0])).toBe(Object.prototype);
		expect(({} as IDataObject).polluted).toBeUndefined();
	});

	it('n8n\'s parser never settles on an element named "_" (its text key): the request never reaches the trigger', async () => {
		expect(await n8nParses(n8nXmlParser(), '<Webhook><_>x</_></Webhook>')).toEqual({ hangs: true });
	});
});

// ---- Size: bodies near n8n's limit, batches over the vendor's maximum, memory -------------------------------

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
	gc();
	gc();
	return process.memoryUsage().heapUsed;
};

const optimizelySetup = (): NodeSetup => ({
	parameters: { events: [] },
	staticData: { registration: { basicAuth: { user: 'u', password: SECRET }, webhooks: { 'https://x.example.com/w': { sent: '1' } } } },
});
const optimizely = new OptimizelyCampaignTrigger();
const toOptimizely = (events: unknown, setup = optimizelySetup()) =>
	deliver(optimizely, setup, { rawBody: JSON.stringify(events), headers: { authorization: basicAuthHeader('u', SECRET) } });
const sentEvent = (index: number, extra: IDataObject = {}) => ({ type: 'sent', id: `s-${index}`, created: 1_700_000_000_000 + index, ...extra });

describe('hostile input: size', () => {
	// Answered 200, not 400: Optimizely resends anything else for three days, and a resend would be as large.
	it('Optimizely Campaign: 100 events are taken, 101 or 200,000 are dropped with 200, the reason and a log line, fast', async () => {
		const hundred = await toOptimizely(Array.from({ length: 100 }, (_, index) => sentEvent(index)));
		expect(hundred.status).toBe(200);
		expect(hundred.items).toHaveLength(100);
		for (const count of [101, 200_000]) {
			const started = Date.now();
			const result = await toOptimizely(Array.from({ length: count }, (_, index) => sentEvent(index)));
			expect(result.status).toBe(200);
			expect(result.items).toBeUndefined();
			expect(result.body).toEqual({ success: false, error: `Cannot read the delivery: the delivery holds ${count} events, more than the 100 Optimizely Campaign sends at most; it was logged and dropped` });
			expect(result.logs.some((line) => line.level === 'warn' && line.message.includes(`holds ${count} events`))).toBe(true);
			expect(Date.now() - started).toBeLessThan(5_000);
		}
	});

	it('SendPulse: more than 1,000 events are refused with 400', async () => {
		const events = Array.from({ length: 1_001 }, (_, index) => ({ event: 'open', email: `r${index}@example.com`, timestamp: index }));
		const result = await deliver(new SendPulseTrigger(), { parameters: { source: 'automation360Events', authentication: 'none' } }, { rawBody: JSON.stringify(events) });
		expect(result.status).toBe(400);
		expect(result.items).toBeUndefined();
	});

	it('a body just under n8n\'s 16 MB limit gets a defined answer from every trigger, and memory does not pile up', async () => {
		const huge = 'x'.repeat(15 * 1024 * 1024);
		// One static data per trigger, kept across rounds as n8n keeps a workflow's; a new event each round.
		const opt = optimizelySetup();
		const kept = () => ({ parameters: { authentication: 'none' }, staticData: {} as IDataObject });
		const [personaclick, prodege, sendPulse] = [kept(), kept(), kept()];
		const qixolKept = qixolSetup();
		const cases: Array<[string, (round: number) => Promise<{ status?: number }>]> = [
			['Optimizely Campaign', (round) => toOptimizely([{ type: 'singleoptin', note: `${round}${huge}` }], opt)],
			['Personaclick', (round) => deliver(new PersonaclickTrigger(), personaclick, { rawBody: `[{"operation":"bulk_campaign","status":"success","bulk_campaign_id":"${round}${huge}"}]` })],
			['Qixol Promo', (round) => deliver(qixol, qixolKept, { rawBody: `{"EventName":"Promotion.Created","Name":"${round}${huge}"}`, query: { token: SECRET } })],
			[
				'Prodege',
				(round) =>
					deliver(new ProdegeTrigger(), { ...prodege, parameters: { ...prodege.parameters, authentication: 'none' } }, {
						rawBody: `{"data":{"event_id":"644b075404443f2a3c77c7c${round}","event_time":"2023-04-27 16:37:56","project_id":1,"status":"LIVE","update_reason":113,"description":"${huge}"}}`,
					}),
			],
			['SendPulse', (round) => deliver(new SendPulseTrigger(), { ...sendPulse, parameters: { source: 'automation360Events', authentication: 'none' } }, { rawBody: `[{"event":"spam","email":"${round}${huge}"}]` })],
		];
		// A round through all five; V8 may keep the last body a regular expression read, but nothing piles up.
		const round = async (index: number) => {
			for (const [vendor, run] of cases) {
				const started = Date.now();
				const { status } = await run(index);
				expect([vendor, status]).toEqual([vendor, 200]);
				expect(Date.now() - started).toBeLessThan(10_000);
			}
			return heapAfterGc();
		};
		const afterFirst = await round(0);
		let afterLast = afterFirst;
		for (let index = 1; index <= 3; index++) afterLast = await round(index);
		// Fifteen more 15 MB bodies came and went: the heap grew by less than one of them.
		expect(afterLast - afterFirst).toBeLessThan(15 * 1024 * 1024);
	}, 60_000);

	it('the dedupe window stays bounded in static data, however long the keys and however many events', async () => {
		const staticData: IDataObject = {};
		const node = new PersonaclickTrigger();
		const longId = 'k'.repeat(10_000);
		for (let batch = 0; batch < 50; batch++) {
			const events = Array.from({ length: 100 }, (_, index) => ({ operation: 'bulk_campaign', status: 'success', bulk_campaign_id: `${longId}-${batch}-${index}` }));
			const result = await deliver(node, { parameters: { authentication: 'none', options: { dedupeWindow: 1_000 } }, staticData }, { rawBody: JSON.stringify(events) });
			expect(result.items).toHaveLength(100);
		}
		// 5,000 keys of 10 KB each went through a window of 1,000: kept hashed, about 60 bytes each.
		const size = JSON.stringify(staticData).length;
		expect(size).toBeLessThan(1_000 * 150);
	});
});

// ---- Nesting deeper than the call stack, and prototype keys ----------------------------------------------

describe('hostile input: depth and prototype keys', () => {
	const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

	it('an event nested 20,000 levels deep gets a defined answer, not a stack overflow (Optimizely without id, Qixol)', async () => {
		const optimizelyResult = await deliver(optimizely, optimizelySetup(), {
			rawBody: `[{"type":"confirmedoptin","extra":${deep(20_000)}}]`,
			headers: { authorization: basicAuthHeader('u', SECRET) },
		});
		expect(optimizelyResult).toMatchObject({ status: 200, items: undefined, body: { error: 'Cannot read the delivery: the body nests deeper than 1000 levels; it was logged and dropped' } });
		const qixolResult = await deliver(qixol, qixolSetup(), { rawBody: `[{"EventName":"Promotion.Created","x":${deep(20_000)}}]`, query: { token: SECRET } });
		expect(qixolResult).toMatchObject({ status: 200, items: undefined, body: { success: false } });
		// 150 levels: readable as a body, but no vendor nests an event so deep; the others in the batch go through.
		const batch = await toOptimizely([sentEvent(1), { ...sentEvent(2), extra: JSON.parse(deep(150)) as unknown }]);
		expect(batch.items?.map((item) => item.id)).toEqual(['s-1']);
		expect((batch.body as { rejected: unknown[] }).rejected).toEqual([{ index: 1, errors: ['(event): nests deeper than 100 levels'] }]);
	});

	it('request metadata keeps a query parameter named __proto__ as a key, never as the prototype', async () => {
		const query = JSON.parse('{"__proto__":["a","b"],"x":"1"}') as IDataObject;
		const result = await deliver(new PersonaclickTrigger(), { parameters: { authentication: 'none', options: { includeRequestMetadata: true } } }, {
			rawBody: '[{"operation":"bulk_campaign","status":"success","bulk_campaign_id":"1"}]',
			query,
		});
		const kept = (result.items![0].requestMetadata as IDataObject).query as IDataObject;
		expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
		expect(Object.keys(kept)).toEqual(['__proto__', 'x']);
	});

	it('Optimizely Campaign action: an API answer with __proto__ keys gives items with ordinary prototypes', async () => {
		const mock = await new OptimizelyMock().listen();
		try {
			mock.seed({ type: 'open', targetUrl: 'https://x.example.com/w', ...(JSON.parse('{"extra":{"__proto__":{"polluted":true},"inner":{"__proto__":{"polluted":true}}}}') as IDataObject) });
			const [items] = await runAction(new OptimizelyCampaign(), {
				parameters: { resource: 'webhook', operation: 'getAll', returnAll: true },
				credentials: { optimizelyCampaignApi: { type: new OptimizelyCampaignApi(), data: mock.credential() } },
			});
			const extra = items[0].json.extra as IDataObject;
			expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
			expect(Object.getPrototypeOf(extra.inner)).toBe(Object.prototype);
			expect(extra.polluted).toBeUndefined();
		} finally {
			await mock.close();
		}
	});
});
