import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { optimizelyEventSchema, REGISTRATION_KEY } from '../../nodes/OptimizelyCampaign/events';
import { OptimizelyCampaignTrigger } from '../../nodes/OptimizelyCampaign/OptimizelyCampaignTrigger.node';
import { basicAuthHeader, type Delivery } from '../helpers/webhook';
import { fuzzTrigger, oneEvent } from './harness';

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
		type: fc.constantFrom(...WITH_ID, ...INTERACTIONS, ...UNDOCUMENTED),
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
		if (INTERACTIONS.includes(type)) {
			event.mailId = `MAIL-${seq}`;
			event.recipientId = recipient;
			if (type === 'click') event.link = `https://example.com/${text}`;
		} else {
			event.id = idAsNumber ? seq : `evt-${seq}`;
			if (type === 'bounce') event.category = text || 'softbounce';
		}
		return event;
	});

const invalidEvent: fc.Arbitrary<unknown> = fc.oneof(
	// An event type Optimizely Campaign does not send.
	validEvent.map((event) => ({ ...event, type: `x-${String(event.type)}` })),
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
	// 200 for everything taken in, invalid events included (else Optimizely resends for 3 days); 400 for
	// what cannot be read or is over 100 events; 401 for a wrong caller.
	allowedStatuses: [200, 400, 401],
	limit: { events: 100, status: 400 },
	secrets: [PASSWORD, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')],
	resend: (event) => ({ ...event, attempt: (typeof event.attempt === 'number' ? event.attempt : 1) + 1 }),
	checkAnswer: (observed, authentic) =>
		// A refused caller learns nothing but that: no counts, no reasons.
		authentic || JSON.stringify(observed.body) === JSON.stringify({ success: false, error: 'Unauthorized' }),
});
