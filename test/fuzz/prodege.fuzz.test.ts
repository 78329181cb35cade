import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import { isDeepStrictEqual } from 'util';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { kindOf, prodegeEventSchema, RTP_STATUSES, STATUSES, UPDATE_REASONS } from '../../nodes/Prodege/events';
import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';
import { pacificToUtc } from '../../nodes/Prodege/time';
import { type Delivery, deliver } from '../helpers/webhook';
import { type Encoding, fuzzTrigger, oneEvent, onTheWire } from './harness';

const SECRET = 'fuzz-prodege-secret-5e0c7a21';
const CODES = Object.keys(UPDATE_REASONS);
const FORM = 'application/x-www-form-urlencoded';

const isRecord = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The documented recipe, written out apart from the node: base64url(SHA-256(secret + ":" + key=value…)). */
function sign(parameters: Record<string, string>, secret = SECRET): string {
	const stringToSign = Object.keys(parameters)
		.sort()
		.map((key) => `${key}=${parameters[key]}`)
		.join(':');
	return createHash('sha256').update(`${secret}:${stringToSign}`, 'utf8').digest('base64url');
}

/** The `data` parameter as the signer saw it: a string as it stands, anything else as compact JSON. */
function dataText(delivery: Delivery): string | undefined {
	if (delivery.headers?.['content-type'] === FORM) {
		const data = (delivery.body as IDataObject | undefined)?.data;
		return typeof data === 'string' ? data : undefined;
	}
	if (typeof delivery.rawBody !== 'string') return undefined;
	const raw = delivery.rawBody;
	try {
		// The envelopes built here hold data alone: its text is read off the body, however deep it nests.
		if (raw.startsWith('{"data":') && raw.endsWith('}')) {
			const text = raw.slice('{"data":'.length, -1);
			return text.startsWith('"') ? (JSON.parse(text) as string) : text;
		}
		const parsed = JSON.parse(delivery.rawBody) as unknown;
		if (!isRecord(parsed) || !('data' in parsed)) return undefined;
		return typeof parsed.data === 'string' ? parsed.data : JSON.stringify(parsed.data);
	} catch {
		return undefined;
	}
}

/** Adds a signature parameter to a form or JSON body. */
function withSignature(delivery: Delivery, signature: unknown): Delivery {
	if (delivery.headers?.['content-type'] === FORM) {
		const body = { ...(delivery.body as Record<string, string>), signature: String(signature) };
		return { ...delivery, body, rawBody: new URLSearchParams(body).toString() };
	}
	const raw = String(delivery.rawBody);
	return { ...delivery, rawBody: `${raw.slice(0, raw.lastIndexOf('}'))},"signature":${JSON.stringify(signature)}}` };
}

/** Signs `data` as received, the way Prodege signs it. Bodies without a data parameter stay unsigned. */
function authenticate(delivery: Delivery): Delivery {
	const data = dataText(delivery);
	return data === undefined ? delivery : withSignature(delivery, sign({ data }));
}

/** The seed example, for the optional fields it carries. */
const seed = JSON.parse(readFileSync(join(__dirname, '../fixtures/prodege/project-status-update.json'), 'utf8')) as IDataObject;

const twoDigits = (value: number) => String(value).padStart(2, '0');
/** A real Pacific wall-clock time, as YYYY-MM-DD HH:mm:ss (days up to 28, so every month has them). */
const eventTime = fc
	.record({
		year: fc.integer({ min: 2015, max: 2035 }),
		month: fc.integer({ min: 1, max: 12 }),
		day: fc.integer({ min: 1, max: 28 }),
		hour: fc.integer({ min: 0, max: 23 }),
		minute: fc.integer({ min: 0, max: 59 }),
		second: fc.integer({ min: 0, max: 59 }),
	})
	.map(({ year, month, day, hour, minute, second }) => `${year}-${twoDigits(month)}-${twoDigits(day)} ${twoDigits(hour)}:${twoDigits(minute)}:${twoDigits(second)}`);

const note = fc.option(fc.string({ maxLength: 40 }), { nil: undefined, freq: 2 });

/** Every name either webhook documents, and every name the node adds: an "unknown" field is none of them. */
const KNOWN_NAMES = new Set([
	'event_id', 'event_time', 'project_id', 'status', 'update_reason', 'description', 'rejection_note', 'reconciliation_note', 'required_cpi',
	'project_status', 'max_cpi', 'current_cpi', 'avg_cpi', 'bid_ir', 'actual_ir', 'bid_loi', 'actual_median_loi',
	'event_time_utc', 'update_reason_description', 'update_reason_listed', 'eventName', 'eventKey', 'requestMetadata',
	'__proto__', 'constructor', 'prototype', 'signature', 'data',
]);
/** Fields Prodege may add one day: any name but the known ones, any JSON value. */
const unknownFields = fc.dictionary(
	fc.string({ minLength: 1, maxLength: 12 }).filter((name) => !KNOWN_NAMES.has(name)),
	fc.jsonValue({ maxDepth: 2 }),
	{ maxKeys: 3 },
);

const LISTED_STATUSES = new Set<string>(STATUSES);
/** A status Prodege has not documented: any text, now and then one that differs from a listed one by case. */
const unlistedStatus = fc
	.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...STATUSES).map((status) => status.toLowerCase()))
	.filter((status) => !LISTED_STATUSES.has(status));
/** A reason code Prodege has not documented: any whole number. */
const unlistedCode = fc.nat().filter((code) => !CODES.includes(String(code)));

const hexId = (seq: number, upperCase: boolean) => {
	const id = seq.toString(16).padStart(24, '0');
	return upperCase ? id.toUpperCase() : id;
};

const statusUpdate: fc.Arbitrary<IDataObject> = fc
	.record({
		seq: fc.nat(),
		upperCase: fc.boolean(),
		event_time: eventTime,
		project_id: fc.oneof(fc.nat(), fc.nat().map(String)),
		status: fc.oneof(fc.constantFrom(...STATUSES), unlistedStatus),
		update_reason: fc.oneof(fc.constantFrom(...CODES), unlistedCode.map(String)).chain((code) => fc.constantFrom(code, Number(code))),
		description: note,
		rejection_note: fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)), { nil: undefined }),
		required_cpi: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), {
			nil: undefined,
		}),
		extra: unknownFields,
	})
	.map(({ seq, upperCase, description, rejection_note, required_cpi, extra, ...fields }) => {
		const event: IDataObject = { ...extra, ...fields, event_id: hexId(seq, upperCase) };
		event.description = description ?? seed.description;
		if (rejection_note !== undefined) event.rejection_note = rejection_note;
		if (required_cpi !== undefined) event.required_cpi = required_cpi;
		return event;
	});

const price = fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), { nil: undefined });
const figure = fc.option(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat().map(String), fc.constant(null)), { nil: undefined });

/** A Real Time Pricing event: the documented fields, each optional one there or not, and fields Prodege may add. */
const realTimePricing: fc.Arbitrary<IDataObject> = fc
	.record({
		seq: fc.nat(),
		upperCase: fc.boolean(),
		event_time: eventTime,
		project_id: fc.oneof(fc.nat(), fc.nat().map(String)),
		project_status: fc.oneof(fc.constantFrom(...RTP_STATUSES), unlistedStatus),
		max_cpi: price,
		current_cpi: price,
		avg_cpi: price,
		required_cpi: price,
		bid_ir: figure,
		actual_ir: figure,
		bid_loi: figure,
		actual_median_loi: figure,
		extra: unknownFields,
	})
	.map(({ seq, upperCase, extra, ...fields }) => {
		const event: IDataObject = { ...extra, event_id: hexId(seq, upperCase) };
		for (const [name, value] of Object.entries(fields)) if (value !== undefined) event[name] = value;
		return event;
	});

const validEvent: fc.Arbitrary<IDataObject> = fc.oneof(statusUpdate, realTimePricing);

/** The dedupe key as the node documents it: the id in lower case, marked for Real Time Pricing. */
const keyOf = (event: unknown): string =>
	isRecord(event) ? `${kindOf(event) === 'realTimePricing' ? 'realTimePricing:' : ''}${String(event.event_id).toLowerCase()}` : '';

/** What identifies an event of either kind, each missing or wrong. */
const withoutIdentity = (event: IDataObject): fc.Arbitrary<unknown> =>
	fc.constantFrom<Array<(copy: IDataObject) => void>>(
		(copy) => delete copy.event_id,
		(copy) => delete copy.project_id,
		(copy) => delete copy.event_time,
		(copy) => (copy.event_id = 'not-a-prodege-id'),
		(copy) => (copy.event_id = String(copy.event_id).slice(1)),
		(copy) => (copy.project_id = -1),
		(copy) => (copy.project_id = '12a'),
		(copy) => (copy.event_time = '2023-02-30 10:00:00'),
		(copy) => (copy.event_time = String(copy.event_time).replace(' ', 'T')),
	).map((change) => {
		const copy = { ...event };
		change(copy);
		return copy;
	});

const invalidEvent: fc.Arbitrary<unknown> = fc.oneof(
	validEvent.chain(withoutIdentity),
	statusUpdate.map((event) => ({ ...event, update_reason: 'code 161' })),
	statusUpdate.map((event) => ({ ...event, update_reason: 1.5 })),
	statusUpdate.map((event) => ({ ...event, status: 42 })),
	statusUpdate.map((event) => ({ ...event, required_cpi: {} })),
	realTimePricing.map((event) => ({ ...event, project_status: null })),
	realTimePricing.map((event) => ({ ...event, bid_ir: 'fifty' })),
	realTimePricing.map((event) => ({ ...event, max_cpi: [] })),
	statusUpdate.map(({ status: _status, update_reason: _reason, ...rest }) => rest),
	fc.jsonValue().filter((value) => !isRecord(value)),
);

/** A JSON body whose data is an array, or one event, or JSON text in a string; or a form whose data is JSON text. */
const jsonEnvelope = (data: unknown): Delivery => ({ rawBody: JSON.stringify({ data }) });
const formEnvelope = (events: unknown): Delivery => {
	const body = { data: JSON.stringify(events) };
	return { body, rawBody: new URLSearchParams(body).toString(), headers: { 'content-type': FORM } };
};

const setup = () => ({ parameters: {}, credentials: { prodegeApi: { secretKey: SECRET } }, staticData: {} });

/** Replaces whatever signature the body holds. */
function resign(delivery: Delivery, signature: unknown): Delivery {
	if (delivery.headers?.['content-type'] === FORM) return withSignature(delivery, signature);
	const parsed = JSON.parse(String(delivery.rawBody)) as IDataObject;
	delete parsed.signature;
	return withSignature({ ...delivery, rawBody: JSON.stringify(parsed) }, signature);
}

function signatureOf(delivery: Delivery): string {
	if (delivery.headers?.['content-type'] === FORM) return (delivery.body as Record<string, string>).signature;
	return (JSON.parse(String(delivery.rawBody)) as { signature: string }).signature;
}

const encodings: Encoding[] = [
	{ name: 'JSON, data an array', wrap: (events) => jsonEnvelope(events) },
	{ name: 'JSON, data one event', wrap: (events) => jsonEnvelope(oneEvent(events)), maxEvents: 1 },
	{ name: 'JSON, data as JSON text', wrap: (events) => jsonEnvelope(JSON.stringify(events)) },
	{ name: 'form, data as JSON text', wrap: formEnvelope },
];

fuzzTrigger({
	name: 'Prodege Trigger',
	node: new ProdegeTrigger(),
	setup,
	authenticate,
	forgeries: [
		{ name: 'no signature', apply: (delivery) => resign(delivery, '') },
		{ name: 'signed with another secret', apply: (delivery) => resign(delivery, sign({ data: dataText(delivery)! }, `${SECRET}x`)) },
		{ name: 'signed for other data', apply: (delivery) => resign(delivery, sign({ data: `${dataText(delivery)!} ` })) },
		{
			name: 'one character changed',
			apply: (delivery) => {
				const signature = signatureOf(delivery);
				return resign(delivery, `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`);
			},
		},
		{ name: 'the signature in other case', apply: (delivery) => resign(delivery, signatureOf(delivery).toUpperCase() === signatureOf(delivery) ? 'x' : signatureOf(delivery).toUpperCase()) },
		{ name: 'the signature as hex', apply: (delivery) => resign(delivery, Buffer.from(signatureOf(delivery), 'base64url').toString('hex')) },
		{ name: 'the signature, truncated', apply: (delivery) => resign(delivery, signatureOf(delivery).slice(0, 20)) },
		{ name: 'the signature in a list', apply: (delivery) => (delivery.headers?.['content-type'] === FORM ? resign(delivery, '') : resign(delivery, [signatureOf(delivery)])) },
		{
			name: 'the signature in the query, not looked for there',
			apply: (delivery) => ({ ...resign(delivery, ''), query: { signature: signatureOf(delivery) } }),
		},
		{
			// The secret is the one thing a forger lacks: with it configured empty, no signature is accepted.
			name: 'a signature over data with the secret left out',
			apply: (delivery) => resign(delivery, createHash('sha256').update(`data=${dataText(delivery)!}`).digest('base64url')),
		},
	],
	encodings,
	validEvent,
	// Event ids are hex: one in other case is the same event. A Real Time Pricing event's key is marked.
	uniqueBy: keyOf,
	invalidEvent,
	accepts: (event) => prodegeEventSchema.safeParse(event).success,
	itemMatches: (item, event) => isRecord(event) && item.event_id === event.event_id && item.eventKey === keyOf(event),
	// 200 done (an invalid status update: done, not retried), 400 not retried (an invalid Real Time Pricing event
	// too); Prodege retries anything else.
	allowedStatuses: [200, 400],
	secrets: [SECRET],
	checkAnswer: (observed, authentic) =>
		authentic ||
		(observed.status === 400 &&
			JSON.stringify(observed.body) === JSON.stringify({ success: false, error: { event_id: null, error: 'Invalid or missing signature' } })),
	more: (property) => {
		const node = new ProdegeTrigger();
		const encoding = fc.constantFrom(...encodings);

		/** The item an event must give, written out apart from the node: every field as sent, read into its documented type. */
		function expectedItem(event: IDataObject): IDataObject {
			const item: IDataObject = { ...event, project_id: Number(event.project_id) };
			const text = (name: string) => {
				if (typeof item[name] === 'number') item[name] = String(item[name]);
			};
			if (kindOf(event) === 'realTimePricing') {
				for (const name of ['max_cpi', 'current_cpi', 'avg_cpi', 'required_cpi']) text(name);
				for (const name of ['bid_ir', 'actual_ir', 'bid_loi', 'actual_median_loi']) {
					if (typeof item[name] === 'string') item[name] = Number(item[name]);
				}
				item.event_time_utc = pacificToUtc(String(event.event_time));
				item.eventName = 'realTimePricing';
			} else {
				text('required_cpi');
				const code = Number(event.update_reason);
				const listed = CODES.includes(String(code));
				item.update_reason = code;
				item.update_reason_description = listed ? UPDATE_REASONS[String(code)] : (event.description ?? null);
				item.update_reason_listed = listed;
				item.event_time_utc = pacificToUtc(String(event.event_time));
				item.eventName = 'projectStatusUpdate';
			}
			item.eventKey = keyOf(event);
			return item;
		}

		const unlistedEvent = fc.oneof(
			fc.record({ event: statusUpdate, status: unlistedStatus, code: unlistedCode, asText: fc.boolean(), described: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }) }).map(
				({ event, status, code, asText, described }) => {
					const changed: IDataObject = { ...event, status, update_reason: asText ? String(code) : code };
					if (described === undefined) delete changed.description;
					else changed.description = described;
					return changed;
				},
			),
			fc.tuple(realTimePricing, unlistedStatus).map(([event, status]) => ({ ...event, project_status: status })),
		);

		it('emits an event with an unlisted status, reason code or project_status, and unknown fields, exactly once with every field kept', async () => {
			await property('unlisted values', fc.tuple(encoding, unlistedEvent), async ([how, event]) => {
				const wire = onTheWire(event) as IDataObject;
				const staticData: IDataObject = {};
				const delivery = authenticate(how.wrap([event]));
				const first = await deliver(node, { ...setup(), staticData }, delivery);
				const again = await deliver(node, { ...setup(), staticData }, delivery);
				return (
					first.status === 200 &&
					isDeepStrictEqual(first.body, { success: true }) &&
					first.items?.length === 1 &&
					isDeepStrictEqual(first.items[0], expectedItem(wire)) &&
					again.status === 200 &&
					again.items === undefined
				);
			});
		});

		it('refuses an event whose event_id, project_id or event_time is missing or wrong, whatever else it holds', async () => {
			const cases = fc.tuple(encoding, fc.oneof(validEvent, unlistedEvent).chain((event) => withoutIdentity(event).map((broken) => [event, broken] as const)));
			await property('identity missing or wrong', cases, async ([how, [event, broken]]) => {
				const result = await deliver(node, setup(), authenticate(how.wrap([broken])));
				const pricing = kindOf(event) === 'realTimePricing';
				return (
					result.items === undefined &&
					result.status === (pricing ? 400 : 200) &&
					(result.body as IDataObject | undefined)?.success === false
				);
			});
		});
	},
});
