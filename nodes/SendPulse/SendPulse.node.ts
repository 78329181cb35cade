import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { createPace, runEachItem } from '../shared';
import {
	addListEmail,
	answerFields,
	asJson,
	createWebhooks,
	deleteListEmail,
	deleteWebhook,
	type DoubleOptIn,
	EVENT_FIELDS,
	type EventBody,
	getWebhook,
	listWebhooks,
	mailingListEntries,
	PACE_MS,
	sendEventByName,
	sendEventToUrl,
	setListEmailVariables,
	unsubscribeListEmail,
	updateWebhook,
} from './api';
import { emailServiceEventOptions } from './events';

type Resource = 'webhook' | 'automation360Event' | 'mailingListEmail';
type Operation = 'create' | 'getAll' | 'get' | 'update' | 'delete' | 'send' | 'add' | 'unsubscribe' | 'updateVariables';

function requiredText(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) throw new NodeOperationError(context.getNode(), `${label} is empty`, { itemIndex, description: `Fill in ${label}.` });
	return value;
}

/** A webhook's URL (quoted in errors without its query string) or an event's (never quoted: it is the secret). */
function requiredUrl(context: IExecuteFunctions, itemIndex: number, which: 'webhook' | 'event' = 'webhook'): string {
	const label = which === 'event' ? 'Event URL' : 'URL';
	const url = requiredText(context, which === 'event' ? 'eventUrl' : 'url', label, itemIndex);
	let protocol = '';
	try {
		protocol = new URL(url).protocol;
	} catch {
		// Reported below.
	}
	if (protocol !== 'https:' && protocol !== 'http:') {
		// Shown without its query string, which may hold a token.
		throw new NodeOperationError(context.getNode(), `${which === 'event' ? 'The Event URL' : `"${url.split('?')[0]}"`} is not an http(s) URL`, {
			itemIndex,
			description:
				which === 'event'
					? 'Copy the whole URL Automation 360 → Events Manager shows for the event, starting with https://'
					: 'Give the full address SendPulse should call, starting with https://',
		});
	}
	return url;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function emailParameter(context: IExecuteFunctions, itemIndex: number, required: boolean): string | undefined {
	const email = String(context.getNodeParameter('email', itemIndex, '') ?? '').trim();
	if (!email && !required) return undefined;
	if (!email) throw new NodeOperationError(context.getNode(), 'Email is empty', { itemIndex, description: 'Fill in the email address.' });
	if (!EMAIL.test(email)) {
		throw new NodeOperationError(context.getNode(), `"${email}" is not an email address`, { itemIndex, description: 'Give an address such as jane@example.com.' });
	}
	return email;
}

type Variable = { name: string; value: IDataObject[string] };

/** Key/value pairs from a fixed collection: names trimmed, none empty, none twice, none of `reserved`. */
function readVariables(context: IExecuteFunctions, itemIndex: number, reserved: ReadonlySet<string> = new Set()): Variable[] {
	const raw = context.getNodeParameter('variables.variable', itemIndex, []) as Array<{ name?: unknown; value?: unknown }>;
	const seen = new Set<string>();
	return raw.map(({ name, value }) => {
		const key = String(name ?? '').trim();
		const problem = !key
			? 'A variable has no name'
			: reserved.has(key)
				? `"${key}" cannot be a variable`
				: seen.has(key)
					? `The variable "${key}" is set twice`
					: undefined;
		if (problem) {
			throw new NodeOperationError(context.getNode(), problem, {
				itemIndex,
				description: reserved.has(key)
					? `${[...reserved].join(', ')} are fields of their own: fill them in above, not as variables.`
					: 'Give each variable its own name, as it is spelled in SendPulse.',
			});
		}
		seen.add(key);
		return { name: key, value: (value ?? '') as IDataObject[string] };
	});
}

const asObject = (variables: Variable[]): IDataObject => Object.fromEntries(variables.map(({ name, value }) => [name, value]));

async function sendEvent(context: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const sendBy = context.getNodeParameter('sendBy', itemIndex, 'eventName') as 'eventName' | 'eventUrl';
	const target = sendBy === 'eventUrl' ? requiredUrl(context, itemIndex, 'event') : requiredText(context, 'eventName', 'Event Name', itemIndex);
	const email = emailParameter(context, itemIndex, false);
	const phone = String(context.getNodeParameter('phone', itemIndex, '') ?? '').trim() || undefined;
	if (!email && !phone) {
		throw new NodeOperationError(context.getNode(), 'The event has neither email nor phone', {
			itemIndex,
			description: 'Fill in Email, Phone or both: SendPulse starts the flow for that contact.',
		});
	}
	const body: EventBody = { ...asObject(readVariables(context, itemIndex, EVENT_FIELDS)) };
	if (email) body.email = email;
	if (phone) body.phone = phone;
	const additional = context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	// 0 is the field's default: adding the field and leaving it so sends no automation_id.
	if (additional.automationId !== undefined && additional.automationId !== '' && Number(additional.automationId) !== 0) {
		const automationId = Number(additional.automationId);
		if (!Number.isSafeInteger(automationId) || automationId <= 0) {
			throw new NodeOperationError(context.getNode(), `Automation ID "${String(additional.automationId)}" is not a positive whole number`, {
				itemIndex,
				description: 'Give the flow’s numeric ID, or remove the field.',
			});
		}
		body.automation_id = automationId;
	}
	const answer = sendBy === 'eventUrl' ? await sendEventToUrl.call(context, target, body, itemIndex) : await sendEventByName.call(context, target, body, itemIndex);
	// What was sent, never the event's URL: anyone holding it can start the flows.
	const sent: IDataObject = { sentBy: sendBy, ...(sendBy === 'eventName' ? { eventName: target } : {}) };
	if (email) sent.email = email;
	if (phone) sent.phone = phone;
	return [{ ...answerFields(answer), ...sent }];
}

function doubleOptInOf(context: IExecuteFunctions, itemIndex: number): DoubleOptIn | undefined {
	const options = context.getNodeParameter('addOptions', itemIndex, {}) as IDataObject;
	if (options.doubleOptIn !== true) return undefined;
	const senderEmail = String(options.senderEmail ?? '').trim();
	if (!EMAIL.test(senderEmail)) {
		throw new NodeOperationError(context.getNode(), 'Double opt-in needs a sender email', {
			itemIndex,
			description: 'Fill in Sender Email with a sender confirmed in SendPulse: the confirmation email comes from it.',
		});
	}
	const templateId = String(options.templateId ?? '').trim() || undefined;
	const messageLang = String(options.messageLang ?? '').trim() || undefined;
	return { senderEmail, templateId, messageLang };
}

async function runListOperation(context: IExecuteFunctions, operation: Operation, itemIndex: number): Promise<IDataObject[]> {
	const listId = String(context.getNodeParameter('mailingListId', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (!/^\d+$/.test(listId)) {
		throw new NodeOperationError(context.getNode(), listId ? `"${listId}" is not a mailing list ID` : 'No mailing list chosen', {
			itemIndex,
			description: 'Pick the mailing list from the list, or give its numeric ID (SendPulse: Audience → Mailing Lists).',
		});
	}
	const email = emailParameter(context, itemIndex, true) as string;
	let answer: unknown;
	if (operation === 'add') {
		const variables = asObject(readVariables(context, itemIndex));
		answer = await addListEmail.call(context, listId, email, variables, doubleOptInOf(context, itemIndex), itemIndex);
	} else if (operation === 'updateVariables') {
		const variables = readVariables(context, itemIndex);
		if (variables.length === 0) {
			throw new NodeOperationError(context.getNode(), 'No variable to update', { itemIndex, description: 'Add at least one variable with its new value.' });
		}
		answer = await setListEmailVariables.call(context, listId, email, variables, itemIndex);
	} else if (operation === 'delete') {
		answer = await deleteListEmail.call(context, listId, email, itemIndex);
	} else {
		answer = await unsubscribeListEmail.call(context, listId, email, itemIndex);
	}
	return [{ ...answerFields(answer), mailingListId: listId, email }];
}

async function runOperation(context: IExecuteFunctions, resource: Resource, operation: Operation, itemIndex: number): Promise<IDataObject[]> {
	if (resource === 'automation360Event') return await sendEvent(context, itemIndex);
	if (resource === 'mailingListEmail') return await runListOperation(context, operation, itemIndex);
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
		description: 'Start Automation 360 flows with events, manage the emails of mailing lists, and manage email-service webhooks in SendPulse',
		defaults: { name: 'SendPulse' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// An event sent to its own URL needs no credential.
		credentials: [{ name: 'sendPulseApi', required: true, displayOptions: { hide: { sendBy: ['eventUrl'] } } }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Automation 360 Event', value: 'automation360Event', description: 'An event that starts Automation 360 flows' },
					{ name: 'Mailing List Email', value: 'mailingListEmail', description: 'An address in a mailing list (address book)' },
					{ name: 'Webhook', value: 'webhook', description: 'Email-service webhooks of the account' },
				],
				default: 'webhook',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['automation360Event'] } },
				options: [
					{
						name: 'Send',
						value: 'send',
						description: 'Send an event, which starts the flows that begin with it',
						action: 'Send an automation 360 event',
					},
				],
				default: 'send',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['mailingListEmail'] } },
				options: [
					{ name: 'Add', value: 'add', description: 'Add an address to a mailing list, with its variables', action: 'Add an email to a mailing list' },
					{ name: 'Delete', value: 'delete', description: 'Delete an address from a mailing list', action: 'Delete an email from a mailing list' },
					{ name: 'Unsubscribe', value: 'unsubscribe', description: 'Unsubscribe an address from a mailing list', action: 'Unsubscribe an email from a mailing list' },
					{
						name: 'Update Variables',
						value: 'updateVariables',
						description: 'Change variables of an address already in a mailing list',
						action: 'Update the variables of an email in a mailing list',
					},
				],
				default: 'add',
			},
			{
				displayName: 'Send By',
				name: 'sendBy',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['automation360Event'] } },
				options: [
					{
						name: 'Event Name, With the SendPulse API',
						value: 'eventName',
						description: 'Needs a SendPulse API credential',
					},
					{
						name: 'Event URL From Events Manager',
						value: 'eventUrl',
						description: 'The URL SendPulse shows for the event; needs no credential',
					},
				],
				default: 'eventName',
			},
			{
				displayName: 'Event Name',
				name: 'eventName',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. order_placed',
				displayOptions: { show: { resource: ['automation360Event'], sendBy: ['eventName'] } },
				description: 'The event’s name, as in Automation 360 → Events Manager',
			},
			{
				displayName: 'Event URL',
				name: 'eventUrl',
				type: 'string',
				typeOptions: { password: true },
				required: true,
				default: '',
				placeholder: 'e.g. https://events.sendpulse.com/events/…',
				displayOptions: { show: { resource: ['automation360Event'], sendBy: ['eventUrl'] } },
				description: 'The URL Events Manager shows for the event. Anyone who has it can start the flows, so it is kept out of items and errors.',
			},
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				displayOptions: { show: { resource: ['automation360Event'] } },
				description: 'The contact the flow runs for. Fill in Email, Phone or both.',
			},
			{
				displayName: 'Phone',
				name: 'phone',
				type: 'string',
				default: '',
				placeholder: 'e.g. +380631234567',
				displayOptions: { show: { resource: ['automation360Event'] } },
				description: 'The contact’s phone number, in international format. Fill in Email, Phone or both.',
			},
			{
				displayName: 'Additional Fields',
				name: 'additionalFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['automation360Event'] } },
				options: [
					{
						displayName: 'Automation ID',
						name: 'automationId',
						type: 'number',
						typeOptions: { numberPrecision: 0 },
						default: 0,
						description: 'The ID of an Automation 360 flow, sent as automation_id beside the event’s fields. 0 (the default) sends none.',
					},
				],
			},
			{
				displayName: 'Mailing List',
				name: 'mailingListId',
				type: 'resourceLocator',
				required: true,
				default: { mode: 'list', value: '' },
				displayOptions: { show: { resource: ['mailingListEmail'] } },
				description: 'The mailing list (address book)',
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchMailingLists', searchable: true },
					},
					{
						displayName: 'By ID',
						name: 'id',
						type: 'string',
						placeholder: 'e.g. 490686',
						validation: [{ type: 'regex', properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'A mailing list ID is a number' } }],
					},
				],
			},
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				required: true,
				default: '',
				displayOptions: { show: { resource: ['mailingListEmail'] } },
				description: 'The address',
			},
			{
				displayName: 'Variables',
				name: 'variables',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Variable',
				default: {},
				displayOptions: { show: { resource: ['automation360Event', 'mailingListEmail'], operation: ['send', 'add', 'updateVariables'] } },
				description: 'Named as in SendPulse: an event’s variables as in Events Manager (such as order_total), an address’s as in its mailing list (such as Name)',
				options: [
					{
						displayName: 'Variable',
						name: 'variable',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. Name' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: 'e.g. Jane' },
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'addOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { resource: ['mailingListEmail'], operation: ['add'] } },
				options: [
					{
						displayName: 'Double Opt-In',
						name: 'doubleOptIn',
						type: 'boolean',
						default: false,
						description: 'Whether SendPulse first emails the address a confirmation link, and adds it once confirmed. Sent as SendPulse’s clients send it (inferred).',
					},
					{
						displayName: 'Confirmation Language',
						name: 'messageLang',
						type: 'string',
						default: '',
						placeholder: 'e.g. en',
						description: 'Double opt-in only: the language of SendPulse’s confirmation email, as a two-letter code (inferred)',
					},
					{
						displayName: 'Confirmation Template ID',
						name: 'templateId',
						type: 'string',
						default: '',
						placeholder: 'e.g. 1134565',
						description: 'Double opt-in only: the ID of your own confirmation email template (inferred)',
					},
					{
						displayName: 'Sender Email',
						name: 'senderEmail',
						type: 'string',
						placeholder: 'name@email.com',
						default: '',
						description: 'Double opt-in only, and needed there: a sender confirmed in SendPulse, who sends the confirmation email',
					},
				],
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

	methods = {
		listSearch: {
			async searchMailingLists(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				return { results: await mailingListEntries.call(this, filter) };
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Each item makes one call: spacing the items keeps the node under SendPulse's 10 requests a second.
		const pace = createPace(PACE_MS);
		return await runEachItem(this, async (itemIndex) => {
			await pace();
			return await runOperation(
				this,
				this.getNodeParameter('resource', itemIndex, 'webhook') as Resource,
				this.getNodeParameter('operation', itemIndex) as Operation,
				itemIndex,
			);
		});
	}
}
