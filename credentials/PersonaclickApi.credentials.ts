import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * A Personaclick shop's API keys. Personaclick takes them in the request itself, not in a header: in the body
 * of POST, PUT, PATCH and DELETE calls (JSON or form-encoded alike), in the query string of GET calls.
 */
export class PersonaclickApi implements ICredentialType {
	name = 'personaclickApi';

	displayName = 'Personaclick API';

	icon: Icon = { light: 'file:personaclick.svg', dark: 'file:personaclick.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-vendor-webhooks/n8n-nodes-vendor-webhooks/blob/main/docs/credentials/personaclickApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Shop ID',
			name: 'shopId',
			type: 'string',
			default: '',
			required: true,
			description: 'The shop ID (shop_id) from your Personaclick account settings',
		},
		{
			displayName: 'Shop Secret',
			name: 'shopSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The shop secret (shop_secret) from the same place. Keep it private: it allows imports into the shop.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.personaclick.com',
			description: 'Leave as it is. Change it only to go through a proxy or to a test server.',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, request: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const keys = { shop_id: String(credentials.shopId ?? '').trim(), shop_secret: String(credentials.shopSecret ?? '') };
		if ((request.method ?? 'GET') === 'GET') return { ...request, qs: { ...(request.qs ?? {}), ...keys } };
		const body = request.body && typeof request.body === 'object' ? (request.body as IDataObject) : {};
		return { ...request, body: { ...keys, ...body } };
	}

	/**
	 * Lists the shop's segments, which changes nothing. Personaclick tells a wrong secret (401) or a missing one
	 * (403) from a shop it does not know (400, as its imports answer) or a path the URL does not serve (404).
	 */
	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/segments/get', method: 'GET', json: true },
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'Personaclick refused the shop secret (HTTP 401). Copy the shop secret again from your Personaclick account.' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'Personaclick wants the shop secret (HTTP 403). Fill in Shop Secret as your Personaclick account shows it.' },
			},
			{
				type: 'responseCode',
				properties: { value: 400, message: 'Personaclick does not know this shop ID (HTTP 400). Check the shop ID, then the shop secret.' },
			},
			{
				type: 'responseCode',
				properties: { value: 404, message: 'Nothing answers as the Personaclick API at this Base URL (HTTP 404). Check the Base URL: https://api.personaclick.com.' },
			},
			{
				type: 'responseCode',
				properties: { value: 429, message: 'Personaclick is rate-limiting this shop (HTTP 429). Wait a minute, then test again.' },
			},
		],
	};
}
