import {
	UserError,
	type IAuthenticateGeneric,
	type ICredentialDataDecryptedObject,
	type ICredentialTestRequest,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestHelper,
	type INodeProperties,
	type Icon,
} from 'n8n-workflow';

const DEFAULT_BASE_URL = 'https://api.sendpulse.com';

/** How long the token request may take: as every API call, since n8n sets no timeout of its own. */
const TOKEN_TIMEOUT_MS = 30_000;

const TIMED_OUT = /time ?out|timed out|ETIMEDOUT|ECONNABORTED|aborted/i;

/** The vendor's answer to a token request, as far as this credential relies on it. */
interface TokenAnswer {
	statusCode: number;
	body: unknown;
}

function baseUrlOf(credentials: ICredentialDataDecryptedObject): string {
	const raw = typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() ? credentials.baseUrl.trim() : DEFAULT_BASE_URL;
	return raw.replace(/\/+$/, '');
}

/** SendPulse's own words on a refused token request, with the client secret taken out should it echo it. */
function vendorReason(body: unknown, secret: string): string {
	if (!body || typeof body !== 'object') return '';
	const record = body as IDataObject;
	const parts = [record.error_description, record.message, record.error]
		.filter((part): part is string => typeof part === 'string' && part.length > 0)
		.map((part) => (secret ? part.split(secret).join('[redacted]') : part).slice(0, 200));
	return parts.length > 0 ? ` SendPulse said: ${parts[0]}.` : '';
}

/**
 * Client ID and secret of a SendPulse account's REST API. The access token (one hour) is fetched by n8n
 * through preAuthentication, kept in the hidden `accessToken` field, and fetched again when SendPulse
 * answers 401.
 */
export class SendPulseApi implements ICredentialType {
	name = 'sendPulseApi';

	displayName = 'SendPulse API';

	icon: Icon = { light: 'file:sendPulse.svg', dark: 'file:sendPulse.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-vendor-webhooks/n8n-nodes-vendor-webhooks/blob/main/docs/credentials/sendPulseApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'In SendPulse: Account Settings → API → REST API, "ID"',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'In SendPulse: Account Settings → API → REST API, "Secret"',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			placeholder: 'e.g. https://api.sendpulse.com',
			description: 'Leave as it is. Change it only to point the nodes at a test server.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const url = `${baseUrlOf(credentials)}/oauth/access_token`;
		// Status errors are read here rather than thrown by the helper: its error would carry the request
		// body, and with it the client secret.
		let answer: TokenAnswer;
		try {
			answer = (await this.helpers.httpRequest({
				method: 'POST',
				url,
				body: {
					grant_type: 'client_credentials',
					client_id: credentials.clientId,
					client_secret: credentials.clientSecret,
				},
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// Without one, a token endpoint that never answers holds a publish or a credential test for good.
				timeout: TOKEN_TIMEOUT_MS,
			})) as TokenAnswer;
		} catch (error) {
			const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
			if ([code, name, message].some((clue) => typeof clue === 'string' && TIMED_OUT.test(clue))) {
				throw new UserError(
					`SendPulse did not answer the token request at ${url} within ${TOKEN_TIMEOUT_MS / 1000} s. Try again later; if it persists, check the Base URL.`,
				);
			}
			throw new UserError(
				`Could not reach SendPulse at ${url}${typeof code === 'string' ? ` (${code})` : ''}. Check the Base URL and that n8n can reach the internet.`,
			);
		}
		const token = (answer.body as IDataObject | undefined)?.access_token;
		if (answer.statusCode >= 200 && answer.statusCode < 300 && typeof token === 'string' && token.length > 0) {
			return { accessToken: token };
		}
		if (answer.statusCode === 429) {
			throw new UserError('SendPulse is rate-limiting token requests (HTTP 429). Wait a minute, then try again.');
		}
		if (answer.statusCode >= 500) {
			throw new UserError(`SendPulse could not issue an access token (HTTP ${answer.statusCode}). Try again later.`);
		}
		if (answer.statusCode >= 400) {
			throw new UserError(
				`SendPulse refused the client ID or secret (HTTP ${answer.statusCode}).${vendorReason(answer.body, String(credentials.clientSecret ?? ''))} Copy both again from Account Settings → API in SendPulse.`,
			);
		}
		throw new UserError(
			`SendPulse answered the token request without an access token (HTTP ${answer.statusCode}). Check the Base URL.`,
		);
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	// Lists the account's email-service webhooks: cheap, and the very call the nodes depend on.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl || "https://api.sendpulse.com"}}',
			url: '/v2/email-service/webhook',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'SendPulse refused the access token. Copy the client ID and secret again from Account Settings → API.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 429,
					message: 'SendPulse is rate-limiting this account (HTTP 429). Wait a minute, then test again.',
				},
			},
		],
	};
}
