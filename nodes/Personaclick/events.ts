import { z } from 'zod';

import type { TriggerDeclaration } from '../shared';
import { standardResponses } from '../shared';
import { kitItemFields } from '../shared/items';

export const OPERATIONS = [
	'import_products',
	'import_segment',
	'segment_recalculated_dynamic',
	'segment_recalculated_rfm',
	'bulk_campaign',
] as const;

export const STATUSES = ['success', 'error', 'failed', 'spam'] as const;

/** The subnet REES46, the platform Personaclick runs on, publishes for its webhooks. */
export const REES46_SUBNET = '194.104.230.0/24';

/** Ids arrive as strings or numbers; they are emitted as strings so "42" and 42 are one id. */
const id = z.union([z.string().min(1), z.number().finite()]).transform(String);

const ITEM = ['item_id'];
const TASK = ['task_id'];
const TASK_AND_SEGMENT = ['task_id', 'segment_id'];
const SEGMENT = ['segment_id'];
const BULK_CAMPAIGN = ['bulk_campaign_id'];

/** Which id fields each operation must carry, by status where it differs. */
const REQUIRED_IDS: Record<(typeof OPERATIONS)[number], (status: string) => readonly string[]> = {
	// A failed product import names the product, and carries no task id.
	import_products: (status) => (status === 'error' ? ITEM : TASK),
	import_segment: () => TASK_AND_SEGMENT,
	segment_recalculated_dynamic: () => SEGMENT,
	segment_recalculated_rfm: () => SEGMENT,
	bulk_campaign: () => BULK_CAMPAIGN,
};

const ID_FIELDS = ['task_id', 'segment_id', 'item_id', 'bulk_campaign_id'] as const;

export const personaclickEventSchema = z
	.object({
		operation: z.enum(OPERATIONS),
		// The vendor's prose spells it "succes"; emit the spelling its examples use.
		status: z.preprocess((value) => (value === 'succes' ? 'success' : value), z.enum(STATUSES)),
		message: z.string().optional(),
		task_id: id.optional(),
		segment_id: id.optional(),
		item_id: id.optional(),
		bulk_campaign_id: id.optional(),
	})
	.passthrough()
	.superRefine((event, ctx) => {
		for (const field of REQUIRED_IDS[event.operation](event.status)) {
			if (event[field as (typeof ID_FIELDS)[number]] === undefined) {
				ctx.addIssue({
					code: z.ZodIssueCode.custom,
					path: [field],
					message: `Required for ${event.operation} with status ${event.status}`,
				});
			}
		}
	});

export type PersonaclickEvent = z.infer<typeof personaclickEventSchema>;

/** The item: the event as validated (ids as text, "succes" spelled "success"), with every field sent. */
export const personaclickItemSchema = z
	.object({
		operation: z.enum(OPERATIONS).describe('Which job ended'),
		status: z.enum(STATUSES).describe('How it ended'),
		message: z.string().optional().describe('What Personaclick says about it, for failures mostly'),
		task_id: z.string().optional().describe('The import task'),
		segment_id: z.string().optional().describe('The segment imported or recalculated'),
		item_id: z.string().optional().describe('The product that failed to import'),
		bulk_campaign_id: z.string().optional().describe('The bulk campaign'),
		...kitItemFields(z.enum(OPERATIONS)),
	})
	.passthrough();

export const personaclick: TriggerDeclaration<PersonaclickEvent> = {
	vendor: 'Personaclick',
	schema: personaclickEventSchema,
	eventName: (event) => event.operation,
	eventKey: (event) => {
		let key = `${event.operation}|${event.status}`;
		for (const field of ID_FIELDS) if (event[field] !== undefined) key += `|${field}=${event[field]}`;
		return key;
	},
	filters: [
		{ parameter: 'operations', value: (event) => event.operation },
		{ parameter: 'statuses', value: (event) => event.status },
	],
	responses: standardResponses,
};
