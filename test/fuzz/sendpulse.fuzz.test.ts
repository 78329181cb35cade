import { readFileSync } from 'fs';
import { join } from 'path';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { automationWebhookSchema, emailServiceEventOptions, eventSchema } from '../../nodes/SendPulse/events';
import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import type { Delivery, Observed } from '../helpers/webhook';
import { type Forgery, fuzzTrigger, oneEvent } from './harness';

const SECRET = 'fuzz-sendpulse-token-4b8e2d';
/** The key SendPulse shows for a webhook: answered to deliveries taken in, and to nobody else. */
const KEY = 'fuzz-sendpulse-key-7a0c91';
const node = new SendPulseTrigger();

const isRecord = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../fixtures/sendpulse', name), 'utf8')) as IDataObject | IDataObject[];

const setup = (source: string) => () => ({
	parameters: { source, registration: 'manual', authentication: 'sharedSecret', webhookKey: KEY },
	credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'query', name: 'token' } },
	staticData: {},
});
const authenticate = (delivery: Delivery): Delivery => ({ ...delivery, query: { token: SECRET } });

const forgeries: Forgery[] = [
	{ name: 'no token', apply: (delivery) => ({ ...delivery, query: {} }) },
	{ name: 'a wrong token', apply: (delivery) => ({ ...delivery, query: { token: `${SECRET.slice(1)}!` } }) },
	{ name: 'the token twice, the first wrong', apply: (delivery) => ({ ...delivery, query: { token: ['nope', SECRET] } }) },
	{ name: 'the key instead of the token', apply: (delivery) => ({ ...delivery, query: { token: KEY } }) },
	{ name: 'the token as a header', apply: (delivery) => ({ ...delivery, query: {}, headers: { ...delivery.headers, token: SECRET } }) },
];

/** The key goes back exactly when the delivery was taken in (200); never to a refused caller or body. */
const keyOnlyWhenTaken = (observed: Observed, authentic: boolean) =>
	JSON.stringify(observed.body ?? '').includes(KEY) === (authentic && observed.status === 200);

const encodings = [
	{ name: 'JSON array', wrap: (events: unknown[]) => ({ rawBody: JSON.stringify(events) }) },
	{ name: 'JSON object', wrap: (events: unknown[]) => ({ rawBody: JSON.stringify(oneEvent(events)) }), maxEvents: 1 },
];

// ---- Email-service and Automation 360 events (open, redirect, unsubscribe, spam…) ---------------------

const ALIASES: Record<string, string> = { click: 'redirect', hard_bounce: 'hard_bounces', new_email: 'new_emails', soft_bounce: 'soft_bounces', unsubscribed: 'unsubscribe' };
const canonicalEvent = (name: string) => {
	const lower = name.trim().toLowerCase();
	return Object.prototype.hasOwnProperty.call(ALIASES, lower) ? ALIASES[lower] : lower;
};
const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));

/** The documented dedupe key: event, email, task or automation id, link, list, time (ids and times as text). */
function eventKey(event: IDataObject): string {
	const part = (name: string) => (text(event[name]) ? [`${name}=${text(event[name])}`] : []);
	return [
		canonicalEvent(String(event.event)),
		text(event.email) ?? '',
		...part('task_id'),
		...part('automation_id'),
		...part('link_id'),
		...part('book_id'),
		event.timestamp === undefined ? '' : String(Number(event.timestamp)),
	].join('|');
}

const seeds = [fixture('automation360.spam.json'), fixture('automation360.unsubscribe.json'), fixture('variants/email-service.batch.json')].flat();
const id = fc.oneof(fc.nat(), fc.nat().map(String));
const eventName = fc.oneof(
	fc.constantFrom(...emailServiceEventOptions.map((option) => String(option.value)), ...Object.keys(ALIASES), 'Open', ' spam '),
	fc.stringMatching(/^[a-z_]{1,12}$/),
);

const validEvent: fc.Arbitrary<IDataObject> = fc
	.record(
		{
			seed: fc.constantFrom(...seeds),
			event: eventName,
			seq: fc.nat(),
			numericTime: fc.boolean(),
			email: fc.option(fc.emailAddress(), { nil: null }),
			task_id: id,
			book_id: id,
			link_id: id,
			from_all: fc.constantFrom(1, '1', true, 'true', 0, false, 'no'),
		},
		{ requiredKeys: ['seed', 'event', 'seq', 'numericTime'] },
	)
	.map(({ seed, seq, numericTime, ...fields }) => ({
		...seed,
		...fields,
		// A distinct time per event keeps their keys apart.
		timestamp: numericTime ? 1_496_000_000 + seq : String(1_496_000_000 + seq),
	}));

const invalidEvent: fc.Arbitrary<unknown> = fc.oneof(
	validEvent.map(({ event: _event, ...rest }) => rest),
	validEvent.map((event) => ({ ...event, event: '   ' })),
	validEvent.map((event) => ({ ...event, timestamp: -5 })),
	validEvent.map((event) => ({ ...event, timestamp: '2017-06-07' })),
	validEvent.map((event) => ({ ...event, task_id: '' })),
	validEvent.map((event) => ({ ...event, book_id: { id: 1 } })),
	fc.jsonValue().filter((value) => !isRecord(value)),
);

fuzzTrigger({
	name: 'SendPulse Trigger (events)',
	node,
	setup: setup('automation360Events'),
	authenticate,
	forgeries,
	encodings,
	validEvent,
	uniqueBy: eventKey,
	invalidEvent,
	accepts: (event) => eventSchema.safeParse(event).success,
	itemMatches: (item, event) => isRecord(event) && item.eventKey === eventKey(event),
	allowedStatuses: [200, 400, 401, 403],
	limit: { events: 1000, status: 400 },
	checkAnswer: keyOnlyWhenTaken,
	secrets: [SECRET],
});

// ---- Automation 360 "Send webhook" ------------------------------------------------------------------

const sendWebhookSeed = (fixture('automation360.send_webhook.json') as IDataObject[])[0];

/** The documented key: title, email (else phone), automation id, execution date. */
const sendWebhookKey = (event: IDataObject) =>
	['send_webhook', event.title, text(event.email) ?? text(event.phone) ?? '', `automation_id=${text(event.automation_id)}`, String(event.execution_date).trim()].join('|');

const twoDigits = (value: number) => String(value).padStart(2, '0');
const sendWebhook: fc.Arbitrary<IDataObject> = fc
	.record({
		automation_id: id,
		title: fc.string({ maxLength: 20 }),
		seq: fc.integer({ min: 0, max: 86_399 }),
		day: fc.integer({ min: 1, max: 28 }),
		email: fc.option(fc.emailAddress(), { nil: null }),
		phone: fc.option(fc.oneof(fc.nat(), fc.stringMatching(/^\+\d{6,12}$/)), { nil: undefined }),
		variables: fc.oneof(
			fc.array(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 1 }), { maxLength: 3 }),
			fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
		),
	})
	.map(({ seq, day, phone, ...fields }) => {
		const time = `${twoDigits(Math.floor(seq / 3600))}:${twoDigits(Math.floor(seq / 60) % 60)}:${twoDigits(seq % 60)}`;
		const event: IDataObject = { ...sendWebhookSeed, ...fields, execution_date: `2022-01-${twoDigits(day)} ${time}` } as IDataObject;
		if (phone === undefined) delete event.phone;
		else event.phone = phone;
		return event;
	});

fuzzTrigger({
	name: 'SendPulse Trigger (Automation 360 Send webhook)',
	node,
	setup: setup('automation360'),
	authenticate,
	forgeries,
	encodings,
	validEvent: sendWebhook,
	uniqueBy: sendWebhookKey,
	invalidEvent: fc.oneof(
		sendWebhook.map(({ automation_id: _id, ...rest }) => rest),
		sendWebhook.map((event) => ({ ...event, execution_date: ' ' })),
		sendWebhook.map((event) => ({ ...event, title: 42 })),
		sendWebhook.map((event) => ({ ...event, variables: 'name=value' })),
		fc.jsonValue().filter((value) => !isRecord(value)),
	),
	accepts: (event) => automationWebhookSchema.safeParse(event).success,
	itemMatches: (item, event) => isRecord(event) && item.eventKey === sendWebhookKey(event),
	allowedStatuses: [200, 400, 401, 403],
	limit: { events: 1000, status: 400 },
	checkAnswer: keyOnlyWhenTaken,
	secrets: [SECRET],
});
