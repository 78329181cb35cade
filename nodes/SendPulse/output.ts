import { z } from 'zod';

import type { OutputSchemas } from '../shared/items';
import { webhookItemSchema } from './api';
import { sendPulseItemSchema } from './events';

/** SendPulse's answer to an event or a mailing-list call: `{result: true}` in third-party code only, so other fields are kept. */
const result = z
	.union([z.boolean(), z.number(), z.string()])
	.optional()
	.describe('SendPulse’s answer: true when it took the request (seen in third-party code only)');

const eventSentSchema = z
	.object({
		result,
		sentBy: z.enum(['eventName', 'eventUrl']).describe('How the event was sent: by name through the API, or to its own URL'),
		eventName: z.string().optional().describe('The event, when sent by name (its URL is never repeated)'),
		email: z.string().optional().describe('The contact’s email sent with the event'),
		phone: z.string().optional().describe('The contact’s phone sent with the event'),
	})
	.passthrough();

const listEmailSchema = z
	.object({
		result,
		mailingListId: z.string().describe('The mailing list (address book) ID'),
		email: z.string().describe('The address'),
	})
	.passthrough();

/** The items of each node in this folder, for the JSON Schemas the build writes (tools/output-schemas.cjs). */
export const outputSchemas: OutputSchemas = {
	sendPulseTrigger: sendPulseItemSchema,
	sendPulse: {
		webhook: {
			create: webhookItemSchema,
			getAll: webhookItemSchema,
			get: webhookItemSchema,
			// Built in SendPulse.node.ts: SendPulse answers these with no webhook to return.
			update: z.object({ id: z.string(), url: z.string(), updated: z.literal(true) }),
			delete: z.object({ id: z.string(), deleted: z.literal(true) }),
		},
		automation360Event: { send: eventSentSchema },
		mailingListEmail: {
			add: listEmailSchema,
			delete: listEmailSchema,
			unsubscribe: listEmailSchema,
			updateVariables: listEmailSchema,
		},
	},
};
