import { z } from 'zod';

import type { OutputSchemas } from '../shared/items';
import {
	blocklistEntrySchema,
	blocklistedSchema,
	bulkAddSchema,
	messageNodeSchema,
	recipientSchema,
	restWebhookSchema,
	sendStatusSchema,
	smartCampaignSchema,
	unsubscribeResultSchema,
	webhookVerifySchema,
} from './api';
import { optimizelyItemSchema } from './events';

// Built in OptimizelyCampaign.node.ts when the API answers without the webhook.
const switched = z.object({ id: z.string(), status: z.enum(['activated', 'deactivated']) });
const deleted = z.object({
	id: z.string(),
	deleted: z.literal(true),
	deactivated: z.boolean().describe('Whether it was deactivated first; a webhook not active is deleted as it is'),
});

// The items actions.ts builds around the API's answers.
const listId = z.string().describe('The recipient list ID');
const recipientItem = recipientSchema.and(z.object({ recipientListId: listId }));
const mediaContext = {
	mediaType: z.string().optional().describe('The media type, when one was sent'),
	recipientListId: z.string().optional(),
};
const status = sendStatusSchema.and(z.object({ final: z.boolean().describe('Whether the status changes no more') }));
const sent = z.object({
	mailId: z.string().describe('The ID of this mail, for Get Status and for the trigger events it causes'),
	transactionalMailId: z.string(),
	recipientListId: listId,
	recipientId: z.string(),
	sendStatus: z.string().optional().describe('With Wait for Final Status: the last status read'),
	final: z.boolean().optional().describe('With Wait for Final Status: whether the status changes no more; false when it could not be read'),
	statusError: z
		.string()
		.optional()
		.describe('With Wait for Final Status: why the status could not be read after the mail was accepted; the mail was sent, read its status with Get Status'),
});
const campaign = z.union([smartCampaignSchema, z.object({ id: z.string() })]);
const message = messageNodeSchema.and(z.object({ campaignId: z.string(), mailingId: z.union([z.string(), z.number()]) }));

/** The items of each node in this folder, for the JSON Schemas the build writes (tools/output-schemas.cjs). */
export const outputSchemas: OutputSchemas = {
	optimizelyCampaignTrigger: optimizelyItemSchema,
	optimizelyCampaign: {
		recipient: {
			add: recipientItem.and(z.object({ pendingOptIn: z.boolean().describe('Added, but shown only once a double opt-in is confirmed') })),
			addMany: bulkAddSchema.and(z.object({ recipientListId: listId, recipientIds: z.array(z.string()).describe('The recipient IDs sent in this call') })),
			delete: z.object({ id: z.string(), recipientListId: listId, deleted: z.literal(true) }),
			get: recipientItem,
			update: recipientItem.and(z.object({ mode: z.enum(['set', 'prepend', 'append']) })),
		},
		unsubscribe: {
			add: unsubscribeResultSchema.and(z.object(mediaContext)),
			remove: z.object({ recipientIds: z.array(z.string()), removed: z.literal(true), ...mediaContext }),
		},
		blocklist: {
			add: blocklistEntrySchema.and(z.object({ pattern: z.string() })),
			check: blocklistedSchema.and(z.object({ address: z.string() })),
		},
		transactionalMail: {
			getStatus: status,
			send: sent,
		},
		smartCampaign: {
			getAll: smartCampaignSchema,
			pause: campaign,
			start: campaign,
			stop: campaign,
		},
		smartCampaignMessage: {
			pause: message,
			start: message,
			stop: message,
		},
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
