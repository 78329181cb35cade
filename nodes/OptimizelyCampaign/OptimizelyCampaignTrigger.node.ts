import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { deliveryWebhook, handleDelivery, kitOptions, optionsCollection, responseModeProperty } from '../shared';
import { DEFAULT_TIMEOUT_MS } from './api';
import { EVENT_TYPE_OPTIONS, optimizelyTrigger } from './events';
import { checkExists, create, delete as remove } from './registration';

export class OptimizelyCampaignTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Optimizely Campaign Trigger',
		name: 'optimizelyCampaignTrigger',
		icon: { light: 'file:optimizelyCampaign.svg', dark: 'file:optimizelyCampaign.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts the workflow on Optimizely Campaign mailing events: opens, clicks, sends, bounces and more',
		defaults: { name: 'Optimizely Campaign Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'optimizelyCampaignApi', required: true }],
		webhooks: [deliveryWebhook],
		properties: [
			{
				displayName:
					'Set up: 1) Connect an Optimizely Campaign API credential above: your REST API user, its password and your client ID. 2) Pick the events. 3) Publish this workflow. Publishing registers the webhooks in Optimizely Campaign for you: one per event type, sent to the Production URL with a user and password generated for this node, then activated. Unpublishing deactivates and deletes them. Optimizely Campaign needs that URL on HTTPS, port 443, reachable from 193.169.180.1.',
				name: 'registrationNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_TYPE_OPTIONS,
				default: [],
				required: true,
				description: 'The event types to react to. Each one becomes one webhook in Optimizely Campaign. An event of a type this node does not list yet that arrives on one of them is passed on too.',
			},
			responseModeProperty,
			optionsCollection([
				{
					displayName: 'Allow Insecure URL (Testing Only)',
					name: 'allowInsecureUrl',
					type: 'boolean',
					default: false,
					description:
						'Whether to register a URL that is not HTTPS on port 443 or not public, such as localhost. Optimizely Campaign cannot deliver there: use it only with a local mock of its API.',
				},
				{
					displayName: 'API Timeout (Ms)',
					name: 'apiTimeout',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: DEFAULT_TIMEOUT_MS,
					description: 'How long to wait for each Optimizely Campaign API call while registering or removing the webhooks',
				},
				...kitOptions,
			]),
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleDelivery.call(this, optimizelyTrigger);
	}
}
