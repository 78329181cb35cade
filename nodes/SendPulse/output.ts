import { z } from 'zod';

import type { OutputSchemas } from '../shared/items';
import { webhookItemSchema } from './api';
import { sendPulseItemSchema } from './events';

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
	},
};
