/** Bodies and events nested deeper than any vendor nests: refused with a reason, never a stack overflow. */
import { z } from 'zod';

import type { INodeType, IWebhookFunctions } from 'n8n-workflow';

import { handleDelivery, standardResponses, type TriggerDeclaration } from '../../../nodes/shared';
import { decodeBody, MAX_BODY_NESTING, MAX_EVENT_NESTING, nestsDeeperThan } from '../../../nodes/shared/decode';
import { validateEvents } from '../../../nodes/shared/validate';
import { deliver } from '../../helpers/webhook';

/** JSON text nested `depth` objects deep: n8n's JSON.parse reads it, JSON.stringify could not write it. */
const deepText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('nesting depth', () => {
	it('counts levels with a bounded call stack: a scalar is 0 deep, {} and [] are 1', () => {
		expect(nestsDeeperThan(1, 0)).toBe(false);
		expect(nestsDeeperThan({}, 0)).toBe(true);
		expect(nestsDeeperThan({}, 1)).toBe(false);
		expect(nestsDeeperThan([[]], 1)).toBe(true);
		expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
		expect(nestsDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
		// 200,000 levels: far past the call stack, answered all the same.
		expect(nestsDeeperThan(JSON.parse(deepText(200_000)), 10)).toBe(true);
		expect(nestsDeeperThan(JSON.parse(deepText(200_000)), 150_000)).toBe(true);
		// Past the levels walked by recursion, arrays and objects mixed, counted exactly.
		const mixed = JSON.parse(`${'[{"a":'.repeat(400)}1${'}]'.repeat(400)}`) as unknown;
		expect(nestsDeeperThan(mixed, 800)).toBe(false);
		expect(nestsDeeperThan(mixed, 799)).toBe(true);
		expect(nestsDeeperThan({ wide: [1, { a: [[]] }], other: { b: 2 } }, 5)).toBe(false);
		expect(nestsDeeperThan({ wide: [1, { a: [[]] }], other: { b: 2 } }, 4)).toBe(true);
	});

	it('stops on a cycle instead of looping', () => {
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		expect(nestsDeeperThan(cyclic, 50)).toBe(true);
	});

	it(`refuses a body nested deeper than ${MAX_BODY_NESTING} levels, and reads one at the limit`, () => {
		const deep = deepText(MAX_BODY_NESTING);
		expect(decodeBody({ body: JSON.parse(deep), contentType: 'application/json' })).toMatchObject({ ok: true });
		expect(decodeBody({ body: {}, rawBody: Buffer.from(`[${deep}]`), contentType: 'application/json' })).toEqual({
			ok: false,
			reason: `the body nests deeper than ${MAX_BODY_NESTING} levels`,
		});
		expect(decodeBody({ body: { data: deep }, contentType: 'application/x-www-form-urlencoded' })).toEqual({
			ok: false,
			reason: `the body nests deeper than ${MAX_BODY_NESTING} levels`,
		});
	});

	it(`rejects an event of a delivery nested deeper than ${MAX_EVENT_NESTING} levels, and emits the others`, async () => {
		const deep = { id: 'deep', kind: 'a', extra: JSON.parse(deepText(MAX_EVENT_NESTING)) as unknown };
		const atLimit = { id: 'at-limit', kind: 'a', extra: JSON.parse(deepText(MAX_EVENT_NESTING - 2)) as unknown };
		const declaration: TriggerDeclaration<{ id: string }> = {
			vendor: 'Acme',
			schema: z.object({ id: z.string() }).passthrough(),
			eventName: () => 'acme',
			eventKey: (event) => event.id,
			responses: standardResponses,
		};
		const node = { description: {}, webhook(this: IWebhookFunctions) { return handleDelivery.call(this, declaration); } } as unknown as INodeType;
		for (const body of [[{ id: 'flat' }, deep, atLimit], deep]) {
			const result = await deliver(node, {}, { body });
			expect(result.items?.map(({ id }) => id)).toEqual(Array.isArray(body) ? ['flat', 'at-limit'] : undefined);
			expect(result.body).toMatchObject({ rejected: [{ index: Array.isArray(body) ? 1 : 0, errors: [`(event): nests deeper than ${MAX_EVENT_NESTING} levels`] }] });
		}
	});

	it(`rejects an event nested deeper than ${MAX_EVENT_NESTING} levels, and keeps the others of the batch`, () => {
		const schema = z.object({ id: z.string() }).passthrough();
		const deep = { id: 'deep', extra: JSON.parse(deepText(MAX_EVENT_NESTING)) as unknown };
		const atLimit = { id: 'at-limit', extra: JSON.parse(deepText(MAX_EVENT_NESTING - 1)) as unknown };
		const result = validateEvents([{ id: 'flat' }, deep, atLimit], schema);
		expect(result.valid.map(({ event }) => event.id)).toEqual(['flat', 'at-limit']);
		expect(result.rejected).toEqual([{ index: 1, errors: [`(event): nests deeper than ${MAX_EVENT_NESTING} levels`] }]);
	});
});
