import { SendPulseApi } from '../../credentials/SendPulseApi.credentials';
import { type CredentialStore, httpRequestWithAuthentication, type RequestLog, runCredentialTest } from '../helpers/n8nHttp';
import { type SendPulseMock, startSendPulseMock } from '../mocks/sendpulseApi';

let api: SendPulseMock;
const type = new SendPulseApi();

beforeEach(async () => {
	api = await startSendPulseMock();
});
afterEach(async () => {
	await api.stop();
});

const store = (data: Partial<ReturnType<SendPulseMock['credentialData']>> = {}): CredentialStore => ({
	type,
	data: { ...api.credentialData(), ...data },
});

const listWebhooks = (credential: CredentialStore, log?: RequestLog[]) =>
	httpRequestWithAuthentication(
		credential,
		{ method: 'GET', baseURL: credential.data.baseUrl as string, url: '/v2/email-service/webhook', json: true },
		log,
	);

describe('SendPulse API credential', () => {
	it('declares the token field hidden and expirable, so n8n fetches and refreshes it', () => {
		const field = type.properties.find((property) => property.name === 'accessToken');
		expect(field).toMatchObject({ type: 'hidden', typeOptions: { expirable: true } });
	});

	it('fetches a token on first use, sends it as a Bearer header, and reuses it', async () => {
		const credential = store();
		const log: RequestLog[] = [];
		await expect(listWebhooks(credential, log)).resolves.toEqual({ success: true, data: [] });
		await listWebhooks(credential, log);

		expect(api.tokensIssued()).toBe(1);
		expect(log.map((entry) => `${entry.method} ${new URL(entry.url).pathname}`)).toEqual([
			'POST /oauth/access_token',
			'GET /v2/email-service/webhook',
			'GET /v2/email-service/webhook',
		]);
		expect(log[1].headers.authorization).toBe(`Bearer ${credential.data.accessToken as string}`);
		expect(JSON.parse(log[0].body)).toEqual({ grant_type: 'client_credentials', client_id: api.clientId, client_secret: api.clientSecret });
	});

	it('gets a new token when the old one has expired, and the call still succeeds', async () => {
		const credential = store();
		await listWebhooks(credential);
		const first = credential.data.accessToken;

		api.advanceTime(3601);
		await expect(listWebhooks(credential)).resolves.toMatchObject({ success: true });
		expect(api.tokensIssued()).toBe(2);
		expect(credential.data.accessToken).not.toBe(first);
		expect(api.requests.filter((request) => request.status === 401)).toHaveLength(1);
	});

	it('passes the credential test with the right ID and secret', async () => {
		await expect(runCredentialTest(store())).resolves.toEqual({ status: 'OK', message: 'Connection tested successfully' });
	});

	it('fails the credential test with a wrong secret, saying what to do and never echoing the secret', async () => {
		const result = await runCredentialTest(store({ clientSecret: 'wrong-secret-3b8e' }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('SendPulse refused the client ID or secret (HTTP 401)');
		expect(result.message).toContain('Account Settings → API');
		expect(result.message).not.toContain('wrong-secret-3b8e');
	});

	it('says so when SendPulse rate-limits the test', async () => {
		api.failNext({ status: 429, pathPrefix: '/v2' });
		const result = await runCredentialTest(store());
		expect(result).toEqual({ status: 'Error', message: expect.stringContaining('rate-limiting') });
	});

	it('says so when the token endpoint rate-limits or fails', async () => {
		api.failNext({ status: 429, pathPrefix: '/oauth' });
		await expect(listWebhooks(store())).rejects.toThrow('SendPulse is rate-limiting token requests (HTTP 429)');
		api.failNext({ status: 503, pathPrefix: '/oauth' });
		await expect(listWebhooks(store())).rejects.toThrow('SendPulse could not issue an access token (HTTP 503)');
	});

	it('says where it tried when SendPulse cannot be reached', async () => {
		const unreachable = store({ baseUrl: 'http://127.0.0.1:9' });
		await expect(listWebhooks(unreachable)).rejects.toThrow('Could not reach SendPulse at http://127.0.0.1:9/oauth/access_token');
	});

	it('treats a trailing slash in the Base URL like none', async () => {
		const credential = store({ baseUrl: `${api.url}/` });
		await expect(listWebhooks(credential)).resolves.toMatchObject({ success: true });
		expect(api.tokensIssued()).toBe(1);
	});
});
