import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';

import { personaclickItemSchema } from '../../nodes/Personaclick/events';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { basicAuthHeader, deliver, type NodeSetup } from '../helpers/webhook';

const FIXTURES = join(__dirname, '../fixtures/personaclick');
const SECRET = 'pc-secret-5f1c9a7e2b';
const node = new PersonaclickTrigger();

const withToken = (extra: IDataObject = {}): NodeSetup => ({
	parameters: { authentication: 'sharedSecret', ...extra },
	credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'query', name: 'token' } },
	staticData: {},
});

const tokenQuery = { token: SECRET };

describe('Personaclick Trigger: the seed examples', () => {
	const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.json'));

	it('has all eleven seed examples as fixtures', () => {
		expect(files).toHaveLength(11);
	});

	it.each(files)('%s answers 200 and emits the documented item', async (file) => {
		const rawBody = readFileSync(join(FIXTURES, file), 'utf8');
		const sent = JSON.parse(rawBody) as IDataObject;
		const result = await deliver(node, withToken(), { rawBody, query: tokenQuery });

		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({ success: true, received: 1, emitted: 1, rejected: [] });
		expect(result.items).toHaveLength(1);
		const item = result.items![0];
		// The vendor's fields under their own names, unchanged (the seed's ids are already strings).
		expect(item).toMatchObject(sent);
		expect(item.eventName).toBe(sent.operation);
		const ids = ['task_id', 'segment_id', 'item_id', 'bulk_campaign_id']
			.filter((field) => sent[field] !== undefined)
			.map((field) => `${field}=${sent[field]}`);
		expect(item.eventKey).toBe([sent.operation, sent.status, ...ids].join('|'));
	});

	it('gives the exact item for a failed product import, which has no task id', async () => {
		const rawBody = readFileSync(join(FIXTURES, 'import_products.error.json'), 'utf8');
		const { items } = await deliver(node, withToken(), { rawBody, query: tokenQuery });
		expect(items).toEqual([
			{
				status: 'error',
				message: "Product ID 100500 doesn't have a picture link.",
				item_id: '100500',
				operation: 'import_products',
				eventName: 'import_products',
				eventKey: 'import_products|error|item_id=100500',
			},
		]);
	});
});

describe('Personaclick Trigger: normalising', () => {
	it('accepts the prose spelling "succes" and emits "success"', async () => {
		const result = await deliver(node, withToken(), {
			body: { status: 'succes', task_id: '7', operation: 'import_products' },
			query: tokenQuery,
		});
		expect(result.status).toBe(200);
		expect(result.items?.[0]).toMatchObject({ status: 'success', eventKey: 'import_products|success|task_id=7' });
	});

	it('emits numeric ids as strings, so "100500" and 100500 are the same event', async () => {
		const setup = withToken();
		const first = await deliver(node, setup, {
			body: { status: 'success', segment_id: 100500, task_id: 12345, operation: 'import_segment' },
			query: tokenQuery,
		});
		expect(first.items?.[0]).toMatchObject({ segment_id: '100500', task_id: '12345' });

		const again = await deliver(node, setup, {
			body: { status: 'success', segment_id: '100500', task_id: '12345', operation: 'import_segment' },
			query: tokenQuery,
		});
		expect(again.status).toBe(200);
		expect(again.items).toBeUndefined();
		expect(again.body).toMatchObject({ success: true, emitted: 0, duplicates: 1 });
	});

	it('keeps fields it does not know', async () => {
		const { items } = await deliver(node, withToken(), {
			body: { status: 'success', bulk_campaign_id: '9', operation: 'bulk_campaign', shop_id: 'abc', extra: { a: 1 } },
			query: tokenQuery,
		});
		expect(items?.[0]).toMatchObject({ shop_id: 'abc', extra: { a: 1 } });
	});
});

describe('Personaclick Trigger: rejections', () => {
	const valid = { status: 'success', task_id: '1', operation: 'import_products' };

	it('answers 401 and starts no execution when the token is wrong', async () => {
		const result = await deliver(node, withToken(), { body: valid, query: { token: 'wrong' } });
		expect(result.status).toBe(401);
		expect(result.items).toBeUndefined();
		expect(result.body).toEqual({ success: false, error: 'Unauthorized' });
	});

	it('answers 401 when the token is missing, and logs why without the secret', async () => {
		const result = await deliver(node, withToken(), { body: valid });
		expect(result.status).toBe(401);
		expect(result.logs.map((entry) => entry.message).join('\n')).toMatch(/query parameter "token" is missing/);
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});

	it('answers 401 with a Basic challenge and starts nothing when the password is wrong', async () => {
		const setup: NodeSetup = {
			parameters: { authentication: 'basicAuth' },
			credentials: { webhookBasicAuthApi: { user: 'personaclick', password: 'correct-horse-battery' } },
		};
		const wrong = await deliver(node, setup, {
			body: valid,
			headers: { authorization: basicAuthHeader('personaclick', 'nope') },
		});
		expect(wrong.status).toBe(401);
		expect(wrong.headers['www-authenticate']).toBe('Basic realm="Personaclick webhook", charset="UTF-8"');
		expect(wrong.items).toBeUndefined();

		const right = await deliver(node, setup, {
			body: valid,
			headers: { authorization: basicAuthHeader('personaclick', 'correct-horse-battery') },
		});
		expect(right.status).toBe(200);
		expect(right.items).toHaveLength(1);
	});

	it('offers the REES46 subnet as the IP allowlist preset', async () => {
		const allowedIps = node.description.properties.find((property) => property.name === 'allowedIps');
		expect(allowedIps?.default).toBe('194.104.230.0/24');
		const setup: NodeSetup = { parameters: { authentication: 'ipAllowlist', allowedIps: '194.104.230.0/24' } };

		const inside = await deliver(node, setup, { body: valid, remoteAddress: '::ffff:194.104.230.17' });
		expect(inside.status).toBe(200);
		const outside = await deliver(node, setup, { body: valid, remoteAddress: '198.51.100.4' });
		expect(outside.status).toBe(403);
		expect(outside.items).toBeUndefined();
	});

	it('answers 400 with the reason for a body that is not JSON', async () => {
		const result = await deliver(node, withToken(), { rawBody: '{"status": "success",', query: tokenQuery });
		expect(result.status).toBe(400);
		expect((result.body as IDataObject).error).toMatch(/^Cannot read the delivery: the body is not valid JSON/);
		expect(result.items).toBeUndefined();
	});

	it('answers 400 naming the ids for an operation it does not list that carries none', async () => {
		const result = await deliver(node, withToken(), {
			body: { status: 'success', operation: 'import_orders', order_id: '1' },
			query: tokenQuery,
		});
		expect(result.status).toBe(400);
		expect(result.items).toBeUndefined();
		expect((result.body as IDataObject).rejected).toEqual([
			{
				index: 0,
				errors: [
					'task_id or segment_id or item_id or bulk_campaign_id: Required (one of them) for operation import_orders with status success, a pair this package does not list',
				],
			},
		]);
	});

	it.each([
		[{ status: 'success', operation: 'import_products' }, 'task_id'],
		[{ status: 'error', message: 'x', operation: 'import_products' }, 'item_id'],
		[{ status: 'success', task_id: '1', operation: 'import_segment' }, 'segment_id'],
		[{ status: 'failed', operation: 'segment_recalculated_rfm' }, 'segment_id'],
		[{ status: 'spam', operation: 'bulk_campaign' }, 'bulk_campaign_id'],
	])('answers 400 when %j lacks %s', async (body, field) => {
		const result = await deliver(node, withToken(), { body, query: tokenQuery });
		expect(result.status).toBe(400);
		expect((result.body as IDataObject).rejected).toEqual([{ index: 0, errors: [expect.stringContaining(`${field}: Required`)] }]);
	});

	it('rejects an empty id, an empty or missing operation or status, and one that is not text', async () => {
		const result = await deliver(node, withToken(), {
			body: [
				{ status: 'success', task_id: '', operation: 'import_products' },
				{ status: '', segment_id: '1', operation: 'segment_recalculated_dynamic' },
				{ status: 'success', segment_id: '1', operation: '' },
				{ segment_id: '1', operation: 'segment_recalculated_dynamic' },
				{ status: 'success', segment_id: '1' },
				{ status: 3, segment_id: '1', operation: 'segment_recalculated_dynamic' },
				{ status: 'success', segment_id: '1', operation: ['segment_recalculated_dynamic'] },
			],
			query: tokenQuery,
		});
		expect(result.status).toBe(400);
		expect(result.items).toBeUndefined();
		expect((result.body as IDataObject).rejected).toHaveLength(7);
	});

	it('still delivers the good events of a batch with one bad event', async () => {
		const result = await deliver(node, withToken(), {
			body: [valid, { status: 'success', operation: 'bulk_campaign' }, { ...valid, task_id: '2' }],
			query: tokenQuery,
		});
		expect(result.status).toBe(200);
		expect(result.items?.map((item) => item.task_id)).toEqual(['1', '2']);
		expect(result.body).toMatchObject({ received: 3, emitted: 2, rejected: [{ index: 1 }] });
	});
});

describe('Personaclick Trigger: operations and statuses it does not list', () => {
	const warnings = (logs: Array<{ level: string; message: string }>) =>
		logs.filter(({ level, message }) => level === 'warn' && message.includes('does not list')).map(({ message }) => message);

	it('emits an operation it does not list as sent, every field kept, when it carries an id', async () => {
		const event = { status: 'success', operation: 'import_orders_v2', task_id: 31, shop_id: 'abc', report: { rows: 12 } };
		const result = await deliver(node, withToken(), { body: event, query: tokenQuery });
		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({ success: true, received: 1, emitted: 1, rejected: [] });
		expect(result.items).toEqual([
			{ ...event, task_id: '31', eventName: 'import_orders_v2', eventKey: 'import_orders_v2|success|task_id=31' },
		]);
		// The output schema lists the documented operations and accepts others.
		expect(personaclickItemSchema.safeParse(result.items![0]).success).toBe(true);
	});

	it('emits a status it does not list with any id the operation carries', async () => {
		const result = await deliver(node, withToken(), {
			body: [
				{ status: 'partial', operation: 'import_products', item_id: '7', message: 'some rows skipped' },
				{ status: 'cancelled', operation: 'bulk_campaign', bulk_campaign_id: 9 },
			],
			query: tokenQuery,
		});
		expect(result.status).toBe(200);
		expect(result.items?.map((item) => item.eventKey)).toEqual(['import_products|partial|item_id=7', 'bulk_campaign|cancelled|bulk_campaign_id=9']);
	});

	it('refuses a status it does not list without an id its operation carries', async () => {
		const result = await deliver(node, withToken(), {
			body: { status: 'cancelled', operation: 'bulk_campaign', task_id: '4' },
			query: tokenQuery,
		});
		expect(result.status).toBe(400);
		expect((result.body as IDataObject).rejected).toEqual([
			{ index: 0, errors: [expect.stringMatching(/^bulk_campaign_id: Required \(one of them\) for operation bulk_campaign with status cancelled/)] },
		]);
	});

	it('logs each unlisted operation and status once per process, and nothing for "succes"', async () => {
		const setup = withToken();
		const first = await deliver(node, setup, {
			body: [
				{ status: 'queued', operation: 'export_feed', task_id: 'a1' },
				{ status: 'queued', operation: 'export_feed', task_id: 'a2' },
				{ status: 'succes', operation: 'import_products', task_id: 'a3' },
			],
			query: tokenQuery,
		});
		expect(first.items).toHaveLength(3);
		expect(warnings(first.logs)).toEqual([
			'Personaclick sent operation "export_feed", a value this package does not list; the event is emitted with it as sent',
			'Personaclick sent status "queued", a value this package does not list; the event is emitted with it as sent',
		]);
		const again = await deliver(node, setup, { body: { status: 'queued', operation: 'export_feed', task_id: 'a4' }, query: tokenQuery });
		expect(again.items).toHaveLength(1);
		expect(warnings(again.logs)).toEqual([]);
	});

	it('leaves an unlisted value out when a filter names others: 200, counted as ignored', async () => {
		const setup = withToken({ operations: ['bulk_campaign'], statuses: ['success'] });
		const result = await deliver(node, setup, {
			body: [
				{ status: 'success', operation: 'export_feed', task_id: 'b1' },
				{ status: 'queued', operation: 'bulk_campaign', bulk_campaign_id: 'b2' },
				{ status: 'success', operation: 'bulk_campaign', bulk_campaign_id: 'b3' },
			],
			query: tokenQuery,
		});
		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({ success: true, received: 3, emitted: 1, ignored: 2, rejected: [] });
		expect(result.items?.map((item) => item.bulk_campaign_id)).toEqual(['b3']);
	});

	it('lets an unlisted value through when the filter is empty', async () => {
		const result = await deliver(node, withToken({ operations: [], statuses: [] }), {
			body: { status: 'queued', operation: 'export_feed', task_id: 'c1' },
			query: tokenQuery,
		});
		expect(result.items).toHaveLength(1);
	});
});

describe('Personaclick Trigger: filters and duplicates', () => {
	const campaign = { status: 'spam', bulk_campaign_id: '5', operation: 'bulk_campaign' };
	const segment = { status: 'failed', segment_id: '8', operation: 'segment_recalculated_rfm' };

	it('emits only the operations and statuses picked, and answers 200 for the rest', async () => {
		const setup = withToken({ operations: ['bulk_campaign'], statuses: ['spam', 'failed'] });
		const picked = await deliver(node, setup, { body: [campaign, segment], query: tokenQuery });
		expect(picked.items?.map((item) => item.operation)).toEqual(['bulk_campaign']);
		expect(picked.body).toMatchObject({ emitted: 1, ignored: 1 });

		const none = await deliver(node, setup, { body: segment, query: tokenQuery });
		expect(none.status).toBe(200);
		expect(none.items).toBeUndefined();
	});

	it('does not emit a repeat delivery again when answering immediately', async () => {
		const setup = withToken();
		expect((await deliver(node, setup, { body: campaign, query: tokenQuery })).items).toHaveLength(1);
		const repeat = await deliver(node, setup, { body: campaign, query: tokenQuery });
		expect(repeat.status).toBe(200);
		expect(repeat.items).toBeUndefined();
		expect(repeat.body).toMatchObject({ success: true, duplicates: 1 });
	});

	it('runs a redelivery again when answering after the workflow, so a failed run is not lost', async () => {
		const setup = withToken({ responseMode: 'lastNode' });
		const first = await deliver(node, setup, { body: campaign, query: tokenQuery });
		const again = await deliver(node, setup, { body: campaign, query: tokenQuery });
		// n8n answers these when the workflow ends.
		expect(first.status).toBeUndefined();
		expect(again.items).toHaveLength(1);
	});

	it('adds request metadata on request, without the token', async () => {
		const result = await deliver(node, withToken({ options: { includeRequestMetadata: true } }), {
			body: campaign,
			query: { ...tokenQuery, source: 'pc' },
			headers: { 'user-agent': 'Personaclick', authorization: 'Bearer x' },
		});
		const metadata = result.items?.[0].requestMetadata as IDataObject;
		expect(metadata.query).toEqual({ source: 'pc' });
		expect(metadata.headers).toMatchObject({ 'user-agent': 'Personaclick' });
		expect((metadata.headers as IDataObject).authorization).toBeUndefined();
		expect(metadata.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(JSON.stringify(result.items)).not.toContain(SECRET);
	});
});

describe('Personaclick Trigger: registration', () => {
	it('has nothing to register: the lifecycle reports success', async () => {
		const methods = node.webhookMethods.default;
		const context = {} as never;
		await expect(methods.checkExists.call(context)).resolves.toBe(true);
		await expect(methods.create.call(context)).resolves.toBe(true);
		await expect(methods.delete.call(context)).resolves.toBe(true);
	});
});

describe('Personaclick Trigger: the callback of a Personaclick node’s Notify URL', () => {
	const job = 'a1b2c3d4-0000-4000-8000-00000000abcd';
	const callbackQuery = (operation = 'import_products') => ({ ...tokenQuery, operation, job_id: job });

	it('takes the operation and the job ID from the URL when the body has only a status, and keys the event by the job', async () => {
		const result = await deliver(node, withToken(), { rawBody: '{"status":"success"}', query: callbackQuery() });
		expect(result.status).toBe(200);
		expect(result.items).toEqual([
			{ status: 'success', operation: 'import_products', job_id: job, eventName: 'import_products', eventKey: `import_products|job_id=${job}` },
		]);
	});

	it('emits a failed job with its message, for categories too', async () => {
		const result = await deliver(node, withToken(), { body: { status: 'error', message: 'Category 7 has no name' }, query: callbackQuery('import_categories') });
		expect(result.items).toEqual([
			expect.objectContaining({ status: 'error', message: 'Category 7 has no name', operation: 'import_categories', job_id: job, eventName: 'import_categories' }),
		]);
		expect(result.logs.filter((log) => log.message.includes('import_categories'))).toEqual([]);
	});

	it('drops a resend of the same job’s callback', async () => {
		const setup = withToken();
		expect((await deliver(node, setup, { body: { status: 'success' }, query: callbackQuery() })).items).toHaveLength(1);
		const again = await deliver(node, setup, { body: { status: 'success' }, query: callbackQuery() });
		expect(again.items).toBeUndefined();
		expect(again.body).toMatchObject({ success: true, duplicates: 1 });
	});

	it('keeps what the body says over the URL', async () => {
		const result = await deliver(node, withToken(), { body: { status: 'success', operation: 'import_segment', task_id: 9, segment_id: 3 }, query: callbackQuery() });
		expect(result.items?.[0]).toMatchObject({ operation: 'import_segment', task_id: '9', segment_id: '3', job_id: job });
	});

	it('applies the Operations filter to the operation the URL names', async () => {
		const result = await deliver(node, withToken({ operations: ['import_segment'] }), { body: { status: 'success' }, query: callbackQuery() });
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		expect(result.body).toMatchObject({ ignored: 1 });
	});

	it('still refuses a bare status without the URL’s job ID, and still checks the token', async () => {
		const bare = await deliver(node, withToken(), { body: { status: 'success' }, query: { ...tokenQuery, operation: 'import_products' } });
		expect(bare.status).toBe(400);
		const noToken = await deliver(node, withToken(), { body: { status: 'success' }, query: { operation: 'import_products', job_id: job } });
		expect(noToken.status).toBe(401);
		expect(noToken.items).toBeUndefined();
	});
});
