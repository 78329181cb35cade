import type { IDataObject } from 'n8n-workflow';

import { DIGEST_LENGTH, DedupeWindow, DeliveryKeys } from '../../../nodes/shared/dedupe';

describe('dedupe window', () => {
	it('remembers keys and evicts the oldest first', () => {
		const store: IDataObject = {};
		const window = new DedupeWindow(store, 3);
		for (const key of ['a', 'b', 'c']) window.add(key);
		expect(['a', 'b', 'c'].every((key) => window.has(key))).toBe(true);
		window.add('d');
		expect(window.has('a')).toBe(false);
		expect(window.has('d')).toBe(true);
		window.add('e');
		expect(window.has('b')).toBe(false);
		expect(window.size).toBe(3);
	});

	it('tells 200,000 keys of the vendors\' shapes apart, and spreads their digests over every character', () => {
		const keys: string[] = [];
		for (let i = 0; i < 50_000; i++) {
			keys.push(`open|3P5W8B4-${i}|123456789005|1564590054000`);
			keys.push(`import_products|success|task_id=${i}`);
			keys.push((i * 7919).toString(16).padStart(24, '0'));
			// Keys one character apart, in every position.
			keys.push(`send_webhook|New Automation|subscriber@example.com|automation_id=123|2022-01-04 09:02:${String(i % 60).padStart(2, '0')}`.replace(/./, String.fromCharCode(32 + (i % 95))) + i);
		}
		const digests = keys.map((key) => DedupeWindow.storedKey(key));
		expect(new Set(keys).size).toBe(200_000);
		expect(new Set(digests).size).toBe(200_000);
		expect(digests.filter((stored) => !/^[\w-]{12}$/.test(stored))).toEqual([]);
		// Each of the 12 positions takes each of the 64 characters about equally often (3,125 times, give or
		// take 55): the widest gap from that, over all of them, stays within 7 of those 55.
		const counts = new Map<string, number>();
		for (const stored of digests) {
			for (let position = 0; position < DIGEST_LENGTH; position++) {
				const slot = `${position}:${stored[position]}`;
				counts.set(slot, (counts.get(slot) ?? 0) + 1);
			}
		}
		expect(counts.size).toBe(64 * DIGEST_LENGTH);
		expect(Math.max(...[...counts.values()].map((count) => Math.abs(count - 3_125)))).toBeLessThan(385);
	});

	it('survives a JSON round trip, as n8n stores static data', () => {
		const store: IDataObject = {};
		const window = new DedupeWindow(store, 100);
		window.add('x');
		const reloaded = new DedupeWindow(JSON.parse(JSON.stringify(store)) as IDataObject, 100);
		expect(reloaded.has('x')).toBe(true);
		expect(reloaded.has('y')).toBe(false);
	});

	it('adding a key twice stores it once', () => {
		const window = new DedupeWindow({}, 2);
		window.add('a');
		window.add('a');
		window.add('b');
		expect(window.has('a')).toBe(true);
		expect(window.size).toBe(2);
	});

	it('keeps the newest keys when the window is resized', () => {
		const store: IDataObject = {};
		const big = new DedupeWindow(store, 4);
		for (const key of ['a', 'b', 'c', 'd', 'e']) big.add(key);
		const small = new DedupeWindow(store, 2);
		expect(small.has('d') && small.has('e')).toBe(true);
		expect(small.has('c')).toBe(false);
		expect(small.size).toBe(2);
	});

	it('starts afresh over static data it does not recognise', () => {
		const store: IDataObject = { dedupe: { ring: 'broken' } };
		const window = new DedupeWindow(store, 2);
		expect(window.size).toBe(0);
		window.add('a');
		expect(window.has('a')).toBe(true);
	});

	it('stays bounded with long keys, and is safe with keys named like Object properties', () => {
		const store: IDataObject = {};
		const window = new DedupeWindow(store, 10);
		const long = 'k'.repeat(10_000);
		window.add(long);
		expect(window.has(long)).toBe(true);
		expect(window.has(`${long}x`)).toBe(false);
		expect(JSON.stringify(store).length).toBeLessThan(100);
		expect(window.has('__proto__')).toBe(false);
		expect(window.has('constructor')).toBe(false);
		window.add('__proto__');
		expect(window.has('__proto__')).toBe(true);
	});

	it('never holds more than its capacity', () => {
		const store: IDataObject = {};
		const window = new DedupeWindow(store, 50);
		for (let i = 0; i < 1_000; i++) window.add(`key-${i}`);
		const state = store.dedupe as { chunks: string[] };
		expect(state.chunks.join('')).toHaveLength(50 * DIGEST_LENGTH);
		expect(window.has('key-949')).toBe(false);
		expect(window.has('key-950')).toBe(true);
	});

	it('keeps 10,000 keys in about 120 KB of static data, whatever their length', () => {
		const store: IDataObject = {};
		const window = new DedupeWindow(store, 10_000);
		window.keepAll(Array.from({ length: 12_000 }, (_, i) => DedupeWindow.storedKey(`open|mail-${i}|recipient-${i}|1564590054000`)));
		expect(window.size).toBe(10_000);
		expect(JSON.stringify(store).length).toBeLessThan(10_000 * DIGEST_LENGTH * 1.01);
		expect(window.has('open|mail-1999|recipient-1999|1564590054000')).toBe(false);
		expect(window.has('open|mail-2000|recipient-2000|1564590054000')).toBe(true);
	});

	it('adding many at once evicts the oldest, the new ones included when they alone overflow it', () => {
		const window = new DedupeWindow({}, 3);
		window.add('a');
		window.keepAll(['b', 'c', 'd', 'e'].map(DedupeWindow.storedKey));
		expect(['a', 'b'].some((key) => window.has(key))).toBe(false);
		expect(['c', 'd', 'e'].every((key) => window.has(key))).toBe(true);
		expect(window.size).toBe(3);
	});

	it('gives the same answers whether n8n hands over the same object or an equal copy from its database', () => {
		const kept: IDataObject = {};
		const first = new DedupeWindow(kept, 5);
		['a', 'b', 'c'].forEach((key) => first.add(key));
		// Two copies of one saved state, as two deliveries read it before either saves: each sees what was saved.
		const saved = JSON.stringify(kept);
		const one = new DedupeWindow(JSON.parse(saved) as IDataObject, 5);
		const other = new DedupeWindow(JSON.parse(saved) as IDataObject, 5);
		one.add('d');
		expect(one.has('d')).toBe(true);
		expect(other.has('d')).toBe(false);
		expect(other.has('c')).toBe(true);
		other.add('e');
		expect(other.has('e') && !other.has('d')).toBe(true);
		// The same object again, after it changed: its own additions are seen.
		const again = new DedupeWindow(kept, 5);
		again.add('f');
		expect(new DedupeWindow(kept, 5).has('f')).toBe(true);
	});

	describe('remembered per workflow and node, as n8n hands over stale copies', () => {
		const copy = (store: IDataObject) => JSON.parse(JSON.stringify(store)) as IDataObject;
		let scope = 0;
		const nextScope = () => `workflow-${++scope}\u0000node\u0000webhook`;

		it('sees the keys of deliveries whose static data n8n had not saved yet', () => {
			const where = nextScope();
			const saved: IDataObject = {};
			new DedupeWindow(saved, 100, where).add('a');
			const beforeB = copy(saved);
			new DedupeWindow(copy(saved), 100, where).add('b');
			// Read before the save of the delivery that added "b".
			const late = new DedupeWindow(beforeB, 100, where);
			expect(late.has('a') && late.has('b')).toBe(true);
		});

		it('leaves the window in static data at once when quiet, and at most once a second under load', () => {
			let now = 1_700_000_000_000;
			const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
			try {
				const where = nextScope();
				const saved: IDataObject = {};
				const keysIn = (store: IDataObject) => new DedupeWindow(copy(store), 100);
				new DedupeWindow(saved, 100, where).add('first');
				expect(keysIn(saved).has('first')).toBe(true);
				// A burst: the next calls within the second change no static data, so n8n writes nothing...
				now += 200;
				const burst: IDataObject = copy(saved);
				new DedupeWindow(burst, 100, where).add('second');
				expect(burst).toEqual(saved);
				// ...yet this process knows the key.
				expect(new DedupeWindow(copy(saved), 100, where).has('second')).toBe(true);
				// A second on, the next call leaves everything in static data.
				now += 1000;
				const later: IDataObject = copy(saved);
				new DedupeWindow(later, 100, where).add('third');
				expect(['first', 'second', 'third'].every((key) => keysIn(later).has(key))).toBe(true);
			} finally {
				clock.mockRestore();
			}
		});

		it('takes in keys another process saved', () => {
			const where = nextScope();
			const saved: IDataObject = {};
			new DedupeWindow(saved, 100, where).add('mine');
			const elsewhere = copy(saved);
			new DedupeWindow(elsewhere, 100).add('theirs');
			const window = new DedupeWindow(copy(elsewhere), 100, where);
			expect(window.has('mine') && window.has('theirs')).toBe(true);
		});

		it('never brings back keys it evicted from a stale copy', () => {
			const where = nextScope();
			const saved: IDataObject = {};
			const window = new DedupeWindow(saved, 3, where);
			['a', 'b', 'c'].forEach((key) => window.add(key));
			const stale = copy(saved);
			['d', 'e'].forEach((key) => window.add(key));
			const late = new DedupeWindow(stale, 3, where);
			expect(['a', 'b'].some((key) => late.has(key))).toBe(false);
			expect(['c', 'd', 'e'].every((key) => late.has(key))).toBe(true);
			expect(late.size).toBe(3);
		});

		it('keeps windows of different workflows, nodes or modes apart', () => {
			const one = nextScope();
			const other = nextScope();
			new DedupeWindow({}, 10, one).add('a');
			expect(new DedupeWindow({}, 10, other).has('a')).toBe(false);
		});
	});

	describe('under n8n\'s races, over many calls (n8n\'s saves landing late, another process, many triggers)', () => {
		let now = 1_700_000_000_000;
		let clock: jest.SpyInstance;
		beforeEach(() => {
			clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
		});
		afterEach(() => clock.mockRestore());

		/** One call as n8n makes it: static data read from the saved text, saved again if the call changed it. */
		function call(DedupeClass: typeof DedupeWindow, saved: string, scope: string, capacity: number, keys: string[]) {
			const store = JSON.parse(saved) as IDataObject;
			const window = new DedupeClass(store, capacity, scope);
			const fresh = keys.map((key) => DedupeClass.storedKey(key)).filter((stored) => !window.holds(stored));
			window.keepAll(fresh);
			const after = JSON.stringify(store);
			return { window, fresh: fresh.length, saved: after === saved ? undefined : after };
		}

		/** Keys of the newest `capacity` missing from the window, and keys older than that still in it. */
		function audit(window: DedupeWindow, sent: number, capacity: number) {
			let missing = 0;
			let stale = 0;
			for (let i = Math.max(0, sent - capacity - 2000); i < sent; i++) {
				const held = window.has(`k${i}`);
				if (i >= sent - capacity && !held) missing++;
				if (i < sent - capacity && held) stale++;
			}
			return { missing, stale };
		}

		it('one process, saves landing three calls late, for thousands of calls: no key missing, none brought back', () => {
			const scope = 'race\u0000one-process\u0000webhook';
			let db = '{}';
			const landing: Array<string | undefined> = [];
			let sent = 0;
			let worst = { missing: 0, stale: 0 };
			for (let i = 0; i < 1500; i++) {
				now += 100;
				const keys = Array.from({ length: 20 }, () => `k${sent++}`);
				const { window, saved } = call(DedupeWindow, db, scope, 1000, keys);
				landing.push(saved);
				if (landing.length > 3) db = landing.shift() ?? db;
				const { missing, stale } = audit(window, sent, 1000);
				worst = { missing: Math.max(worst.missing, missing), stale: Math.max(worst.stale, stale) };
				expect(window.size).toBeLessThanOrEqual(1000);
			}
			expect(worst).toEqual({ missing: 0, stale: 0 });
		});

		it('two processes on one database: neither loses its own keys, and old keys do not bounce back between them', () => {
			const processes: Array<typeof DedupeWindow> = [];
			for (let i = 0; i < 2; i++) {
				jest.isolateModules(() => {
					processes.push((require('../../../nodes/shared/dedupe') as { DedupeWindow: typeof DedupeWindow }).DedupeWindow);
				});
			}
			const scope = 'race\u0000two-processes\u0000webhook';
			let db = '{}';
			let sent = 0;
			let seed = 7;
			const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
			const stale = [0, 0];
			for (let i = 0; i < 3000; i++) {
				now += 300;
				const which = random() < 0.5 ? 0 : 1;
				const keys = Array.from({ length: 5 }, () => `k${sent++}`);
				const { window, saved } = call(processes[which], db, scope, 1000, keys);
				if (saved) db = saved;
				expect(keys.every((key) => window.has(key))).toBe(true);
				if (i % 50 === 49) stale[which] = Math.max(stale[which], audit(window, sent, 1000).stale);
			}
			// A process appends the other's keys when it reads them, so a few of those outlive the window; a
			// few dozen at most, where taking evicted keys back made hundreds bounce.
			expect(Math.max(...stale)).toBeLessThan(50);
		});

		it('with more triggers than windows kept, none forgets keys not yet in static data', () => {
			const saved = new Map<string, string>();
			const deliver = (scope: string, keys: string[]) => {
				const result = call(DedupeWindow, saved.get(scope) ?? '{}', scope, 10_000, keys);
				if (result.saved) saved.set(scope, result.saved);
				return result.fresh;
			};
			deliver('many\u00000', ['first']);
			now += 100;
			deliver('many\u00000', ['evt-42']);
			for (let i = 1; i <= 40; i++) {
				now += 10;
				deliver(`many\u0000${i}`, [`x${i}`]);
			}
			now += 10;
			expect(deliver('many\u00000', ['evt-42'])).toBe(0);
		});
	});
});

describe('a delivery\'s keys', () => {
	const stored = (key: string) => DedupeWindow.storedKey(key);

	it('admits each key once, and keeps in the window only what it admitted, once asked to', () => {
		const store: IDataObject = {};
		const window = new DedupeWindow(store, 100);
		window.add('held');
		const keys = new DeliveryKeys(window, 4);
		const admitted = ['a', 'held', 'b', 'a'].map((key) => keys.admit(stored(key)));

		expect(admitted).toEqual([true, false, true, false]);
		expect(window.has('a')).toBe(false);
		keys.keep();
		expect(['a', 'b', 'held'].every((key) => window.has(key))).toBe(true);
		expect(window.size).toBe(3);
	});

	it('drops repeats within a delivery without a window, and each delivery starts with none', () => {
		const first = new DeliveryKeys(undefined, 3);
		expect(['a', 'b', 'a'].map((key) => first.admit(stored(key)))).toEqual([true, true, false]);
		const second = new DeliveryKeys(undefined, 2);
		expect(['a', 'a'].map((key) => second.admit(stored(key)))).toEqual([true, false]);
		// A delivery of one event has nothing to repeat.
		expect(new DeliveryKeys(undefined, 1).admit(stored('a'))).toBe(true);
	});

	it('refuses to look up one delivery\'s keys while another delivery\'s are being looked up', () => {
		const first = new DeliveryKeys(undefined, 2);
		first.admit(stored('a'));
		const second = new DeliveryKeys(undefined, 2);
		second.admit(stored('a'));
		expect(() => first.admit(stored('b'))).toThrow(/another delivery/);
	});

	it('reads a stored form of another length as a key, and digests it', () => {
		const keys = new DeliveryKeys(undefined, 2);
		expect([keys.admit('short'), keys.admit('short')]).toEqual([true, false]);
	});
});
