import { readFileSync } from 'fs';
import { join } from 'path';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { automationWebhookSchema, emailServiceEventOptions, eventSchema, SMTP_EVENTS, smtpEventSchema } from '../../nodes/SendPulse/events';
import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import type { Delivery, Observed } from '../helpers/webhook';
import { type Forgery, fuzzTrigger, oneEvent, onTheWire } from './harness';
import { deliver } from '../helpers/webhook';

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

/** Names outside every list this package keeps, as SendPulse might add them: any text that is not blank. */
const LISTED = new Set<string>([...emailServiceEventOptions.map((option) => String(option.value)), ...Object.keys(ALIASES), ...SMTP_EVENTS]);
const unlistedName = fc
	.oneof(fc.stringMatching(/^[a-z][a-z_]{2,14}$/), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }))
	.filter((name) => name.trim().length > 0 && !LISTED.has(name.trim().toLowerCase().replace(/[\s-]+/g, '_')));
/** Fields no SendPulse page names, with any JSON value; never one the trigger or the kit writes. */
const RESERVED = new Set(['event', 'email', 'timestamp', 'task_id', 'automation_id', 'book_id', 'link_id', 'from_all', 'message_id', 'recipient', 'sender', 'subject', 'timestampIso', 'eventName', 'eventKey', 'requestMetadata', 'source']);
const extraFields = fc.dictionary(
	fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).filter((key) => !RESERVED.has(key)),
	fc.jsonValue({ maxDepth: 2 }),
	{ maxKeys: 4 },
);
/** Every field of `sent` is in `item` with the same value. */
const keeps = (item: IDataObject, sent: IDataObject) => Object.entries(sent).every(([key, value]) => JSON.stringify(item[key]) === JSON.stringify(value));

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
	more: (property) => {
		it('emits events with names it does not list, and extra fields, exactly once, every extra field and the name as sent', async () => {
			const cases = fc.tuple(
				fc.constantFrom('automation360Events', 'emailService'),
				fc.uniqueArray(fc.tuple(validEvent, unlistedName, extraFields), { selector: ([event, name]) => eventKey({ ...event, event: name }), minLength: 1, maxLength: 8 }),
			);
			await property('unlisted names', cases, async ([source, entries]) => {
				const sent = entries.map(([event, name, extra]) => ({ ...extra, ...event, event: name }));
				const result = await deliver(node, setup(source)(), authenticate({ rawBody: JSON.stringify(sent) }));
				const items = result.items ?? [];
				return (
					result.status === 200 &&
					items.length === sent.length &&
					entries.every(([event, name, extra], index) => {
						const mine = items.filter((item) => item.eventKey === eventKey({ ...event, event: name }));
						const wire = onTheWire(sent[index]) as IDataObject;
						const extras = Object.fromEntries(Object.keys(extra).map((key) => [key, wire[key]]));
						return mine.length === 1 && mine[0].event === name && keeps(mine[0], extras);
					})
				);
			});
		});
	},
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

// ---- SMTP webhooks ------------------------------------------------------------------------------------
// Built from the fields SendPulse's "SMTP webhooks" page lists; only `delivered` is a published name.

const SMTP_ALIASES: Record<string, string> = {
	opened: 'open',
	clicked: 'click',
	redirect: 'click',
	undelivered: 'not_delivered',
	unsubscribed: 'unsubscribe',
	resubscribed: 'resubscribe',
	hard_bounces: 'hard_bounce',
	soft_bounces: 'soft_bounce',
};
const canonicalSmtp = (name: string) => {
	const lower = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
	return Object.prototype.hasOwnProperty.call(SMTP_ALIASES, lower) ? SMTP_ALIASES[lower] : lower;
};

/** The documented key: event, message, recipient when sent (and not empty), time. */
const smtpKey = (event: IDataObject) => {
	const text = event.recipient === undefined || event.recipient === null ? '' : typeof event.recipient === 'string' ? event.recipient : JSON.stringify(event.recipient);
	const recipient = text ? [`recipient=${text}`] : [];
	return [canonicalSmtp(String(event.event)), `message_id=${String(event.message_id)}`, ...recipient, String(event.timestamp)].join('|');
};

const smtpSeed = (JSON.parse(readFileSync(join(__dirname, '../fixtures/sendpulse/variants/smtp.delivered.json'), 'utf8')) as IDataObject[])[0];
const smtpName = fc.oneof(
	fc.constantFrom(...SMTP_EVENTS, ...Object.keys(SMTP_ALIASES), 'Delivered', 'Not delivered', 'hard-bounce'),
	unlistedName,
);
const smtpEvent: fc.Arbitrary<IDataObject> = fc
	.record(
		{
			event: smtpName,
			message_id: fc.oneof(fc.nat(), fc.integer({ min: 1_000_000_000, max: Number.MAX_SAFE_INTEGER })),
			seq: fc.nat({ max: 10_000_000 }),
			fraction: fc.boolean(),
			recipient: fc.oneof(fc.emailAddress(), fc.constant(null), fc.jsonValue({ maxDepth: 1 })),
			sender: fc.emailAddress(),
			subject: fc.string({ maxLength: 30 }),
			delivered: fc.boolean(),
		},
		{ requiredKeys: ['event', 'message_id', 'seq', 'fraction', 'delivered'] },
	)
	.map(({ seq, fraction, delivered, ...fields }) => {
		const event: IDataObject = { ...(delivered ? smtpSeed : {}), ...fields, timestamp: 1_490_000_000 + seq + (fraction ? 0.5 : 0) };
		return event;
	});

const identifying = ['event', 'message_id', 'timestamp'] as const;
const wrongType: Record<(typeof identifying)[number], fc.Arbitrary<unknown>> = {
	event: fc.oneof(fc.constant(''), fc.constant('   '), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 })),
	message_id: fc.oneof(fc.nat().map(String), fc.constant(null), fc.boolean(), fc.constant({ id: 1 })),
	timestamp: fc.oneof(fc.nat().map(String), fc.constant('2017-03-31T09:52:13Z'), fc.integer({ min: -1e9, max: -1 }), fc.constant(null)),
};
/** An SMTP event without one of its identifying fields, or with it of the wrong type. */
const unidentified: fc.Arbitrary<IDataObject> = fc.oneof(
	fc.tuple(smtpEvent, fc.constantFrom(...identifying)).map(([event, field]) => {
		const copy = { ...event };
		delete copy[field];
		return copy;
	}),
	...identifying.map((field) => fc.tuple(smtpEvent, wrongType[field]).map(([event, value]) => ({ ...event, [field]: value }) as IDataObject)),
);

fuzzTrigger({
	name: 'SendPulse Trigger (SMTP)',
	node,
	setup: setup('smtp'),
	authenticate,
	forgeries,
	encodings,
	validEvent: smtpEvent,
	uniqueBy: smtpKey,
	invalidEvent: fc.oneof(unidentified, fc.jsonValue().filter((value) => !isRecord(value))),
	accepts: (event) => smtpEventSchema.safeParse(event).success,
	itemMatches: (item, event) => isRecord(event) && item.eventKey === smtpKey(event),
	allowedStatuses: [200, 400, 401, 403],
	limit: { events: 1000, status: 400 },
	checkAnswer: keyOnlyWhenTaken,
	secrets: [SECRET],
	more: (property) => {
		it('emits every event, whatever its name and extra fields, exactly once with every field as sent', async () => {
			const cases = fc.uniqueArray(fc.tuple(smtpEvent, extraFields), { selector: ([event]) => smtpKey(event), minLength: 1, maxLength: 12 });
			await property('every name, every field kept', cases, async (entries) => {
				const sent = entries.map(([event, extra]) => ({ ...extra, ...event }));
				const result = await deliver(node, setup('smtp')(), authenticate({ rawBody: JSON.stringify(sent) }));
				const items = result.items ?? [];
				return (
					result.status === 200 &&
					items.length === sent.length &&
					sent.every((event) => {
						const mine = items.filter((item) => item.eventKey === smtpKey(event));
						return mine.length === 1 && keeps(mine[0], onTheWire(event) as IDataObject) && mine[0].eventName === canonicalSmtp(String(event.event));
					})
				);
			});
		});

		it('refuses each event that lacks an identifying field or has it of the wrong type, and emits the rest', async () => {
			const cases = fc.tuple(fc.uniqueArray(smtpEvent, { selector: smtpKey, maxLength: 6 }), fc.array(unidentified, { minLength: 1, maxLength: 6 }), fc.boolean());
			await property('unidentified events', cases, async ([good, bad, badFirst]) => {
				const sent: unknown[] = badFirst ? [...bad, ...good] : [...good, ...bad];
				// Without a key, so that the answer lists what was refused.
				const withoutKey = setup('smtp')();
				const result = await deliver(node, { ...withoutKey, parameters: { ...withoutKey.parameters, webhookKey: '' } }, authenticate({ rawBody: JSON.stringify(sent) }));
				const badIndexes = sent.map((event, index) => (bad.includes(event as IDataObject) ? index : -1)).filter((index) => index >= 0);
				const body = result.body as { rejected?: Array<{ index: number }> } | undefined;
				const items = result.items ?? [];
				if (good.length === 0) return result.status === 400 && result.items === undefined;
				return (
					result.status === 200 &&
					items.length === good.length &&
					JSON.stringify(body?.rejected?.map((entry) => entry.index)) === JSON.stringify(badIndexes) &&
					items.every((item) => good.some((event) => smtpKey(event) === item.eventKey))
				);
			});
		});
	},
});
