import { z } from 'zod';

import type { OutputSchemas } from '../shared/items';
import { restWebhookSchema, webhookVerifySchema } from './api';
import { optimizelyItemSchema } from './events';

// Built in OptimizelyCampaign.node.ts when the API answers without the webhook.
const switched = z.object({ id: z.string(), status: z.enum(['activated', 'deactivated']) });
const deleted = z.object({
	id: z.string(),
	deleted: z.literal(true),
	deactivated: z.boolean().describe('Whether it was deactivated first; a webhook not active is deleted as it is'),
});

/** The items of each node in this folder, for the JSON Schemas the build writes (tools/output-schemas.cjs). */
export const outputSchemas: OutputSchemas = {
	optimizelyCampaignTrigger: optimizelyItemSchema,
	optimizelyCampaign: {
		webhook: {
			activate: z.union([restWebhookSchema, switched]),
			create: restWebhookSchema,
			deactivate: z.union([restWebhookSchema, switched]),
			delete: deleted,
			get: restWebhookSchema,
			getAll: restWebhookSchema,
			update: restWebhookSchema,
			verify: webhookVerifySchema,
		},
	},
};
