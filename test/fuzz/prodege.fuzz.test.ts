import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { prodegeEventSchema, STATUSES, UPDATE_REASONS } from '../../nodes/Prodege/events';
import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';
import type { Delivery } from '../helpers/webhook';
import { fuzzTrigger, oneEvent } from './harness';

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

const validEvent: fc.Arbitrary<IDataObject> = fc
	.record({
		seq: fc.nat(),
		upperCase: fc.boolean(),
		event_time: eventTime,
		project_id: fc.oneof(fc.nat(), fc.nat().map(String)),
		status: fc.constantFrom(...STATUSES),
		update_reason: fc.constantFrom(...CODES).chain((code) => fc.constantFrom(code, Number(code))),
		description: note,
		rejection_note: fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)), { nil: undefined }),
		required_cpi: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), {
			nil: undefined,
		}),
	})
	.map(({ seq, upperCase, description, rejection_note, required_cpi, ...fields }) => {
		const id = seq.toString(16).padStart(24, '0');
		const event: IDataObject = { ...fields, event_id: upperCase ? id.toUpperCase() : id };
		event.description = description ?? seed.description;
		if (rejection_note !== undefined) event.rejection_note = rejection_note;
		if (required_cpi !== undefined) event.required_cpi = required_cpi;
		return event;
	});

const invalidEvent: fc.Arbitrary<unknown> = fc.oneof(
	validEvent.map((event) => ({ ...event, event_id: 'not-a-prodege-id' })),
	validEvent.map((event) => ({ ...event, status: 'ARCHIVED' })),
	validEvent.map((event) => ({ ...event, update_reason: 123 })),
	validEvent.map((event) => ({ ...event, event_time: '2023-02-30 10:00:00' })),
	validEvent.map((event) => ({ ...event, event_time: String(event.event_time).replace(' ', 'T') })),
	validEvent.map((event) => ({ ...event, project_id: -1 })),
	validEvent.map((event) => ({ ...event, project_id: '12a' })),
	validEvent.map((event) => ({ ...event, required_cpi: {} })),
	validEvent.map(({ event_id: _id, ...rest }) => rest),
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
	encodings: [
		{ name: 'JSON, data an array', wrap: (events) => jsonEnvelope(events) },
		{ name: 'JSON, data one event', wrap: (events) => jsonEnvelope(oneEvent(events)), maxEvents: 1 },
		{ name: 'JSON, data as JSON text', wrap: (events) => jsonEnvelope(JSON.stringify(events)) },
		{ name: 'form, data as JSON text', wrap: formEnvelope },
	],
	validEvent,
	// Event ids are hex: one in other case is the same event.
	uniqueBy: (event) => String(event.event_id).toLowerCase(),
	invalidEvent,
	accepts: (event) => prodegeEventSchema.safeParse(event).success,
	itemMatches: (item, event) => isRecord(event) && item.event_id === event.event_id && item.eventKey === String(event.event_id).toLowerCase(),
	// 200 done (an invalid event: done, not retried), 400 not retried; Prodege retries anything else.
	allowedStatuses: [200, 400],
	secrets: [SECRET],
	checkAnswer: (observed, authentic) =>
		authentic ||
		(observed.status === 400 &&
			JSON.stringify(observed.body) === JSON.stringify({ success: false, error: { event_id: null, error: 'Invalid or missing signature' } })),
});
