import type { INodeProperties } from 'n8n-workflow';

/** The per-call timeout every resource's Options offer. */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Ms)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30000,
	description: 'How long to wait for Optimizely Campaign to answer each call',
};
