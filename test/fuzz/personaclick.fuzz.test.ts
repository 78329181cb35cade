import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { OPERATIONS, STATUSES } from '../../nodes/Personaclick/events';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { fuzzTrigger } from './harness';

const SECRET = 'fuzz-secret-0123456789';
const idsFor: Record<string, string[]> = {
	import_products: ['task_id', 'item_id'],
	import_segment: ['task_id', 'segment_id'],
	segment_recalculated_dynamic: ['segment_id'],
	segment_recalculated_rfm: ['segment_id'],
	bulk_campaign: ['bulk_campaign_id'],
};

const validEvent: fc.Arbitrary<IDataObject> = fc
	.record({ operation: fc.constantFrom(...OPERATIONS), status: fc.constantFrom(...STATUSES, 'succes'), seq: fc.nat() })
	.chain(({ operation, status, seq }) =>
		fc.record({ message: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), extra: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }).map(
			({ message, extra }) => {
				const event: IDataObject = { operation, status };
				// A distinct id per event, so each has its own dedupe key.
				for (const field of idsFor[operation]) event[field] = `${field}-${seq}`;
				if (message !== undefined) event.message = message;
				if (extra !== undefined) event.extra = extra as IDataObject;
				return event;
			},
		),
	);

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
	forge: (delivery) => ({ ...delivery, query: { token: `${SECRET}x` } }),
	wrap: (events) => ({ body: events }),
	validEvent,
	uniqueBy: (event) => keyOf(event),
	invalidEvent: fc.oneof(
		fc.record({ operation: fc.string({ maxLength: 10 }), status: fc.constantFrom(...STATUSES), task_id: fc.string() }),
		fc.record({ operation: fc.constantFrom(...OPERATIONS), status: fc.string({ maxLength: 6 }).filter((s) => !(STATUSES as readonly string[]).includes(s) && s !== 'succes') }),
		fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
	),
	itemMatches: (item, event) => item.eventKey === keyOf(event),
	allowedStatuses: [200, 400, 401, 403],
});
