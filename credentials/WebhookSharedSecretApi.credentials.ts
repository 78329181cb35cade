import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** A secret token a vendor must send in a header or in the query string when it calls a trigger. */
export class WebhookSharedSecretApi implements ICredentialType {
	name = 'webhookSharedSecretApi';

	displayName = 'Webhook Shared Secret API';

	icon: Icon = { light: 'file:webhookAuth.svg', dark: 'file:webhookAuth.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-vendor-webhooks/n8n-nodes-vendor-webhooks/blob/main/docs/credentials/webhookSharedSecretApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The token the vendor must send. Use a long random value.',
		},
		{
			displayName: 'Sent In',
			name: 'location',
			type: 'options',
			options: [
				{ name: 'Query Parameter', value: 'query', description: 'Append ?name=secret to the webhook URL you give the vendor' },
				{ name: 'Header', value: 'header', description: 'The vendor sends the secret in a request header' },
			],
			default: 'query',
			description: 'Where the vendor puts the secret',
		},
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: 'token',
			required: true,
			description: 'The query parameter or header name that carries the secret',
		},
	];
}
