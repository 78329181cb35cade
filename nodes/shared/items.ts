import { z, type ZodTypeAny } from 'zod';

/**
 * What items look like, as zod. The build turns these into the JSON Schemas n8n reads from `__schema__/`
 * beside each node (tools/output-schemas.cjs), and a test checks that what the nodes emit fits them.
 */

/** The `requestMetadata` the kit adds when the option Include Request Metadata is on. */
export const requestMetadataSchema = z
	.object({
		receivedAt: z.string().describe('When n8n received the delivery, ISO 8601 in UTC'),
		sourceIp: z.string().describe('The address the delivery came from'),
		headers: z.record(z.unknown()).describe('The request headers, without any that could carry a secret'),
		query: z.record(z.unknown()).describe('The query parameters, without any that could carry a secret'),
	})
	.describe('Only with the option Include Request Metadata');

/** The fields the kit adds to every trigger item, after the vendor's own (see handleDelivery). */
export function kitItemFields<TName extends ZodTypeAny>(eventName: TName) {
	return {
		eventName: eventName.describe('Which event this is, as the Events filter names it'),
		eventKey: z.string().describe('The dedupe key: a resend of the same event has the same key'),
		requestMetadata: requestMetadataSchema.optional(),
	};
}

/** A node's items: one schema for a trigger, or one per resource and operation for an action node. */
export type NodeOutputSchemas = ZodTypeAny | Record<string, Record<string, ZodTypeAny>>;

/** Each vendor folder's `output.ts` exports this: node name → its item schemas. */
export type OutputSchemas = Record<string, NodeOutputSchemas>;
