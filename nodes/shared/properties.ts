import type { ICredentialsDisplayOptions, INodeProperties, INodePropertyOptions, IWebhookDescription } from 'n8n-workflow';

import { DEFAULT_DEDUPE_WINDOW, MAX_DEDUPE_WINDOW } from './dedupe';

/** The response mode, read by the description's `webhooks[].responseMode` expression. */
export const responseModeProperty: INodeProperties = {
	displayName: 'Respond',
	name: 'responseMode',
	type: 'options',
	options: [
		{
			name: 'Immediately',
			value: 'onReceived',
			description: 'Answer as soon as the delivery is checked; repeats of events already emitted are dropped',
		},
		{
			name: 'When Last Node Finishes',
			value: 'lastNode',
			description:
				'Answer when the workflow ends; a failed run answers 500 so the vendor resends, and a resend runs again',
		},
	],
	default: 'onReceived',
	description: 'When to answer the vendor',
};

/** The POST endpoint every trigger listens on, answering as its `responseMode` parameter says. */
export const deliveryWebhook: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: '={{$parameter["responseMode"]}}',
	path: 'webhook',
};

/**
 * When each incoming-auth credential shows. The credential entries stay literal in the node files: the lint
 * rules read their names and `testedBy` there.
 */
export const basicAuthCredentialShown: ICredentialsDisplayOptions = { show: { authentication: ['basicAuth'] } };
export const sharedSecretCredentialShown: ICredentialsDisplayOptions = { show: { authentication: ['sharedSecret'] } };

/** The authentication choices whose text names no vendor; Secret Token and Basic Auth say how that vendor sends them. */
export const ipAllowlistOption: INodePropertyOptions = {
	name: 'IP Allowlist',
	value: 'ipAllowlist',
	description: 'Only calls from the listed addresses are accepted',
};
export const noAuthenticationOption: INodePropertyOptions = {
	name: 'None',
	value: 'none',
	description: 'Anyone who knows the URL can start the workflow',
};
export const incomingAuthHint =
	'Secret Token needs a Webhook Shared Secret API credential, Basic Auth a Webhook Basic Auth API credential';

/** The allowlist shown when authentication is "IP Allowlist". Nodes set the default to the vendor's range. */
export const allowedIpsDescription =
	'Addresses or CIDR ranges, IPv4 or IPv6, separated by commas. Calls from anywhere else get 403.';

/**
 * The allowlist the kit reads when authentication is "IP Allowlist". `note` says where the vendor's addresses
 * come from; `defaultIps` is its published range, if any.
 */
export function allowedIpsProperty(
	note: string,
	{ defaultIps = '', placeholder }: { defaultIps?: string; placeholder?: string } = {},
): INodeProperties {
	return {
		displayName: 'Allowed IPs',
		name: 'allowedIps',
		type: 'string',
		default: defaultIps,
		...(placeholder !== undefined && { placeholder }),
		displayOptions: { show: { authentication: ['ipAllowlist'] } },
		description: `${allowedIpsDescription} ${note}`,
	};
}

/** Options every trigger offers: dedupe window, request metadata, proxy trust, an extra allowlist. */
export const kitOptions: INodeProperties[] = [
	{
		displayName: 'Also Restrict Source IPs',
		name: 'extraAllowedIps',
		type: 'string',
		default: '',
		placeholder: '203.0.113.0/24, 2001:db8::/32',
		description:
			'Addresses or CIDR ranges allowed to call, on top of the chosen authentication. Leave empty to allow any address.',
	},
	{
		displayName: 'Dedupe Window',
		name: 'dedupeWindow',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_DEDUPE_WINDOW },
		default: DEFAULT_DEDUPE_WINDOW,
		description:
			'How many recent event keys to remember so repeat deliveries are not emitted twice (12 bytes of static data each, at most 100,000). 0 turns deduplication off.',
	},
	{
		displayName: 'Include Request Metadata',
		name: 'includeRequestMetadata',
		type: 'boolean',
		default: false,
		description:
			'Whether to add the request headers, query and arrival time to each item, under requestMetadata. Headers that can carry secrets are left out.',
	},
	{
		displayName: 'Trust X-Forwarded-For',
		name: 'trustForwardedFor',
		type: 'boolean',
		default: false,
		description:
			'Whether to take the caller address from the X-Forwarded-For header set by your reverse proxy. Turn on only behind a proxy you run.',
	},
];

/** The node's Options collection: the kit's options, with the node's own where it lists them. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}
