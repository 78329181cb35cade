import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { allowedIpsProperty, basicAuthCredentialShown, handleDelivery, incomingAuthHint, ipAllowlistOption, kitOptions, noAuthenticationOption, optionsCollection, sharedSecretCredentialShown, testIncomingCredential } from '../shared';
import { mailingListEntries } from './api';
import {
	automationWebhookDeclaration,
	DEFAULT_KEY_FIELD,
	emailServiceEventOptions,
	eventsDeclaration,
	isValidZone,
	type KeyAnswer,
	smtpDeclaration,
	smtpEventOptions,
	type Source,
} from './events';
import { registersByApi, registerWebhooks, unregisterWebhooks, webhooksExist } from './registration';

/** Reads how to answer SendPulse. A malformed Extra Fields value is logged and left out; the key still goes back. */
function readKeyAnswer(context: IWebhookFunctions): KeyAnswer {
	const key = String(context.getNodeParameter('webhookKey', '') ?? '').trim();
	const format = context.getNodeParameter('keyAnswerFormat', 'field') === 'string' ? 'string' : 'field';
	const field = String(context.getNodeParameter('keyField', DEFAULT_KEY_FIELD) ?? '').trim() || DEFAULT_KEY_FIELD;
	const raw = context.getNodeParameter('answerExtraFields', '{}') as unknown;
	let extra: IDataObject = {};
	try {
		const parsed = typeof raw === 'string' ? (raw.trim() ? (JSON.parse(raw) as unknown) : {}) : raw;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) extra = parsed as IDataObject;
		else context.logger.warn('SendPulse Trigger: Extra Answer Fields must be a JSON object; it was left out of the answer');
	} catch {
		context.logger.warn('SendPulse Trigger: Extra Answer Fields is not valid JSON; it was left out of the answer');
	}
	return { key, format, field, extra };
}

export class SendPulseTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SendPulse Trigger',
		name: 'sendPulseTrigger',
		icon: { light: 'file:sendPulse.svg', dark: 'file:sendPulse.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{$parameter["source"] === "automation360" ? "Automation 360: Send webhook" : $parameter["source"] === "automation360Events" ? "Automation 360: unsubscribes and spam" : $parameter["source"] === "smtp" ? "SMTP events" : "Email service events"}}',
		description:
			'Starts the workflow when SendPulse sends a webhook: Automation 360 flows, unsubscribes, spam complaints, email events and SMTP (transactional email) events',
		defaults: { name: 'SendPulse Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'webhookSharedSecretApi', required: true, testedBy: 'incomingCredential', displayOptions: sharedSecretCredentialShown },
			{ name: 'webhookBasicAuthApi', required: true, testedBy: 'incomingCredential', displayOptions: basicAuthCredentialShown },
			{
				name: 'sendPulseApi',
				required: true,
				displayOptions: { show: { source: ['emailService'], registration: ['api'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Set up in SendPulse: 1) Create the credential below: a Webhook Shared Secret API credential with a long random secret, sent in the query parameter token. 2) Open Webhook URLs above and copy the Production URL, adding ?token=YOUR_SECRET. 3) In the Automation 360 flow editor, add the action "Send webhook" and paste the URL. 4) Copy the key SendPulse shows there into Webhook Key below, publish this workflow, then check the answer with "Run a test request".',
				name: 'automationNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['automation360'] } },
			},
			{
				displayName:
					'Set up in SendPulse: 1) Create the credential below: a Webhook Shared Secret API credential with a long random secret, sent in the query parameter token. 2) Open Webhook URLs above and copy the Production URL, adding ?token=YOUR_SECRET. 3) In the SendPulse account settings, turn on the webhooks for unsubscribes and spam complaints and paste the URL. 4) Publish this workflow.',
				name: 'automationEventsNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['automation360Events'] } },
			},
			{
				displayName:
					'Set up: 1) Create the credentials below: a SendPulse API credential (client ID and secret from Account Settings → API) and a Webhook Shared Secret API credential with a long random secret. 2) Pick the email events. 3) Publish this workflow: that creates one SendPulse webhook per selected event at this node’s Production URL (with the secret token in its query string), and unpublishing removes them.',
				name: 'apiNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['emailService'], registration: ['api'] } },
			},
			{
				displayName:
					'Set up in SendPulse: 1) Create the credential below: a Webhook Shared Secret API credential with a long random secret, sent in the query parameter token. 2) Open Webhook URLs above and copy the Production URL, adding ?token=YOUR_SECRET. 3) In SendPulse, Account Settings → API → Create a webhook, once for each event, with that URL. 4) Publish this workflow.',
				name: 'manualNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['emailService'], registration: ['manual'] } },
			},
			{
				displayName:
					'Set up in SendPulse (SendPulse has no API for SMTP webhooks): 1) Create the credential below: a Webhook Shared Secret API credential with a long random secret, sent in the query parameter token. 2) Open Webhook URLs above and copy the Production URL, adding ?token=YOUR_SECRET. 3) In SendPulse, turn on SMTP tracking in the SMTP settings, then in Account Settings → API → Create webhook, paste the URL and tick the SMTP events to send. 4) Publish this workflow.',
				name: 'smtpNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['smtp'] } },
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'options',
				options: [
					{
						name: 'Automation 360: Send Webhook',
						value: 'automation360',
						description: 'The "Send webhook" action of an Automation 360 flow',
					},
					{
						name: 'Automation 360: Unsubscribes and Spam',
						value: 'automation360Events',
						description: 'Unsubscribe and spam-complaint events from Automation 360 emails',
					},
					{
						name: 'Email Service Events',
						value: 'emailService',
						description: 'Deliveries, opens, clicks, unsubscribes, spam, bounces, new subscribers, campaign status',
					},
					{
						name: 'SMTP Events',
						value: 'smtp',
						description: 'Transactional email sent through SendPulse SMTP: delivered, not delivered, opens, clicks, spam, unsubscribes, resubscribes, bounces',
					},
				],
				default: 'automation360',
				description: 'Which SendPulse webhooks this trigger receives',
			},
			{
				displayName: 'Registration',
				name: 'registration',
				type: 'options',
				options: [
					{
						name: 'Automatically, With the SendPulse API',
						value: 'api',
						description: 'Publishing creates the webhooks in SendPulse, unpublishing removes them',
					},
					{
						name: 'Manually, in SendPulse',
						value: 'manual',
						description: 'You create the webhooks under Account Settings → API',
					},
				],
				default: 'api',
				displayOptions: { show: { source: ['emailService'] } },
				description: 'How the email-service webhooks are set up',
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'Secret Token',
						value: 'sharedSecret',
						description: 'The URL SendPulse calls carries a secret token in its query string. Needs a Webhook Shared Secret API credential.',
					},
					{
						name: 'Basic Auth',
						value: 'basicAuth',
						description: 'Calls must carry a user and password; SendPulse does not document support for it. Needs a Webhook Basic Auth API credential.',
					},
					ipAllowlistOption,
					noAuthenticationOption,
				],
				default: 'sharedSecret',
				description: 'How the trigger checks that a call comes from SendPulse. SendPulse signs nothing, so a secret in the URL is the usual choice.',
				hint: incomingAuthHint,
			},
			allowedIpsProperty('SendPulse does not publish the addresses it sends from: read them from your deliveries first', {
				placeholder: '203.0.113.0/24',
			}),
			// Not named "Events": n8n's node panel turns a parameter of that name into "On …" shortcuts that set
			// it without setting Source, which gave an Automation 360 trigger with a hidden event filter.
			{
				displayName: 'Email Events',
				name: 'events',
				type: 'multiOptions',
				options: emailServiceEventOptions,
				default: [],
				displayOptions: { show: { source: ['emailService'] } },
				description:
					'Which events to react to. With registration by API, one SendPulse webhook is created for each; otherwise, empty means all.',
			},
			{
				displayName: 'Email Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'Marked as Spam', value: 'spam', description: 'A recipient reported an email as spam' },
					{ name: 'Unsubscribed', value: 'unsubscribe', description: 'A recipient unsubscribed' },
				],
				default: [],
				displayOptions: { show: { source: ['automation360Events'] } },
				description: 'Which events to react to. Leave empty for both.',
			},
			{
				displayName: 'SMTP Events',
				name: 'events',
				type: 'multiOptions',
				options: smtpEventOptions,
				default: [],
				displayOptions: { show: { source: ['smtp'] } },
				description:
					'Which events to react to. Leave empty for all, names SendPulse adds included. SendPulse shows only the name delivered; the others are inferred, so check a delivery before filtering on them.',
			},
			{
				displayName: 'Mailing List Names or IDs',
				name: 'mailingLists',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getMailingLists' },
				default: [],
				displayOptions: { show: { source: ['emailService'], registration: ['api'] } },
				description:
					'Only events about these mailing lists (their book_id). Events that name no list, such as opens, are left out while any is selected. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Mailing List IDs',
				name: 'mailingLists',
				type: 'string',
				typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Mailing List ID' },
				default: [],
				placeholder: 'e.g. 490686',
				displayOptions: { show: { source: ['automation360Events'] } },
				description: 'Only events about these mailing lists (their book_id), one ID per entry. Spam complaints name no list, so they are left out while any is set.',
			},
			{
				displayName: 'Mailing List IDs',
				name: 'mailingLists',
				type: 'string',
				typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Mailing List ID' },
				default: [],
				placeholder: 'e.g. 490686',
				displayOptions: { show: { source: ['emailService'], registration: ['manual'] } },
				description: 'Only events about these mailing lists (their book_id), one ID per entry. Events that name no list, such as opens, are left out while any is set.',
			},
			{
				displayName: 'Webhook Key',
				name: 'webhookKey',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'The key SendPulse shows for the webhook. The trigger sends it back in its answer, so SendPulse lifts its limit of one webhook an hour. Never added to items or logs.',
			},
			{
				displayName: 'Answer Format',
				name: 'keyAnswerFormat',
				type: 'options',
				options: [
					{
						name: 'JSON Object With the Key in a Field',
						value: 'field',
						description: 'For example {"key": "YOUR_KEY"}',
					},
					{
						name: 'The Key as a JSON String',
						value: 'string',
						description: 'For example "YOUR_KEY"',
					},
				],
				default: 'field',
				description:
					'How the key is put in the answer. SendPulse does not publish the format it expects: check it with "Run a test request" in SendPulse.',
			},
			{
				displayName: 'Key Field',
				name: 'keyField',
				type: 'string',
				default: DEFAULT_KEY_FIELD,
				displayOptions: { show: { keyAnswerFormat: ['field'] } },
				description: 'The name of the answer field that carries the key',
			},
			{
				displayName: 'Extra Answer Fields',
				name: 'answerExtraFields',
				type: 'json',
				default: '{}',
				displayOptions: { show: { keyAnswerFormat: ['field'] } },
				description: 'Further fields for the JSON answer, beside the key, as a JSON object',
			},
			optionsCollection([
				...kitOptions,
				{
					displayName: 'Execution Date Time Zone',
					name: 'executionDateTimeZone',
					type: 'string',
					default: 'UTC',
					placeholder: 'e.g. Europe/Kyiv',
					description:
						'Automation 360 "Send webhook" only: the time zone execution_date is read in, for executionDateIso. SendPulse does not say which zone it uses; compare a delivery with a known time.',
				},
			]),
		],
	};

	methods = {
		credentialTest: { incomingCredential: testIncomingCredential },
		loadOptions: {
			async getMailingLists(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return await mailingListEntries.call(this);
			},
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				// Automation 360 webhooks, and email-service ones set up by hand, have nothing to look up.
				if (!registersByApi(this)) return true;
				return await webhooksExist(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				if (!registersByApi(this)) return true;
				await registerWebhooks(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await unregisterWebhooks(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const source = this.getNodeParameter('source', 'automation360') as Source;
		const answer = readKeyAnswer(this);
		if (source === 'smtp') return await handleDelivery.call(this, smtpDeclaration(answer));
		if (source !== 'automation360') return await handleDelivery.call(this, eventsDeclaration(answer, source));
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const zone = typeof options.executionDateTimeZone === 'string' && options.executionDateTimeZone.trim() ? options.executionDateTimeZone.trim() : 'UTC';
		if (!isValidZone(zone)) {
			this.logger.warn(`SendPulse Trigger: "${zone}" is not a time zone n8n knows (use a name such as Europe/Kyiv); executionDateIso is left empty`);
		}
		return await handleDelivery.call(this, automationWebhookDeclaration(answer, zone));
	}
}
