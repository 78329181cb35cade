import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { isDeepStrictEqual } from 'util';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { EVENT_TYPES, optimizelyEventSchema, REGISTRATION_KEY } from '../../nodes/OptimizelyCampaign/events';
import { OptimizelyCampaignTrigger } from '../../nodes/OptimizelyCampaign/OptimizelyCampaignTrigger.node';
import { basicAuthHeader, deliver, type Delivery } from '../helpers/webhook';
import { fuzzTrigger, oneEvent, onTheWire } from './harness';

const USER = 'n8n-fuzz0a1b2c';
const PASSWORD = 'fuzz-generated-password-Qk81xTq2';
const URL = 'https://n8n.example.com/webhook/fuzz/webhook';

/** The seed examples, as the shapes valid events are built on. */
const FIXTURES = join(__dirname, '../fixtures/optimizely');
const seeds: IDataObject[] = readdirSync(FIXTURES)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) => {
		const parsed = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as IDataObject | IDataObject[];
		return Array.isArray(parsed) ? parsed : [parsed];
	});

const WITH_ID = ['sent', 'bounce', 'unsubscribe', 'spamcomplaint'];
const INTERACTIONS = ['open', 'click'];
const UNDOCUMENTED = ['singleoptin', 'confirmedoptin', 'doubleoptin', 'blocklist', 'archive', 'archived', 'filteredbyblocklist'];
const KNOWN = [...WITH_ID, ...INTERACTIONS, ...UNDOCUMENTED];
/** A type Optimizely might add: any non-empty text but the ones the package lists. */
const unlistedType = fc.string({ minLength: 1, maxLength: 20 }).filter((type) => !KNOWN.includes(type));

const isRecord = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with sorted keys; "__proto__" is left out, as zod leaves it out of what it parses. */
function sortedJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
	if (isRecord(value)) {
		const keys = Object.keys(value).filter((key) => key !== '__proto__' && value[key] !== undefined).sort();
		return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

/**
 * The dedupe key as documented: the vendor's id where the event has one, else type, mail, recipient and
 * time, else the whole event but its attempt. "archived" is the API's spelling of "archive". Written out
 * apart from the node, as an oracle.
 */
function keyOf(event: IDataObject): string {
	const type = event.type === 'archived' ? 'archive' : String(event.type);
	if (event.id !== undefined) return `${type}|id=${String(event.id)}`;
	if (event.mailId !== undefined && event.recipientId !== undefined && event.created !== undefined) {
		return [type, event.mailId, event.recipientId, event.created].map(String).join('|');
	}
	const { attempt: _attempt, ...rest } = event;
	return `${type}|${sortedJson(rest)}`;
}

const numericId = fc.oneof(fc.nat(), fc.nat().map(String));
const optionalCommon = fc.record(
	{
		attempt: fc.integer({ min: 1, max: 50 }),
		clientId: numericId,
		mailingId: numericId,
		userListId: numericId,
		mediaType: fc.constantFrom('EMAIL', 'SMS'),
		mediaTypesToAddresses: fc.dictionary(fc.constantFrom('EMAIL', 'SMS'), fc.emailAddress()),
	},
	{ requiredKeys: [] },
);

const validEvent: fc.Arbitrary<IDataObject> = fc
	.record({
		type: fc.oneof({ arbitrary: fc.constantFrom(...KNOWN), weight: 6 }, { arbitrary: unlistedType, weight: 1 }),
		seq: fc.nat(),
		created: fc.integer({ min: 0, max: 4_102_444_800_000 }),
		idAsNumber: fc.boolean(),
		recipient: fc.oneof(fc.emailAddress(), fc.nat()),
		common: optionalCommon,
		seed: fc.constantFrom(...seeds),
		text: fc.string({ maxLength: 20 }),
	})
	.map(({ type, seq, created, idAsNumber, recipient, common, seed, text }) => {
		// Start from the seed example's extra fields, then set what the type requires.
		const event: IDataObject = { ...seed, ...common, type, created };
		delete event.id;
		// An unlisted type is told apart like an open when its seq is even, by its id otherwise.
		if (INTERACTIONS.includes(type) || (!KNOWN.includes(type) && seq % 2 === 0)) {
			event.mailId = `MAIL-${seq}`;
			event.recipientId = recipient;
			if (type === 'click') event.link = `https://example.com/${text}`;
		} else {
			event.id = idAsNumber ? seq : `evt-${seq}`;
			if (type === 'bounce') event.category = text || 'softbounce';
		}
		return event;
	});

/** An event of a type the package does not list, without what would tell it apart: no id, and not all of mailId, recipientId and created. */
const unidentifiedEvent: fc.Arbitrary<IDataObject> = fc
	.tuple(validEvent, unlistedType, fc.subarray(['mailId', 'recipientId', 'created'], { maxLength: 2 }))
	.map(([event, type, keep]) => {
		const copy: IDataObject = { ...event, type };
		delete copy.id;
		for (const field of ['mailId', 'recipientId', 'created']) if (!keep.includes(field)) delete copy[field];
		return copy;
	});

const invalidEvent: fc.Arbitrary<unknown> = fc.oneof(
	// A type the package does not list, without an id or what opens are told apart by.
	unidentifiedEvent,
	// A type that is empty or not text.
	validEvent.chain((event) => fc.constantFrom('', 7, null, ['sent']).map((type) => ({ ...event, type }))),
	// Events with an id lose it; opens and clicks lose their mail id.
	fc.record({ type: fc.constantFrom(...WITH_ID), created: fc.nat() }),
	fc.record({ type: fc.constantFrom(...INTERACTIONS), created: fc.nat(), recipientId: fc.emailAddress() }),
	// A time that is not epoch milliseconds, or an attempt below 1.
	validEvent
		.filter((event) => WITH_ID.includes(String(event.type)))
		.chain((event) =>
			fc.oneof(
				fc.constant({ ...event, created: -1 }),
				fc.constant({ ...event, created: 1.5 }),
				fc.constant({ ...event, created: String(event.created) }),
				fc.constant({ ...event, attempt: 0 }),
				fc.constant({ ...event, id: '' }),
			),
		),
	fc.jsonValue().filter((value) => !isRecord(value)),
);

const setup = () => ({
	parameters: { events: [] },
	staticData: { [REGISTRATION_KEY]: { basicAuth: { user: USER, password: PASSWORD }, webhooks: { [URL]: { sent: '1' } } } },
});

const withHeader = (delivery: Delivery, authorization: string | undefined): Delivery => {
	const headers = { ...delivery.headers };
	delete headers.authorization;
	return { ...delivery, headers: authorization === undefined ? headers : { ...headers, authorization } };
};

fuzzTrigger({
	name: 'Optimizely Campaign Trigger',
	node: new OptimizelyCampaignTrigger(),
	setup,
	authenticate: (delivery) => withHeader(delivery, basicAuthHeader(USER, PASSWORD)),
	forgeries: [
		{ name: 'no Authorization header', apply: (delivery) => withHeader(delivery, undefined) },
		{ name: 'a wrong password', apply: (delivery) => withHeader(delivery, basicAuthHeader(USER, `${PASSWORD}x`)) },
		{ name: 'the password, truncated', apply: (delivery) => withHeader(delivery, basicAuthHeader(USER, PASSWORD.slice(0, -1))) },
		{ name: 'a wrong user', apply: (delivery) => withHeader(delivery, basicAuthHeader(USER.toUpperCase(), PASSWORD)) },
		{ name: 'an empty pair', apply: (delivery) => withHeader(delivery, basicAuthHeader('', '')) },
		{ name: 'the password alone', apply: (delivery) => withHeader(delivery, `Basic ${Buffer.from(PASSWORD).toString('base64')}`) },
		{ name: 'the password as a bearer token', apply: (delivery) => withHeader(delivery, `Bearer ${PASSWORD}`) },
		{ name: 'not base64', apply: (delivery) => withHeader(delivery, `Basic ${USER}:${PASSWORD}`) },
		{
			// No generated pair in static data (lost, or never registered): nobody can get in.
			name: 'the old pair, after static data lost it',
			apply: (delivery) => delivery,
			setup: () => ({ parameters: { events: [] }, staticData: {} }),
		},
		{
			name: 'an empty pair, after static data lost it',
			apply: (delivery) => withHeader(delivery, basicAuthHeader('', '')),
			setup: () => ({ parameters: { events: [] }, staticData: {} }),
		},
	],
	encodings: [
		{ name: 'JSON array', wrap: (events) => ({ rawBody: JSON.stringify(events) }), maxEvents: 100 },
		{ name: 'JSON object', wrap: (events) => ({ rawBody: JSON.stringify(oneEvent(events)) }), maxEvents: 1 },
	],
	validEvent,
	uniqueBy: keyOf,
	invalidEvent,
	accepts: (event) => optimizelyEventSchema.safeParse(event).success,
	itemMatches: (item, event) => isRecord(event) && item.eventKey === keyOf(event),
	// 200 for everything from an authentic caller: invalid events, unreadable bodies and batches over 100 events
	// included (anything else makes Optimizely resend for 3 days); 401 for a wrong caller.
	allowedStatuses: [200, 401],
	limit: { events: 100, status: 200 },
	secrets: [PASSWORD, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')],
	resend: (event) => ({ ...event, attempt: (typeof event.attempt === 'number' ? event.attempt : 1) + 1 }),
	checkAnswer: (observed, authentic) =>
		// An authentic caller always gets 200; a refused one learns nothing but that: no counts, no reasons.
		authentic
			? observed.status === 200
			: observed.status === 401 && JSON.stringify(observed.body) === JSON.stringify({ success: false, error: 'Unauthorized' }),
	more: (property) => {
		const node = new OptimizelyCampaignTrigger();
		const FIELDS = ['type', 'id', 'created', 'attempt', 'mailId', 'recipientId', 'createdIso', 'eventName', 'eventKey', 'requestMetadata', '__proto__'];
		/** Fields Optimizely might add, of any JSON value. */
		const extraFields = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((name) => !FIELDS.includes(name)), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
		/** Events of unlisted types that can be told apart, with fields the package does not know. */
		const unlisted = fc
			.tuple(validEvent, unlistedType, extraFields)
			.map(([event, type, extra]) => ({ ...extra, type, created: event.created, mailId: `MAIL-${String(event.id ?? event.mailId)}`, recipientId: 'r@example.com', ...(event.id === undefined ? {} : { id: event.id }) }));
		/** The item the trigger documents: every field as it arrived, plus createdIso, eventName and eventKey. */
		const expectedItem = (event: IDataObject): IDataObject => ({
			...event,
			...(typeof event.created === 'number' ? { createdIso: new Date(event.created).toISOString() } : {}),
			eventName: event.type,
			eventKey: keyOf(event),
		});

		it('emits each event of an unlisted type with unknown fields exactly once, every field kept, whatever Events names, and refuses those it cannot tell apart', async () => {
			const cases = fc.tuple(
				fc.uniqueArray(unlisted, { selector: keyOf, minLength: 1, maxLength: 8 }),
				fc.array(unidentifiedEvent, { maxLength: 4 }),
				fc.subarray([...EVENT_TYPES], { minLength: 1 }),
				fc.infiniteStream(fc.boolean()),
			);
			await property('unlisted types and unknown fields', cases, async ([good, bad, events, coin]) => {
				const sent: IDataObject[] = [...good];
				for (const event of bad) sent.splice(coin.next().value ? 0 : sent.length, 0, event);
				const registered = setup();
				const result = await deliver(node, { ...registered, parameters: { events } }, { rawBody: JSON.stringify(sent), headers: { authorization: basicAuthHeader(USER, PASSWORD) } });
				const items = result.items ?? [];
				const each = good
					.map((event) => onTheWire(event) as IDataObject)
					.every((event) => items.filter((item) => isDeepStrictEqual({ ...item }, expectedItem(event))).length === 1);
				const rejected = ((result.body as IDataObject).rejected as Array<{ index: number }>).map(({ index }) => index);
				const refused = bad.map((event) => sent.indexOf(event)).sort((a, b) => a - b);
				return result.status === 200 && items.length === good.length && each && isDeepStrictEqual(rejected, refused);
			});
		});
	},
});
