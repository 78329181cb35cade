import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';

import { deliver } from '../helpers/webhook';
import { automation, automationEvents, emailService, FIXTURES, fixture, KEY, node, query } from './sendpulseSupport';

describe('SendPulse Trigger: the seed examples', () => {
	it('keeps the seed’s three payload examples and six answer examples as fixtures', () => {
		expect(readdirSync(FIXTURES).filter((file) => file.endsWith('.json')).sort()).toEqual([
			'automation360.send_webhook.json',
			'automation360.spam.json',
			'automation360.unsubscribe.json',
		]);
		expect(readdirSync(join(FIXTURES, 'responses'))).toHaveLength(6);
	});

	it('turns the "Send webhook" example into one item with flat variables and an ISO execution date', async () => {
		const result = await deliver(node, automation(), { rawBody: fixture('automation360.send_webhook.json'), query });
		expect(result.status).toBe(200);
		expect(result.items).toEqual([
			{
				automation_id: '123456789',
				title: 'New Automation',
				execution_date: '2022-01-04 09:02:39',
				executionDateIso: '2022-01-04T09:02:39Z',
				email: 'example@example.com',
				phone: '+380631234567',
				variables: { name1: 'value1', name2: 'value2' },
				variablesList: [{ name1: 'value1' }, { name2: 'value2' }],
				eventName: 'send_webhook',
				eventKey: 'send_webhook|New Automation|example@example.com|automation_id=123456789|2022-01-04 09:02:39',
			},
		]);
	});

	it('turns the spam example into one item, its numeric task id as a string', async () => {
		const result = await deliver(node, automationEvents(), { rawBody: fixture('automation360.spam.json'), query });
		expect(result.status).toBe(200);
		expect(result.items).toEqual([
			{
				timestamp: 1496827422,
				timestampIso: '2017-06-07T09:23:42Z',
				event: 'spam',
				task_id: '3668141',
				email: 'john.doe@sendpulse.com',
				source: 'automation360',
				automation_id: '123456789',
				eventName: 'spam',
				eventKey: 'spam|john.doe@sendpulse.com|task_id=3668141|automation_id=123456789|1496827422',
			},
		]);
	});

	it('turns the unsubscribe example into one item: string timestamp to a number, ids to strings, from_all to true', async () => {
		const result = await deliver(node, automationEvents(), { rawBody: fixture('automation360.unsubscribe.json'), query });
		expect(result.status).toBe(200);
		expect(result.items).toEqual([
			{
				task_id: '3668141',
				timestamp: 1496827872,
				timestampIso: '2017-06-07T09:31:12Z',
				from_all: true,
				email: 'john.doe@sendpulse.com',
				reason: null,
				book_id: '490686',
				event: 'unsubscribe',
				categories: '',
				source: 'automation360',
				automation_id: '123456789',
				eventName: 'unsubscribe',
				eventKey: 'unsubscribe|john.doe@sendpulse.com|task_id=3668141|automation_id=123456789|book_id=490686|1496827872',
			},
		]);
	});

	it.each(readdirSync(join(FIXTURES, 'responses')))(
		'the seed’s answer example %s is what SendPulse shows, not JSON a receiver sends',
		(file) => {
			const text = readFileSync(join(FIXTURES, 'responses', file), 'utf8');
			expect(text).toContain(`"code": ${file.split('.')[0]}`);
			expect(() => JSON.parse(text)).toThrow();
		},
	);
});

describe('SendPulse Trigger: the first-webhook key', () => {
	it('answers with {"key": …} by default, so SendPulse lifts its one-an-hour limit', async () => {
		const result = await deliver(node, automation({ webhookKey: KEY }), { rawBody: fixture('automation360.send_webhook.json'), query });
		expect(result.status).toBe(200);
		expect(result.body).toEqual({ key: KEY });
		expect(result.items).toHaveLength(1);
	});

	it('puts the key in the field the user names, beside the extra fields', async () => {
		const result = await deliver(
			node,
			automation({ webhookKey: KEY, keyField: 'code', answerExtraFields: '{"status": true}' }),
			{ rawBody: fixture('automation360.send_webhook.json'), query },
		);
		expect(result.body).toEqual({ status: true, code: KEY });
	});

	it('can answer the key as a bare JSON string', async () => {
		const result = await deliver(node, automation({ webhookKey: KEY, keyAnswerFormat: 'string' }), {
			rawBody: fixture('automation360.send_webhook.json'),
			query,
		});
		expect(result.status).toBe(200);
		expect(result.headers['content-type']).toMatch(/^application\/json/);
		expect(JSON.parse(result.body as string)).toBe(KEY);
	});

	it('answers JSON counts when no key is set (never a non-JSON answer, SendPulse error 11110112)', async () => {
		const result = await deliver(node, automation(), { rawBody: fixture('automation360.send_webhook.json'), query });
		expect(result.body).toEqual({ success: true, received: 1, emitted: 1, duplicates: 0, ignored: 0, rejected: [] });
	});

	it('answers the key to a repeat delivery too', async () => {
		const parameters = automation({ webhookKey: KEY });
		await deliver(node, parameters, { rawBody: fixture('automation360.send_webhook.json'), query });
		const again = await deliver(node, parameters, { rawBody: fixture('automation360.send_webhook.json'), query });
		expect(again.status).toBe(200);
		expect(again.body).toEqual({ key: KEY });
		expect(again.items).toBeUndefined();
	});

	it('never gives the key to a caller without the token, and starts nothing', async () => {
		const result = await deliver(node, automation({ webhookKey: KEY }), { rawBody: fixture('automation360.send_webhook.json') });
		expect(result.status).toBe(401);
		expect(JSON.stringify(result.body)).not.toContain(KEY);
		expect(result.items).toBeUndefined();
	});

	it('answers a body it cannot read with a JSON error and no key', async () => {
		const result = await deliver(node, automation({ webhookKey: KEY }), {
			rawBody: 'not json',
			headers: { 'content-type': 'text/plain' },
			query,
		});
		expect(result.status).toBe(400);
		expect(result.body).toMatchObject({ success: false });
		expect(JSON.stringify(result.body)).not.toContain(KEY);
	});

	it('keeps the key out of items and logs', async () => {
		const result = await deliver(node, automation({ webhookKey: KEY, answerExtraFields: '{oops' }), {
			rawBody: fixture('automation360.send_webhook.json'),
			query,
		});
		expect(result.body).toEqual({ key: KEY });
		expect(result.logs.map((entry) => entry.message).join('\n')).toContain('Extra Answer Fields is not valid JSON');
		expect(JSON.stringify(result.items)).not.toContain(KEY);
		expect(JSON.stringify(result.logs)).not.toContain(KEY);
	});
});

describe('SendPulse Trigger: Automation 360 "Send webhook"', () => {
	const send = (entry: IDataObject, parameters: IDataObject = {}) =>
		deliver(node, automation(parameters), {
			body: [{ automation_id: '1', title: 'Lead', execution_date: '2024-07-01 12:00:00', email: 'a@example.com', ...entry }],
			query,
		});

	it('reads execution_date in the chosen time zone, with its offset in the ISO twin', async () => {
		const result = await send({}, { options: { executionDateTimeZone: 'Europe/Kyiv' } });
		expect(result.items?.[0]).toMatchObject({ execution_date: '2024-07-01 12:00:00', executionDateIso: '2024-07-01T12:00:00+03:00' });
	});

	it('leaves the ISO twin empty and says why when the time zone is unknown', async () => {
		const result = await send({}, { options: { executionDateTimeZone: 'Mars/Olympus' } });
		expect(result.items?.[0].executionDateIso).toBeNull();
		expect(result.logs.some((entry) => entry.level === 'warn' && entry.message.includes('Mars/Olympus'))).toBe(true);
	});

	it('leaves the ISO twin empty for a date in another format, and keeps the original', async () => {
		const result = await send({ execution_date: '01.07.2024 12:00' });
		expect(result.items?.[0]).toMatchObject({ execution_date: '01.07.2024 12:00', executionDateIso: null });
	});

	it('flattens variables with the later of two equal names winning', async () => {
		const variables = [{ city: 'Kyiv' }, { city: 'Lviv' }, { plan: 'pro' }];
		const result = await send({ variables });
		const item = result.items![0];
		expect(item.variables).toEqual({ city: 'Lviv', plan: 'pro' });
		expect(item.variablesList).toEqual(variables);
	});

	it('drops a "__proto__" variable rather than letting it change any object', async () => {
		const variables = JSON.parse('[{"__proto__":{"polluted":true}},{"city":"Kyiv"}]') as IDataObject[];
		const item = (await send({ variables })).items![0];
		expect(item.variables).toEqual({ city: 'Kyiv' });
		expect(Object.getPrototypeOf(item.variables)).toBe(Object.prototype);
		expect((item.variables as IDataObject).polluted).toBeUndefined();
		expect(({} as IDataObject).polluted).toBeUndefined();
	});

	it('accepts variables sent as one object, and a delivery with none', async () => {
		const asObject = await send({ variables: { plan: 'pro' } });
		expect(asObject.items?.[0]).toMatchObject({ variables: { plan: 'pro' }, variablesList: [{ plan: 'pro' }] });
		const without = await send({});
		expect(without.items?.[0]).toMatchObject({ variables: {}, variablesList: [] });
	});

	it('emits one item per array entry, and tells two webhooks of one flow apart by their names', async () => {
		const entry = { automation_id: 7, execution_date: '2024-07-01 12:00:00', email: 'a@example.com' };
		const result = await deliver(node, automation(), {
			body: [
				{ ...entry, title: 'Opened third email' },
				{ ...entry, title: 'Reached goal' },
				{ ...entry, title: 'Reached goal' },
			],
			query,
		});
		expect(result.items?.map((item) => item.title)).toEqual(['Opened third email', 'Reached goal']);
		expect(result.items?.[0].automation_id).toBe('7');
	});

	it('refuses an email-service event sent to a "Send webhook" trigger, saying what is missing', async () => {
		const result = await deliver(node, automation(), { rawBody: fixture('automation360.spam.json'), query });
		expect(result.status).toBe(400);
		expect(JSON.stringify(result.body)).toContain('title');
		expect(result.items).toBeUndefined();
	});
});

describe('SendPulse Trigger: email-service events', () => {
	it.each([
		['email-service.open.json', 'open', { open_device: 'Desktop', task_id: '3668141', timestamp: 1496827941 }],
		['email-service.redirect.json', 'redirect', { link_url: 'http://google.com', link_id: '71741389' }],
		['email-service.unsubscribe.json', 'unsubscribe', { from_all: true, book_id: '490686', reason: null }],
	])('%s gives one "%s" item with the vendor fields', async (file, eventName, fields) => {
		const result = await deliver(node, emailService(), { rawBody: fixture(`variants/${file}`), query });
		expect(result.status).toBe(200);
		expect(result.items).toHaveLength(1);
		expect(result.items?.[0]).toMatchObject({ ...fields, event: eventName, eventName });
		expect(result.items?.[0].timestampIso).toMatch(/^2017-06-07T09:\d\d:\d\dZ$/);
	});

	it('splits a batch into one item per event, in order', async () => {
		const result = await deliver(node, emailService(), { rawBody: fixture('variants/email-service.batch.json'), query });
		expect(result.items?.map((item) => item.eventName)).toEqual([
			'delivered',
			'spam',
			'open',
			'redirect',
			'soft_bounces',
			'hard_bounces',
			'new_emails',
			'task_status_update',
		]);
	});

	it('takes a full batch of 100 events', async () => {
		const body = Array.from({ length: 100 }, (_, index) => ({ event: 'open', email: `u${index}@example.com`, task_id: 1, timestamp: 1700000000 }));
		const result = await deliver(node, emailService(), { body, query });
		expect(result.items).toHaveLength(100);
	});

	it('emits the valid events of a batch and says which were not', async () => {
		const result = await deliver(node, emailService(), {
			body: [{ event: 'open', email: 'a@example.com', timestamp: '1700000000' }, { email: 'b@example.com' }, { event: 'open', timestamp: 'yesterday' }],
			query,
		});
		expect(result.status).toBe(200);
		expect(result.items).toHaveLength(1);
		expect(result.body).toMatchObject({ received: 3, emitted: 1, rejected: [{ index: 1 }, { index: 2 }] });
	});
});

describe('SendPulse Trigger: filters', () => {
	const batch = () => fixture('variants/email-service.batch.json');

	it('emits only the selected event types, and counts the rest as ignored', async () => {
		const result = await deliver(node, emailService({ events: ['open', 'redirect'] }), { rawBody: batch(), query });
		expect(result.items?.map((item) => item.eventName)).toEqual(['open', 'redirect']);
		expect(result.body).toMatchObject({ received: 8, emitted: 2, ignored: 6 });
	});

	it('matches a singular bounce name to the registered plural one', async () => {
		const result = await deliver(node, emailService({ events: ['soft_bounces'] }), {
			body: [{ event: 'soft_bounce', email: 'a@example.com', timestamp: 1 }],
			query,
		});
		expect(result.items?.[0]).toMatchObject({ event: 'soft_bounce', eventName: 'soft_bounces' });
	});

	it('passes an unknown event name through as it came, lower-cased, whatever it is', async () => {
		const result = await deliver(node, emailService(), {
			body: [
				{ event: 'Deleted', email: 'a@example.com', timestamp: 1 },
				{ event: 'constructor', email: 'a@example.com', timestamp: 1 },
			],
			query,
		});
		expect(result.items?.map((item) => [item.event, item.eventName])).toEqual([
			['Deleted', 'deleted'],
			['constructor', 'constructor'],
		]);
	});

	it('emits only events about the selected mailing lists; events naming no list are left out', async () => {
		const result = await deliver(node, emailService({ mailingLists: ['490686'] }), {
			body: [
				{ event: 'unsubscribe', email: 'a@example.com', book_id: 490686, timestamp: 1 },
				{ event: 'unsubscribe', email: 'b@example.com', book_id: '111', timestamp: 1 },
				{ event: 'open', email: 'c@example.com', timestamp: 1 },
			],
			query,
		});
		expect(result.items?.map((item) => item.email)).toEqual(['a@example.com']);
	});

	it('filters Automation 360 events by type', async () => {
		const spam = await deliver(node, automationEvents({ events: ['unsubscribe'] }), { rawBody: fixture('automation360.spam.json'), query });
		expect(spam.status).toBe(200);
		expect(spam.items).toBeUndefined();
		expect(spam.body).toMatchObject({ ignored: 1 });
	});
});

describe('SendPulse Trigger: duplicates', () => {
	it('does not emit an event twice when SendPulse resends it, even with numbers now sent as strings', async () => {
		const parameters = automationEvents();
		const first = await deliver(node, parameters, { rawBody: fixture('automation360.spam.json'), query });
		expect(first.items).toHaveLength(1);
		const resent = await deliver(node, parameters, {
			body: [{ timestamp: '1496827422', event: 'spam', task_id: '3668141', email: 'john.doe@sendpulse.com', source: 'automation360', automation_id: 123456789 }],
			query,
		});
		expect(resent.status).toBe(200);
		expect(resent.items).toBeUndefined();
		expect(resent.body).toMatchObject({ duplicates: 1, emitted: 0 });
	});

	it('tells apart two clicks on different links in the same second', async () => {
		const click = { event: 'redirect', email: 'a@example.com', task_id: 1, timestamp: 1 };
		const result = await deliver(node, emailService(), { body: [{ ...click, link_id: 1 }, { ...click, link_id: 2 }, { ...click, link_id: 2 }], query });
		expect(result.items?.map((item) => item.link_id)).toEqual(['1', '2']);
	});

	it('emits repeats again when the dedupe window is 0', async () => {
		const parameters = automationEvents({ options: { dedupeWindow: 0 } });
		await deliver(node, parameters, { rawBody: fixture('automation360.spam.json'), query });
		const again = await deliver(node, parameters, { rawBody: fixture('automation360.spam.json'), query });
		expect(again.items).toHaveLength(1);
	});
});
