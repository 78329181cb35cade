import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { allowedIpsProperty, basicAuthCredentialShown, deliveryWebhook, handleDelivery, incomingAuthHint, ipAllowlistOption, kitOptions, noAuthenticationOption, noRegistration, optionsCollection, responseModeProperty, sharedSecretCredentialShown, testIncomingCredential } from '../shared';
import { personaclickFor, REES46_SUBNET } from './events';

export class PersonaclickTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Personaclick Trigger',
		name: 'personaclickTrigger',
		icon: { light: 'file:personaclick.svg', dark: 'file:personaclick.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["operations"].length ? $parameter["operations"].join(", ") : "All operations"}}',
		description: 'Starts the workflow when a Personaclick import, segment or bulk campaign job ends',
		defaults: { name: 'Personaclick Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'webhookBasicAuthApi', required: true, testedBy: 'incomingCredential', displayOptions: basicAuthCredentialShown },
			{ name: 'webhookSharedSecretApi', required: true, testedBy: 'incomingCredential', displayOptions: sharedSecretCredentialShown },
		],
		webhooks: [deliveryWebhook],
		properties: [
			{
				displayName:
					'Set up in Personaclick (it has no API to register webhooks): 1) Create the credential below: a Webhook Shared Secret API credential with a long random secret, sent in the query parameter token. 2) Open Webhook URLs above and copy the Production URL, adding ?token=YOUR_SECRET. 3) Paste it in your Personaclick account, section "Webhooks". 4) Publish this workflow. To hear when an import started by a Personaclick node ends, paste the same URL in that node\'s Notify URL.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'Secret Token',
						value: 'sharedSecret',
						description: 'The URL you give Personaclick carries a secret token (query string or header). Needs a Webhook Shared Secret API credential.',
					},
					{
						name: 'Basic Auth',
						value: 'basicAuth',
						description: 'Calls must carry a user and password (https://user:password@host/...). Needs a Webhook Basic Auth API credential.',
					},
					ipAllowlistOption,
					noAuthenticationOption,
				],
				default: 'sharedSecret',
				description: 'How the trigger checks that a call comes from Personaclick',
				hint: incomingAuthHint,
			},
			allowedIpsProperty(
				'The default is the subnet REES46 (the platform behind Personaclick) publishes for its webhooks; Personaclick does not publish its own',
				{ defaultIps: REES46_SUBNET },
			),
			{
				displayName: 'Operations',
				name: 'operations',
				type: 'multiOptions',
				options: [
					{ name: 'Bulk Campaign', value: 'bulk_campaign', description: 'A bulk campaign was sent, failed, or stopped as spam' },
					{ name: 'Dynamic Segment Recalculated', value: 'segment_recalculated_dynamic', description: 'A dynamic segment was recalculated' },
					{ name: 'Import Audience', value: 'import_segment', description: 'An audience (segment) import ended' },
					{
						name: 'Import Categories',
						value: 'import_categories',
						description: 'A category import a Personaclick node started with a Notify URL ended',
					},
					{ name: 'Import Products', value: 'import_products', description: 'A product feed import ended' },
					{ name: 'RFM Segment Recalculated', value: 'segment_recalculated_rfm', description: 'An RFM segment was recalculated' },
				],
				default: [],
				description: 'Which jobs to react to. Leave empty for all, including operations Personaclick adds that this node does not list yet.',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Error', value: 'error', description: 'An import failed' },
					{ name: 'Failed', value: 'failed', description: 'A recalculation or campaign failed' },
					{ name: 'Spam', value: 'spam', description: 'A bulk campaign was stopped as spam' },
					{ name: 'Success', value: 'success', description: 'The job finished without errors' },
				],
				default: [],
				description: 'Which outcomes to react to. Leave empty for all, including statuses Personaclick adds that this node does not list yet.',
			},
			responseModeProperty,
			optionsCollection(kitOptions),
		],
	};

	methods = { credentialTest: { incomingCredential: testIncomingCredential } };

	webhookMethods = noRegistration;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleDelivery.call(this, personaclickFor(this.getQueryData() as Record<string, unknown>));
	}
}
