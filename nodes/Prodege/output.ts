import { z } from 'zod';

import type { OutputSchemas } from '../shared/items';
import { projectInfoSchema, quotaSchema } from './api';
import { prodegeItemSchema } from './events';

const prodegeProjectId = z.number().describe('The ID Prodege gave the project');
const updatedFields = z.array(z.string()).describe('The Prodege parameters the update sent, such as status or cpi');

/** Create answers: the documented answer of project-duplicate; project-create's own answer is not documented. */
const created = z
	.object({
		prodege_project_id: prodegeProjectId.optional().describe('The ID Prodege gave the new project (inferred: project-create’s answer is not documented)'),
		project_id: z.string().describe('Your own project ID, as sent'),
	})
	.passthrough();

const projectItem = projectInfoSchema.describe('The project_info Prodege returned, parsed from its JSON string');

const quotaItem = quotaSchema.extend({ prodege_project_id: prodegeProjectId });

/** The items of each node in this folder, for the JSON Schemas the build writes (tools/output-schemas.cjs). */
export const outputSchemas: OutputSchemas = {
	prodegeTrigger: prodegeItemSchema,
	prodege: {
		project: {
			create: created,
			duplicate: z
				.object({
					prodege_project_id: prodegeProjectId.optional().describe('The ID Prodege gave the copy'),
					project_id: z.string().describe('Your own ID for the copy, as sent'),
					source_prodege_project_id: prodegeProjectId.describe('The project that was copied'),
				})
				.passthrough(),
			get: projectItem,
			update: z
				.object({
					prodege_project_id: prodegeProjectId,
					updated_fields: updatedFields,
					status: z.enum(['PENDING', 'LIVE', 'PAUSED', 'COMPLETE']).optional().describe('The status set, when the update set one'),
					previous_status: z.string().optional().describe('The status read before the change, when it was checked first'),
				})
				.passthrough(),
			updateCpi: z.object({ prodege_project_id: prodegeProjectId, cpi: z.number().describe('The CPI set') }).passthrough(),
		},
		quota: {
			create: z
				.object({ quota_id: z.number().optional().describe('The ID Prodege gave the quota'), prodege_project_id: prodegeProjectId })
				.passthrough(),
			getAll: quotaItem,
			update: z
				.object({ quota_id: z.number().describe('The quota updated'), prodege_project_id: prodegeProjectId, updated_fields: updatedFields })
				.passthrough(),
		},
	},
};
