import { z } from 'zod';

import type { TriggerDeclaration } from '../shared';
import { knownOr, splitBatch, standardResponses } from '../shared';
import { kitItemFields } from '../shared/items';

export const OPERATIONS = [
	'import_products',
	'import_segment',
	'segment_recalculated_dynamic',
	'segment_recalculated_rfm',
	'bulk_campaign',
] as const;

export const STATUSES = ['success', 'error', 'failed', 'spam'] as const;

/**
 * Operations only a Notify URL of the Personaclick node names (its callback carries no operation): a category
 * import's end. Listed, so that they are not logged as new, but not among the ones Personaclick documents.
 */
export const CALLBACK_OPERATIONS = ['import_categories'] as const;

/** The query parameters of a Notify URL: the operation and the job the node started. */
export const CALLBACK_QUERY = { operation: 'operation', jobId: 'job_id' } as const;

/** The subnet REES46, the platform Personaclick runs on, publishes for its webhooks. */
export const REES46_SUBNET = '194.104.230.0/24';

/** Ids arrive as strings or numbers; they are emitted as strings so "42" and 42 are one id. */
const id = z.union([z.string().min(1), z.number().finite()]).transform(String);

const ITEM = ['item_id'];
const TASK = ['task_id'];
const TASK_AND_SEGMENT = ['task_id', 'segment_id'];
const SEGMENT = ['segment_id'];
const BULK_CAMPAIGN = ['bulk_campaign_id'];

type Operation = (typeof OPERATIONS)[number];

/** Which id fields each documented operation must carry with a documented status, by status where it differs. */
const REQUIRED_IDS: Record<Operation, (status: string) => readonly string[]> = {
	// A failed product import names the product, and carries no task id.
	import_products: (status) => (status === 'error' ? ITEM : TASK),
	import_segment: () => TASK_AND_SEGMENT,
	segment_recalculated_dynamic: () => SEGMENT,
	segment_recalculated_rfm: () => SEGMENT,
	bulk_campaign: () => BULK_CAMPAIGN,
};

/** The ids each documented operation carries with any of its statuses. */
const OPERATION_IDS: Record<Operation, readonly string[]> = {
	import_products: ['task_id', 'item_id'],
	import_segment: TASK_AND_SEGMENT,
	segment_recalculated_dynamic: SEGMENT,
	segment_recalculated_rfm: SEGMENT,
	bulk_campaign: BULK_CAMPAIGN,
};

const ID_FIELDS = ['task_id', 'segment_id', 'item_id', 'bulk_campaign_id'] as const;

const KNOWN_OPERATIONS: ReadonlySet<string> = new Set([...OPERATIONS, ...CALLBACK_OPERATIONS]);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(STATUSES);

const isOperation = (operation: string): operation is Operation => (OPERATIONS as readonly string[]).includes(operation);

/** A documented value, or any other non-empty text, kept as sent (Personaclick may add operations and statuses). */
const listedText = <T extends string>(known: readonly [T, ...T[]]) =>
	knownOr(known).refine((value) => value.length > 0, { message: 'Expected a non-empty string' });

/**
 * The ids an event must carry to be told apart from other events (its dedupe key is made of them): with a
 * documented operation and status, the ones Personaclick documents; with a status it does not list, at least one
 * of the ids the operation carries; with an operation it does not list, at least one id of any kind.
 */
function missingIds(event: { operation: string; status: string; job_id?: string } & Partial<Record<(typeof ID_FIELDS)[number], string>>): string[] {
	const { operation, status } = event;
	// A callback to a Notify URL: its job ID tells it apart.
	if (event.job_id !== undefined) return [];
	if (isOperation(operation) && KNOWN_STATUSES.has(status)) {
		return REQUIRED_IDS[operation](status).filter((field) => event[field as (typeof ID_FIELDS)[number]] === undefined);
	}
	const any = isOperation(operation) ? OPERATION_IDS[operation] : ID_FIELDS;
	return any.some((field) => event[field as (typeof ID_FIELDS)[number]] !== undefined) ? [] : [any.join(' or ')];
}

export const personaclickEventSchema = z
	.object({
		operation: listedText(OPERATIONS),
		// The vendor's prose spells it "succes"; emit the spelling its examples use.
		status: z.preprocess((value) => (value === 'succes' ? 'success' : value), listedText(STATUSES)),
		message: z.string().optional(),
		task_id: id.optional(),
		segment_id: id.optional(),
		item_id: id.optional(),
		bulk_campaign_id: id.optional(),
		job_id: id.optional(),
	})
	.passthrough()
	.superRefine((event, ctx) => {
		const listed = isOperation(event.operation) && KNOWN_STATUSES.has(event.status);
		for (const field of missingIds(event)) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: [field],
				message: listed
					? `Required for ${event.operation} with status ${event.status}`
					: `Required (one of them) for operation ${event.operation} with status ${event.status}, a pair this package does not list`,
			});
		}
	});

export type PersonaclickEvent = z.infer<typeof personaclickEventSchema>;

/**
 * The item: the event as validated (ids as text, "succes" spelled "success"), with every field sent. Operations
 * and statuses list the documented values and accept others, which Personaclick may add.
 */
const operationField = () =>
	knownOr(OPERATIONS).describe(`Which job ended: ${OPERATIONS.join(', ')}, or another operation Personaclick adds`);

export const personaclickItemSchema = z
	.object({
		operation: operationField(),
		status: knownOr(STATUSES).describe(`How it ended: ${STATUSES.join(', ')}, or another status Personaclick adds`),
		message: z.string().optional().describe('What Personaclick says about it, for failures mostly'),
		task_id: z.string().optional().describe('The import task'),
		segment_id: z.string().optional().describe('The segment imported or recalculated'),
		item_id: z.string().optional().describe('The product that failed to import'),
		bulk_campaign_id: z.string().optional().describe('The bulk campaign'),
		job_id: z.string().optional().describe('The job a Personaclick node started, from its Notify URL: the jobId of that node’s item'),
		...kitItemFields(operationField()),
	})
	.passthrough();

export const personaclick: TriggerDeclaration<PersonaclickEvent> = {
	vendor: 'Personaclick',
	schema: personaclickEventSchema,
	eventName: (event) => event.operation,
	eventKey: (event) => {
		// A job ends once: its ID is the key.
		if (event.job_id !== undefined) return `${event.operation}|job_id=${event.job_id}`;
		let key = `${event.operation}|${event.status}`;
		for (const field of ID_FIELDS) if (event[field] !== undefined) key += `|${field}=${event[field]}`;
		return key;
	},
	// A value the package does not list is emitted as sent; a filter that names other values leaves it out.
	filters: [
		{ parameter: 'operations', value: (event) => event.operation },
		{ parameter: 'statuses', value: (event) => event.status },
	],
	listed: [
		{ field: 'operation', known: KNOWN_OPERATIONS, value: (event) => event.operation },
		{ field: 'status', known: KNOWN_STATUSES, value: (event) => event.status },
	],
	responses: standardResponses,
};

type Query = Record<string, unknown>;

const queryText = (query: Query, name: string): string | undefined => {
	const value = query[name];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/**
 * The declaration for one delivery. A callback to a Personaclick node's Notify URL carries only a status in its
 * body; the URL names the operation and the job, which fill what the body lacks (what it has, it keeps).
 */
export function personaclickFor(query: Query): TriggerDeclaration<PersonaclickEvent> {
	const operation = queryText(query, CALLBACK_QUERY.operation);
	const jobId = queryText(query, CALLBACK_QUERY.jobId);
	if (operation === undefined && jobId === undefined) return personaclick;
	const fill = (event: unknown): unknown =>
		event && typeof event === 'object' && !Array.isArray(event)
			? {
					...(operation === undefined ? {} : { operation }),
					...(jobId === undefined ? {} : { job_id: jobId }),
					...(event as Record<string, unknown>),
				}
			: event;
	return {
		...personaclick,
		split: (payload) => splitBatch(payload).map(fill),
	};
}
