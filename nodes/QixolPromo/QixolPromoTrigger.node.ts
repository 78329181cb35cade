import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { allowedIpsProperty, basicAuthCredentialShown, deliveryWebhook, handleDelivery, incomingAuthHint, ipAllowlistOption, kitOptions, noAuthenticationOption, noRegistration, optionsCollection, responseModeProperty, sharedSecretCredentialShown, testIncomingCredential } from '../shared';
import { parseListElements } from './canonical';
import { EVENT_QUERY_PARAMETER, qixolPromo, type RefusalAnswer } from './events';

export class QixolPromoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qixol Promo Trigger',
		name: 'qixolPromoTrigger',
		icon: { light: 'file:qixolPromo.svg', dark: 'file:qixolPromo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		description: 'Starts the workflow when Qixol Promo sends a webhook: promotions created, changed or due, imports and coupon jobs finished',
		defaults: { name: 'Qixol Promo Trigger' },
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
					'Set up in the Qixol Promo portal (it has no API for webhooks): 1) Create the credential below: a Webhook Shared Secret API credential with a long random secret, sent in the query parameter token. 2) Open Webhook URLs above and copy the Production URL, adding ?token=YOUR_SECRET. 3) In the portal, under Configuration → Webhooks → Add New, pick the Webhook Event, paste the URL as the Target and tick "Enabled?". Each Qixol webhook carries one event: add one per event you want, all with this URL (if the payloads do not name their event, end each URL with &event= and that webhook\'s event, such as &event=Promotion.Created). 4) Publish this workflow.',
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
						name: 'Basic Auth',
						value: 'basicAuth',
						description:
							'Calls must carry a user and password. Qixol does not document sending them from a URL like https://user:password@host/…, so check that it does. Needs a Webhook Basic Auth API credential.',
					},
					ipAllowlistOption,
					noAuthenticationOption,
					{
						name: 'Secret Token',
						value: 'sharedSecret',
						description: 'The URL you give Qixol carries a secret token in its query string. Needs a Webhook Shared Secret API credential.',
					},
				],
				default: 'sharedSecret',
				description: 'How the trigger checks that a call comes from Qixol Promo',
				hint: incomingAuthHint,
			},
			allowedIpsProperty('Qixol does not publish the addresses it calls from: ask Qixol support for them', {
				placeholder: '203.0.113.10, 198.51.100.0/24',
			}),
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'AttributeValues.ImportCompleted',
						value: 'AttributeValues.ImportCompleted',
						description: 'An import of attribute values has finished',
					},
					{
						name: 'CouponCodes.GenerateCompleted',
						value: 'CouponCodes.GenerateCompleted',
						description: 'A run generating voucher codes has finished',
					},
					{
						name: 'CouponCodes.ImportCompleted',
						value: 'CouponCodes.ImportCompleted',
						description: 'An import of coupon codes has finished',
					},
					{
						name: 'CouponCodes.ReservedActivated',
						value: 'CouponCodes.ReservedActivated',
						description:
							'A refer-a-friend referral code, applied to a confirmed basket, has been used up',
					},
					{
						name: 'Product.ImportCompleted',
						value: 'Product.ImportCompleted',
						description: 'An import of products has finished',
					},
					{
						name: 'Promotion.Created',
						value: 'Promotion.Created',
						description: 'A promotion was created, in the Promo portal or through the Promo API',
					},
					{
						name: 'Promotion.Deleted',
						value: 'Promotion.Deleted',
						description: 'A promotion was deleted, in the Promo portal or through the Promo API',
					},
					{
						name: 'Promotion.EndingInPeriod',
						value: 'Promotion.EndingInPeriod',
						description: 'A promotion ends within the notification period set on the Qixol webhook',
					},
					{
						name: 'Promotion.StartingInPeriod',
						value: 'Promotion.StartingInPeriod',
						description: 'A promotion starts within the notification period set on the Qixol webhook',
					},
					{
						name: 'Promotion.Updated',
						value: 'Promotion.Updated',
						description: 'A promotion was changed, in the Promo portal or through the Promo API',
					},
				],
				default: [],
				description:
					'Which events to react to. Leave empty for all. Events are told apart by the name in the payload, or else by the event parameter of the URL. An event Qixol names otherwise is emitted only when this is empty.',
			},
			responseModeProperty,
			{
				displayName:
					'Qixol disables a webhook after 3 answers other than 200 within 60 minutes. Answering when the last node finishes means every failed or slow run counts toward that (a failed run answers 500). Prefer Immediately unless Qixol must wait for the workflow.',
				name: 'lastNodeNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { responseMode: ['lastNode'] } },
			},
			{
				displayName: 'Refused Deliveries',
				name: 'refusedAnswer',
				type: 'options',
				options: [
					{
						name: 'Answer 200 and Drop (Recommended)',
						value: 'ok',
						description: 'The webhook stays enabled; the reason is logged and no workflow runs',
					},
					{
						name: 'Answer 4xx',
						value: 'error',
						description:
							'401 or 403 for failed authentication, 400 for an unreadable or invalid delivery. Three of these in 60 minutes disable the Qixol webhook.',
					},
				],
				default: 'ok',
				description:
					'What to answer a delivery that fails authentication or validation. Qixol counts every answer other than 200 toward disabling the webhook.',
			},
			optionsCollection([
				...kitOptions,
				{
					displayName: 'XML List Elements',
					name: 'xmlListElements',
					type: 'string',
					default: '',
					placeholder: 'e.g. CouponCodes, Products',
					description:
						'For XML payloads: elements that hold a list, comma-separated. Items keep the XML as n8n parsed it; these are read as lists, even with one entry or none, only for the dedupe key, so that the XML and the JSON of one event count as one.',
				},
			]),
		],
	};

	methods = { credentialTest: { incomingCredential: testIncomingCredential } };

	webhookMethods = noRegistration;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as { xmlListElements?: string };
		const sent = (this.getQueryData() as IDataObject)[EVENT_QUERY_PARAMETER];
		// A parameter given twice arrives as a list: the first one counts.
		const urlEvent = Array.isArray(sent) ? sent[0] : sent;
		return handleDelivery.call(
			this,
			qixolPromo({
				answer: this.getNodeParameter('refusedAnswer', 'ok') as RefusalAnswer,
				listElements: parseListElements(options.xmlListElements ?? ''),
				urlEvent: typeof urlEvent === 'string' ? urlEvent : undefined,
				onUnnamed: () =>
					this.logger.warn(
						`Qixol Promo event left out: neither the payload nor the URL names its event, so the Events filter cannot match it. End the webhook URL in the Qixol portal with ${EVENT_QUERY_PARAMETER}=<event name>.`,
					),
			}),
		);
	}
}
