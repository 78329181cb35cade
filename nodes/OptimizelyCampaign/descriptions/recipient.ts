import type { INodeProperties } from 'n8n-workflow';

import { timeoutOption } from './shared';

const show = (operation: string[]) => ({ show: { resource: ['recipient'], operation } });

export const recipientOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['recipient'] } },
		options: [
			{ name: 'Add', value: 'add', description: 'Add one recipient to a recipient list', action: 'Add a recipient' },
			{
				name: 'Add Many',
				value: 'addMany',
				description: 'Add every input item as a recipient in one bulk call per list; the IDs that failed come back',
				action: 'Add many recipients',
			},
			{ name: 'Delete', value: 'delete', description: 'Delete a recipient from a recipient list', action: 'Delete a recipient' },
			{ name: 'Get', value: 'get', description: 'Get a recipient of a recipient list', action: 'Get a recipient' },
			{ name: 'Update', value: 'update', description: "Change a recipient's attributes: set, prepend or append", action: 'Update a recipient' },
		],
		default: 'add',
	},
];

export const recipientFields: INodeProperties[] = [
	{
		displayName: 'Recipient List ID',
		name: 'recipientListId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '200000001',
		displayOptions: { show: { resource: ['recipient'] } },
		description: 'The ID of the recipient list, a number, as Optimizely Campaign shows it for the list',
	},
	{
		displayName: 'Recipient ID',
		name: 'recipientId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'name@email.com',
		displayOptions: { show: { resource: ['recipient'] } },
		description: "The recipient's ID in the list, usually the email address",
	},
	{
		displayName: 'Attributes',
		name: 'attributes',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Attribute',
		default: {},
		displayOptions: show(['add', 'addMany', 'update']),
		description: 'Values of the recipient list\'s fields, by the field\'s internal name (each sent as data.NAME)',
		options: [
			{
				displayName: 'Attribute',
				name: 'attribute',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'firstname', description: 'The internal name of the field' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'The value to store' },
				],
			},
		],
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: [
			{ name: 'Append', value: 'append', description: 'Add the value after what a text field holds' },
			{ name: 'Prepend', value: 'prepend', description: 'Add the value before what a text field holds' },
			{ name: 'Set', value: 'set', description: 'Replace what the field holds' },
		],
		default: 'set',
		displayOptions: show(['update']),
		description: 'How the values change text fields',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['recipient'] } },
		options: [
			{
				displayName: 'Address',
				name: 'address',
				type: 'string',
				default: '',
				placeholder: 'name@email.com',
				displayOptions: { show: { '/operation': ['add', 'addMany'] } },
				description: "The recipient's address, when the list's ID field is not the address",
			},
			{
				displayName: 'Attribute Names',
				name: 'attributeNames',
				type: 'string',
				default: '',
				placeholder: 'firstname,lastname',
				displayOptions: { show: { '/operation': ['get'] } },
				description: 'Comma-separated internal names of the fields to return',
			},
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				displayOptions: { show: { '/operation': ['addMany'] } },
				description: 'How many recipients go in one bulk call',
			},
			{
				displayName: 'Include Opt-In Data',
				name: 'includeOptinData',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/operation': ['get'] } },
				description: 'Whether to return the opt-in data fields (opt-in lists only)',
			},
			{
				displayName: 'Opt-In Process ID',
				name: 'optinProcessId',
				type: 'string',
				default: '',
				placeholder: '300000001',
				displayOptions: { show: { '/operation': ['add', 'addMany'] } },
				description: 'The opt-in process to run for the recipient. A double opt-in recipient shows up only once confirmed.',
			},
			{
				displayName: 'Return Opt-In Mail ID',
				name: 'returnOptInMailId',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/operation': ['add'] } },
				description: 'Whether to return the mail ID of the opt-in mail (double or confirmed opt-in)',
			},
			timeoutOption,
		],
	},
];
