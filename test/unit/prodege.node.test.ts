import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IHookFunctions, INodeProperties } from 'n8n-workflow';

import { ProdegeApi } from '../../credentials/ProdegeApi.credentials';
import { prodegeBaseUrl, prodegeCredentialCheck } from '../../nodes/Prodege/credentialCheck';
import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';

const node = new ProdegeTrigger();
const property = (properties: INodeProperties[], name: string) => {
	const found = properties.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`no property ${name}`);
	return found;
};

const check = (data: ICredentialDataDecryptedObject) =>
	prodegeCredentialCheck.call({} as ICredentialTestFunctions, { id: '1', name: 'Prodege', type: 'prodegeApi', data });

describe('Prodege API credential', () => {
	const credential = new ProdegeApi();

	it('holds the API key, a hidden secret key and the environment', () => {
		expect(credential.name).toBe('prodegeApi');
		expect(credential.properties.map(({ name }) => name)).toEqual(['apik', 'secretKey', 'environment', 'baseUrl']);
		expect(property(credential.properties, 'secretKey').typeOptions).toEqual({ password: true });
		expect(property(credential.properties, 'environment').default).toBe('production');
	});

	it.each([
		[{}, 'https://surveypmr.prodegeapis.com/prodegemr'],
		[{ environment: 'production' }, 'https://surveypmr.prodegeapis.com/prodegemr'],
		[{ environment: 'staging' }, 'https://surveypmr.prodegeapisqa.com/prodegemr'],
		[{ environment: 'custom', baseUrl: 'https://proxy.example.test/prodegemr/' }, 'https://proxy.example.test/prodegemr'],
		[{ environment: 'custom', baseUrl: 'ftp://proxy.example.test' }, undefined],
		[{ environment: 'custom', baseUrl: '' }, undefined],
	])('resolves the base URL of %j', (data, url) => {
		expect(prodegeBaseUrl(data)).toBe(url);
	});

	it('passes a credential with the secret alone (all the trigger needs), saying plainly that Prodege was not contacted', async () => {
		const result = await check({ secretKey: 's3cret', environment: 'staging' });
		expect(result.status).toBe('OK');
		expect(result.message).toContain('Prodege was not contacted, so the key and secret are not verified');
	});

	it('fails without a secret key', async () => {
		expect(await check({ apik: 'key', secretKey: '  ' })).toEqual({
			status: 'Error',
			message: 'Fill in the secret key Prodege gave you',
		});
	});

	it('fails with a custom base URL that is not a URL', async () => {
		expect(await check({ secretKey: 's3cret', environment: 'custom', baseUrl: 'prodege' })).toEqual({
			status: 'Error',
			message: 'The custom base URL must be an http or https URL',
		});
	});
});

describe('Prodege Trigger description', () => {
	const { description } = node;

	it('tests its credential with the local check it ships', () => {
		const [credential] = description.credentials ?? [];
		expect(credential).toMatchObject({ name: 'prodegeApi', required: true, testedBy: 'prodegeCredentialCheck' });
		expect(node.methods.credentialTest.prodegeCredentialCheck).toBe(prodegeCredentialCheck);
	});

	it('takes its response mode from the node, and answers a finished run with the status alone', () => {
		expect(description.webhooks).toEqual([
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{$parameter["responseMode"]}}',
				responseData: 'noData',
				path: 'webhook',
			},
		]);
		const modes = property(description.properties, 'responseMode').options?.map((option) => 'value' in option && option.value);
		expect(modes).toEqual(['onReceived', 'lastNode']);
	});

	it('checks the data parameter by default, and warns only when the check is off', () => {
		const check = property(description.properties, 'authentication');
		expect(check.default).toBe('signedData');
		expect(check.options?.map((option) => 'value' in option && option.value)).toEqual([
			'signedData',
			'signedParameters',
			'none',
		]);
		expect(property(description.properties, 'signatureOffNotice').displayOptions).toEqual({
			show: { authentication: ['none'] },
		});
	});

	it('offers every documented status and update reason as a filter', () => {
		const values = (name: string) =>
			property(description.properties, name).options?.map((option) => 'value' in option && option.value);
		expect(values('statuses')).toEqual(['COMPLETE', 'DELETED', 'INVOICED', 'LIVE', 'PAUSED', 'PENDING_COMPLETE']);
		expect(values('updateReasons')).toEqual(['113', '156', '158', '160', '207', '209', '222', '244', '902', '903', '999']);
	});

	it('offers both webhooks under Events, empty (both) by default, named as the items name them', () => {
		const events = property(description.properties, 'events');
		expect(events).toMatchObject({ type: 'multiOptions', default: [] });
		expect(events.options?.map((option) => 'value' in option && option.value)).toEqual(['projectStatusUpdate', 'realTimePricing']);
	});

	it('has nothing to register at Prodege, and says so by reporting success', async () => {
		const hooks = {} as IHookFunctions;
		const { checkExists, create, delete: remove } = node.webhookMethods.default;
		await expect(checkExists.call(hooks)).resolves.toBe(true);
		await expect(create.call(hooks)).resolves.toBe(true);
		await expect(remove.call(hooks)).resolves.toBe(true);
	});
});
