import type { ICredentialDataDecryptedObject, ICredentialTestFunctions } from 'n8n-workflow';

import { prodegeCredentialCheck } from '../../nodes/Prodege/credentialCheck';
import { Prodege } from '../../nodes/Prodege/Prodege.node';
import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';
import { mockSignature, type ProdegeMock, startProdegeMock } from '../mocks/prodegeApi';

let api: ProdegeMock;
const debug: string[] = [];
const context = { logger: { debug: (message: string) => debug.push(message) }, helpers: {} } as unknown as ICredentialTestFunctions;

beforeEach(async () => {
	api = await startProdegeMock();
	debug.length = 0;
});
afterEach(async () => {
	await api.stop();
});

const check = (data: Partial<ICredentialDataDecryptedObject> = {}) =>
	prodegeCredentialCheck.call(context, { id: '1', name: 'Prodege', type: 'prodegeApi', data: { ...api.credentialData(), ...data } });

describe('Prodege API credential test: one signed call to Prodege', () => {
	it('both nodes test the credential with the same check', () => {
		expect(new Prodege().methods.credentialTest.prodegeCredentialCheck).toBe(prodegeCredentialCheck);
		expect(new ProdegeTrigger().methods.credentialTest.prodegeCredentialCheck).toBe(prodegeCredentialCheck);
	});

	it('passes a right key and secret, with a signed lookup of a project no account has', async () => {
		expect(await check()).toEqual({ status: 'OK', message: 'Prodege accepted the API key and the signature made with the secret key' });
		expect(api.requests).toHaveLength(1);
		const [request] = api.requests;
		expect(request).toMatchObject({ method: 'GET', call: 'project-get-info', errorCodes: [2003] });
		expect(request.params).toMatchObject({ prodege_project_id: '0', apik: api.apik, signature: mockSignature(api.secretKey, request.params) });
	});

	it('fails a wrong secret key, saying Prodege refused it (101)', async () => {
		const result = await check({ secretKey: 'wrong-secret' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Prodege refused the API key or secret key (code 101');
		expect(api.requests[0].errorCodes).toEqual([101]);
	});

	it('fails a wrong API key the same way', async () => {
		const result = await check({ apik: 'someone-else' });
		expect(result).toMatchObject({ status: 'Error', message: expect.stringContaining('code 101') });
	});

	it('tells an unreachable environment from a wrong key, and says the key was not checked', async () => {
		const { url } = api;
		await api.stop();
		const result = await check({ baseUrl: url });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			`Could not reach Prodege at ${url} (ECONNREFUSED). Check the Environment (or Base URL) and that n8n can reach it; the key and secret were not checked.`,
		);
		expect(debug.join('\n')).not.toContain(api.secretKey);
		api = await startProdegeMock();
	});

	it('says when the address answers but is not Prodege’s API', async () => {
		const result = await check({ baseUrl: `${api.url}/nothing-here` });
		expect(result).toMatchObject({ status: 'Error', message: expect.stringContaining('answered HTTP 404 with something other than Prodege') });
	});

	it('says the clock is off when Prodege finds the request expired (102)', async () => {
		await api.stop();
		api = await startProdegeMock({ requestDateToleranceMs: -1 });
		const result = await check();
		expect(result).toMatchObject({ status: 'Error', message: expect.stringContaining('clock is off') });
	});

	it('without an API key, checks the fields for the trigger only and contacts nobody', async () => {
		const result = await check({ apik: '' });
		expect(result.status).toBe('OK');
		expect(result.message).toContain('Prodege was not contacted');
		expect(api.requests).toHaveLength(0);
	});
});
