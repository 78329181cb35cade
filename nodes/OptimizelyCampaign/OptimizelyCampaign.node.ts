import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { asNodeError, runEachItem, vendorStatus } from '../shared';
import { addManyRecipients, marketingOperation, searchSmartCampaigns, text } from './actions';
import {
	type RequestPolicy,
	type WebhookAuthentication,
	DEFAULT_TIMEOUT_MS,
	activateWebhook,
	collectWebhooks,
	createWebhook,
	deactivateWebhook,
	deleteWebhook,
	findWebhook,
	policy,
	updateWebhook,
	verifyWebhook,
	webhookAuthenticationSchema,
} from './api';
import { blocklistFields, blocklistOperations } from './descriptions/blocklist';
import { recipientFields, recipientOperations } from './descriptions/recipient';
import { smartCampaignFields, smartCampaignOperations } from './descriptions/smartCampaign';
import { transactionalMailFields, transactionalMailOperations } from './descriptions/transactionalMail';
import { unsubscribeFields, unsubscribeOperations } from './descriptions/unsubscribe';
import { EVENT_TYPE_OPTIONS } from './events';

type Operation = 'create' | 'getAll' | 'get' | 'update' | 'verify' | 'activate' | 'deactivate' | 'delete';

export class OptimizelyCampaign implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Optimizely Campaign',
		name: 'optimizelyCampaign',
		icon: { light: 'file:optimizelyCampaign.svg', dark: 'file:optimizelyCampaign.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Add, update and unsubscribe recipients, manage the blocklist, send transactional mail, start and pause smart campaigns, and manage Optimizely Campaign webhooks',
		defaults: { name: 'Optimizely Campaign' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'optimizelyCampaignApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Blocklist', value: 'blocklist', description: 'Addresses and patterns that are never mailed' },
					{ name: 'Recipient', value: 'recipient', description: 'Recipients of a recipient list, with their attributes' },
					{ name: 'Smart Campaign', value: 'smartCampaign', description: 'Smart campaigns: list, start, pause, stop' },
					{ name: 'Smart Campaign Message', value: 'smartCampaignMessage', description: 'One message of a smart campaign: start, pause, stop' },
					{ name: 'Transactional Mail', value: 'transactionalMail', description: 'Send a transactional mail to one recipient and follow its status' },
					{ name: 'Unsubscribe', value: 'unsubscribe', description: 'The unsubscribe list: unsubscribe recipients, or take them off it' },
					{ name: 'Webhook', value: 'webhook', description: 'Webhooks of the client: where Optimizely Campaign sends events' },
				],
				// Webhook stays the default: workflows saved before the other resources existed do not store it.
				default: 'webhook',
			},
			...recipientOperations,
			...recipientFields,
			...unsubscribeOperations,
			...unsubscribeFields,
			...blocklistOperations,
			...blocklistFields,
			...transactionalMailOperations,
			...transactionalMailFields,
			...smartCampaignOperations,
			...smartCampaignFields,
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['webhook'] } },
				options: [
					{ name: 'Activate', value: 'activate', description: 'Activate a webhook so it sends events', action: 'Activate a webhook' },
					{ name: 'Create', value: 'create', description: 'Create a webhook for one event type', action: 'Create a webhook' },
					{ name: 'Deactivate', value: 'deactivate', description: 'Stop a webhook sending events, keeping it', action: 'Deactivate a webhook' },
					{ name: 'Delete', value: 'delete', description: 'Delete a webhook', action: 'Delete a webhook' },
					{ name: 'Get', value: 'get', description: 'Get a webhook by ID', action: 'Get a webhook' },
					{ name: 'Get Many', value: 'getAll', description: 'List the webhooks of the client', action: 'Get many webhooks' },
					{ name: 'Update', value: 'update', description: 'Change a webhook', action: 'Update a webhook' },
					{
						name: 'Verify',
						value: 'verify',
						description: 'Send test events of a mailing to the webhook URL and return how it answered',
						action: 'Verify a webhook',
					},
				],
				default: 'getAll',
			},
			{
				displayName: 'Webhook ID',
				name: 'webhookId',
				type: 'string',
				required: true,
				default: '',
				placeholder: '123456789',
				displayOptions: {
					show: { resource: ['webhook'], operation: ['get', 'update', 'verify', 'activate', 'deactivate', 'delete'] },
				},
				description: 'The ID of the webhook. Get Many lists them.',
			},
			{
				displayName: 'Target URL',
				name: 'targetUrl',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…',
				displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
				description: 'Where Optimizely Campaign sends the events: HTTPS on port 443, reachable from 193.169.180.1',
			},
			{
				displayName: 'Event Type',
				name: 'eventType',
				type: 'options',
				required: true,
				options: EVENT_TYPE_OPTIONS,
				default: 'open',
				displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
				description: 'The one event type this webhook sends',
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Basic Auth', value: 'basicAuth', description: 'Send a user and password (HTTP Basic)' },
					{ name: 'Header Key', value: 'keyAuth', description: 'Send a secret in a header of your choice' },
					{ name: 'None', value: 'none', description: 'Send nothing to prove the sender: anyone who knows the URL could send events' },
				],
				default: 'basicAuth',
				displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
				description: 'How Optimizely Campaign proves itself when it calls the target URL',
			},
			{
				displayName: 'User',
				name: 'basicAuthUser',
				type: 'string',
				required: true,
				default: '',
				description: 'The user Optimizely Campaign sends to the target URL',
				displayOptions: { show: { resource: ['webhook'], operation: ['create'], authentication: ['basicAuth'] } },
			},
			{
				displayName: 'Password',
				name: 'basicAuthPassword',
				type: 'string',
				typeOptions: { password: true },
				required: true,
				default: '',
				description: 'The password Optimizely Campaign sends to the target URL. Use a long random value.',
				displayOptions: { show: { resource: ['webhook'], operation: ['create'], authentication: ['basicAuth'] } },
			},
			{
				displayName: 'Header Name',
				name: 'keyAuthHeader',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'X-Webhook-Key',
				description: 'The header that carries the secret',
				displayOptions: { show: { resource: ['webhook'], operation: ['create'], authentication: ['keyAuth'] } },
			},
			{
				displayName: 'Header Value',
				name: 'keyAuthValue',
				type: 'string',
				typeOptions: { password: true },
				required: true,
				default: '',
				description: 'The secret Optimizely Campaign sends in that header. Use a long random value.',
				displayOptions: { show: { resource: ['webhook'], operation: ['create'], authentication: ['keyAuth'] } },
			},
			{
				displayName: 'Update Fields',
				name: 'updateFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['webhook'], operation: ['update'] } },
				description: 'Fields left out keep their current values; the authentication is kept unless you set it',
				options: [
					{
						displayName: 'Authentication',
						name: 'authentication',
						type: 'options',
						options: [
							{ name: 'Basic Auth', value: 'basicAuth', description: 'Send a user and password (HTTP Basic)' },
							{ name: 'Header Key', value: 'keyAuth', description: 'Send a secret in a header of your choice' },
							{ name: 'None', value: 'none', description: 'Send nothing to prove the sender' },
						],
						default: 'none',
						description: 'How Optimizely Campaign proves itself. Basic Auth needs User and Password; Header Key needs Header Name and Header Value.',
					},
					{
						displayName: 'Event Type',
						name: 'eventType',
						type: 'options',
						options: EVENT_TYPE_OPTIONS,
						default: 'open',
						description: 'The one event type this webhook sends',
					},
					{
						displayName: 'Header Name',
						name: 'keyAuthHeader',
						type: 'string',
						default: '',
						description: 'With Header Key: the header that carries the secret',
					},
					{
						displayName: 'Header Value',
						name: 'keyAuthValue',
						type: 'string',
						typeOptions: { password: true },
						default: '',
						description: 'With Header Key: the secret sent in that header',
					},
					{
						displayName: 'Password',
						name: 'basicAuthPassword',
						type: 'string',
						typeOptions: { password: true },
						default: '',
						description: 'With Basic Auth: the password Optimizely Campaign sends',
					},
					{
						displayName: 'Target URL',
						name: 'targetUrl',
						type: 'string',
						default: '',
						description: 'Where Optimizely Campaign sends the events: HTTPS on port 443',
					},
					{
						displayName: 'User',
						name: 'basicAuthUser',
						type: 'string',
						default: '',
						description: 'With Basic Auth: the user Optimizely Campaign sends',
					},
				],
			},
			{
				displayName: 'Mailing ID',
				name: 'mailingId',
				type: 'string',
				required: true,
				default: '',
				placeholder: '10230355206',
				displayOptions: { show: { resource: ['webhook'], operation: ['verify'] } },
				description: 'A mailing of this client, for example a test mailing, whose events are sent',
			},
			{
				displayName: 'Number of Events',
				name: 'numberOfEvents',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 1,
				displayOptions: { show: { resource: ['webhook'], operation: ['verify'] } },
				description: 'How many test events to send, from 1 to 100',
			},
			{
				displayName: 'Deactivate First',
				name: 'deactivateFirst',
				type: 'boolean',
				default: true,
				displayOptions: { show: { resource: ['webhook'], operation: ['delete'] } },
				description: 'Whether to deactivate the webhook before deleting it. Optimizely Campaign only deletes deactivated webhooks.',
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
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { resource: ['webhook'] } },
				options: [
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'options',
						options: [
							{ name: 'Ascending', value: 'ASC', description: 'Oldest first, with the default sort' },
							{ name: 'Descending', value: 'DESC', description: 'Newest first, with the default sort' },
						],
						default: 'DESC',
						displayOptions: { show: { '/operation': ['getAll'] } },
						description: 'The sort direction of Get Many',
					},
					{
						displayName: 'Sort',
						name: 'sort',
						type: 'string',
						default: 'CREATED',
						displayOptions: { show: { '/operation': ['getAll'] } },
						description: 'The field Get Many sorts by, as the API names it. CREATED is its default; the API documents no other values.',
					},
					{
						displayName: 'Timeout (Ms)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_TIMEOUT_MS,
						description: 'How long to wait for Optimizely Campaign to answer each call',
					},
				],
			},
		],
	};

	methods = {
		listSearch: { searchSmartCampaigns },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0, 'webhook') as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		if (resource === 'recipient' && operation === 'addMany') return await addManyRecipients(this);
		const run = marketingOperation(resource);
		if (run) return await runEachItem(this, async (i) => await run(this, operation, i));
		return await runEachItem(this, async (i) => await runOperation(this, i));
	}
}

/** The authentication chosen in the node, checked before anything is sent. */
function chosenAuthentication(ctx: IExecuteFunctions, source: IDataObject, i: number): WebhookAuthentication {
	const type = source.authentication;
	const candidate =
		type === 'basicAuth'
			? { type, userName: source.basicAuthUser, password: source.basicAuthPassword }
			: type === 'keyAuth'
				? { type, key: source.keyAuthHeader, passphrase: source.keyAuthValue }
				: { type: 'none' };
	const parsed = webhookAuthenticationSchema.safeParse(candidate);
	if (parsed.success) return parsed.data;
	throw new NodeOperationError(
		ctx.getNode(),
		type === 'basicAuth' ? 'Basic Auth needs a user and a password' : 'Header Key needs a header name and a header value',
		{ itemIndex: i },
	);
}

function requireWebhookId(ctx: IExecuteFunctions, i: number): string {
	const id = text(ctx, 'webhookId', i);
	if (!/^\d+$/.test(id)) {
		throw new NodeOperationError(ctx.getNode(), `The webhook ID must be a number, not "${id}"`, {
			itemIndex: i,
			description: 'Get Many lists the webhooks with their IDs.',
		});
	}
	return id;
}

function notFound(ctx: IExecuteFunctions, id: string, i: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `No webhook with ID ${id} was found for this client`, {
		itemIndex: i,
		description: 'It may have been deleted, or belong to another client. Get Many lists the IDs.',
	});
}

async function runOperation(ctx: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const operation = ctx.getNodeParameter('operation', i) as Operation;
	const options = ctx.getNodeParameter('options', i, {}) as { timeout?: number; sort?: string; direction?: 'ASC' | 'DESC' };
	// Retry On Fail in the node settings repeats failed calls; here only rate limits are waited out.
	const how: RequestPolicy = policy(options.timeout, 0);

	switch (operation) {
		case 'create': {
			const fields = {
				targetUrl: text(ctx, 'targetUrl', i),
				type: text(ctx, 'eventType', i),
				authentication: chosenAuthentication(ctx, {
					authentication: ctx.getNodeParameter('authentication', i, 'none'),
					basicAuthUser: ctx.getNodeParameter('basicAuthUser', i, ''),
					basicAuthPassword: ctx.getNodeParameter('basicAuthPassword', i, ''),
					keyAuthHeader: ctx.getNodeParameter('keyAuthHeader', i, ''),
					keyAuthValue: ctx.getNodeParameter('keyAuthValue', i, ''),
				} as IDataObject, i),
			};
			if (!fields.targetUrl) throw new NodeOperationError(ctx.getNode(), 'Enter the target URL', { itemIndex: i });
			return [await createWebhook(ctx, fields, how)];
		}
		case 'getAll': {
			const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
			const limit = returnAll ? Number.POSITIVE_INFINITY : (ctx.getNodeParameter('limit', i, 50) as number);
			return await collectWebhooks(ctx, how, limit, { sort: options.sort || undefined, direction: options.direction });
		}
		case 'get': {
			const id = requireWebhookId(ctx, i);
			const webhook = await findWebhook(ctx, id, how);
			if (!webhook) throw notFound(ctx, id, i);
			return [webhook];
		}
		case 'update': {
			const id = requireWebhookId(ctx, i);
			const changes = ctx.getNodeParameter('updateFields', i, {}) as IDataObject;
			let targetUrl = typeof changes.targetUrl === 'string' ? changes.targetUrl.trim() : '';
			let type = typeof changes.eventType === 'string' ? changes.eventType : '';
			// The update takes the URL and type every time; fetch the current ones for those left out.
			if (!targetUrl || !type) {
				const current = await findWebhook(ctx, id, how);
				if (!current) throw notFound(ctx, id, i);
				targetUrl ||= current.targetUrl ?? '';
				type ||= current.type === 'archived' ? 'archive' : current.type;
			}
			const authentication = changes.authentication === undefined ? undefined : chosenAuthentication(ctx, changes, i);
			return [await updateWebhook(ctx, id, { targetUrl, type, authentication }, how)];
		}
		case 'verify': {
			const id = requireWebhookId(ctx, i);
			const mailingId = text(ctx, 'mailingId', i);
			const numberOfEvents = ctx.getNodeParameter('numberOfEvents', i, 1) as number;
			if (!/^\d+$/.test(mailingId)) {
				throw new NodeOperationError(ctx.getNode(), `The mailing ID must be a number, not "${mailingId}"`, { itemIndex: i });
			}
			if (!Number.isInteger(numberOfEvents) || numberOfEvents < 1 || numberOfEvents > 100) {
				throw new NodeOperationError(ctx.getNode(), `Number of Events must be a whole number from 1 to 100, not ${numberOfEvents}`, {
					itemIndex: i,
				});
			}
			return await verifyWebhook(ctx, id, { mailingId, numberOfEvents }, how);
		}
		case 'activate':
		case 'deactivate': {
			const id = requireWebhookId(ctx, i);
			const webhook = await (operation === 'activate' ? activateWebhook : deactivateWebhook)(ctx, id, how);
			return [webhook ?? { id, status: operation === 'activate' ? 'activated' : 'deactivated' }];
		}
		case 'delete': {
			const id = requireWebhookId(ctx, i);
			let deactivated = false;
			if (ctx.getNodeParameter('deactivateFirst', i, true) as boolean) {
				try {
					await deactivateWebhook(ctx, id, how);
					deactivated = true;
				} catch (error) {
					// 400 is "not activated": nothing to do before deleting. Anything else stops here.
					if (vendorStatus(error) !== 400) throw asNodeError(ctx, error, i);
				}
			}
			await deleteWebhook(ctx, id, how);
			return [{ id, deleted: true, deactivated }];
		}
		default:
			throw new NodeOperationError(ctx.getNode(), `The operation "${operation as string}" is not supported`, { itemIndex: i });
	}
}
