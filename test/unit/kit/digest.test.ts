import fc from 'fast-check';

import { digestOf, fingerprint, saltOf } from '../../../nodes/shared/digest';

/** A JSON value like a vendor payload in canonical form, with numbers and booleans too. */
const jsonValue = fc.letrec((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small' },
		fc.string({ maxLength: 12 }),
		fc.integer(),
		fc.boolean(),
		fc.constant(null),
		fc.array(tie('value'), { maxLength: 4 }),
		fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
	),
})).value;

/** The same value with every object's keys in another order. */
function reordered(value: unknown, order: (keys: string[]) => string[]): unknown {
	if (Array.isArray(value)) return value.map((element) => reordered(element, order));
	if (typeof value !== 'object' || value === null) return value;
	const copy: Record<string, unknown> = {};
	for (const key of order(Object.keys(value))) {
		Object.defineProperty(copy, key, { value: reordered((value as Record<string, unknown>)[key], order), enumerable: true, writable: true, configurable: true });
	}
	return copy;
}

describe('fingerprint', () => {
	it('is 12 base64url characters, the same whatever order the keys of any object came in', () => {
		fc.assert(
			fc.property(jsonValue, (value) => {
				const print = fingerprint(value);
				return /^[\w-]{12}$/.test(print) && fingerprint(reordered(value, (keys) => [...keys].reverse())) === print;
			}),
			{ numRuns: 2_000 },
		);
	});

	it('tells apart values that differ in a value, a key, a type, an order or where a field sits', () => {
		const distinct = [
			{ a: '1', b: '2' },
			{ a: '1', b: '3' },
			{ a: '1', c: '2' },
			{ a: '1' },
			{ a: '1', b: '2', c: null },
			{ a: 1, b: '2' },
			{ a: true, b: '2' },
			{ a: 'true', b: '2' },
			{ a: null, b: '2' },
			{ a: 'null', b: '2' },
			{ ab: '', b: '2' },
			// A field's key and value go through one stream: where one ends and the other starts counts.
			{ ab: 'c' },
			{ a: 'bc' },
			{ abc: '' },
			{ a: 'b', c: null },
			{ a: '1', b: '2', c: ['3'] },
			{ a: '1', b: '2', c: { d: '3' } },
			// Each text's length is part of the stream, so a trailing zero unit, or units moved across the
			// boundary between key and value, still differ.
			{ a: 'x' },
			{ a: 'x\u0000' },
			{ '': '\u0000\u4000' },
			{ '\u0000\u4000': '' },
			{ a: ['1', '2'] },
			{ a: ['2', '1'] },
			{ a: ['1', ['2']] },
			{ a: { b: '2' } },
			{ a: { c: '2' } },
			{ a: '1', b: { c: '2' } },
			{ a: '1', c: '2', b: {} },
			{ a: '1', b: '1' },
			{ a: '2', b: '2' },
			['1', '2'],
			'1',
			1,
			'',
			null,
			[],
			{},
			[[]],
			[{}],
		];
		const prints = distinct.map(fingerprint);
		expect(new Set(prints).size).toBe(distinct.length);
	});

	it('tells a salted value from the same value unsalted, and from another salt', () => {
		const value = { promotionid: '8', name: 'x' };
		const salts = [saltOf('a'), saltOf('b'), saltOf('')];
		expect(salts.every((salt) => salt !== 0 && Number.isInteger(salt))).toBe(true);
		expect(new Set([fingerprint(value), ...salts.map((salt) => fingerprint(value, salt))]).size).toBe(4);
	});

	it('gives 100,000 payloads of Qixol Promo\'s shape 100,000 fingerprints', () => {
		const prints = new Set<string>();
		for (let i = 0; i < 100_000; i++) {
			prints.add(fingerprint({ eventname: 'Promotion.Updated', promotionid: String(i >> 1), companyid: String(i & 1), name: 'Spring sale' }));
		}
		expect(prints.size).toBe(100_000);
	});
});

describe('digestOf', () => {
	it('is 12 base64url characters, and tells apart texts one unit apart, or of a unit and a zero unit', () => {
		const texts = ['', 'a', 'a\u0000', 'b', 'ab', 'ba', 'abc', 'abd', '\ud800', '\udc00', 'a'.repeat(1000), `${'a'.repeat(999)}b`];
		const digests = texts.map(digestOf);
		expect(new Set(digests).size).toBe(texts.length);
		expect(digests.every((digest) => /^[\w-]{12}$/.test(digest))).toBe(true);
		// A dedupe key and a payload that is that text are different kinds of thing, with different digests.
		expect(fingerprint('abc')).not.toBe(digestOf('abc'));
	});
});
