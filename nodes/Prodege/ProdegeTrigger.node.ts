import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { deliveryWebhook, handleDelivery, kitOptions, noRegistration, optionsCollection, responseModeProperty } from '../shared';
import { prodegeCredentialCheck } from './credentialCheck';
import { PRODEGE_EVENT_NAME, prodege, RTP_EVENT_NAME, UPDATE_REASONS } from './events';

export class ProdegeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Prodege Trigger',
		name: 'prodegeTrigger',
		icon: { light: 'file:prodege.svg', dark: 'file:prodege.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["statuses"].length ? $parameter["statuses"].join(", ") : "All statuses"}}',
		description: 'Starts the workflow when Prodege reports that a project status changed, or that Real Time Pricing paused or resumed a project',
		defaults: { name: 'Prodege Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'prodegeApi',
				required: true,
				testedBy: 'prodegeCredentialCheck',
				displayOptions: { show: { authentication: ['signedData', 'signedParameters'] } },
			},
		],
		// When answering after the workflow, Prodege needs only the status: 200 done, 500 resend.
		webhooks: [{ ...deliveryWebhook, responseData: 'noData' }],
		properties: [
			{
				displayName:
					'Set up with Prodege (it has no API to register this webhook): 1) Create the credential below: a Prodege API credential holding the secret key Prodege gave you. Prodege signs each call with it. 2) Open Webhook URLs above and copy the Production URL. 3) Send it to Prodege (your account manager or API support) as your Project Status Update webhook URL, your Real Time Pricing webhook URL, or both: one URL can receive both. 4) Publish this workflow.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Signature Check',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'Data Parameter as Received',
						value: 'signedData',
						description: 'The signed string is data= followed by the data parameter exactly as received. Inferred from Prodege\'s signing recipe.',
					},
					{
						name: 'All Body Parameters, Sorted',
						value: 'signedParameters',
						description: 'The signed string is every body parameter but the signature, as key=value sorted by key',
					},
					{
						name: 'Off',
						value: 'none',
						description: 'No check: anyone who knows the URL can start the workflow',
					},
				],
				default: 'signedData',
				description: 'How to check that a call comes from Prodege. Prodege documents the recipe but not which parameters of this webhook it signs.',
				hint: 'Both checks need a Prodege API credential with your secret key',
			},
			{
				displayName:
					'The signature check is off: anyone who knows this URL can start the workflow with made-up events. Turn it back on once the signature matches.',
				name: 'signatureOffNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['none'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Project Status Update',
						value: PRODEGE_EVENT_NAME,
						description: 'A project\'s status changed (the Project Status Update webhook)',
					},
					{
						name: 'Real Time Pricing',
						value: RTP_EVENT_NAME,
						description: 'Real Time Pricing paused a project at its max CPI, or set it live again (the Real Time Pricing webhook)',
					},
				],
				default: [],
				description: 'Which of Prodege\'s webhooks to react to, when this URL receives both. Leave empty for both.',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Complete', value: 'COMPLETE', description: 'The project is now COMPLETE' },
					{ name: 'Deleted', value: 'DELETED', description: 'The project is now DELETED' },
					{ name: 'Invoiced', value: 'INVOICED', description: 'The project is now INVOICED' },
					{ name: 'Live', value: 'LIVE', description: 'The project is now LIVE' },
					{ name: 'Paused', value: 'PAUSED', description: 'The project is now PAUSED' },
					{ name: 'Pending Complete', value: 'PENDING_COMPLETE', description: 'The project is now PENDING_COMPLETE' },
				],
				default: [],
				description: 'Which new project statuses to react to: a status update\'s status, or the project_status Real Time Pricing set. Leave empty for all.',
			},
			{
				displayName: 'Update Reasons',
				name: 'updateReasons',
				type: 'multiOptions',
				options: [
					{ name: '113 – Max Clicks Reached', value: '113', description: UPDATE_REASONS['113'] },
					{ name: '156 – No Unique Links Left', value: '156', description: UPDATE_REASONS['156'] },
					{ name: '158 – Sample Size Reached', value: '158', description: UPDATE_REASONS['158'] },
					{ name: '160 – Real Time Pricing', value: '160', description: UPDATE_REASONS['160'] },
					{ name: '207 – Paused for Inactivity', value: '207', description: UPDATE_REASONS['207'] },
					{ name: '209 – Completed for Inactivity', value: '209', description: UPDATE_REASONS['209'] },
					{ name: '222 – High Drop-Off Rate', value: '222', description: UPDATE_REASONS['222'] },
					{ name: '244 – Support Agent', value: '244', description: UPDATE_REASONS['244'] },
					{ name: '902 – Pending Complete After Reconciliation', value: '902', description: UPDATE_REASONS['902'] },
					{ name: '903 – Reconciliation Complete', value: '903', description: UPDATE_REASONS['903'] },
					{ name: '999 – Other', value: '999', description: UPDATE_REASONS['999'] },
				],
				default: [],
				description: 'Which reasons for a status update to react to. Leave empty for all. Real Time Pricing events have no reason and are not filtered by it.',
			},
			responseModeProperty,
			optionsCollection([
				...kitOptions,
				{
					displayName: 'Signature Header',
					name: 'signatureHeader',
					type: 'string',
					default: '',
					placeholder: 'X-Signature',
					description: 'A header to read the signature from when the body has none. Leave empty to read it from the body only.',
				},
				{
					displayName: 'Signature Query Parameter',
					name: 'signatureQueryParameter',
					type: 'string',
					default: '',
					placeholder: 'signature',
					description: 'A query parameter to read the signature from when the body and the header have none',
				},
			]),
		],
	};

	methods = { credentialTest: { prodegeCredentialCheck } };

	webhookMethods = noRegistration;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleDelivery.call(this, prodege);
	}
}
