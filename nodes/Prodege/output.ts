import type { OutputSchemas } from '../shared/items';
import { prodegeItemSchema } from './events';

/** The items of each node in this folder, for the JSON Schemas the build writes (tools/output-schemas.cjs). */
export const outputSchemas: OutputSchemas = {
	prodegeTrigger: prodegeItemSchema,
};
