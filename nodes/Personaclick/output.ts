import { z } from 'zod';

import type { OutputSchemas } from '../shared/items';
import { segmentSchema } from './api';
import { personaclickItemSchema } from './events';

/** The import call an item is about. */
const call = z.object({
	resource: z.string().describe('product, category or audience'),
	operation: z.string().describe('The node operation'),
	method: z.string().describe('The HTTP method, which is the import mode: PUT, PATCH, DELETE or POST'),
	endpoint: z.string().describe('The API path, such as /import/products'),
});

/** One import request Personaclick queued (see imports.ts): one item per request, paired with its input items. */
const queued = call.extend({
	queued: z.literal(true).describe('Personaclick accepted the request and queued the job'),
	records: z.number().describe('How many records the request carried'),
	batch: z.number().describe('Which request of this run it was, from 1'),
	batches: z.number().describe('How many requests this run made'),
	segmentId: z.string().optional().describe('The static segment the contacts went into'),
	jobId: z.string().optional().describe('With a Notify URL: the job ID in the URL, which the Personaclick Trigger emits as job_id'),
	callbackOperation: z.string().optional().describe('With a Notify URL: the operation the URL names, import_products or import_categories'),
});

/** An input item whose list was empty: nothing was sent for it. */
const skipped = call.extend({
	queued: z.literal(false).describe('Nothing was sent for this input item'),
	records: z.literal(0).describe('The input item’s list was empty'),
	reason: z.string().describe('Why nothing was sent'),
});

/** One item per request sent, and one per input item with an empty list. */
const imported = z.union([queued, skipped]);

const email = z.string().optional().describe('The contact’s email');
const phone = z.string().optional().describe('The contact’s phone');
const segmentId = z.string().describe('The segment');

/** The items of each node in this folder, for the JSON Schemas the build writes (tools/output-schemas.cjs). */
export const outputSchemas: OutputSchemas = {
	personaclickTrigger: personaclickItemSchema,
	personaclick: {
		product: { import: imported, syncAvailability: imported, markUnavailable: imported },
		category: { import: imported },
		audience: { import: imported, importSuppressed: imported },
		segment: {
			addContact: z.object({ segmentId, email, phone, added: z.literal(true) }),
			removeContact: z.object({ segmentId, email, phone, removed: z.literal(true) }),
			checkContact: z.object({ segmentId, email, phone, included: z.boolean().describe('Whether the contact is in the segment') }),
			getAll: segmentSchema,
		},
	},
};
