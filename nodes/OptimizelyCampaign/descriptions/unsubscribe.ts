import type { INodeProperties } from 'n8n-workflow';

import { timeoutOption } from './shared';

export const unsubscribeOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['unsubscribe'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Unsubscribe recipients, by recipient IDs or by the mail IDs of mails they received',
				action: 'Unsubscribe recipients',
			},
			{ name: 'Remove', value: 'remove', description: 'Take recipients off the unsubscribe list', action: 'Remove unsubscribes' },
		],
		default: 'add',
	},
];

export const unsubscribeFields: INodeProperties[] = [
	{
		displayName: 'Unsubscribe By',
		name: 'unsubscribeBy',
		type: 'options',
		options: [
			{ name: 'Recipient IDs', value: 'recipientIds', description: 'The recipients, usually their email addresses' },
			{ name: 'Mail IDs', value: 'mailIds', description: 'Mails the recipients received, such as the mail ID of a trigger event' },
		],
		default: 'recipientIds',
		displayOptions: { show: { resource: ['unsubscribe'], operation: ['add'] } },
		description: 'How the recipients are named',
	},
	{
		displayName: 'Recipient IDs',
		name: 'recipientIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'name@email.com, other@email.com',
		displayOptions: { show: { resource: ['unsubscribe'], operation: ['add'], unsubscribeBy: ['recipientIds'] } },
		description: 'Comma-separated recipient IDs, at most 5,000',
	},
	{
		displayName: 'Recipient IDs',
		name: 'recipientIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'name@email.com, other@email.com',
		displayOptions: { show: { resource: ['unsubscribe'], operation: ['remove'] } },
		description: 'Comma-separated recipient IDs to take off the unsubscribe list, at most 5,000',
	},
	{
		displayName: 'Mail IDs',
		name: 'mailIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: '4P6W8B4-4P6W0LI-BSLXEC',
		displayOptions: { show: { resource: ['unsubscribe'], operation: ['add'], unsubscribeBy: ['mailIds'] } },
		description: 'Comma-separated mail IDs, at most 5,000',
	},
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		options: [
			{ name: 'Email', value: 'EMAIL' },
			{ name: 'Fax', value: 'FAX' },
			{ name: 'Letter', value: 'LETTER' },
			{ name: "None (Optimizely's Default)", value: 'none', description: 'Send no media type: what it then applies to is up to Optimizely' },
			{ name: 'Print', value: 'PRINT' },
			{ name: 'Push', value: 'PUSH' },
			{ name: 'SMS', value: 'SMS' },
		],
		default: 'EMAIL',
		displayOptions: { show: { resource: ['unsubscribe'] } },
		description: 'The channel the unsubscribe is for. Remove must name the channel the unsubscribe was made for.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['unsubscribe'] } },
		options: [
			{
				displayName: 'Recipient List ID',
				name: 'recipientListId',
				type: 'string',
				default: '',
				placeholder: '200000001',
				description: 'The recipient list, when unsubscribes are kept per list in this client',
			},
			timeoutOption,
		],
	},
];
