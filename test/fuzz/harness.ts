/**
 * Property-based fuzzing of a trigger's webhook(): it never throws, answers only statuses its vendor
 * contract allows, emits every valid event of a batch exactly once, never emits an invalid one, never
 * emits anything for a forged caller, and never hands out an item with a polluted prototype.
 *
 * Runs per property: FUZZ_RUNS (default 1,000 in `npm test`; `npm run fuzz` raises it).
 */
import fc from 'fast-check';
import type { IDataObject, INodeType } from 'n8n-workflow';

import { deliver, type Delivery, type NodeSetup } from '../helpers/webhook';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);

export interface FuzzTarget {
	name: string;
	node: INodeType;
	/** A setup whose authentication passes when `authenticate` is applied to a delivery. */
	setup: () => NodeSetup;
	/** Adds valid proof of origin (a token, a password, a signature) to a delivery. */
	authenticate: (delivery: Delivery) => Delivery;
	/** Adds forged or missing proof of origin. */
	forge: (delivery: Delivery) => Delivery;
	/** Turns events into a delivery body as the vendor sends it (array, single object, envelope…). */
	wrap: (events: unknown[]) => Delivery;
	/** Valid events with unique event keys across a generated batch. */
	validEvent: fc.Arbitrary<IDataObject>;
	/** The field that makes valid events distinct, for `uniqueArray`. */
	uniqueBy: (event: IDataObject) => string;
	/** Events the schema must reject. */
	invalidEvent: fc.Arbitrary<unknown>;
	/** How an emitted item is matched back to the event it came from. */
	itemMatches: (item: IDataObject, event: IDataObject) => boolean;
	/** Every status the vendor contract allows. */
	allowedStatuses: number[];
	/** The most events one delivery may hold. */
	maxBatch?: number;
}

const hostileKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');

/** Mutations of a valid event: wrong types, missing fields, extra and hostile fields, big or odd strings. */
export function mutate(valid: fc.Arbitrary<IDataObject>): fc.Arbitrary<unknown> {
	const oddValue = fc.oneof(
		fc.string({ unit: 'grapheme', maxLength: 40 }),
		fc.string({ minLength: 5_000, maxLength: 20_000 }),
		fc.integer(),
		fc.double(),
		fc.boolean(),
		fc.constant(null),
		fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
		fc.dictionary(fc.string({ maxLength: 5 }), fc.anything({ maxDepth: 2 }), { maxKeys: 3 }),
		fc.letrec((tie) => ({ deep: fc.oneof({ depthSize: 'small' }, fc.constant({}), fc.record({ a: tie('deep') })) })).deep,
	);
	return valid.chain((event) => {
		const keys = Object.keys(event);
		return fc.oneof(
			fc.tuple(fc.constantFrom(...keys), oddValue).map(([key, value]) => ({ ...event, [key]: value })),
			fc.subarray(keys).map((keep) => Object.fromEntries(keep.map((key) => [key, event[key]]))),
			fc.tuple(fc.oneof(hostileKeys, fc.string({ maxLength: 8 })), oddValue).map(([key, value]) => {
				const copy: IDataObject = { ...event };
				Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
				return JSON.parse(JSON.stringify(copy)) as unknown;
			}),
			fc.constant(JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(event).slice(1)}`) as unknown),
		);
	});
}

/** Bodies that are not a valid delivery at all. */
export const malformedBody: fc.Arbitrary<Delivery> = fc.oneof(
	fc.string({ maxLength: 200 }).map((text) => ({ rawBody: text, headers: { 'content-type': 'application/json' } })),
	fc.json().map((json) => ({ rawBody: json.slice(0, Math.max(1, json.length - 1)), headers: { 'content-type': 'application/json' } })),
	fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ rawBody: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream' } })),
	fc.constant({ rawBody: '', headers: { 'content-type': 'application/json' } }),
	fc.jsonValue().map((value) => ({ body: value, headers: { 'content-type': 'text/plain' } })),
	fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 })).map((fields) => ({
		body: fields,
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
	})),
	fc.jsonValue().map((value) => ({ body: value, headers: { 'content-type': 'application/xml' } })),
);

function noPollutedPrototype(items: IDataObject[] | undefined): boolean {
	return (items ?? []).every((item) => Object.getPrototypeOf(item) === Object.prototype && !('polluted' in {}));
}

/** Defines the fuzz properties for one trigger as jest tests. */
export function fuzzTrigger(target: FuzzTarget): void {
	const params = { numRuns: RUNS };
	const maxBatch = target.maxBatch ?? 20;
	const allowed = new Set(target.allowedStatuses);
	const run = (delivery: Delivery) => deliver(target.node, target.setup(), delivery);

	describe(`${target.name}: fuzzing (${RUNS} cases per property)`, () => {
		it('never throws on malformed bodies, and answers only allowed statuses with no items', async () => {
			await fc.assert(
				fc.asyncProperty(malformedBody, async (body) => {
					const result = await run(target.authenticate(body));
					if (result.items !== undefined) {
						// A malformed body may still decode into something valid-looking: then it must be valid.
						return allowed.has(result.status ?? 200) && noPollutedPrototype(result.items);
					}
					return allowed.has(result.status ?? 200);
				}),
				params,
			);
		});

		it('emits every valid event of a mixed batch exactly once, and no invalid one', async () => {
			const batch = fc.tuple(
				fc.uniqueArray(target.validEvent, { selector: target.uniqueBy, maxLength: Math.max(1, Math.floor(maxBatch / 2)) }),
				fc.array(fc.oneof(target.invalidEvent, mutate(target.validEvent)), { maxLength: Math.max(1, Math.floor(maxBatch / 2)) }),
			);
			await fc.assert(
				fc.asyncProperty(batch, fc.infiniteStream(fc.boolean()), async ([valid, invalid], coin) => {
					const mixed: unknown[] = [...valid];
					for (const bad of invalid) mixed.splice(coin.next().value ? 0 : mixed.length, 0, bad);
					const result = await run(target.authenticate(target.wrap(mixed)));
					if (!allowed.has(result.status ?? 200)) return false;
					if (!noPollutedPrototype(result.items)) return false;
					const items = result.items ?? [];
					// Each valid event comes out once; anything else that comes out was a mutation that stayed valid.
					const found = valid.every((event) => items.filter((item) => target.itemMatches(item, event)).length === 1);
					return found && items.length <= mixed.length;
				}),
				params,
			);
		});

		it('emits nothing from a batch of invalid events', async () => {
			await fc.assert(
				fc.asyncProperty(fc.array(target.invalidEvent, { minLength: 1, maxLength: maxBatch }), async (events) => {
					const result = await run(target.authenticate(target.wrap(events)));
					return result.items === undefined && allowed.has(result.status ?? 200);
				}),
				params,
			);
		});

		it('never emits for a forged or missing proof of origin', async () => {
			await fc.assert(
				fc.asyncProperty(fc.array(target.validEvent, { minLength: 1, maxLength: 3 }), async (events) => {
					const result = await run(target.forge(target.wrap(events)));
					return result.items === undefined && allowed.has(result.status ?? 200);
				}),
				params,
			);
		});

		it('never emits an item with a polluted prototype', async () => {
			await fc.assert(
				fc.asyncProperty(target.validEvent, async (event) => {
					const hostile = JSON.parse(`{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${JSON.stringify(event).slice(1)}`) as unknown;
					const result = await run(target.authenticate(target.wrap([hostile])));
					return noPollutedPrototype(result.items) && ({} as IDataObject).polluted === undefined;
				}),
				params,
			);
		});
	});
}
