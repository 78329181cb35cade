import type { INodeProperties } from 'n8n-workflow';

import { timeoutOption } from './shared';

export const transactionalMailOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transactionalMail'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Get the sending status of a mail, optionally waiting until it is final',
				action: 'Get the status of a transactional mail',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a transactional mail to one recipient, with personalization fields',
				action: 'Send a transactional mail',
			},
		],
		default: 'send',
	},
];

export const transactionalMailFields: INodeProperties[] = [
	{
		displayName: 'Transactional Mail ID',
		name: 'transactionalMailId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '400000001',
		displayOptions: { show: { resource: ['transactionalMail'], operation: ['send'] } },
		description: 'The ID of the transactional mailing to send, a number',
	},
	{
		displayName: 'Recipient List ID',
		name: 'recipientListId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '200000001',
		displayOptions: { show: { resource: ['transactionalMail'], operation: ['send'] } },
		description: 'The transactional recipient list assigned to the mailing; the recipient is added to it',
	},
	{
		displayName: 'Recipient ID',
		name: 'recipientId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'name@email.com',
		displayOptions: { show: { resource: ['transactionalMail'], operation: ['send'] } },
		description: 'The email address (or phone number for SMS). When the list\'s ID field is not the address, also set the "email" field below.',
	},
	{
		displayName: 'Personalization Fields',
		name: 'attributes',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { resource: ['transactionalMail'], operation: ['send'] } },
		description: 'Values for the mail\'s placeholders, by the list field\'s internal name (each sent as data.NAME)',
		options: [
			{
				displayName: 'Field',
				name: 'attribute',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'firstname', description: 'The internal name of the field' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'The value for this mail' },
				],
			},
		],
	},
	{
		displayName: 'Mail ID',
		name: 'mailId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '4P6W8B4-4P6W0LI-BSLXEC',
		displayOptions: { show: { resource: ['transactionalMail'], operation: ['getStatus'] } },
		description: 'The mail ID that Send returned',
	},
	{
		displayName: 'Wait for Final Status',
		name: 'waitForFinalStatus',
		type: 'boolean',
		default: false,
		displayOptions: { show: { resource: ['transactionalMail'] } },
		description: 'Whether to ask again until the status is final (sent, or why it was not) or Max Wait has passed',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 60,
		displayOptions: { show: { resource: ['transactionalMail'], waitForFinalStatus: [true] } },
		description: 'The longest time to wait for a final status, up to 600. When it passes, the item carries the last status, with final false.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['transactionalMail'] } },
		options: [
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 60 },
				default: 5,
				description: 'With Wait for Final Status: how long to wait between status reads',
			},
			timeoutOption,
		],
	},
];
