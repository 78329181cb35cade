import type { IDataObject, INodeType, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { z } from 'zod';

import { handleDelivery, standardResponses, type TriggerDeclaration } from '../../../nodes/shared';
import { basicAuthHeader, deliver } from '../../helpers/webhook';

const schema = z.object({ id: z.string(), kind: z.enum(['a', 'b']) }).passthrough();
type Event = z.infer<typeof schema>;

/** A made-up vendor that uses every hook of the declaration. */
function vendor(overrides: Partial<TriggerDeclaration<Event>> = {}): INodeType {
	const declaration: TriggerDeclaration<Event> = {
		vendor: 'Acme',
		schema,
		eventName: (event) => `acme.${event.kind}`,
		eventKey: (event) => event.id,
		filters: [{ parameter: 'kinds', value: (event) => event.kind }],
		toItem: (event) => ({ ...event, upper: event.id.toUpperCase() }),
		responses: standardResponses,
		...overrides,
	};
	return {
		description: {} as INodeType['description'],
		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return handleDelivery.call(this, declaration);
		},
	};
}

describe('the delivery pipeline', () => {
	it('emits one item per event with the event name, key and the vendor extras', async () => {
		const result = await deliver(vendor(), {}, { body: [{ id: 'x1', kind: 'a' }, { id: 'x2', kind: 'b', more: 1 }] });
		expect(result.status).toBe(200);
		expect(result.items).toEqual([
			{ id: 'x1', kind: 'a', upper: 'X1', eventName: 'acme.a', eventKey: 'x1' },
			{ id: 'x2', kind: 'b', more: 1, upper: 'X2', eventName: 'acme.b', eventKey: 'x2' },
		]);
		expect(result.raw.noWebhookResponse).toBe(true);
	});

	it('emits the event itself when the vendor adds no extras', async () => {
		const result = await deliver(vendor({ toItem: undefined }), {}, { body: { id: 'x1', kind: 'a' } });
		expect(result.items).toEqual([{ id: 'x1', kind: 'a', eventName: 'acme.a', eventKey: 'x1' }]);
	});

	it('never hands the body\'s own objects on as items, even from a schema that returns its input', async () => {
		const asIs = z.custom<Event>((value) => typeof value === 'object' && value !== null);
		const body = [{ id: 'x1', kind: 'a' as const }];
		for (const overrides of [{ schema: asIs, toItem: undefined }, { schema: asIs, toItem: (event: Event) => event as IDataObject }]) {
			const result = await deliver(vendor(overrides), {}, { body });
			expect(result.items).toEqual([{ id: 'x1', kind: 'a', eventName: 'acme.a', eventKey: 'x1' }]);
			expect(body).toEqual([{ id: 'x1', kind: 'a' }]);
		}
	});

	it('drops repeats inside one delivery', async () => {
		const result = await deliver(vendor(), {}, { body: [{ id: 'x1', kind: 'a' }, { id: 'x1', kind: 'a' }] });
		expect(result.items).toHaveLength(1);
		expect(result.body).toMatchObject({ emitted: 1, duplicates: 1 });
	});

	it('keeps one dedupe window per workflow, node and mode, whichever order their deliveries come in', async () => {
		const scopes = [
			{ workflowId: 'wf-1', nodeId: 'node-1', mode: 'webhook' },
			{ workflowId: 'wf-1', nodeId: 'node-2', mode: 'webhook' },
			{ workflowId: 'wf-1', nodeId: 'node-1', mode: 'manual' },
			{ workflowId: 'wf-2', nodeId: 'node-1', mode: 'webhook' },
		] as const;
		// Each node has static data of its own in n8n; the window is also remembered in the process by its scope.
		const staticData = scopes.map(() => ({}) as IDataObject);
		const body = { id: 'scoped-1', kind: 'a' };
		const emitted = async (at: number) => (await deliver(vendor(), { scope: scopes[at], staticData: staticData[at] }, { body })).items?.length ?? 0;
		// The same event, to the scopes in turn: new to each the first time, a repeat to it after.
		const seen = new Set<number>();
		for (const at of [0, 1, 0, 2, 1, 3, 2, 0, 3, 1]) {
			expect(await emitted(at)).toBe(seen.has(at) ? 0 : 1);
			seen.add(at);
		}
	});

	it('with a dedupe window of 0 emits every event, repeats included', async () => {
		const setup = { parameters: { options: { dedupeWindow: 0 } }, staticData: {} as IDataObject };
		const body = [{ id: 'x1', kind: 'a' }, { id: 'x1', kind: 'a' }];
		expect((await deliver(vendor(), setup, { body })).items).toHaveLength(2);
		expect((await deliver(vendor(), setup, { body })).items).toHaveLength(2);
		expect(setup.staticData).toEqual({});
	});

	it('in "when last node finishes" mode returns the items and lets the workflow answer', async () => {
		const result = await deliver(vendor(), { parameters: { responseMode: 'lastNode' } }, { body: { id: 'x1', kind: 'a' } });
		expect(result.raw).toEqual({ workflowData: [[expect.objectContaining({ json: expect.objectContaining({ id: 'x1' }) })]] });
		expect(result.status).toBeUndefined();
	});

	it('refuses a batch larger than the vendor sends', async () => {
		const body = Array.from({ length: 3 }, (_, index) => ({ id: `e${index}`, kind: 'a' }));
		const result = await deliver(vendor({ maxEvents: 2 }), {}, { body });
		expect(result.status).toBe(400);
		expect((result.body as IDataObject).error).toBe(
			'Cannot read the delivery: the delivery holds 3 events, more than the 2 Acme sends at most',
		);
		expect(result.items).toBeUndefined();
	});

	it('refuses a payload the vendor cannot split', async () => {
		const split = (payload: unknown) => (Array.isArray((payload as IDataObject).events) ? ((payload as IDataObject).events as unknown[]) : 'no events list');
		const refused = await deliver(vendor({ split }), {}, { body: { id: 'x' } });
		expect(refused.status).toBe(400);
		expect((refused.body as IDataObject).error).toBe('Cannot read the delivery: no events list');
		const taken = await deliver(vendor({ split }), {}, { body: { events: [{ id: 'x', kind: 'b' }] } });
		expect(taken.items).toHaveLength(1);
	});

	it('asks the vendor to verify methods the kit does not know, after decoding', async () => {
		const verify = jest.fn((method: string, request: { decoded: { payload: unknown } }) =>
			method === 'signature' && (request.decoded.payload as IDataObject).sig === 'good'
				? { ok: true as const }
				: { ok: false as const, reason: 'bad signature' },
		);
		const node = vendor({ verify });
		const setup = { parameters: { authentication: 'signature' } };
		const good = await deliver(node, setup, { body: { id: 'x', kind: 'a', sig: 'good' } });
		expect(good.status).toBe(200);
		const bad = await deliver(node, setup, { body: { id: 'x', kind: 'a', sig: 'bad' } });
		expect(bad.status).toBe(401);
		expect(bad.items).toBeUndefined();
		expect(bad.logs).toContainEqual({ level: 'warn', message: 'Acme webhook refused: bad signature' });
	});

	it('refuses every call when the authentication method is unknown', async () => {
		const result = await deliver(vendor(), { parameters: { authentication: 'magic' } }, { body: { id: 'x', kind: 'a' } });
		expect(result.status).toBe(401);
		expect(result.logs[0].message).toBe('Acme webhook refused: the authentication method "magic" is not supported');
	});

	it('uses the vendor default authentication and basic-auth secret source', async () => {
		const node = vendor({
			defaultAuthentication: 'basicAuth',
			basicAuthSecret: async () => ({ user: 'gen-user', password: 'gen-password-123' }),
		});
		const wrong = await deliver(node, {}, { body: { id: 'x', kind: 'a' } });
		expect(wrong.status).toBe(401);
		expect(wrong.headers['www-authenticate']).toContain('Basic realm="Acme webhook"');
		const right = await deliver(node, {}, {
			body: { id: 'x', kind: 'a' },
			headers: { authorization: basicAuthHeader('gen-user', 'gen-password-123') },
		});
		expect(right.status).toBe(200);
	});

	it('reads the shared secret from a header, with defaults for a sparse credential', async () => {
		const header = { webhookSharedSecretApi: { secret: 'header-secret-1', location: 'header', name: 'X-Acme-Token' } };
		const setup = { parameters: { authentication: 'sharedSecret', options: { includeRequestMetadata: true } }, credentials: header };
		const ok = await deliver(vendor(), setup, { body: { id: 'x', kind: 'a' }, headers: { 'X-Acme-Token': 'header-secret-1', 'x-other': '1' } });
		expect(ok.status).toBe(200);
		expect((ok.items![0].requestMetadata as IDataObject).headers).toEqual({ 'content-type': 'application/json', 'x-other': '1' });

		const sparse = { parameters: { authentication: 'sharedSecret' }, credentials: { webhookSharedSecretApi: { secret: 12345678901234 } } };
		const viaQuery = await deliver(vendor(), sparse, { body: { id: 'y', kind: 'a' }, query: { token: '12345678901234' } });
		expect(viaQuery.status).toBe(200);
		const nullUser = { parameters: { authentication: 'basicAuth' }, credentials: { webhookBasicAuthApi: { user: null, password: 'pw-0123456789' } } };
		expect((await deliver(vendor(), nullUser, { body: { id: 'y', kind: 'a' }, headers: { authorization: basicAuthHeader('', 'pw-0123456789') } })).status).toBe(200);
	});

	it('applies an extra IP allowlist on top of other authentication, trusting the proxy when told', async () => {
		const parameters = { options: { extraAllowedIps: '203.0.113.0/24', trustForwardedFor: true } };
		const fromProxy = await deliver(vendor(), { parameters }, {
			body: { id: 'x', kind: 'a' },
			remoteAddress: '10.0.0.1',
			headers: { 'x-forwarded-for': '203.0.113.9' },
		});
		expect(fromProxy.status).toBe(200);
		const elsewhere = await deliver(vendor(), { parameters }, { body: { id: 'x', kind: 'a' }, remoteAddress: '10.0.0.1' });
		expect(elsewhere.status).toBe(403);
		expect(elsewhere.body).toEqual({ success: false, error: 'Forbidden' });
	});

	it('answers duplicate, partly invalid and invalid deliveries per the contract', async () => {
		const staticData: IDataObject = {};
		await deliver(vendor(), { staticData }, { body: { id: 'd', kind: 'a' } });
		const duplicate = await deliver(vendor(), { staticData }, { body: { id: 'd', kind: 'a' } });
		expect(duplicate.body).toMatchObject({ success: true, duplicates: 1, emitted: 0 });

		const partly = await deliver(vendor(), { staticData }, { body: [{ id: 'd', kind: 'a' }, { id: 1 }] });
		expect(partly.status).toBe(200);
		expect(partly.items).toBeUndefined();
		expect(partly.body).toMatchObject({ duplicates: 1, rejected: [{ index: 1 }] });

		const invalid = await deliver(vendor(), {}, { body: [{ id: 1 }] });
		expect(invalid.status).toBe(400);
		expect(invalid.body).toMatchObject({ success: false, error: 'No event in the delivery is valid' });
	});

	it('hands the answer the events as split, so that a declaration keeps nothing between its split and its answer', async () => {
		const seen: unknown[] = [];
		const node = vendor({
			responses: {
				...standardResponses,
				partlyInvalid: (outcome) => {
					seen.push(outcome.events);
					return standardResponses.partlyInvalid(outcome);
				},
			},
		});
		const body = [{ id: 'x1', kind: 'a' }, { id: 'x2', kind: 'z' }];
		const result = await deliver(node, {}, { body });
		expect(result.status).toBe(200);
		expect(seen).toEqual([body]);
	});

	it('answers an empty batch with 200 and starts nothing', async () => {
		const result = await deliver(vendor(), {}, { body: [] });
		expect(result.status).toBe(200);
		expect(result.items).toBeUndefined();
		expect(result.body).toMatchObject({ success: true, received: 0 });
	});

	it('sends text and empty bodies as the contract asks', async () => {
		const text = vendor({ responses: { ...standardResponses, accepted: () => ({ status: 200, body: 'OK' }) } });
		expect((await deliver(text, {}, { body: { id: 'x', kind: 'a' } })).body).toBe('OK');
		const empty = vendor({ responses: { ...standardResponses, accepted: () => ({ status: 204 }) } });
		const result = await deliver(empty, {}, { body: { id: 'x', kind: 'a' } });
		expect(result.status).toBe(204);
		expect(result.body).toBeUndefined();
	});
});
