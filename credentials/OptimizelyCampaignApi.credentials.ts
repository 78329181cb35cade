import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** The Optimizely Campaign REST API user: HTTP Basic with the API user and password, for one client. */
export class OptimizelyCampaignApi implements ICredentialType {
	name = 'optimizelyCampaignApi';

	displayName = 'Optimizely Campaign API';

	icon: Icon = { light: 'file:optimizelyCampaign.svg', dark: 'file:optimizelyCampaign.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-vendor-webhooks/n8n-nodes-vendor-webhooks/blob/main/docs/credentials/optimizelyCampaignApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API User',
			name: 'apiUser',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			description: 'The email address of the REST API user. Optimizely customer support creates API users.',
		},
		{
			displayName: 'API Password',
			name: 'apiPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The password of the REST API user, as customer support gave it to you',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '123456789',
			description: 'In Optimizely Campaign: Administration > API Overview > REST API',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.campaign.episerver.net/rest',
			description: 'Change it only to go through a proxy or to a test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.apiUser}}', password: '={{$credentials.apiPassword}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '=/{{$credentials.clientId}}/users/authenticated',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'The API user or the API password is wrong. Check both; Optimizely customer support can confirm the API user is active.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The API user may not use this client ID. Check the client ID under Administration > API Overview > REST API.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'Nothing found for this client ID at this base URL. Check both.',
				},
			},
		],
	};
}
