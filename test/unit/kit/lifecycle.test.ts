import type { ICredentialTestFunctions } from 'n8n-workflow';

import { testIncomingCredential } from '../../../nodes/shared';

const run = (data: Record<string, unknown> | undefined, type = data && 'secret' in data ? 'webhookSharedSecretApi' : 'webhookBasicAuthApi') =>
	testIncomingCredential.call({} as ICredentialTestFunctions, { id: '1', name: 'c', type, data } as never);

describe('incoming credential test', () => {
	it('passes a complete credential and says nothing was contacted', async () => {
		await expect(run({ user: 'u', password: 'a-long-password' })).resolves.toEqual({
			status: 'OK',
			message: 'Complete. Nothing was contacted: the sender must present this on every call.',
		});
		await expect(run({ secret: 'a-long-secret-value', location: 'query', name: 'token' })).resolves.toMatchObject({ status: 'OK' });
	});

	it('names the empty fields', async () => {
		await expect(run({ user: '', password: '' })).resolves.toEqual({ status: 'Error', message: 'Fill in: user, password' });
		await expect(run({ secret: 5, name: 'token' })).resolves.toEqual({ status: 'Error', message: 'Fill in: secret' });
		await expect(run({ user: 'u' })).resolves.toEqual({ status: 'Error', message: 'Fill in: password' });
	});

	it('refuses a short secret', async () => {
		await expect(run({ user: 'u', password: 'short' })).resolves.toMatchObject({ status: 'Error' });
	});

	it('refuses a credential without data', async () => {
		await expect(run(undefined)).resolves.toEqual({ status: 'Error', message: 'Fill in: user, password' });
	});
});
