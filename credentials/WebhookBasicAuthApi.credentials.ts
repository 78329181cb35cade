import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** The user and password a vendor must send (HTTP Basic) when it calls a trigger's webhook URL. */
export class WebhookBasicAuthApi implements ICredentialType {
	name = 'webhookBasicAuthApi';

	displayName = 'Webhook Basic Auth API';

	icon: Icon = { light: 'file:webhookAuth.svg', dark: 'file:webhookAuth.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-vendor-webhooks/n8n-nodes-vendor-webhooks/blob/main/docs/credentials/webhookBasicAuthApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			description: 'The user name the vendor sends. Basic auth cannot carry a colon in it.',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The password the vendor sends. Use a long random value.',
		},
	];
}
