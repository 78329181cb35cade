import fc from 'fast-check';

import { StampedTagSet, TagSet, tagPart } from '../../../nodes/shared/tagSet';

type Digest = [number, number, number];
const keyOf = ([x, y, z]: Digest) => `${x},${y},${z}`;

/**
 * Digests from a small space, so that many share a home slot and probe runs wrap around the table: the
 * cases where linear probing and backward-shift deletion go wrong.
 */
const crowded = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }));
const anyDigest = fc.tuple(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffffff }));
const operation = fc.tuple(fc.constantFrom('add', 'addNew', 'removeOne'), fc.oneof(crowded, anyDigest));

describe('the dedupe window\'s tag set', () => {
	it('reads a digest\'s characters as three 24-bit parts', () => {
		expect([tagPart('AAAAAAAAAAAB', 0), tagPart('AAAAAAAAAAAB', 8)]).toEqual([0, 1]);
		expect(tagPart('____', 0)).toBe(0xffffff);
		expect(tagPart('BAAA', 0)).toBe(1 << 18);
	});

	it('answers as a multiset of digests would, through growth, collisions and removals', () => {
		fc.assert(
			fc.property(fc.array(operation, { maxLength: 400 }), fc.nat({ max: 64 }), (operations, expected) => {
				const set = new TagSet(expected);
				const reference = new Map<string, number>();
				for (const [kind, digest] of operations) {
					const key = keyOf(digest);
					const held = reference.get(key) ?? 0;
					if (kind === 'add') {
						expect(set.add(...digest)).toBe(held === 0);
						reference.set(key, held + 1);
					} else if (kind === 'addNew') {
						expect(set.addNew(...digest)).toBe(held === 0);
						if (held === 0) reference.set(key, 1);
					} else {
						set.removeOne(...digest);
						if (held > 1) reference.set(key, held - 1);
						else reference.delete(key);
					}
					expect(set.size).toBe(reference.size);
				}
				// Every digest ever named is held exactly as the reference says, however it was moved.
				const named = new Map(operations.map(([, digest]) => [keyOf(digest), digest]));
				for (const [key, digest] of named) {
					const times = reference.get(key) ?? 0;
					expect(set.has(...digest)).toBe(times > 0);
					for (let i = 0; i < times; i++) set.removeOne(...digest);
					expect(set.has(...digest)).toBe(false);
				}
				expect(set.size).toBe(0);
			}),
			{ numRuns: 300 },
		);
	});
});

describe('the tag set a delivery\'s keys are looked up in', () => {
	type Stamped = { stamp: number; mask: number };

	it('answers as a new set would on every use, however many uses came before and however far it grew', () => {
		const set = new StampedTagSet();
		fc.assert(
			fc.property(
				fc.array(fc.array(fc.oneof(crowded, anyDigest), { maxLength: 3_000, size: 'max' }), { minLength: 1, maxLength: 4 }),
				(uses) => {
					for (const digests of uses) {
						set.restart();
						const reference = new Set<string>();
						for (const digest of digests) {
							expect(set.addNew(...digest)).toBe(!reference.has(keyOf(digest)));
							reference.add(keyOf(digest));
						}
					}
				},
			),
			{ numRuns: 100 },
		);
	});

	it('grows past its first table within a use, and lets a large table go at the next', () => {
		const set = new StampedTagSet();
		set.restart();
		for (let i = 0; i < 5_000; i++) expect(set.addNew(i, i * 7, i * 13)).toBe(true);
		for (let i = 0; i < 5_000; i++) expect(set.addNew(i, i * 7, i * 13)).toBe(false);
		expect((set as unknown as Stamped).mask + 1).toBeGreaterThan(4_096);
		set.restart();
		expect((set as unknown as Stamped).mask + 1).toBe(256);
		expect(set.addNew(1, 7, 13)).toBe(true);
	});

	it('starts afresh when its stamp runs out, and can be used before its first restart', () => {
		const set = new StampedTagSet();
		expect([set.addNew(1, 2, 3), set.addNew(1, 2, 3)]).toEqual([true, false]);
		(set as unknown as Stamped).stamp = 0x7ffffffe;
		set.restart();
		expect([set.addNew(4, 5, 6), set.addNew(4, 5, 6)]).toEqual([true, false]);
		// The next restart wraps the stamp around: what the last use held must not be held now.
		set.restart();
		expect((set as unknown as Stamped).stamp).toBe(1);
		expect([set.addNew(4, 5, 6), set.addNew(1, 2, 3)]).toEqual([true, true]);
	});
});
