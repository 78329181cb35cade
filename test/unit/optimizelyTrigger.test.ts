/** The Optimizely Campaign Trigger receiving deliveries: what Optimizely and the workflow observe. */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';

import { OptimizelyCampaignTrigger } from '../../nodes/OptimizelyCampaign/OptimizelyCampaignTrigger.node';
import { EVENT_TYPES, optimizelyItemSchema, REGISTRATION_KEY } from '../../nodes/OptimizelyCampaign/events';
import { basicAuthHeader, deliver, type Delivery, type NodeSetup } from '../helpers/webhook';

const FIXTURES = join(__dirname, '../fixtures/optimizely');
const USER = 'n8n-3f9a1c2b7d4e';
const PASSWORD = 'gW3q9v-generated-password-Zk81xTq2';
const AUTH = { authorization: basicAuthHeader(USER, PASSWORD) };
const node = new OptimizelyCampaignTrigger();

const registered = (parameters: IDataObject = {}): NodeSetup => ({
	parameters: { events: [...EVENT_TYPES], ...parameters },
	staticData: {
		[REGISTRATION_KEY]: { basicAuth: { user: USER, password: PASSWORD }, webhooks: { 'https://n8n.example.com/webhook/x/webhook': { open: '1' } } },
	},
});

const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const send = (setup: NodeSetup, delivery: Delivery) => deliver(node, setup, { ...delivery, headers: { ...AUTH, ...delivery.headers } });

function sentEvent(index: number, attempt = 1): IDataObject {
	return {
		type: 'sent',
		id: `0a673110-${index.toString(16).padStart(6, '0')}`,
		mailingId: 10230355206,
		mediaType: 'EMAIL',
		created: 1617108575391 + index,
		mailId: `MAIL-${index}`,
		recipientId: `r${index}@example.com`,
		clientId: 10180860001,
		attempt,
	};
}

describe('Optimizely Campaign Trigger: the seed examples', () => {
	const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.json'));

	it('has the six seed examples as fixtures', () => {
		expect(files.sort()).toEqual(['bounce.json', 'click.json', 'open.batch.json', 'sent.json', 'spamcomplaint.json', 'unsubscribe.json']);
	});

	it.each(files)('%s answers 200 and emits one item per event, fields unchanged', async (file) => {
		const rawBody = fixture(file);
		const parsed = JSON.parse(rawBody) as IDataObject | IDataObject[];
		const events = Array.isArray(parsed) ? parsed : [parsed];
		const result = await send(registered(), { rawBody });

		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({ success: true, received: events.length, emitted: events.length, rejected: [] });
		expect(result.items).toHaveLength(events.length);
		result.items!.forEach((item, index) => {
			const event = events[index];
			expect(item).toMatchObject(event);
			expect(item.eventName).toBe(event.type);
			expect(item.createdIso).toBe(new Date(event.created as number).toISOString());
			expect(item.eventKey).toBe(
				event.id === undefined
					? [event.type, event.mailId, event.recipientId, event.created].join('|')
					: `${event.type as string}|id=${event.id as string}`,
			);
		});
	});

	it('gives the exact items for the batch of two opens, which carry no id', async () => {
		const { items } = await send(registered(), { rawBody: fixture('open.batch.json') });
		expect(items?.map(({ mailId, attempt, eventKey, createdIso }) => ({ mailId, attempt, eventKey, createdIso }))).toEqual([
			{
				mailId: '3P5W8B4-3P5W0LI-BSLXEC',
				attempt: 2,
				eventKey: 'open|3P5W8B4-3P5W0LI-BSLXEC|123456789005|1564590054000',
				createdIso: '2019-07-31T16:20:54.000Z',
			},
			{
				mailId: '4P6W8B4-4P6W0LI-BSLXEC',
				attempt: 5,
				eventKey: 'open|4P6W8B4-4P6W0LI-BSLXEC|123456789005|1564590054000',
				createdIso: '2019-07-31T16:20:54.000Z',
			},
		]);
	});

	it('gives the exact item for the bounce example', async () => {
		const { items } = await send(registered(), { rawBody: fixture('bounce.json') });
		expect(items).toEqual([
			{
				type: 'bounce',
				id: '0a673102-178d27b2c8c-178d2cac0e4-c7420699923845e',
				recipientId: 'john.smith@example.com',
				userListId: 10180860004,
				clientId: 10180860001,
				created: 1617108575391,
				subscriptionId: 10227900201,
				mailId: '4P6W8B4-4P6W0LI-BSLXEC',
				mailingId: 10230355206,
				mediaTypesToAddresses: { EMAIL: 'john.smith@example.com' },
				category: 'softbounce',
				mediaType: 'EMAIL',
				reason: 'other',
				thresholdExceeded: false,
				attempt: 1,
				createdIso: '2021-03-30T12:49:35.391Z',
				eventName: 'bounce',
				eventKey: 'bounce|id=0a673102-178d27b2c8c-178d2cac0e4-c7420699923845e',
			},
		]);
	});
});

describe('Optimizely Campaign Trigger: batches', () => {
	it('turns a batch of 100 events into 100 items', async () => {
		const body = Array.from({ length: 100 }, (_, index) => sentEvent(index));
		const result = await send(registered(), { body });
		expect(result.status).toBe(200);
		expect(result.items).toHaveLength(100);
		expect(new Set(result.items!.map((item) => item.eventKey)).size).toBe(100);
	});

	it('drops a batch of 101, more than Optimizely sends, answering 200 so that it is not resent for three days', async () => {
		const result = await send(registered(), { body: Array.from({ length: 101 }, (_, index) => sentEvent(index)) });
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		expect(result.body).toEqual({
			success: false,
			error: 'Cannot read the delivery: the delivery holds 101 events, more than the 100 Optimizely Campaign sends at most; it was logged and dropped',
		});
		expect(result.logs).toContainEqual({ level: 'warn', message: expect.stringMatching(/^Optimizely Campaign webhook body refused: the delivery holds 101 events/) });
	});

	it('takes a single object as a batch of one', async () => {
		const result = await send(registered(), { body: sentEvent(1) });
		expect(result.items).toHaveLength(1);
	});

	it('emits the valid events of a partly invalid batch, answers 200 and logs the rejects', async () => {
		const body = [sentEvent(1), { type: 'sent', created: 1 }, { type: 'nonsense' }, sentEvent(2)];
		const result = await send(registered(), { body });
		expect(result.status).toBe(200);
		expect(result.items?.map((item) => item.id)).toEqual([sentEvent(1).id, sentEvent(2).id]);
		expect(result.body).toMatchObject({ success: true, emitted: 2, rejected: [{ index: 1 }, { index: 2 }] });
		const warnings = result.logs.filter((line) => line.level === 'warn').map((line) => line.message);
		expect(warnings).toEqual([expect.stringMatching(/event 1 rejected: id: Required/), expect.stringMatching(/event 2 rejected/)]);
	});

	it('answers 200 even when no event is valid, since a resend would be just as invalid', async () => {
		const result = await send(registered(), { body: [{ type: 'open' }] });
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		expect(result.body).toMatchObject({ success: false, rejected: [{ index: 0 }] });
	});

	it.each<[string, Delivery, RegExp]>([
		['a form body', { rawBody: 'type=open', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, /Optimizely Campaign sends JSON, and this body is form/],
		['an XML body', { body: { type: 'open' }, headers: { 'content-type': 'application/xml' } }, /this body is xml/],
		['text that is not JSON', { body: 'type=open', headers: { 'content-type': 'text/plain' } }, /the body is not valid JSON/],
		['bytes that are not JSON', { rawBody: Buffer.from([0xff, 0x00, 0x7b]), headers: { 'content-type': 'application/octet-stream' } }, /the body is not valid JSON/],
		['an empty body', { rawBody: '' }, /the body is empty/],
		['a body nested deeper than 1,000 levels', { rawBody: `${'['.repeat(1_001)}${']'.repeat(1_001)}` }, /nests deeper than 1000 levels/],
	])('drops %s, which it cannot read: 200, logged, nothing emitted', async (_name, delivery, reason) => {
		const result = await send(registered(), delivery);
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		expect(result.body).toEqual({ success: false, error: expect.stringMatching(/^Cannot read the delivery: .*; it was logged and dropped$/) });
		expect((result.body as IDataObject).error).toMatch(reason);
		const warnings = result.logs.filter((line) => line.level === 'warn').map((line) => line.message);
		expect(warnings).toEqual([expect.stringMatching(/^Optimizely Campaign webhook body refused: /)]);
		expect(warnings[0]).toMatch(reason);
	});

	it('answers JSON that is not an Optimizely payload 200, each part rejected and logged', async () => {
		const result = await send(registered(), { body: [1, 'open', null, { hello: 'world' }] });
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		expect(result.body).toMatchObject({ success: false, received: 4, emitted: 0, rejected: [{ index: 0 }, { index: 1 }, { index: 2 }, { index: 3 }] });
		expect(result.logs.filter((line) => line.level === 'warn')).toHaveLength(4);
	});

	it('accepts the types whose fields are not documented, with only a type', async () => {
		const result = await send(registered(), { body: [{ type: 'doubleoptin', recipientId: 'a@b.c', created: 1617108763000 }, { type: 'archived' }] });
		expect(result.items?.map((item) => [item.eventName, item.createdIso])).toEqual([
			['doubleoptin', '2021-03-30T12:52:43.000Z'],
			['archive', undefined],
		]);
	});
});

describe('Optimizely Campaign Trigger: event types it does not list', () => {
	const warnings = (logs: Array<{ level: string; message: string }>) =>
		logs.filter(({ level, message }) => level === 'warn' && message.includes('does not list')).map(({ message }) => message);
	const forwarded = { type: 'forward', id: 'fw-1', created: 1617108575391, mailingId: 10230355206, recipientId: 'a@b.c', forwardedTo: 2, extra: { nested: [1, 'x'] } };

	it('emits an unlisted type as sent, every field kept, on a URL registered for another type', async () => {
		const result = await send(registered({ events: ['open'] }), { body: [forwarded] });
		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({ success: true, received: 1, emitted: 1, ignored: 0, rejected: [] });
		expect(result.items).toEqual([{ ...forwarded, createdIso: '2021-03-30T12:49:35.391Z', eventName: 'forward', eventKey: 'forward|id=fw-1' }]);
		expect(optimizelyItemSchema.safeParse(result.items![0]).success).toBe(true);
	});

	it('tells unlisted events without an id apart by mailId, recipientId and created, as opens', async () => {
		const event = { type: 'view', mailId: 'M-1', recipientId: 42, created: 1 };
		const setup = registered();
		const first = await send(setup, { body: [event, { ...event, created: 2 }] });
		expect(first.items?.map((item) => item.eventKey)).toEqual(['view|M-1|42|1', 'view|M-1|42|2']);
		const resent = await send(setup, { body: [{ ...event, attempt: 2 }] });
		expect(resent.status).toBe(200);
		expect(resent.items).toBeUndefined();
		expect(resent.body).toMatchObject({ duplicates: 1 });
	});

	it('still leaves out documented types that are not selected, counted as ignored', async () => {
		const result = await send(registered({ events: ['open'] }), { body: [forwarded, sentEvent(1)] });
		expect(result.items?.map((item) => item.type)).toEqual(['forward']);
		expect(result.body).toMatchObject({ success: true, received: 2, emitted: 1, ignored: 1 });
	});

	it('logs each unlisted type once per process', async () => {
		const setup = registered({ events: ['sent'] });
		const first = await send(setup, { body: [{ ...forwarded, type: 'resubscribe' }, { ...forwarded, type: 'resubscribe', id: 'fw-2' }] });
		expect(first.items).toHaveLength(2);
		expect(warnings(first.logs)).toEqual([
			'Optimizely Campaign sent type "resubscribe", a value this package does not list; the event is emitted with it as sent',
		]);
		const again = await send(setup, { body: [{ ...forwarded, type: 'resubscribe', id: 'fw-3' }] });
		expect(again.items).toHaveLength(1);
		expect(warnings(again.logs)).toEqual([]);
	});

	it('refuses an unlisted type without an id, or without mailId, recipientId and created: 200, logged', async () => {
		const result = await send(registered(), { body: [{ type: 'forward', mailId: 'M-1', recipientId: 'a@b.c' }, { type: 'forward' }] });
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		expect(result.body).toMatchObject({
			success: false,
			rejected: [
				{ index: 0, errors: ['id: Required for type forward, which this package does not list, unless mailId, recipientId and created are sent (missing: created)'] },
				{ index: 1, errors: [expect.stringMatching(/^id: Required for type forward/)] },
			],
		});
		expect(result.logs.filter((line) => /event \d rejected: id: Required for type forward/.test(line.message))).toHaveLength(2);
	});

	it('refuses a type that is missing, empty or not text, naming the documented types', async () => {
		const result = await send(registered(), { body: [{ id: '1', created: 1 }, { type: '', id: '1', created: 1 }, { type: 7, id: '1', created: 1 }] });
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		const rejected = (result.body as IDataObject).rejected as Array<{ errors: string[] }>;
		expect(rejected.map(({ errors }) => errors)).toEqual([
			[expect.stringMatching(/^type: Invalid discriminator value. Expected 'open' \| 'click'/)],
			[expect.stringMatching(/^type: Invalid discriminator value/)],
			[expect.stringMatching(/^type: Invalid discriminator value/)],
		]);
	});
});

describe('Optimizely Campaign Trigger: who may call', () => {
	it('answers 401 and starts no execution when the password is wrong', async () => {
		const result = await deliver(node, registered(), { body: sentEvent(1), headers: { authorization: basicAuthHeader(USER, 'wrong') } });
		expect(result.status).toBe(401);
		expect(result.items).toBeUndefined();
		expect(result.headers['www-authenticate']).toMatch(/^Basic realm=/);
		expect(JSON.stringify(result.logs)).not.toContain(PASSWORD);
	});

	it('answers 401 without credentials', async () => {
		const result = await deliver(node, registered(), { body: sentEvent(1) });
		expect(result.status).toBe(401);
		expect(result.items).toBeUndefined();
	});

	it('answers 401, not 200, to a wrong caller whatever the body: unreadable, too large or invalid', async () => {
		const wrong = { authorization: basicAuthHeader(USER, 'wrong') };
		for (const delivery of [
			{ rawBody: 'type=open', headers: { ...wrong, 'content-type': 'application/x-www-form-urlencoded' } },
			{ body: Array.from({ length: 101 }, (_, index) => sentEvent(index)), headers: wrong },
			{ body: [{ type: 'open' }], headers: wrong },
		]) {
			const result = await deliver(node, registered(), delivery);
			expect(result.status).toBe(401);
			expect(result.body).toEqual({ success: false, error: 'Unauthorized' });
			expect(result.items).toBeUndefined();
		}
	});

	it('answers 401 to everyone, empty credentials included, when it registered nothing', async () => {
		const result = await deliver(node, { parameters: { events: ['sent'] }, staticData: {} }, { body: sentEvent(1), headers: { authorization: basicAuthHeader('', '') } });
		expect(result.status).toBe(401);
		expect(result.items).toBeUndefined();
		expect(result.logs.some((line) => /holds no generated credentials/.test(line.message))).toBe(true);
	});
});

describe('Optimizely Campaign Trigger: filtering and duplicates', () => {
	it('drops events whose type is not selected', async () => {
		const result = await send(registered({ events: ['bounce'] }), { rawBody: fixture('open.batch.json') });
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		expect(result.body).toMatchObject({ received: 2, emitted: 0, ignored: 2 });
	});

	it('recognises a retried event with a growing attempt, by id', async () => {
		const setup = registered();
		expect((await send(setup, { body: [sentEvent(7, 1)] })).items).toHaveLength(1);
		const retry = await send(setup, { body: [sentEvent(7, 2), sentEvent(8, 1)] });
		expect(retry.status).toBe(200);
		expect(retry.items?.map((item) => item.id)).toEqual([sentEvent(8).id]);
		const again = await send(setup, { body: [sentEvent(7, 3)] });
		expect(again.status).toBe(200);
		expect(again.items).toBeUndefined();
		expect(again.body).toMatchObject({ duplicates: 1 });
	});

	it('recognises retried opens by type, mailId, recipientId and created', async () => {
		const setup = registered();
		const first = JSON.parse(fixture('open.batch.json')) as IDataObject[];
		expect((await send(setup, { body: first })).items).toHaveLength(2);
		const retried = first.map((event) => ({ ...event, attempt: (event.attempt as number) + 1 }));
		const later = { ...first[0], created: (first[0].created as number) + 1000 };
		const result = await send(setup, { body: [...retried, later] });
		expect(result.items).toHaveLength(1);
		expect(result.items![0].created).toBe(later.created);
	});
});
