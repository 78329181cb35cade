/**
 * The SendPulse credential's token request against a token endpoint that never answers. n8n sets no
 * timeout of its own, so without one the request would hold a publish or a credential test for good.
 */
import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { SendPulseApi } from '../../credentials/SendPulseApi.credentials';
import { httpRequest } from '../helpers/n8nHttp';
import { type SendPulseMock, startSendPulseMock } from '../mocks/sendpulseApi';

/** n8n's request helper as the credential gets it: no timeout unless asked for one. Asked ones are cut short here. */
function helper(timeouts: Array<number | undefined>): IHttpRequestHelper {
	const request = async (options: IHttpRequestOptions) => {
		timeouts.push(options.timeout);
		return await httpRequest({ ...options, timeout: options.timeout === undefined ? 60_000 : Math.min(options.timeout, 200) });
	};
	return { helpers: { httpRequest: request } } as unknown as IHttpRequestHelper;
}

/** The outcome of `work`, or "still waiting" when it takes longer than `ms`. */
async function within(ms: number, work: Promise<unknown>): Promise<unknown> {
	let guard: NodeJS.Timeout | undefined;
	const late = new Promise((resolve) => {
		guard = setTimeout(() => resolve('still waiting'), ms);
	});
	try {
		return await Promise.race([work.then(() => 'answered', (error: Error) => error), late]);
	} finally {
		clearTimeout(guard);
	}
}

let api: SendPulseMock;
beforeEach(async () => {
	api = await startSendPulseMock();
});
afterEach(async () => {
	await api.stop();
});

describe('SendPulse API credential: a token endpoint that never answers', () => {
	it('gives up after its timeout and says that SendPulse did not answer, instead of waiting for good', async () => {
		api.failNext({ status: 200, pathPrefix: '/oauth', hang: true });
		const timeouts: Array<number | undefined> = [];
		const outcome = await within(3_000, new SendPulseApi().preAuthentication.call(helper(timeouts), api.credentialData()));
		expect(timeouts).toEqual([30_000]);
		expect(outcome).toBeInstanceOf(Error);
		expect((outcome as Error).message).toBe(
			`SendPulse did not answer the token request at ${api.url}/oauth/access_token within 30 s. Try again later; if it persists, check the Base URL.`,
		);
		expect((outcome as Error).message).not.toContain(api.clientSecret);
	});

	it('still fetches a token when the endpoint answers', async () => {
		const timeouts: Array<number | undefined> = [];
		await expect(new SendPulseApi().preAuthentication.call(helper(timeouts), api.credentialData())).resolves.toEqual({
			accessToken: expect.stringMatching(/^[0-9a-f]{32}$/),
		});
		expect(api.tokensIssued()).toBe(1);
	});
});
