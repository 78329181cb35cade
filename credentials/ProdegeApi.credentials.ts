import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The API key and secret key Prodege issues to a partner. The trigger needs only the secret key, to check
 * the signature on each delivery; the Prodege node signs its calls to Prodege's API with both, at the
 * environment's base URL. Signing needs every parameter of a call, so it is done by the node (and tested by
 * the nodes' `prodegeCredentialCheck`), not by a generic `authenticate` block.
 */
export class ProdegeApi implements ICredentialType {
	name = 'prodegeApi';

	displayName = 'Prodege API';

	icon: Icon = { light: 'file:prodege.svg', dark: 'file:prodege.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-vendor-webhooks/n8n-nodes-vendor-webhooks/blob/main/docs/credentials/prodegeApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apik',
			type: 'string',
			default: '',
			description: 'The API key (apik) Prodege gave you. The Prodege node needs it; the trigger does not.',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret key Prodege gave you. Prodege signs each webhook call with it, and the Prodege node signs its API calls with it.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'https://surveypmr.prodegeapis.com/prodegemr' },
				{ name: 'Staging', value: 'staging', description: 'https://surveypmr.prodegeapisqa.com/prodegemr' },
				{ name: 'Custom URL', value: 'custom', description: 'Another address, such as a proxy; enter it in Base URL' },
			],
			default: 'production',
			description: 'Which Prodege API the key and secret belong to',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://surveypmr.prodegeapis.com/prodegemr',
			displayOptions: { show: { environment: ['custom'] } },
			description: 'The API base URL, without a trailing slash',
		},
	];
}
