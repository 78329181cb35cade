import { isDeepStrictEqual } from 'util';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { OPERATIONS, personaclickEventSchema, STATUSES } from '../../nodes/Personaclick/events';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { deliver } from '../helpers/webhook';
import { fuzzTrigger, oneEvent, onTheWire } from './harness';

const SECRET = 'fuzz-secret-0123456789';
const node = new PersonaclickTrigger();
const idsFor: Record<string, string[]> = {
	import_products: ['task_id', 'item_id'],
	import_segment: ['task_id', 'segment_id'],
	segment_recalculated_dynamic: ['segment_id'],
	segment_recalculated_rfm: ['segment_id'],
	bulk_campaign: ['bulk_campaign_id'],
};

const ID_FIELDS = ['task_id', 'segment_id', 'item_id', 'bulk_campaign_id'];
// job_id comes with a Notify URL's callback, and identifies an event on its own.
const FIELDS = ['operation', 'status', 'message', ...ID_FIELDS, 'job_id', 'eventName', 'eventKey', 'requestMetadata'];
const isListedOperation = (operation: unknown) => (OPERATIONS as readonly unknown[]).includes(operation);
const isListedStatus = (status: unknown) => (STATUSES as readonly unknown[]).includes(status) || status === 'succes';

// Arbitraries are built once, outside any chain: building fc.string() per generated value is slow.
/** Text Personaclick might add: any non-empty string, "__proto__" and the like included, but none it documents. */
const unlistedOperation = fc.string({ minLength: 1, maxLength: 24 }).filter((text) => !isListedOperation(text));
const unlistedStatus = fc.string({ minLength: 1, maxLength: 12 }).filter((text) => !isListedStatus(text));
/** Fields Personaclick might add, of any JSON value, under names the package does not give a meaning to. */
const extraFields = fc.dictionary(
	fc.string({ minLength: 1, maxLength: 10 }).filter((name) => !FIELDS.includes(name) && name !== '__proto__'),
	fc.jsonValue({ maxDepth: 2 }),
	{ maxKeys: 4 },
);

const validEvent: fc.Arbitrary<IDataObject> = fc
	.record({
		operation: fc.oneof({ arbitrary: fc.constantFrom(...OPERATIONS), weight: 4 }, { arbitrary: unlistedOperation, weight: 1 }),
		status: fc.oneof({ arbitrary: fc.constantFrom(...STATUSES, 'succes'), weight: 4 }, { arbitrary: unlistedStatus, weight: 1 }),
		// For an operation or status the package does not list, one id it may carry is enough.
		unlistedIds: fc.subarray(ID_FIELDS, { minLength: 1 }),
		seq: fc.nat(),
		numeric: fc.boolean(),
		message: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
		extra: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
	})
	.map(({ operation, status, unlistedIds, seq, numeric, message, extra }) => {
		const event: IDataObject = { operation, status };
		const listed = isListedOperation(operation) && isListedStatus(status);
		const ids = listed ? idsFor[operation] : isListedOperation(operation) ? [idsFor[operation][seq % idsFor[operation].length]] : unlistedIds;
		// A distinct id per event, so each has its own dedupe key; an unlisted one now and then as a number.
		for (const field of ids) event[field] = !listed && numeric ? seq : `${field}-${seq}`;
		if (message !== undefined) event.message = message;
		if (extra !== undefined) event.extra = extra as IDataObject;
		return event;
	});

const isRecord = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event key the trigger documents: operation, status ("succes" read as "success") and ids. */
const keyOf = (event: IDataObject) =>
	[
		event.operation,
		event.status === 'succes' ? 'success' : event.status,
		...['task_id', 'segment_id', 'item_id', 'bulk_campaign_id']
			.filter((field) => event[field] !== undefined)
			.map((field) => `${field}=${event[field]}`),
	].join('|');

fuzzTrigger({
	name: 'Personaclick Trigger',
	node,
	setup: () => ({
		parameters: { authentication: 'sharedSecret' },
		credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'query', name: 'token' } },
		staticData: {},
	}),
	authenticate: (delivery) => ({ ...delivery, query: { token: SECRET } }),
	forgeries: [
		{ name: 'no token', apply: (delivery) => ({ ...delivery, query: {} }) },
		{ name: 'a longer token', apply: (delivery) => ({ ...delivery, query: { token: `${SECRET}x` } }) },
		{ name: 'a shorter token', apply: (delivery) => ({ ...delivery, query: { token: SECRET.slice(0, -1) } }) },
		{ name: 'an empty token', apply: (delivery) => ({ ...delivery, query: { token: '' } }) },
		{ name: 'the token under another name', apply: (delivery) => ({ ...delivery, query: { secret: SECRET } }) },
		{ name: 'the token in a header', apply: (delivery) => ({ ...delivery, query: {}, headers: { ...delivery.headers, token: SECRET } }) },
		{ name: 'the token as a list of wrong ones', apply: (delivery) => ({ ...delivery, query: { token: ['wrong', SECRET] } }) },
	],
	encodings: [
		{ name: 'JSON array', wrap: (events) => ({ body: events }) },
		{ name: 'JSON object', wrap: (events) => ({ body: oneEvent(events) }), maxEvents: 1 },
	],
	validEvent,
	uniqueBy: (event) => keyOf(event),
	invalidEvent: fc.oneof(
		// No id at all: nothing tells the event apart, whatever its operation and status.
		fc.record({ operation: fc.oneof(fc.constantFrom(...OPERATIONS), unlistedOperation), status: fc.oneof(fc.constantFrom(...STATUSES), unlistedStatus), message: fc.string() }),
		// An operation or status that is empty or not text.
		fc.record({ operation: fc.constant(''), status: fc.constantFrom(...STATUSES), task_id: fc.string({ minLength: 1 }) }),
		fc.record({ operation: fc.constantFrom(...OPERATIONS), status: fc.oneof(fc.constant(''), fc.integer(), fc.boolean(), fc.constant(null)), segment_id: fc.string({ minLength: 1 }) }),
		fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
	),
	accepts: (event) => personaclickEventSchema.safeParse(event).success,
	itemMatches: (item, event) => isRecord(event) && item.eventKey === keyOf(event),
	allowedStatuses: [200, 400, 401, 403],
	secrets: [SECRET],
	more: (property) => {
		/** The item the trigger documents for an event as it arrived: every field kept, ids as text, "succes" read "success". */
		const expectedItem = (event: IDataObject): IDataObject => {
			const item: IDataObject = { ...event };
			for (const field of ID_FIELDS) if (item[field] !== undefined) item[field] = String(item[field]);
			if (item.status === 'succes') item.status = 'success';
			return { ...item, eventName: event.operation, eventKey: keyOf(event) };
		};
		const identified = fc.tuple(extraFields, validEvent).map(([extra, event]) => ({ ...extra, ...event }));
		const unidentified = fc
			.tuple(fc.oneof(fc.constantFrom(...OPERATIONS), unlistedOperation), fc.oneof(fc.constantFrom(...STATUSES), unlistedStatus), extraFields)
			.map(([operation, status, extra]) => ({ ...extra, operation, status }));

		it('emits each event with an unlisted operation or status and unknown fields exactly once, every field kept, and refuses those without ids', async () => {
			const cases = fc.tuple(
				fc.uniqueArray(identified, { selector: keyOf, minLength: 1, maxLength: 8 }),
				fc.array(unidentified, { maxLength: 4 }),
				fc.infiniteStream(fc.boolean()),
			);
			await property('unlisted values and unknown fields', cases, async ([good, bad, coin]) => {
				const sent: IDataObject[] = [...good];
				for (const event of bad) sent.splice(coin.next().value ? 0 : sent.length, 0, event);
				const setup = {
					parameters: { authentication: 'sharedSecret' },
					credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'query', name: 'token' } },
					staticData: {},
				};
				const result = await deliver(node, setup, { rawBody: JSON.stringify(sent), query: { token: SECRET } });
				const items = result.items ?? [];
				const wire = good.map((event) => onTheWire(event) as IDataObject);
				const each = wire.every((event) => items.filter((item) => isDeepStrictEqual({ ...item }, expectedItem(event))).length === 1);
				const rejected = ((result.body as IDataObject).rejected as Array<{ index: number }>).map(({ index }) => index);
				const refused = bad.map((event) => sent.indexOf(event));
				return result.status === 200 && items.length === good.length && each && JSON.stringify(rejected) === JSON.stringify(refused.sort((a, b) => a - b));
			});
		});
	},
});
