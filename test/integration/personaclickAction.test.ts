import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { PersonaclickApi } from '../../credentials/PersonaclickApi.credentials';
import { Personaclick } from '../../nodes/Personaclick/Personaclick.node';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { type ContextSetup, loadOptionsContext, runAction } from '../helpers/execute';
import { type CredentialStore, runCredentialTest } from '../helpers/n8nHttp';
import { deliver } from '../helpers/webhook';
import { type PersonaclickMock, startPersonaclickMock } from '../mocks/personaclickApi';

const node = new Personaclick();
let api: PersonaclickMock;
let credential: CredentialStore;

beforeEach(async () => {
	api = await startPersonaclickMock();
	credential = { type: new PersonaclickApi(), data: api.credentialData() };
});
afterEach(async () => {
	await api.stop();
});

const run = async (parameters: IDataObject | IDataObject[], input?: IDataObject[], extra: Partial<ContextSetup> = {}) => {
	const count = Array.isArray(parameters) ? parameters.length : (input?.length ?? 1);
	const items: INodeExecutionData[] = (input ?? Array.from({ length: count }, () => ({}))).map((json) => ({ json }));
	const [output] = await runAction(node, { parameters, credentials: { personaclickApi: credential }, ...extra }, items);
	return output;
};

const product = (id: string, extra: IDataObject = {}): IDataObject => ({
	id,
	available: true,
	name: `Bike ${id}`,
	price: 199.5,
	url: `https://shop.example.com/p/${id}`,
	picture: `https://shop.example.com/img/${id}.jpg`,
	categories: ['12'],
	currency: 'USD',
	...extra,
});

const productFields = (id: string): IDataObject => ({
	resource: 'product',
	operation: 'import',
	recordsFrom: 'fields',
	productId: id,
	productName: `Bike ${id}`,
	price: 199.5,
	currency: 'USD',
	productUrl: `https://shop.example.com/p/${id}`,
	pictureUrl: `https://shop.example.com/img/${id}.jpg`,
	categoryIds: '12, 140',
	available: true,
	productFields: { brand: 'Acme', oldprice: 249, tags: 'sale, summer', otherFields: '{"params":[{"name":"Size","value":"M"}]}' },
});

const segment = (id: string) => ({ __rl: true, mode: 'id', value: id });

/** A local receiver standing in for a Personaclick Trigger's URL. */
async function receiver(): Promise<{ url: string; received: Array<{ url: string; body: string }>; close(): Promise<void> }> {
	const received: Array<{ url: string; body: string }> = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		req.on('end', () => {
			received.push({ url: req.url ?? '', body });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"success":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/abc/webhook?token=t0k3n-secret`;
	return { url, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('Personaclick API credential test', () => {
	it('passes with the right shop ID and secret, sending them in the query of a segment listing', async () => {
		const log: Array<{ method: string; url: string }> = [];
		expect(await runCredentialTest(credential, log as never)).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(log).toHaveLength(1);
		const sent = new URL(log[0].url);
		expect([log[0].method, sent.pathname]).toEqual(['GET', '/segments/get']);
		expect(Object.fromEntries(sent.searchParams)).toEqual({ shop_id: api.shopId, shop_secret: api.shopSecret });
	});

	it('tells a wrong secret from a wrong shop ID and from a wrong URL', async () => {
		const wrongSecret = await runCredentialTest({ ...credential, data: { ...credential.data, shopSecret: 'not-the-secret' } });
		expect(wrongSecret).toEqual({ status: 'Error', message: expect.stringMatching(/refused the shop secret \(HTTP 401\)/) });
		const wrongShop = await runCredentialTest({ ...credential, data: { ...credential.data, shopId: 'another-shop' } });
		expect(wrongShop).toEqual({ status: 'Error', message: expect.stringMatching(/does not know this shop ID \(HTTP 400\)/) });
		const wrongUrl = await runCredentialTest({ ...credential, data: { ...credential.data, baseUrl: `${api.url}/v2` } });
		expect(wrongUrl).toEqual({ status: 'Error', message: expect.stringMatching(/Check the Base URL/) });
	});
});

describe('Personaclick node: Product', () => {
	it('is usable as an AI tool', () => {
		expect(node.description.usableAsTool).toBe(true);
	});

	it('Import from fields: one PUT with one product per input item, the keys in the body, paired with both items', async () => {
		const output = await run([productFields('p1'), productFields('p2')]);
		const [request] = api.requests;
		expect(api.requests).toHaveLength(1);
		expect([request.method, request.path, request.contentType]).toEqual(['PUT', '/import/products', 'application/json']);
		expect(request.body).toEqual({
			shop_id: api.shopId,
			shop_secret: api.shopSecret,
			items: [
				{
					...product('p1', { categories: ['12', '140'] }),
					brand: 'Acme',
					oldprice: 249,
					tags: ['sale', 'summer'],
					params: [{ name: 'Size', value: 'M' }],
				},
				expect.objectContaining({ id: 'p2' }),
			],
		});
		expect(output).toEqual([
			{
				json: { resource: 'product', operation: 'import', method: 'PUT', endpoint: '/import/products', queued: true, records: 2, batch: 1, batches: 1 },
				pairedItem: [{ item: 0 }, { item: 1 }],
			},
		]);
		await api.callbacksSettled();
		expect([...api.products.keys()]).toEqual(['p1', 'p2']);
	});

	it('Import from a list field: batches across input items under Batch Size, paced 1.5 s a request', async () => {
		const input = [{ data: { products: [product('a'), product('b'), product('c')] } }, { data: { products: [product('d'), product('e')] } }];
		const output = await run({ resource: 'product', operation: 'import', recordsFrom: 'list', listField: 'data.products', options: { batchSize: 2 } }, input);
		expect(api.requests.map((request) => (request.body?.items as IDataObject[]).map((item) => item.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
		expect(api.requests.every((request) => request.method === 'PUT' && request.status === 204)).toBe(true);
		// The pace keeps to 1.5 s a request from the first one on: a late timer may shorten one gap, never the whole span.
		expect(api.requests[2].at - api.requests[0].at).toBeGreaterThanOrEqual(2 * 1500 - 50);
		expect(output.map((item) => [item.json.records, item.json.batch, item.json.batches, item.pairedItem])).toEqual([
			[2, 1, 3, [{ item: 0 }]],
			[2, 2, 3, [{ item: 0 }, { item: 1 }]],
			[1, 3, 3, [{ item: 1 }]],
		]);
	});

	it('reads prices given as text, and refuses a product without a required field, naming it and its item', async () => {
		const input = [{ products: [product('ok', { price: '12.50' })] }, { products: [product('bad', { picture: undefined })] }];
		const parameters = { resource: 'product', operation: 'import', recordsFrom: 'list', listField: 'products' };
		await expect(run(parameters, input)).rejects.toThrow('The product at position 0 of "products" in item 1 is invalid: picture is missing');
		expect(api.requests).toHaveLength(0);

		const output = await run(parameters, input, { continueOnFail: true });
		expect(output).toEqual([
			{ json: expect.objectContaining({ error: expect.stringContaining('picture is missing') }), pairedItem: { item: 1 } },
			{ json: expect.objectContaining({ records: 1 }), pairedItem: [{ item: 0 }] },
		]);
		expect(api.requests[0].body?.items).toEqual([product('ok', { price: 12.5 })]);
	});

	it('Sync Availability: one PATCH with every ID, whatever the batch size; the others go out of stock', async () => {
		await run({ resource: 'product', operation: 'import', recordsFrom: 'list', listField: 'products' }, [{ products: [product('a'), product('b'), product('c')] }]);
		const output = await run(
			{ resource: 'product', operation: 'syncAvailability', recordsFrom: 'list', listField: 'ids', options: { batchSize: 1 } },
			[{ ids: ['a', 7] }, { ids: [{ id: 'b' }] }],
		);
		const patch = api.requests[1];
		expect([patch.method, patch.path, patch.body?.items]).toEqual(['PATCH', '/import/products', ['a', '7', 'b']]);
		expect(output).toEqual([{ json: expect.objectContaining({ method: 'PATCH', records: 3, batches: 1 }), pairedItem: [{ item: 0 }, { item: 1 }] }]);
		await api.callbacksSettled();
		expect(Object.fromEntries(api.availability)).toEqual({ a: true, b: true, c: false, '7': true });
	});

	it('Sync Availability sends nothing when an item is invalid or the list is empty, as a partial list would empty the stock', async () => {
		const parameters = { resource: 'product', operation: 'syncAvailability', recordsFrom: 'list', listField: 'ids' };
		const output = await run(parameters, [{ ids: ['a'] }, { ids: [''] }], { continueOnFail: true });
		expect(output.map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 1 }, expect.stringContaining('is invalid')],
			[{ item: 0 }, 'Sync Availability marks every product it leaves out as out of stock, so nothing was sent: item 1 is invalid'],
		]);
		await expect(run(parameters, [{ ids: [] }])).rejects.toThrow('No product IDs to send');
		const empty = await run(parameters, [{ ids: [] }, { ids: [] }], { continueOnFail: true });
		expect(empty.map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 0 }, 'No product IDs to send'],
			[{ item: 1 }, 'No product IDs to send'],
		]);
		expect(api.requests).toHaveLength(0);
	});

	it('Category Overwrite over 32 MB sends nothing: an error item for each input item under Continue On Fail', async () => {
		const big = (id: string) => ({ tree: [{ id, name: 'x'.repeat(17 * 1024 * 1024) }] });
		const parameters = { resource: 'category', operation: 'import', categoryMode: 'overwrite', recordsFrom: 'list', listField: 'tree' };
		const output = await run(parameters, [big('1'), big('2')], { continueOnFail: true });
		expect(output.map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 0 }, 'The categories make a request larger than Personaclick takes (32 MB), so nothing was sent'],
			[{ item: 1 }, 'The categories make a request larger than Personaclick takes (32 MB), so nothing was sent'],
		]);
		await expect(run(parameters, [big('1'), big('2')])).rejects.toThrow('larger than Personaclick takes (32 MB)');
		expect(api.requests).toHaveLength(0);
	}, 20_000);

	it('an input item with an empty list gets an item saying nothing was sent for it; the others are sent', async () => {
		const parameters = { resource: 'product', operation: 'import', recordsFrom: 'list', listField: 'products' };
		const output = await run(parameters, [{ products: [product('a')] }, { products: [] }]);
		expect(output).toEqual([
			{
				json: { resource: 'product', operation: 'import', method: 'PUT', endpoint: '/import/products', queued: false, records: 0, reason: 'Nothing was sent for this item: its list of products is empty' },
				pairedItem: { item: 1 },
			},
			{ json: expect.objectContaining({ queued: true, records: 1 }), pairedItem: [{ item: 0 }] },
		]);
		expect(api.requests.map((request) => request.body?.items)).toEqual([[product('a')]]);
	});

	it('Mark Unavailable: DELETE with the IDs from the fields', async () => {
		const output = await run([
			{ resource: 'product', operation: 'markUnavailable', recordsFrom: 'fields', productId: 'a' },
			{ resource: 'product', operation: 'markUnavailable', recordsFrom: 'fields', productId: 'b' },
		]);
		expect(api.requests.map((request) => [request.method, request.body?.items])).toEqual([['DELETE', ['a', 'b']]]);
		expect(output[0].json).toMatchObject({ operation: 'markUnavailable', records: 2 });
		await api.callbacksSettled();
		expect(Object.fromEntries(api.availability)).toEqual({ a: false, b: false });
	});
});

describe('Personaclick node: notifying a Personaclick Trigger', () => {
	it('passes a webhook URL naming the operation and a job ID, keeps its token, and Personaclick posts the status there', async () => {
		const trigger = await receiver();
		try {
			const output = await run({ ...productFields('p1'), notifyUrl: trigger.url });
			const webhook = new URL(String(api.requests[0].body?.webhook));
			const jobId = String(output[0].json.jobId);
			expect(Object.fromEntries(webhook.searchParams)).toEqual({ token: 't0k3n-secret', operation: 'import_products', job_id: jobId });
			expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
			expect(output[0].json).toMatchObject({ jobId, callbackOperation: 'import_products' });
			await api.callbacksSettled();
			expect(trigger.received).toEqual([{ url: `${webhook.pathname}${webhook.search}`, body: '{"status":"success"}' }]);
		} finally {
			await trigger.close();
		}
	});

	it('the callback, delivered to a Personaclick Trigger, becomes an item carrying the job ID the node emitted', async () => {
		const trigger = await receiver();
		try {
			const [sent] = await run({ ...productFields('p1'), notifyUrl: trigger.url });
			await api.callbacksSettled();
			const [callback] = trigger.received;
			const query = Object.fromEntries(new URL(callback.url, 'http://127.0.0.1').searchParams);
			const setup = {
				parameters: { authentication: 'sharedSecret' },
				credentials: { webhookSharedSecretApi: { secret: 't0k3n-secret', location: 'query', name: 'token' } },
				staticData: {},
			};
			const result = await deliver(new PersonaclickTrigger(), setup, { rawBody: callback.body, query });
			expect(result.items).toEqual([
				{
					status: 'success',
					operation: 'import_products',
					job_id: sent.json.jobId,
					eventName: 'import_products',
					eventKey: `import_products|job_id=${String(sent.json.jobId)}`,
				},
			]);
		} finally {
			await trigger.close();
		}
	});

	it('gives each request its own job ID, and names import_categories for categories', async () => {
		const output = await run(
			{ resource: 'category', operation: 'import', categoryMode: 'update', recordsFrom: 'list', listField: 'c', notifyUrl: 'https://n8n.example.com/webhook/x/webhook', options: { batchSize: 1 } },
			[{ c: [{ id: '1', name: 'Bikes' }, { id: '2', name: 'Kids', parent: '1' }] }],
		);
		const urls = api.requests.map((request) => new URL(String(request.body?.webhook)));
		expect(urls.map((url) => url.searchParams.get('operation'))).toEqual(['import_categories', 'import_categories']);
		expect(urls.map((url) => url.searchParams.get('job_id'))).toEqual(output.map((item) => item.json.jobId));
		expect(new Set(output.map((item) => item.json.jobId)).size).toBe(2);
	});

	it('refuses a Notify URL that is not http(s), without showing its query', async () => {
		await expect(run({ ...productFields('p1'), notifyUrl: 'ftp://host/x?token=hidden-token' })).rejects.toThrow('The Notify URL "ftp://host/x" is not an http(s) URL');
		expect(api.requests).toHaveLength(0);
	});
});

describe('Personaclick node: Category and Audience', () => {
	it('Category Import: overwrite is one POST of the whole tree from every item, update is PUT', async () => {
		await run({ resource: 'category', operation: 'import', categoryMode: 'overwrite', recordsFrom: 'list', listField: 'tree', options: { batchSize: 1 } }, [
			{ tree: [{ id: '1', name: 'Bikes', parent: null, url: 'https://shop.example.com/c/1' }] },
			{ tree: [{ id: 2, name: 'Kids', parent: 1 }] },
		]);
		await run({
			resource: 'category',
			operation: 'import',
			categoryMode: 'update',
			recordsFrom: 'fields',
			categoryId: '3',
			categoryName: 'Helmets',
			categoryFields: { parent: '1', alias: 'bikes/helmets' },
		});
		expect(api.requests.map((request) => [request.method, request.path, request.body?.categories])).toEqual([
			[
				'POST',
				'/import/categories',
				[
					{ id: '1', name: 'Bikes', parent: null, url: 'https://shop.example.com/c/1' },
					{ id: '2', name: 'Kids', parent: '1' },
				],
			],
			['PUT', '/import/categories', [{ id: '3', name: 'Helmets', parent: '1', alias: 'bikes/helmets' }]],
		]);
		await api.callbacksSettled();
		expect([...api.categories.keys()]).toEqual(['1', '2', '3']);
	});

	it('Audience Import into a static segment sends segment_id; into the general list, none', async () => {
		await run({
			resource: 'audience',
			operation: 'import',
			audienceTarget: 'segment',
			segment: segment('101'),
			recordsFrom: 'fields',
			contactEmail: 'ann@example.com',
			contactFields: { first_name: 'Ann', gender: 'f', otherFields: '{"email_bulk":true}' },
		});
		await run({ resource: 'audience', operation: 'import', audienceTarget: 'all', recordsFrom: 'list', listField: 'people' }, [
			{ people: [{ phone: '+15550002222' }, { email: 'bob@example.com', loyalty_id: 'L9' }] },
		]);
		expect(api.requests.map((request) => [request.method, request.path, request.body])).toEqual([
			['POST', '/import/audience', { shop_id: api.shopId, shop_secret: api.shopSecret, segment_id: '101', audience: [{ email: 'ann@example.com', first_name: 'Ann', gender: 'f', email_bulk: true }] }],
			['POST', '/import/audience', { shop_id: api.shopId, shop_secret: api.shopSecret, audience: [{ phone: '+15550002222' }, { email: 'bob@example.com', loyalty_id: 'L9' }] }],
		]);
		expect(api.segments.find((s) => s.id === '101')?.members.has('ann@example.com')).toBe(true);
	});

	it('Audience Import refuses a contact with neither email nor phone', async () => {
		await expect(run({ resource: 'audience', operation: 'import', audienceTarget: 'all', recordsFrom: 'list', listField: 'p' }, [{ p: [{ first_name: 'X' }] }])).rejects.toThrow(
			'needs an email or a phone',
		);
	});

	it('Import Suppressed: emails from a list, as {email} records', async () => {
		const output = await run({ resource: 'audience', operation: 'importSuppressed', recordsFrom: 'list', listField: 'emails' }, [{ emails: ['a@example.com', { email: 'b@example.com' }] }]);
		expect(api.requests[0].body?.audience).toEqual([{ email: 'a@example.com' }, { email: 'b@example.com' }]);
		expect(output[0].json).toMatchObject({ operation: 'importSuppressed', endpoint: '/import/suppressed', records: 2 });
		expect([...api.suppressed]).toEqual(['a@example.com', 'b@example.com']);
	});
});

describe('Personaclick node: refusals and rate limits', () => {
	it('waits out a 429 and tries again (bounded), then says what to do when it persists', async () => {
		api.failNext({ status: 429, pathPrefix: '/import/', headers: { 'retry-after': '1' } });
		const output = await run(productFields('p1'));
		expect(api.requests.map((request) => request.status)).toEqual([429, 204]);
		expect(output[0].json.queued).toBe(true);

		api.requests.length = 0;
		api.failNext({ status: 429, pathPrefix: '/import/', headers: { 'retry-after': '0' }, times: 10 });
		await expect(run(productFields('p1'))).rejects.toThrow('Personaclick is rate-limiting this shop (HTTP 429) while trying to import products');
		expect(api.requests).toHaveLength(4);
	});

	it('keeps under the mock’s own 40-a-minute window: a request over the limit is retried once the window allows', async () => {
		await api.stop();
		api = await startPersonaclickMock({ rateLimit: 1, rateWindowMs: 2500 });
		credential = { type: new PersonaclickApi(), data: api.credentialData() };
		const output = await run({ resource: 'product', operation: 'import', recordsFrom: 'list', listField: 'p', options: { batchSize: 1 } }, [{ p: [product('a'), product('b')] }]);
		expect(api.requests.map((request) => request.status)).toEqual([204, 429, 204]);
		expect(output.map((item) => item.json.batch)).toEqual([1, 2]);
	}, 20_000);

	it('a refused request gives an error item for each of its input items under Continue On Fail, with no secret in them', async () => {
		credential.data.shopSecret = 'wrong-secret-value-123';
		const output = await run([productFields('p1'), productFields('p2'), productFields('p3')], undefined, { continueOnFail: true });
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of output) {
			expect(item.json).toMatchObject({ error: 'Personaclick refused to import products (HTTP 400)', status: 400 });
			expect(String(item.json.description)).toMatch(/shop ID or shop secret is wrong/);
		}
		// The mock quotes the secret it was sent; the node redacts it, keeping the rest of the answer.
		expect(output[0].json.body).toEqual({ message: expect.stringContaining(`Invalid shop_id or shop_secret: ${api.shopId} / `) });
		expect(JSON.stringify(output)).not.toContain('wrong-secret-value-123');
		await expect(run(productFields('p1'))).rejects.toThrow('Personaclick refused to import products (HTTP 400)');
	});

	it('a 404 on an import points at the Base URL, not at a segment', async () => {
		api.failNext({ status: 404, pathPrefix: '/import/' });
		const output = await run(productFields('p1'), undefined, { continueOnFail: true });
		expect(output[0].json).toMatchObject({ error: 'Personaclick found nothing to import products (HTTP 404)', status: 404 });
		expect(String(output[0].json.description)).toMatch(/Check the Base URL in the credential \(http:\/\/127\.0\.0\.1:\d+\)/);
		expect(String(output[0].json.description)).not.toMatch(/segment/i);
	});

	it('a token in the Notify URL never reaches an error', async () => {
		api.failNext({ status: 500, pathPrefix: '/import/', body: { message: 'could not queue https://n8n.example.com/x?token=very-secret-token' } });
		const output = await run({ ...productFields('p1'), notifyUrl: 'https://n8n.example.com/x?token=very-secret-token' }, undefined, { continueOnFail: true });
		expect(output[0].json.error).toBe('Personaclick had a server error (HTTP 500) while trying to import products');
		expect(JSON.stringify(output)).not.toContain('very-secret-token');
	});
});

describe('Personaclick node: Segment', () => {
	it('Add Contact and Remove Contact send a form-encoded body, as documented', async () => {
		const added = await run({ resource: 'segment', operation: 'addContact', segment: segment('101'), contactBy: 'email', email: 'new@example.com' });
		const removed = await run({ resource: 'segment', operation: 'removeContact', segment: segment('102'), contactBy: 'phone', phone: '+15550001111' });
		expect(api.requests.map((request) => [request.method, request.path, request.contentType, request.body])).toEqual([
			['POST', '/segments/add', 'application/x-www-form-urlencoded', { shop_id: api.shopId, shop_secret: api.shopSecret, segment_id: '101', email: 'new@example.com' }],
			['POST', '/segments/remove', 'application/x-www-form-urlencoded', { shop_id: api.shopId, shop_secret: api.shopSecret, segment_id: '102', phone: '+15550001111' }],
		]);
		expect(added).toEqual([{ json: { segmentId: '101', email: 'new@example.com', added: true }, pairedItem: { item: 0 } }]);
		expect(removed[0].json).toEqual({ segmentId: '102', phone: '+15550001111', removed: true });
		expect(api.segments.find((s) => s.id === '102')?.members.has('+15550001111')).toBe(false);
	});

	it('Get Many lists segments with IDs as text, filtered by type and limit; the dropdown offers static ones', async () => {
		const all = await run({ resource: 'segment', operation: 'getAll', returnAll: true, segmentType: 'all' });
		expect(all.map((item) => item.json)).toEqual([
			{ id: '101', type: 'static' },
			{ id: '102', type: 'static' },
			{ id: '201', type: 'dynamic' },
		]);
		const dynamic = await run({ resource: 'segment', operation: 'getAll', returnAll: false, limit: 5, segmentType: 'dynamic' });
		expect(dynamic.map((item) => item.json.id)).toEqual(['201']);
		const context = loadOptionsContext({ parameters: { resource: 'segment', operation: 'addContact' }, credentials: { personaclickApi: credential } }, node);
		const list = await node.methods.listSearch.searchStaticSegments.call(context);
		expect(list.results).toEqual([
			{ name: '101 (static)', value: '101' },
			{ name: '102 (static)', value: '102' },
		]);
		expect(api.requests.every((request) => request.method === 'GET' && request.query.shop_secret === api.shopSecret)).toBe(true);
	});

	it('Check Contact answers whether the contact is in the segment', async () => {
		const output = await run([
			{ resource: 'segment', operation: 'checkContact', segment: segment('102'), contactBy: 'email', email: 'known@example.com' },
			{ resource: 'segment', operation: 'checkContact', segment: segment('102'), contactBy: 'email', email: 'stranger@example.com' },
		]);
		expect(output.map((item) => item.json.included)).toEqual([true, false]);
		expect(api.requests[0].query).toEqual({ shop_id: api.shopId, shop_secret: api.shopSecret, segment_id: '102', email: 'known@example.com' });
	});

	it('says what to do for an unknown segment (404) and a dynamic one (403), per item under Continue On Fail', async () => {
		const output = await run(
			[
				{ resource: 'segment', operation: 'addContact', segment: segment('999'), contactBy: 'email', email: 'a@example.com' },
				{ resource: 'segment', operation: 'addContact', segment: segment('201'), contactBy: 'email', email: 'a@example.com' },
				{ resource: 'segment', operation: 'addContact', segment: segment('101'), contactBy: 'email', email: 'a@example.com' },
			],
			undefined,
			{ continueOnFail: true },
		);
		expect(output.map((item) => [item.json.error ?? 'ok', item.json.status, item.pairedItem])).toEqual([
			['Personaclick found nothing to add a contact to segment 999 (HTTP 404)', 404, { item: 0 }],
			['Personaclick refused to add a contact to segment 201 (HTTP 403)', 403, { item: 1 }],
			['ok', undefined, { item: 2 }],
		]);
		expect(output[0].json.description).toMatch(/Segment 999 may not exist in this shop: pick it from the list/);
	});
});
