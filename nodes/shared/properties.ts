import type { INodeProperties } from 'n8n-workflow';

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

/** The allowlist shown when authentication is "IP Allowlist". Nodes set the default to the vendor's range. */
export const allowedIpsDescription =
	'Addresses or CIDR ranges, IPv4 or IPv6, separated by commas. Calls from anywhere else get 403.';

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
