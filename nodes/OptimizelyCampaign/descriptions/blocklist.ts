import type { INodeProperties } from 'n8n-workflow';

import { timeoutOption } from './shared';

export const blocklistOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['blocklist'] } },
		options: [
			{ name: 'Add', value: 'add', description: 'Block an address, or every address a pattern matches', action: 'Add a blocklist entry' },
			{ name: 'Check', value: 'check', description: 'Check whether an address is blocked', action: 'Check an address against the blocklist' },
		],
		default: 'add',
	},
];

export const blocklistFields: INodeProperties[] = [
	{
		displayName: 'Entry',
		name: 'entry',
		type: 'string',
		required: true,
		default: '',
		placeholder: '*@spam.example.com',
		displayOptions: { show: { resource: ['blocklist'], operation: ['add'] } },
		description: 'An address or a pattern: * matches any run of characters, ? one character; write \\* or \\? for the characters themselves',
	},
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'name@email.com',
		displayOptions: { show: { resource: ['blocklist'], operation: ['check'] } },
		description: 'The address to check',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['blocklist'] } },
		options: [
			{
				displayName: 'Reason',
				name: 'reason',
				type: 'string',
				default: '',
				placeholder: 'Spam complaint',
				displayOptions: { show: { '/operation': ['add'] } },
				description: 'Why the entry is added, kept with it',
			},
			timeoutOption,
		],
	},
];
