import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { z, type ZodTypeAny } from 'zod';

import { optimizelyEventSchema } from '../../../nodes/OptimizelyCampaign/events';
import { personaclickEventSchema } from '../../../nodes/Personaclick/events';
import { prodegeEventSchema } from '../../../nodes/Prodege/events';
import { qixolEventSchema } from '../../../nodes/QixolPromo/events';
import { automationWebhookSchema, eventSchema as sendPulseEventSchema } from '../../../nodes/SendPulse/events';
import { FAIL, fastParser } from '../../../nodes/shared/fastParse';
import { validateEvents } from '../../../nodes/shared/validate';
import { mutate } from '../../fuzz/harness';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);

/**
 * A value with its key order and prototypes made visible, undefined values and all: the fast path must match
 * zod's to the key, and never set a prototype.
 */
function ordered(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(ordered);
	if (typeof value === 'object' && value !== null) {
		const plain = Object.getPrototypeOf(value) === Object.prototype;
		return [plain ? 'plain' : 'other prototype', Object.keys(value).map((key) => [key, ordered((value as IDataObject)[key])])];
	}
	return value;
}

/**
 * The contract: where the fast path gives a value, zod gives the same value, keys in the same order. Where
 * zod accepts a value parsed from JSON, the fast path accepts it too (so valid events never pay for zod).
 */
function agrees(schema: ZodTypeAny, value: unknown, { fromJson = true } = {}): boolean {
	const fast = fastParser(schema)(value);
	const slow = schema.safeParse(value);
	if (fast === FAIL) {
		if (slow.success && fromJson) throw new Error(`zod accepts what the fast path refused: ${JSON.stringify(value)?.slice(0, 300)}`);
		return true;
	}
	if (!slow.success) throw new Error(`the fast path accepts what zod refused: ${JSON.stringify(value)?.slice(0, 300)}`);
	expect(ordered(fast)).toStrictEqual(ordered(slow.data));
	return true;
}

const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

describe('fastParser follows zod, kind by kind', () => {
	const cases: Array<[string, ZodTypeAny, fc.Arbitrary<unknown>]> = [
		['string checks in order, trim and case before later checks', z.string().trim().min(2).max(6).toLowerCase().regex(/^[a-z ]+$/), fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('  Ab ', 'ABC', ' x ', 'hello world', 'ok'))],
		['string prefix, suffix, contains, exact length', z.string().startsWith('a').endsWith('z').includes('m', { position: 1 }).length(3), fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('amz', 'az', 'mmz', 'amzz'))],
		['string upper case', z.string().toUpperCase().length(2), fc.oneof(fc.string({ maxLength: 3 }), fc.constant('ab'))],
		['a global regex keeps no state between values', z.string().regex(/a/g), fc.constantFrom('a', 'a', 'ba', 'b')],
		['string checks zod has and this file leaves to zod (email)', z.string().email(), fc.oneof(fc.string(), fc.emailAddress())],
		['numbers: int, bounds, exclusive bounds, finite, NaN', z.number().int().min(0).max(10).gt(-1).lt(11).finite(), fc.oneof(fc.double(), fc.integer({ min: -3, max: 13 }), fc.constant(Number.NaN))],
		['numbers: multipleOf is left to zod', z.number().multipleOf(0.5), fc.oneof(fc.double(), fc.constantFrom(1.5, 0.3))],
		['coercion is left to zod', z.coerce.number(), fc.oneof(fc.string(), fc.integer())],
		['booleans, null, literal, enum', z.union([z.boolean(), z.null(), z.literal(3), z.enum(['a', 'b'])]), fc.oneof(json, fc.constantFrom('a', 'c', 3, 4, null, true))],
		['optional, nullable, nullish, default', z.object({ a: z.string().optional(), b: z.number().nullable(), c: z.string().nullish(), d: z.number().default(7) }), fc.oneof(json, fc.record({ a: fc.oneof(fc.string(), fc.constant(undefined)), b: fc.oneof(fc.integer(), fc.constant(null)), c: fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined)), d: fc.oneof(fc.integer(), fc.constant(undefined)) }, { requiredKeys: [] }))],
		['objects strip unknown keys', z.object({ a: z.number(), b: z.string().optional() }), fc.oneof(json, fc.record({ a: fc.integer(), b: fc.string(), extra: fc.string() }, { requiredKeys: ['a'] }))],
		['objects pass unknown keys through, in input order, __proto__ never set', z.object({ a: z.number() }).passthrough(), fc.oneof(json, fc.constantFrom('{"z":1,"a":2,"b":3}', '{"__proto__":{"x":1},"a":1}', '{"a":1,"constructor":2}').map((text) => JSON.parse(text) as unknown))],
		['strict objects refuse unknown keys', z.object({ a: z.number() }).strict(), fc.oneof(json, fc.constantFrom({ a: 1 }, { a: 1, b: 2 }))],
		['catchall parses unknown keys', z.object({ a: z.number() }).catchall(z.string()), fc.oneof(json, fc.constantFrom({ a: 1, b: 'x' }, { a: 1, b: 2 }))],
		['a present key with undefined is kept', z.object({ a: z.unknown() }), fc.constantFrom({ a: undefined }, {}, { a: 1 })],
		['records, keys checked', z.record(z.string().min(2), z.number()), fc.oneof(json, fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 4 }))],
		['arrays with bounds', z.array(z.number()).min(1).max(3), fc.oneof(json, fc.array(fc.integer(), { maxLength: 4 }))],
		['arrays of exact length', z.array(z.string()).length(2), fc.array(fc.string(), { maxLength: 3 })],
		['unions take the first option that parses cleanly', z.union([z.object({ a: z.string() }), z.object({ a: z.string(), b: z.number() }).strict()]), fc.oneof(json, fc.constantFrom({ a: 'x', b: 1 }, { a: 'x' }))],
		['discriminated unions', z.discriminatedUnion('t', [z.object({ t: z.literal('a'), x: z.number() }), z.object({ t: z.literal('b'), y: z.string() })]), fc.oneof(json, fc.constantFrom({ t: 'a', x: 1 }, { t: 'b', y: 's' }, { t: 'c' }, { t: 'a', y: 's' }))],
		['refinements, transforms, preprocessing, superRefine', z.preprocess((value) => (typeof value === 'string' ? value.trim() : value), z.string().transform((text) => text.length).refine((length) => length % 2 === 0)).superRefine((length, ctx) => { if (length > 4) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'too long' }); }), fc.oneof(json, fc.string({ maxLength: 6 }))],
		['a transform that reports an issue and returns NEVER', z.string().transform((text, ctx) => { if (text === 'x') { ctx.addIssue({ code: z.ZodIssueCode.custom }); return z.NEVER; } return text; }), fc.constantFrom('x', 'y', 1)],
		['kinds left to zod (intersection, lazy, catch, readonly)', z.object({ i: z.intersection(z.object({ a: z.number() }), z.object({ b: z.number() })).optional(), l: z.lazy(() => z.string()).optional(), c: z.number().catch(0).optional(), r: z.object({ a: z.number() }).readonly().optional() }), fc.oneof(json, fc.record({ i: fc.constantFrom({ a: 1, b: 2 }, { a: 1 }), l: fc.oneof(fc.string(), fc.integer()), c: fc.oneof(fc.integer(), fc.string()), r: fc.constantFrom({ a: 1 }, { a: 'x' }) }, { requiredKeys: [] }))],
	];
	it.each(cases)('%s', (_title, schema, values) => {
		fc.assert(fc.property(values, (value) => agrees(schema, value)), { numRuns: Math.min(RUNS, 500) });
	});

	it('leaves an effect that reads its path to zod, which knows the path', () => {
		const schema = z.array(z.string().transform((text, ctx) => `${ctx.path.join('.')}:${text}`));
		expect(fastParser(schema)(['a', 'b'])).toBe(FAIL);
		expect(validateEvents([['a', 'b']], schema).valid).toEqual([{ index: 0, event: ['0:a', '1:b'] }]);
	});

	it('leaves objects zod tells apart (dates, maps, class instances) to zod', () => {
		const schema = z.object({ a: z.number().optional() });
		class Thing { a = 1; }
		const thenable = { a: 1, then: () => undefined, catch: () => undefined };
		for (const value of [new Date(0), new Map(), new Set(), new Thing(), Object.create(null) as object, thenable]) {
			agrees(schema, value, { fromJson: false });
		}
		expect(fastParser(schema)(new Thing())).toBe(FAIL);
		expect(fastParser(schema)(thenable)).toBe(FAIL);
		expect(schema.safeParse(thenable).success).toBe(false);
	});
});

/** Every JSON file under a fixtures folder, a batch counting as its events. */
function fixtures(vendor: string): IDataObject[] {
	const folder = join(__dirname, '../../fixtures', vendor);
	const walk = (dir: string): string[] =>
		readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
	return walk(folder)
		.filter((file) => file.endsWith('.json'))
		.flatMap((file) => {
			const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
			return (Array.isArray(parsed) ? parsed : [parsed]) as IDataObject[];
		})
		.filter((event) => typeof event === 'object' && event !== null && !Array.isArray(event));
}

describe('fastParser gives what zod gives for every vendor event, valid or mutated', () => {
	const vendors: Array<[string, ZodTypeAny, string]> = [
		['Personaclick', personaclickEventSchema, 'personaclick'],
		['Optimizely Campaign', optimizelyEventSchema, 'optimizely'],
		['Prodege', prodegeEventSchema, 'prodege'],
		['Qixol Promo', qixolEventSchema, 'qixol'],
		['SendPulse events', sendPulseEventSchema, 'sendpulse'],
		['SendPulse Automation 360', automationWebhookSchema, 'sendpulse'],
	];
	it.each(vendors)('%s', (_vendor, schema, folder) => {
		const seeds = fixtures(folder);
		expect(seeds.length).toBeGreaterThan(0);
		const accepted = seeds.filter((event) => schema.safeParse(event).success);
		expect(accepted.length).toBeGreaterThan(0);
		for (const event of seeds) agrees(schema, event);
		fc.assert(fc.property(mutate(fc.constantFrom(...accepted)), (value) => agrees(schema, value)), { numRuns: RUNS });
	});
});

describe('validateEvents with the fast path', () => {
	it('emits what zod gives and rejects with zod’s reasons', () => {
		const schema = z.object({ id: z.string().trim().min(1), n: z.number().int().optional() }).passthrough();
		const { valid, rejected } = validateEvents([{ id: ' a ', x: 1 }, { id: '' }, { id: 'b', n: 1.5 }, 'text'], schema);
		expect(valid).toEqual([{ index: 0, event: { id: 'a', x: 1 } }]);
		expect(rejected).toEqual([
			{ index: 1, errors: ['id: String must contain at least 1 character(s)'] },
			{ index: 2, errors: ['n: Expected integer, received float'] },
			{ index: 3, errors: ['(event): Expected object, received string'] },
		]);
	});
});
