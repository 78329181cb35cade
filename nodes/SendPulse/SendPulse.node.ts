import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runEachItem } from '../shared';
import { asJson, createWebhooks, deleteWebhook, getWebhook, listWebhooks, updateWebhook } from './api';
import { emailServiceEventOptions } from './events';

type Operation = 'create' | 'getAll' | 'get' | 'update' | 'delete';

function requiredText(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) throw new NodeOperationError(context.getNode(), `${label} is empty`, { itemIndex, description: `Fill in ${label}.` });
	return value;
}

function requiredUrl(context: IExecuteFunctions, itemIndex: number): string {
	const url = requiredText(context, 'url', 'URL', itemIndex);
	let protocol = '';
	try {
		protocol = new URL(url).protocol;
	} catch {
		// Reported below.
	}
	if (protocol !== 'https:' && protocol !== 'http:') {
		// Shown without its query string, which may hold a token.
		throw new NodeOperationError(context.getNode(), `"${url.split('?')[0]}" is not an http(s) URL`, {
			itemIndex,
			description: 'Give the full address SendPulse should call, starting with https://',
		});
	}
	return url;
}

async function runOperation(context: IExecuteFunctions, operation: Operation, itemIndex: number): Promise<IDataObject[]> {
	if (operation === 'create') {
		const url = requiredUrl(context, itemIndex);
		const events = context.getNodeParameter('events', itemIndex, []) as string[];
		if (events.length === 0) {
			throw new NodeOperationError(context.getNode(), 'No event selected', { itemIndex, description: 'Pick at least one event.' });
		}
		return asJson(await createWebhooks.call(context, url, events, itemIndex));
	}
	if (operation === 'getAll') {
		const webhooks = await listWebhooks.call(context, itemIndex);
		const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
		return asJson(returnAll ? webhooks : webhooks.slice(0, context.getNodeParameter('limit', itemIndex, 50) as number));
	}
	const webhookId = requiredText(context, 'webhookId', 'Webhook ID', itemIndex);
	if (operation === 'get') return asJson([await getWebhook.call(context, webhookId, itemIndex)]);
	if (operation === 'update') {
		const url = requiredUrl(context, itemIndex);
		await updateWebhook.call(context, webhookId, url, itemIndex);
		return [{ id: webhookId, url, updated: true }];
	}
	await deleteWebhook.call(context, webhookId, itemIndex);
	return [{ id: webhookId, deleted: true }];
}

export class SendPulse implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SendPulse',
		name: 'sendPulse',
		icon: { light: 'file:sendPulse.svg', dark: 'file:sendPulse.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage SendPulse email-service webhooks',
		defaults: { name: 'SendPulse' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sendPulseApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Webhook', value: 'webhook', description: 'Email-service webhooks of the account' }],
				default: 'webhook',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['webhook'] } },
				options: [
					{ name: 'Create', value: 'create', description: 'Create one webhook per event', action: 'Create webhooks' },
					{ name: 'Delete', value: 'delete', description: 'Delete a webhook', action: 'Delete a webhook' },
					{ name: 'Get', value: 'get', description: 'Get a webhook', action: 'Get a webhook' },
					{ name: 'Get Many', value: 'getAll', description: 'List the account’s webhooks', action: 'Get many webhooks' },
					{ name: 'Update', value: 'update', description: 'Change a webhook’s URL', action: 'Update a webhook' },
				],
				default: 'create',
			},
			{
				displayName: 'Webhook ID',
				name: 'webhookId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. 162242',
				displayOptions: { show: { resource: ['webhook'], operation: ['get', 'update', 'delete'] } },
				description: 'The ID SendPulse gave the webhook (see Get Many)',
			},
			{
				displayName: 'URL',
				name: 'url',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. https://n8n.example.com/webhook/…/webhook?token=…',
				displayOptions: { show: { resource: ['webhook'], operation: ['create', 'update'] } },
				description: 'The address SendPulse calls. It must be reachable from the internet.',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: emailServiceEventOptions,
				default: [],
				displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
				description: 'SendPulse creates one webhook per event, each with its own ID',
			},
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				displayOptions: { show: { resource: ['webhook'], operation: ['getAll'] } },
				description: 'Whether to return all results or only up to a given limit',
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				displayOptions: { show: { resource: ['webhook'], operation: ['getAll'], returnAll: [false] } },
				description: 'Max number of results to return',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runEachItem(this, async (itemIndex) =>
			await runOperation(this, this.getNodeParameter('operation', itemIndex) as Operation, itemIndex),
		);
	}
}
