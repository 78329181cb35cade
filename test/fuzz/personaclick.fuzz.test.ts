import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { OPERATIONS, personaclickEventSchema, STATUSES } from '../../nodes/Personaclick/events';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { fuzzTrigger, oneEvent } from './harness';

const SECRET = 'fuzz-secret-0123456789';
const idsFor: Record<string, string[]> = {
	import_products: ['task_id', 'item_id'],
	import_segment: ['task_id', 'segment_id'],
	segment_recalculated_dynamic: ['segment_id'],
	segment_recalculated_rfm: ['segment_id'],
	bulk_campaign: ['bulk_campaign_id'],
};

// Arbitraries are built once, outside any chain: building fc.string() per generated value is slow.
const validEvent: fc.Arbitrary<IDataObject> = fc
	.record({
		operation: fc.constantFrom(...OPERATIONS),
		status: fc.constantFrom(...STATUSES, 'succes'),
		seq: fc.nat(),
		message: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
		extra: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
	})
	.map(({ operation, status, seq, message, extra }) => {
		const event: IDataObject = { operation, status };
		// A distinct id per event, so each has its own dedupe key.
		for (const field of idsFor[operation]) event[field] = `${field}-${seq}`;
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
	node: new PersonaclickTrigger(),
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
		fc.record({ operation: fc.string({ maxLength: 10 }), status: fc.constantFrom(...STATUSES), task_id: fc.string() }),
		fc.record({ operation: fc.constantFrom(...OPERATIONS), status: fc.string({ maxLength: 6 }).filter((s) => !(STATUSES as readonly string[]).includes(s) && s !== 'succes') }),
		fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
	),
	accepts: (event) => personaclickEventSchema.safeParse(event).success,
	itemMatches: (item, event) => isRecord(event) && item.eventKey === keyOf(event),
	allowedStatuses: [200, 400, 401, 403],
	secrets: [SECRET],
});
