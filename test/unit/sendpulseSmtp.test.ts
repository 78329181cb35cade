/**
 * SendPulse SMTP webhooks, and event names SendPulse adds to any source.
 *
 * Where the SMTP bodies come from: SendPulse's "SMTP webhooks" page describes batched JSON arrays of events
 * with `event`, `timestamp` (a number), `message_id` (a number), `recipient`, `sender` and `subject`, and a
 * `delivered` event that adds `smtp_server_response_code`, `smtp_server_response_subcode` and
 * `smtp_server_response`. The project's notes (vendor-api.md) give those fields, not the example body, so
 * `variants/smtp.delivered.json` and `variants/smtp.batch.json` are realistic bodies written from that list,
 * not the vendor's example. Only `delivered` is a published name: the other names in the batch are inferred.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	AUTOMATION_EVENTS,
	EMAIL_SERVICE_EVENTS,
	emailServiceEventOptions,
	SMTP_EVENTS,
	smtpEventOptions,
	smtpItemSchema,
	eventItemSchema,
} from '../../nodes/SendPulse/events';
import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import { deliver } from '../helpers/webhook';
import { automationEvents, emailService, fixture, KEY, node, query, smtp } from './sendpulseSupport';

const smtpEvent = (fields: IDataObject = {}): IDataObject => ({
	event: 'delivered',
	timestamp: 1717403521,
	message_id: 3021457789,
	recipient: 'ann@example.com',
	sender: 'shop@example.com',
	subject: 'Receipt',
	...fields,
});

const unlistedLines = (logs: Array<{ message: string }>) => logs.filter(({ message }) => message.includes('does not list')).map(({ message }) => message);

describe('SendPulse Trigger: SMTP webhooks', () => {
	it('turns the delivered variant into one item, every field as sent, with timestampIso', async () => {
		const sent = JSON.parse(fixture('variants/smtp.delivered.json')) as IDataObject[];
		const result = await deliver(node, smtp(), { rawBody: fixture('variants/smtp.delivered.json'), query });
		expect(result.status).toBe(200);
		expect(result.items).toEqual([
			{
				...sent[0],
				timestampIso: '2024-06-03T08:32:01Z',
				eventName: 'delivered',
				eventKey: 'delivered|message_id=3021457789|recipient=ann.smith@example.com|1717403521',
			},
		]);
		expect(result.body).toEqual({ success: true, received: 1, emitted: 1, duplicates: 0, ignored: 0, rejected: [] });
		expect(unlistedLines(result.logs)).toEqual([]);
	});

	it('splits a batch into one item per event, in order', async () => {
		const result = await deliver(node, smtp(), { rawBody: fixture('variants/smtp.batch.json'), query });
		expect(result.status).toBe(200);
		expect(result.items?.map((item) => [item.eventName, item.message_id])).toEqual([
			['delivered', 3021457789],
			['delivered', 3021457790],
			['open', 3021457789],
			['click', 3021457789],
			['soft_bounce', 3021457791],
			['hard_bounce', 3021457792],
			['unsubscribe', 3021457790],
		]);
	});

	it('takes a batch of 1,000 events (the older page’s maximum; the newer says 500), and refuses a larger one', async () => {
		const body = Array.from({ length: 1000 }, (_, index) => smtpEvent({ message_id: index + 1 }));
		const full = await deliver(node, smtp(), { body, query });
		expect(full.items).toHaveLength(1000);
		const over = await deliver(node, smtp(), { body: Array.from({ length: 1001 }, (_, index) => smtpEvent({ message_id: index + 1 })), query });
		expect(over.status).toBe(400);
		expect(over.body).toMatchObject({ success: false });
		expect(over.items).toBeUndefined();
	});

	it('emits only the selected events; names SendPulse may spell otherwise match the same option', async () => {
		const result = await deliver(node, smtp({ events: ['delivered', 'unsubscribe', 'click', 'not_delivered'] }), {
			body: [
				smtpEvent({ event: 'delivered' }),
				smtpEvent({ event: 'open', timestamp: 2 }),
				smtpEvent({ event: 'unsubscribed', timestamp: 3 }),
				smtpEvent({ event: 'Clicked', timestamp: 4 }),
				smtpEvent({ event: 'Not delivered', timestamp: 5 }),
				smtpEvent({ event: 'bounce_complaint', timestamp: 6 }),
			],
			query,
		});
		expect(result.items?.map((item) => [item.event, item.eventName])).toEqual([
			['delivered', 'delivered'],
			['unsubscribed', 'unsubscribe'],
			['Clicked', 'click'],
			['Not delivered', 'not_delivered'],
		]);
		expect(result.body).toMatchObject({ received: 6, emitted: 4, ignored: 2, rejected: [] });
	});

	it('emits an unlisted name as sent, every field kept, logs it once, and answers as for any event', async () => {
		const odd = smtpEvent({ event: 'Deferred-Retry', extra: { attempt: 2 }, smtp_server_response_code: 451 });
		const parameters = smtp();
		const first = await deliver(node, parameters, { body: [odd, { ...odd, timestamp: 1717403600 }], query });
		expect(first.status).toBe(200);
		expect(first.items).toEqual([
			{ ...odd, timestampIso: '2024-06-03T08:32:01Z', eventName: 'deferred_retry', eventKey: 'deferred_retry|message_id=3021457789|recipient=ann@example.com|1717403521' },
			expect.objectContaining({ event: 'Deferred-Retry', timestamp: 1717403600 }),
		]);
		expect(unlistedLines(first.logs)).toEqual(['SendPulse sent SMTP event "Deferred-Retry", a value this package does not list; the event is emitted with it as sent']);
		const again = await deliver(node, smtp(), { body: [{ ...odd, timestamp: 1717403700 }], query });
		expect(again.items).toHaveLength(1);
		expect(unlistedLines(again.logs)).toEqual([]);
	});

	it('drops a repeat, even within one batch, and answers it like a new one', async () => {
		const parameters = smtp({ webhookKey: KEY });
		const first = await deliver(node, parameters, { rawBody: fixture('variants/smtp.delivered.json'), query });
		expect(first.items).toHaveLength(1);
		expect(first.body).toEqual({ key: KEY });
		const again = await deliver(node, parameters, { rawBody: fixture('variants/smtp.delivered.json'), query });
		expect(again.status).toBe(200);
		expect(again.body).toEqual({ key: KEY });
		expect(again.items).toBeUndefined();
		const twice = await deliver(node, smtp(), { body: [smtpEvent(), smtpEvent()], query });
		expect(twice.body).toMatchObject({ received: 2, emitted: 1, duplicates: 1 });
	});

	it('tells apart events of one message: another event, another second, another recipient', async () => {
		const result = await deliver(node, smtp(), {
			body: [smtpEvent(), smtpEvent({ event: 'open' }), smtpEvent({ timestamp: 1717403522 }), smtpEvent({ recipient: 'cc@example.com' })],
			query,
		});
		expect(result.items).toHaveLength(4);
	});

	it.each([
		['no event', { event: undefined }, 'event'],
		['a blank event', { event: '  ' }, 'event'],
		['event as a number', { event: 7 }, 'event'],
		['no message_id', { message_id: undefined }, 'message_id'],
		['message_id as text', { message_id: '3021457789' }, 'message_id'],
		['no timestamp', { timestamp: undefined }, 'timestamp'],
		['timestamp as text', { timestamp: '1717403521' }, 'timestamp'],
		['a negative timestamp', { timestamp: -1 }, 'timestamp'],
	])('refuses an event with %s, saying which field, and emits the others', async (_label, change, field) => {
		const bad = JSON.parse(JSON.stringify(smtpEvent(change))) as IDataObject;
		const result = await deliver(node, smtp({ webhookKey: KEY }), { body: [smtpEvent(), bad], query });
		expect(result.status).toBe(200);
		expect(result.items).toHaveLength(1);
		// Taken in: the key goes back; the refused event is logged.
		expect(result.body).toEqual({ key: KEY });
		expect(result.logs.some(({ level, message }) => level === 'warn' && message.includes('event 1 rejected') && message.includes(field))).toBe(true);
		const alone = await deliver(node, smtp({ webhookKey: KEY }), { body: [bad], query });
		expect(alone.status).toBe(400);
		expect(alone.items).toBeUndefined();
		expect(JSON.stringify(alone.body)).toContain(field);
		expect(JSON.stringify(alone.body)).not.toContain(KEY);
	});

	it('keeps recipient, sender and subject as sent whatever their type: they do not identify the event', async () => {
		const odd = smtpEvent({ recipient: ['a@example.com', 'b@example.com'], sender: null, subject: 12345 });
		const result = await deliver(node, smtp(), { body: [odd], query });
		expect(result.items?.[0]).toMatchObject({ recipient: ['a@example.com', 'b@example.com'], sender: null, subject: 12345 });
		expect(result.items?.[0].eventKey).toBe('delivered|message_id=3021457789|recipient=["a@example.com","b@example.com"]|1717403521');
	});

	it('refuses a caller without the token, and answers JSON', async () => {
		const result = await deliver(node, smtp(), { rawBody: fixture('variants/smtp.delivered.json') });
		expect(result.status).toBe(401);
		expect(result.body).toMatchObject({ success: false });
		expect(result.items).toBeUndefined();
	});

	it('registers nothing: publishing and unpublishing touch no SendPulse API', async () => {
		const trigger = new SendPulseTrigger();
		const hooks = trigger.webhookMethods.default;
		const calls: string[] = [];
		const context = {
			getNodeParameter: (name: string, fallback?: unknown) => ({ source: 'smtp', registration: 'api' } as IDataObject)[name] ?? fallback,
			getWorkflowStaticData: () => ({}),
			helpers: { httpRequestWithAuthentication: () => calls.push('request') },
			getCredentials: () => calls.push('credentials'),
			logger: { info: () => undefined, warn: () => undefined },
		} as unknown as ThisParameterType<typeof hooks.create>;
		await expect(hooks.checkExists.call(context)).resolves.toBe(true);
		await expect(hooks.create.call(context)).resolves.toBe(true);
		await expect(hooks.delete.call(context)).resolves.toBe(true);
		expect(calls).toEqual([]);
	});
});

describe('SendPulse Trigger: event names SendPulse adds', () => {
	it('emits an unlisted email-service name as sent, logs it once, and leaves it out when Email Events names others', async () => {
		const added = { event: 'subscriber_deleted', email: 'a@example.com', book_id: 490686, timestamp: 1700000000, extra: { why: 'api' } };
		const all = await deliver(node, emailService(), { body: [added], query });
		expect(all.items).toEqual([
			{
				...added,
				book_id: '490686',
				timestampIso: '2023-11-14T22:13:20Z',
				eventName: 'subscriber_deleted',
				eventKey: 'subscriber_deleted|a@example.com|book_id=490686|1700000000',
			},
		]);
		expect(unlistedLines(all.logs)).toEqual(['SendPulse sent email-service event "subscriber_deleted", a value this package does not list; the event is emitted with it as sent']);
		const filtered = await deliver(node, emailService({ events: ['open'] }), { body: [{ ...added, timestamp: 1700000001 }], query });
		expect(filtered.status).toBe(200);
		expect(filtered.items).toBeUndefined();
		expect(filtered.body).toMatchObject({ received: 1, emitted: 0, ignored: 1 });
		expect(unlistedLines(filtered.logs)).toEqual([]);
	});

	it('does not log names it lists, in any spelling it matches', async () => {
		const body = ['open', 'Open', 'click', 'soft_bounce', ' spam '].map((event, index) => ({ event, email: 'a@example.com', timestamp: index }));
		const result = await deliver(node, emailService(), { body, query });
		expect(result.items).toHaveLength(5);
		expect(unlistedLines(result.logs)).toEqual([]);
	});

	it('keeps the event name exactly as sent, spaces included', async () => {
		const result = await deliver(node, emailService(), { body: [{ event: ' spam ', email: 'a@example.com', timestamp: 1 }], query });
		expect(result.items?.[0]).toMatchObject({ event: ' spam ', eventName: 'spam' });
	});

	it('Automation 360: an unlisted name is emitted and logged; the filter leaves it out when it names others', async () => {
		const added = { event: 'resubscribe', email: 'a@example.com', task_id: 1, source: 'automation360', automation_id: '9', timestamp: 1700000000 };
		const all = await deliver(node, automationEvents(), { body: [added], query });
		expect(all.items?.[0]).toMatchObject({ event: 'resubscribe', eventName: 'resubscribe', task_id: '1', source: 'automation360' });
		expect(unlistedLines(all.logs)).toEqual(['SendPulse sent Automation 360 event "resubscribe", a value this package does not list; the event is emitted with it as sent']);
		const filtered = await deliver(node, automationEvents({ events: ['spam', 'unsubscribe'] }), { body: [{ ...added, timestamp: 1700000001 }], query });
		expect(filtered.items).toBeUndefined();
		expect(filtered.body).toMatchObject({ ignored: 1 });
	});

	it('still refuses an event without a name, or with a name that is not text', async () => {
		const result = await deliver(node, emailService(), { body: [{ email: 'a@example.com' }, { event: 3, email: 'a@example.com' }, { event: ['open'] }], query });
		expect(result.status).toBe(400);
		expect(result.body).toMatchObject({ rejected: [{ index: 0 }, { index: 1 }, { index: 2 }] });
	});
});

describe('SendPulse Trigger: the listed names', () => {
	it('lists the filter options’ names, and the output schemas document them while accepting others', () => {
		expect(emailServiceEventOptions.map((option) => option.value).sort()).toEqual([...EMAIL_SERVICE_EVENTS].sort());
		expect(smtpEventOptions.map((option) => option.value).sort()).toEqual([...SMTP_EVENTS].sort());
		expect(AUTOMATION_EVENTS.every((name) => (EMAIL_SERVICE_EVENTS as readonly string[]).includes(name))).toBe(true);
		const smtpItem = { event: 'anything_new', message_id: 1, timestamp: 1, timestampIso: null, eventName: 'anything_new', eventKey: 'k' };
		expect(smtpItemSchema.safeParse(smtpItem).success).toBe(true);
		expect(eventItemSchema.safeParse({ event: 'anything_new', timestampIso: null, eventName: 'anything_new', eventKey: 'k' }).success).toBe(true);
	});

	it('offers filter options sorted by display name, as n8n lists them', () => {
		const names = smtpEventOptions.map((option) => option.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});
});
