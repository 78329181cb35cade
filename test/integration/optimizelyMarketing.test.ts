/**
 * The Optimizely Campaign node's recipient, unsubscribe, blocklist, transactional mail and smart campaign
 * operations against the local mock API, over real HTTP: the requests the API received, the items n8n
 * emits, the documented refusals as a user sees them, and Continue On Fail.
 */
import { createServer, type IncomingHttpHeaders } from 'http';
import type { AddressInfo } from 'net';
import { NodeApiError, type IDataObject } from 'n8n-workflow';

import { searchSmartCampaigns } from '../../nodes/OptimizelyCampaign/actions';
import { OptimizelyCampaign } from '../../nodes/OptimizelyCampaign/OptimizelyCampaign.node';
import { loadOptionsContext } from '../helpers/execute';
import { action, actionRunner, useOptimizelyMock } from './optimizelySetup';

const node = new OptimizelyCampaign();
const mock = useOptimizelyMock();

const LIST = '200000001';
const MAILING = '400000001';
const attributes = (pairs: Record<string, string>) => ({ attribute: Object.entries(pairs).map(([name, value]) => ({ name, value })) });

const { run, failure } = actionRunner(node, mock);

const recipient = (operation: string, extra: IDataObject = {}): IDataObject => ({
	resource: 'recipient',
	operation,
	recipientListId: LIST,
	recipientId: 'ann@example.com',
	...extra,
});
const calls = () => mock.requests.map((request) => `${request.method} ${request.path} ${request.status}`);

describe('Recipient: Add', () => {
	it('posts a form with the recipient, address and data.<field> attributes, and emits the created recipient', async () => {
		const { items, setup } = await run(
			recipient('add', { attributes: attributes({ firstname: 'Ann', lastname: 'Lee' }), options: { address: 'ann.lee@example.com' } }),
		);
		const sent = setup.log[0];
		expect(sent.method).toBe('POST');
		expect(sent.url).toBe(`${mock.baseUrl}/${mock.clientId}/recipients/${LIST}`);
		expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
		expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({
			recipientId: 'ann@example.com',
			address: 'ann.lee@example.com',
			'data.firstname': 'Ann',
			'data.lastname': 'Lee',
		});
		expect(items).toEqual([expect.objectContaining({ id: 'ann@example.com', recipientListId: LIST, pendingOptIn: false, created: expect.any(String) })]);
		expect(mock.recipients(LIST)[0]).toMatchObject({ address: 'ann.lee@example.com', data: { firstname: 'Ann', lastname: 'Lee' } });
	});

	it('a double opt-in answers 202: the item says the recipient is pending and carries the opt-in mail ID', async () => {
		const { items } = await run(recipient('add', { options: { optinProcessId: '300000003', returnOptInMailId: true } }));
		expect(mock.requests[0]).toMatchObject({ status: 202, form: { optinProcessId: '300000003', returnOptInMailId: 'true' } });
		expect(items[0]).toMatchObject({ id: 'ann@example.com', pendingOptIn: true, optInMailId: expect.any(String) });
		const hidden = await failure(recipient('get'));
		expect(hidden.message).toBe(
			`Recipient ann@example.com was not found in recipient list ${LIST}: check both IDs; a recipient added with a double opt-in appears only once confirmed`,
		);
	});

	it('409, already in the list: says so and points to Update', async () => {
		mock.seedRecipient(LIST, { id: 'ann@example.com' });
		const error = await failure(recipient('add'));
		expect(error.message).toBe(
			`Recipient ann@example.com cannot be added to recipient list ${LIST}: it is already in the list; use Recipient > Update to change its attributes`,
		);
		expect(error.context.status).toBe(409);
	});

	it('409, blocklisted, unsubscribed or over the bounce limit: names the cause and says Update cannot help', async () => {
		mock.blocklist.push({ pattern: '*@blocked.example.com', created: '' });
		mock.unsubscribes.add('gone@example.com|EMAIL|');
		mock.bounces.set('bouncy@example.com', 5);
		const messages = [];
		for (const id of ['x@blocked.example.com', 'gone@example.com', 'bouncy@example.com']) messages.push((await failure(recipient('add', { recipientId: id }))).message);
		expect(messages).toEqual([
			`Recipient x@blocked.example.com cannot be added to recipient list ${LIST}: it is on the blocklist; Update cannot help; remove the blocklist entry in Optimizely Campaign first if the address may be mailed again`,
			`Recipient gone@example.com cannot be added to recipient list ${LIST}: it has unsubscribed; Update cannot help; only if the recipient asked to be subscribed again, remove the unsubscribe (Unsubscribe > Remove) and add again`,
			`Recipient bouncy@example.com cannot be added to recipient list ${LIST}: it has exceeded the bounce limit; Update cannot help; check the address`,
		]);
	});

	it('409 without a cause the node can read: lists the four causes and when Update helps', async () => {
		mock.inject({ fault: { kind: 'status', status: 409, body: {} } });
		const error = await failure(recipient('add'));
		expect(error.message).toBe(
			`Recipient ann@example.com cannot be added to recipient list ${LIST}: it is on the blocklist, over the bounce limit, unsubscribed, or already in the list; if it is already in the list, use Recipient > Update, otherwise Update cannot help`,
		);
	});

	it('checks the IDs and attribute names before calling the API', async () => {
		expect((await failure(recipient('add', { recipientListId: 'newsletter' }))).message).toBe('The recipient list ID must be a number, not "newsletter"');
		expect((await failure(recipient('add', { recipientId: ' ' }))).message).toBe('Enter the recipient ID');
		expect((await failure(recipient('add', { attributes: { attribute: [{ name: '', value: 'x' }] } }))).message).toBe(
			'Every attribute needs a name: the internal name of a recipient list field',
		);
		expect(mock.requests).toHaveLength(0);
	});

	it('429: waits and tries again, then adds', async () => {
		mock.inject({ fault: { kind: 'status', status: 429, retryAfter: '0' }, path: /^\/recipients\// });
		const { items } = await run(recipient('add'));
		expect(items[0]).toMatchObject({ id: 'ann@example.com' });
		expect(mock.requests.map((request) => request.status)).toEqual([429, 201]);
	});
});

describe('Recipient: Add Many', () => {
	const many = (ids: string[], extra: IDataObject = {}) => ids.map((id) => recipient('addMany', { recipientId: id, attributes: attributes({ source: 'n8n' }), ...extra }));

	it('sends the items in one JSON call and emits the count and the IDs that failed, paired with every item', async () => {
		mock.seedRecipient(LIST, { id: 'b@example.com' });
		const { items, paired, setup } = await run(many(['a@example.com', 'b@example.com', 'c@example.com']));
		expect(setup.log).toHaveLength(1);
		expect(setup.log[0].method).toBe('PUT');
		expect(setup.log[0].url).toBe(`${mock.baseUrl}/${mock.clientId}/recipients/${LIST}`);
		expect(setup.log[0].headers['content-type']).toBe('application/json');
		expect(JSON.parse(setup.log[0].body)).toEqual({
			recipients: ['a@example.com', 'b@example.com', 'c@example.com'].map((id) => ({ id, data: { source: 'n8n' } })),
		});
		expect(items).toEqual([
			{ count: 2, failedIds: ['b@example.com'], recipientListId: LIST, recipientIds: ['a@example.com', 'b@example.com', 'c@example.com'] },
		]);
		expect(paired).toEqual([[{ item: 0 }, { item: 1 }, { item: 2 }]]);
		expect(mock.recipients(LIST).map((entry) => entry.id).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
	});

	it('splits into calls of Batch Size', async () => {
		const { items } = await run(many(['a@x.com', 'b@x.com', 'c@x.com'], { options: { batchSize: 2 } }));
		expect(mock.requests.map((request) => (request.json as { recipients: unknown[] }).recipients.length)).toEqual([2, 1]);
		expect(items.map((item) => item.count)).toEqual([2, 1]);
	});

	it('409, an opt-in process not suitable for bulk: with Continue On Fail, one error item per input item', async () => {
		const { items, paired } = await run(many(['a@x.com', 'b@x.com'], { options: { optinProcessId: '300000003' } }), { continueOnFail: true });
		expect(mock.requests[0].json).toMatchObject({ optinProcessId: 300000003 });
		expect(items).toHaveLength(2);
		for (const item of items) {
			expect(item).toMatchObject({
				error: 'Opt-in process 300000003 is not suitable for adding recipients in bulk: choose another one, or leave Opt-In Process ID empty',
				status: 409,
			});
		}
		expect(paired).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('an item with a bad list ID fails alone; the others are still added', async () => {
		const items = [recipient('addMany', { recipientId: 'a@x.com' }), recipient('addMany', { recipientId: 'b@x.com', recipientListId: 'abc' })];
		const { items: out } = await run(items, { continueOnFail: true });
		expect(out).toEqual([
			{ error: 'The recipient list ID must be a number, not "abc"' },
			expect.objectContaining({ count: 1, recipientIds: ['a@x.com'] }),
		]);
	});
});

describe('Recipient: Update, Get, Delete', () => {
	beforeEach(() => {
		mock.seedRecipient(LIST, { id: 'ann@example.com', data: { firstname: 'Ann', tags: 'vip' } });
	});

	it('Update posts data.<field> with the mode, and the change is made', async () => {
		const { items } = await run(recipient('update', { attributes: attributes({ tags: ',clicked' }), mode: 'append' }));
		expect(mock.requests[0]).toMatchObject({ method: 'POST', path: `/recipients/${LIST}/ann%40example.com`, form: { 'data.tags': ',clicked', mode: 'append' } });
		expect(mock.recipients(LIST)[0].data.tags).toBe('vip,clicked');
		expect(items[0]).toMatchObject({ id: 'ann@example.com', recipientListId: LIST, mode: 'append' });
	});

	it('Update without attributes is refused before calling', async () => {
		expect((await failure(recipient('update'))).message).toBe('Add at least one attribute to update');
		expect(mock.requests).toHaveLength(0);
	});

	it('Update: 404 names the recipient and list; 409 says the list is not this client\'s', async () => {
		expect((await failure(recipient('update', { recipientId: 'nobody@example.com', attributes: attributes({ a: 'b' }) }))).message).toMatch(
			/^Recipient nobody@example\.com was not found in recipient list 200000001/,
		);
		expect((await failure(recipient('update', { recipientListId: '999', attributes: attributes({ a: 'b' }) }))).message).toBe(
			'Recipient list 999 is not assigned to this client: check the recipient list ID and the client ID in the credential',
		);
	});

	it('Get asks for the attribute names comma-separated and emits the recipient', async () => {
		const { items } = await run(recipient('get', { options: { attributeNames: 'firstname, tags', includeOptinData: true } }));
		expect(mock.requests[0].query).toEqual({ attributeNames: 'firstname,tags', includeOptinData: 'true' });
		expect(items).toEqual([expect.objectContaining({ id: 'ann@example.com', recipientListId: LIST, data: { firstname: 'Ann', tags: 'vip' } })]);
	});

	it('Delete answers 204 and emits what was deleted; a second delete names the missing recipient', async () => {
		const { items } = await run(recipient('delete'));
		expect(items).toEqual([{ id: 'ann@example.com', recipientListId: LIST, deleted: true }]);
		expect(calls()).toEqual([`DELETE /recipients/${LIST}/ann%40example.com 204`]);
		const again = await failure(recipient('delete'));
		expect(again).toBeInstanceOf(NodeApiError);
		expect(again.message).toMatch(/^Recipient ann@example\.com was not found in recipient list 200000001/);
	});
});

describe('Unsubscribe', () => {
	const unsubscribe = (operation: string, extra: IDataObject = {}): IDataObject => ({ resource: 'unsubscribe', operation, ...extra });

	it('Add by recipient IDs posts them comma-separated with the media type and list; the recipient can then not be added', async () => {
		const { items } = await run(unsubscribe('add', { recipientIds: 'ann@example.com, bob@example.com', mediaType: 'EMAIL', options: { recipientListId: LIST } }));
		expect(mock.requests[0]).toMatchObject({
			method: 'POST',
			path: '/unsubscribes',
			form: { recipientIds: 'ann@example.com,bob@example.com', mediaType: 'EMAIL', recipientListId: LIST },
		});
		expect(items).toEqual([{ successfulIds: ['ann@example.com', 'bob@example.com'], unsuccessfulIds: [], mediaType: 'EMAIL', recipientListId: LIST }]);
		expect((await failure(recipient('add'))).message).toMatch(/it has unsubscribed; Update cannot help/);
	});

	it("Add by mail IDs: the ones the API does not know come back unsuccessful; None (Optimizely's Default) sends no media type and no list", async () => {
		const sent = await run({ resource: 'transactionalMail', operation: 'send', transactionalMailId: MAILING, recipientListId: LIST, recipientId: 'ann@example.com' });
		const mailId = String(sent.items[0].mailId);
		const { items } = await run(unsubscribe('add', { unsubscribeBy: 'mailIds', mailIds: `${mailId},UNKNOWN-1`, mediaType: 'none' }));
		expect(mock.requests.at(-1)).toMatchObject({ method: 'POST', path: '/unsubscribes', form: { mailIds: `${mailId},UNKNOWN-1` } });
		expect(mock.requests.at(-1)?.form).not.toHaveProperty('mediaType');
		expect(mock.requests.at(-1)?.form).not.toHaveProperty('recipientListId');
		// The item names no media type either: the node does not claim what Optimizely applied.
		expect(items).toEqual([{ successfulIds: [mailId], unsuccessfulIds: ['UNKNOWN-1'] }]);
	});

	it('refuses more than 5,000 IDs before calling', async () => {
		const ids = Array.from({ length: 5001 }, (_, index) => `r${index}@x.com`).join(',');
		expect((await failure(unsubscribe('add', { recipientIds: ids }))).message).toBe('At most 5000 recipient IDs at a time, not 5001');
		expect(mock.requests).toHaveLength(0);
	});

	it('Remove sends a DELETE with the IDs in the query; a second one names what was not found', async () => {
		mock.unsubscribes.add('ann@example.com|EMAIL|');
		const { items } = await run(unsubscribe('remove', { recipientIds: 'ann@example.com', mediaType: 'EMAIL' }));
		expect(mock.requests[0]).toMatchObject({ method: 'DELETE', path: '/unsubscribes', query: { recipientIds: 'ann@example.com', mediaType: 'EMAIL' }, status: 204 });
		expect(items).toEqual([{ recipientIds: ['ann@example.com'], removed: true, mediaType: 'EMAIL' }]);
		const again = await failure(unsubscribe('remove', { recipientIds: 'ann@example.com', mediaType: 'EMAIL' }));
		expect(again.message).toBe(
			'No unsubscribe was found for ann@example.com with media type EMAIL: check the IDs, the media type and the recipient list the unsubscribe was made with',
		);
	});
});

describe('Blocklist', () => {
	it('Add posts the pattern and reason; Check finds an address it matches, and not another', async () => {
		const { items } = await run({ resource: 'blocklist', operation: 'add', entry: '*@spam.example.com', options: { reason: 'Spam complaint' } });
		expect(mock.requests[0]).toMatchObject({ method: 'POST', path: '/blacklistentries', form: { entry: '*@spam.example.com', reason: 'Spam complaint' }, status: 201 });
		expect(items[0]).toMatchObject({ pattern: '*@spam.example.com', reason: 'Spam complaint' });

		const hit = await run({ resource: 'blocklist', operation: 'check', address: 'joe@spam.example.com' });
		expect(mock.requests.at(-1)?.query).toEqual({ address: 'joe@spam.example.com' });
		expect(hit.items).toEqual([{ address: 'joe@spam.example.com', blacklisted: true, pattern: '*@spam.example.com' }]);
		const miss = await run({ resource: 'blocklist', operation: 'check', address: 'joe@example.com' });
		expect(miss.items).toEqual([{ address: 'joe@example.com', blacklisted: false }]);
	});

	it('explains a 400 on Add', async () => {
		mock.inject({ fault: { kind: 'status', status: 400, body: { message: 'entry is required' } } });
		const error = await failure({ resource: 'blocklist', operation: 'add', entry: '?' });
		expect(error.message).toBe('Optimizely Campaign refused the blocklist entry "?": enter an address or a pattern with * and ?');
		expect(error.description).toBe('Optimizely Campaign said: entry is required');
	});
});

describe('Transactional Mail', () => {
	const send = (extra: IDataObject = {}): IDataObject => ({
		resource: 'transactionalMail',
		operation: 'send',
		transactionalMailId: MAILING,
		recipientListId: LIST,
		recipientId: 'ann@example.com',
		attributes: attributes({ firstname: 'Ann', orderId: 'A-17' }),
		...extra,
	});

	it('Send posts a form with recipient, list and data.<field>, and emits the mail ID the API accepted with 202', async () => {
		const { items, setup } = await run(send());
		expect(setup.log[0].url).toBe(`${mock.baseUrl}/${mock.clientId}/transactionalmail/${MAILING}/send`);
		expect(setup.log[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
		expect(mock.requests[0]).toMatchObject({
			status: 202,
			form: { recipientId: 'ann@example.com', recipientListId: LIST, 'data.firstname': 'Ann', 'data.orderId': 'A-17' },
		});
		expect(items).toEqual([{ mailId: expect.any(String), transactionalMailId: MAILING, recipientListId: LIST, recipientId: 'ann@example.com' }]);
		expect(mock.mails.get(String(items[0].mailId))).toBeDefined();
	});

	it('Send with Wait for Final Status reads the status until it is sent', async () => {
		const { items } = await run(send({ waitForFinalStatus: true, maxWaitSeconds: 10, options: { pollIntervalSeconds: 1 } }));
		expect(items[0]).toMatchObject({ sendStatus: 'sent', final: true });
		const reads = mock.requests.filter((request) => request.path === '/transactionalmail/status');
		expect(reads.length).toBeGreaterThanOrEqual(2);
		expect(reads[0].query).toEqual({ mailId: items[0].mailId });
	});

	it('Send with Wait for Final Status: a status read that keeps failing still gives the sent mail, sent once', async () => {
		// Each read is tried three times (two retries); all three fail.
		mock.inject({ fault: { kind: 'status', status: 503, retryAfter: '0' }, method: 'GET', path: /^\/transactionalmail\/status$/, times: 3 });
		const { items } = await run(send({ waitForFinalStatus: true, maxWaitSeconds: 10, options: { pollIntervalSeconds: 1 } }));
		const sends = mock.requests.filter((request) => request.path === `/transactionalmail/${MAILING}/send`);
		expect(sends).toHaveLength(1);
		expect(items).toEqual([
			{
				mailId: expect.any(String),
				transactionalMailId: MAILING,
				recipientListId: LIST,
				recipientId: 'ann@example.com',
				final: false,
				statusError: expect.stringMatching(/^Optimizely Campaign had a server error \(503\) while reading the status of mail /),
			},
		]);
		expect(mock.mails.get(String(items[0].mailId))).toBeDefined();
		expect(mock.requests.filter((request) => request.path === '/transactionalmail/status').map((request) => request.status)).toEqual([503, 503, 503]);
		expect(JSON.stringify(items)).not.toContain(mock.password);
	});

	it('a status read that fails once is tried again: the GET is safe to repeat', async () => {
		mock.mailSendMs = 0;
		mock.inject({ fault: { kind: 'status', status: 503, retryAfter: '0' }, method: 'GET', path: /^\/transactionalmail\/status$/ });
		const { items } = await run(send({ waitForFinalStatus: true, maxWaitSeconds: 10, options: { pollIntervalSeconds: 1 } }));
		expect(items[0]).toMatchObject({ sendStatus: 'sent', final: true });
		expect(items[0]).not.toHaveProperty('statusError');
		expect(mock.requests.map((request) => request.status)).toEqual([202, 503, 200]);
	});

	it('Get Status waits no longer than Max Wait, and says the status is not final', async () => {
		mock.mailSendMs = Number.POSITIVE_INFINITY;
		const { items: sent } = await run(send());
		const started = Date.now();
		const { items } = await run({ resource: 'transactionalMail', operation: 'getStatus', mailId: sent[0].mailId, waitForFinalStatus: true, maxWaitSeconds: 1, options: { pollIntervalSeconds: 1 } });
		expect(Date.now() - started).toBeLessThan(3000);
		expect(items).toEqual([{ sendStatus: 'enqueued', mailId: sent[0].mailId, final: false }]);
		expect(mock.requests.filter((request) => request.path === '/transactionalmail/status').length).toBeLessThanOrEqual(3);
	});

	it('Get Status without waiting reads once; a blocklisted recipient ends "blacklisted"', async () => {
		mock.mailSendMs = 0;
		mock.blocklist.push({ pattern: 'ann@example.com', created: '' });
		const { items: sent } = await run(send());
		const { items } = await run({ resource: 'transactionalMail', operation: 'getStatus', mailId: sent[0].mailId });
		expect(items).toEqual([{ sendStatus: 'blacklisted', mailId: sent[0].mailId, final: true }]);
	});

	it("a sent mail reaches the client's activated sent webhook as a sent event, with the webhook's basic auth", async () => {
		const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
		const target = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			req.on('end', () => {
				received.push({ headers: req.headers, body });
				res.writeHead(200).end('{"success":true}');
			});
		});
		await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
			mock.seed({ type: 'sent', targetUrl: url, status: 'activated', authentication: { type: 'basicAuth', userName: 'hook', password: 'hook-pass-1' } });
			mock.seed({ type: 'open', targetUrl: url, status: 'activated' });
			const { items } = await run(send({ waitForFinalStatus: true, maxWaitSeconds: 5, options: { pollIntervalSeconds: 1 } }));
			const deadline = Date.now() + 5000;
			while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
			expect(received).toHaveLength(1);
			expect(received[0].headers.authorization).toBe(`Basic ${Buffer.from('hook:hook-pass-1').toString('base64')}`);
			expect(JSON.parse(received[0].body)).toEqual([
				expect.objectContaining({ type: 'sent', mailId: items[0].mailId, recipientId: 'ann@example.com', mailingId: Number(MAILING), userListId: Number(LIST) }),
			]);
		} finally {
			await new Promise<void>((resolve) => target.close(() => resolve()));
		}
	});

	it('a Send that gets a 503 or no answer says the mail may have gone out, to check before sending again, and is not repeated', async () => {
		mock.inject({ fault: { kind: 'status', status: 503 }, path: /\/send$/ });
		const failed = await failure(send());
		expect(failed.message).toBe(
			`Optimizely Campaign had a server error (503) while sending transactional mail ${MAILING} to ann@example.com: it may have been carried out all the same; check in Optimizely Campaign whether the mail to ann@example.com went out before trying again`,
		);
		mock.inject({ fault: { kind: 'hang' }, path: /\/send$/ });
		const timedOut = await failure(send({ options: { timeout: 300 } }));
		expect(timedOut.message).toBe(
			`Optimizely Campaign did not answer within 300 ms while sending transactional mail ${MAILING} to ann@example.com: it may have been carried out all the same; check in Optimizely Campaign whether the mail to ann@example.com went out before trying again`,
		);
		expect(calls().filter((call) => call.startsWith('POST'))).toHaveLength(2);
	});

	it('a status read that gets a 503 three times says to try again later: reading is safe to repeat', async () => {
		mock.inject({ fault: { kind: 'status', status: 503, retryAfter: '0' }, path: /^\/transactionalmail\/status$/, times: 3 });
		const failed = await failure({ resource: 'transactionalMail', operation: 'getStatus', mailId: 'M-1' });
		expect(failed.message).toBe('Optimizely Campaign had a server error (503) while reading the status of mail M-1: try again later');
	});

	it('explains a list not assigned to the mailing (400), an unknown mailing and an unknown mail ID (404)', async () => {
		expect((await failure(send({ recipientListId: '999' }))).message).toBe(
			`Optimizely Campaign refused to send transactional mail ${MAILING}: check the recipient ID, and that recipient list 999 is assigned to this mailing`,
		);
		expect((await failure(send({ transactionalMailId: '1' }))).message).toBe(
			'Transactional mail 1 was not found for this client: check the transactional mail ID',
		);
		expect((await failure({ resource: 'transactionalMail', operation: 'getStatus', mailId: 'NOPE' })).message).toBe(
			'No transactional mail with mail ID NOPE was found: use the mail ID that Send returned',
		);
	});
});

describe('Smart Campaign and its messages', () => {
	const byId = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
	const campaign = (operation: string, id: number | string, extra: IDataObject = {}): IDataObject => ({
		resource: 'smartCampaign',
		operation,
		campaignId: byId(id),
		...extra,
	});

	it('Get Many pages through all campaigns with Return All', async () => {
		for (let i = 0; i < 230; i++) mock.seedCampaign({ name: `C${String(i).padStart(3, '0')}` });
		const { items } = await run({ resource: 'smartCampaign', operation: 'getAll', returnAll: true });
		expect(items).toHaveLength(230);
		expect(mock.requests.map((request) => request.query.offset)).toEqual(['0', '100', '200']);
	});

	it('Get Many passes the filters and stops at the limit', async () => {
		mock.seedCampaign({ name: 'B', status: 'running' });
		mock.seedCampaign({ name: 'A', status: 'running' });
		mock.seedCampaign({ name: 'C', status: 'paused' });
		const { items } = await run({
			resource: 'smartCampaign',
			operation: 'getAll',
			limit: 1,
			filters: { status: 'running', sort: 'name', direction: 'DESC', mediaType: 'email' },
		});
		expect(mock.requests[0].query).toEqual({ offset: '0', limit: '1', status: 'running', sort: 'name', direction: 'DESC', mediaType: 'email' });
		expect(items).toEqual([expect.objectContaining({ name: 'B', status: 'running' })]);
	});

	it('Start, Pause and Stop change the campaign; a 409 says which status it needs', async () => {
		const { id } = mock.seedCampaign({ status: 'activationRequired' });
		expect((await run(campaign('start', id))).items[0]).toMatchObject({ id, status: 'running' });
		expect((await failure(campaign('start', id))).message).toBe(
			`Smart campaign ${id} cannot be started: it must be in status "Activation required", "New" or "Sending paused"; Get Many shows its status`,
		);
		expect((await run(campaign('pause', id))).items[0]).toMatchObject({ status: 'paused' });
		expect((await run(campaign('stop', id))).items[0]).toMatchObject({ status: 'canceled' });
		expect((await failure(campaign('stop', id))).message).toBe(`Smart campaign ${id} cannot be stopped: it must have started; Get Many shows its status`);
		expect(calls()).toEqual([
			`POST /smartcampaigns/${id}/start 200`,
			`POST /smartcampaigns/${id}/start 409`,
			`POST /smartcampaigns/${id}/pause 200`,
			`POST /smartcampaigns/${id}/stop 200`,
			`POST /smartcampaigns/${id}/stop 409`,
		]);
	});

	it('Start that times out says the campaign may have started, and to check its status first', async () => {
		const { id } = mock.seedCampaign({ status: 'paused' });
		mock.inject({ fault: { kind: 'hang' }, path: /\/start$/ });
		expect((await failure(campaign('start', id, { options: { timeout: 300 } }))).message).toBe(
			`Optimizely Campaign did not answer within 300 ms while starting smart campaign ${id}: it may have been carried out all the same; check its status with Smart Campaign > Get Many before trying again`,
		);
	});

	it('a campaign picked from the list works as one given by ID; an unknown one is named in a 404', async () => {
		const { id } = mock.seedCampaign({ status: 'paused' });
		const picked = await run({ resource: 'smartCampaign', operation: 'start', campaignId: { __rl: true, mode: 'list', value: String(id), cachedResultName: 'x' } });
		expect(picked.items[0]).toMatchObject({ id, status: 'running' });
		expect((await failure(campaign('pause', 12345))).message).toBe(
			'Smart campaign 12345 was not found for this client: check the ID, or pick the campaign from the list',
		);
		expect((await failure(campaign('pause', 'abc'))).message).toBe('The smart campaign ID must be a number, not "abc"');
	});

	it('the list of campaigns for the editor, filtered by what is typed', async () => {
		mock.seedCampaign({ name: 'Welcome series', status: 'running' });
		mock.seedCampaign({ name: 'Winback', status: 'paused' });
		const context = loadOptionsContext(action(mock, { resource: 'smartCampaign', operation: 'start' }), node);
		const all = await searchSmartCampaigns.call(context);
		expect(all.results.map((result) => result.name)).toEqual(['Welcome series (running)', 'Winback (paused)']);
		const found = await searchSmartCampaigns.call(context, 'winb');
		expect(found.results).toEqual([{ name: 'Winback (paused)', value: expect.any(String) }]);
		expect(found.paginationToken).toBeUndefined();
	});

	it('a search looks past the first page of 100: with 151 campaigns it finds the one sorted last', async () => {
		for (let i = 0; i < 150; i++) mock.seedCampaign({ name: `Campaign ${String(i).padStart(3, '0')}`, status: 'running' });
		const { id } = mock.seedCampaign({ name: 'Zebra winback', status: 'paused' });
		const context = loadOptionsContext(action(mock, { resource: 'smartCampaign', operation: 'start' }), node);
		const firstPage = await searchSmartCampaigns.call(context);
		expect(firstPage.results).toHaveLength(100);
		expect(firstPage.paginationToken).toBe('100');
		mock.requests.length = 0;
		const found = await searchSmartCampaigns.call(context, 'zebra');
		expect(found).toEqual({ results: [{ name: 'Zebra winback (paused)', value: String(id) }] });
		expect(mock.requests.map((request) => request.query)).toEqual([
			{ offset: '0', limit: '100', sort: 'name', direction: 'ASC' },
			{ offset: '100', limit: '100', sort: 'name', direction: 'ASC' },
		]);
		expect((await searchSmartCampaigns.call(context, String(id))).results).toEqual([{ name: 'Zebra winback (paused)', value: String(id) }]);
	});

	it('a message starts when its campaign is activated, and a 409 says what the campaign must be', async () => {
		const { id, messages } = mock.seedCampaign({ status: 'activated', messages: [{ name: 'Welcome 1' }] });
		const mailingId = String(messages[0].mailingId);
		const message = (operation: string) => ({ resource: 'smartCampaignMessage', operation, campaignId: byId(id), mailingId });
		const { items } = await run(message('start'));
		expect(items[0]).toMatchObject({ campaignId: String(id), mailingId: messages[0].mailingId, status: 'running', name: 'Welcome 1' });
		expect(mock.requests[0].path).toBe(`/smartcampaigns/${id}/messages/${mailingId}/start`);
		expect((await failure(message('pause'))).message).toBe(
			`Message ${mailingId} cannot be paused: its smart campaign must be sending; Smart Campaign > Get Many shows the campaign's status`,
		);
		const missing = await failure({ ...message('stop'), mailingId: '42' });
		expect(missing.message).toBe(`Message 42 was not found in smart campaign ${id}: check both IDs`);
	});
});

describe('Continue On Fail', () => {
	it("gives one error item per failed item, with the vendor's status and body and no secret, and goes on", async () => {
		mock.seedRecipient(LIST, { id: 'ann@example.com' });
		const { items, paired } = await run([recipient('add'), recipient('add', { recipientId: 'bob@example.com' })], { continueOnFail: true });
		expect(items[0]).toEqual({
			error: expect.stringMatching(/^Recipient ann@example\.com cannot be added .* it is already in the list; use Recipient > Update/),
			description: `Optimizely Campaign said: Recipient ann@example.com already exists in recipient list ${LIST}`,
			status: 409,
			body: { status: 409, message: `Recipient ann@example.com already exists in recipient list ${LIST}` },
		});
		expect(items[1]).toMatchObject({ id: 'bob@example.com', pendingOptIn: false });
		expect(paired).toEqual([{ item: 0 }, { item: 1 }]);
		expect(JSON.stringify(items)).not.toContain(mock.password);
	});
});
