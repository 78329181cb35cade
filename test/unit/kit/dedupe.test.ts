import { createHash } from 'crypto';
import type { IDataObject, INodeType, IWebhookFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { handleDelivery, standardResponses, type TriggerDeclaration } from '../../../nodes/shared';
import { DedupeWindow } from '../../../nodes/shared/dedupe';
import { type NodeSetup, deliver } from '../../helpers/webhook';

const copy = (store: IDataObject) => JSON.parse(JSON.stringify(store)) as IDataObject;
/** What static data should hold for a key: the first 12 characters of its SHA-256, base64url. */
const hashOf = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 12);
/** A fresh copy of the module, as another process or a restarted one has. */
function anotherProcess(): typeof DedupeWindow {
	let loaded: typeof DedupeWindow | undefined;
	jest.isolateModules(() => {
		loaded = (require('../../../nodes/shared/dedupe') as { DedupeWindow: typeof DedupeWindow }).DedupeWindow;
	});
	return loaded as typeof DedupeWindow;
}
let scopes = 0;
const nextScope = () => `workflow-${++scopes}\u0000node\u0000webhook`;

describe('deduplication as a trigger does it', () => {
	const declaration: TriggerDeclaration<{ id: string }> = {
		vendor: 'Acme',
		schema: z.object({ id: z.string() }),
		eventName: () => 'acme',
		eventKey: (event) => event.id,
		responses: standardResponses,
	};
	const node: INodeType = {
		description: {} as INodeType['description'],
		webhook(this: IWebhookFunctions) {
			return handleDelivery.call(this, declaration);
		},
	};
	const emitted = async (setup: NodeSetup, ids: string[]) =>
		((await deliver(node, setup, { body: ids.map((id) => ({ id })) })).items ?? []).map(({ id }) => id);

	it('drops repeats inside one delivery, whichever way the trigger answers', async () => {
		for (const responseMode of ['onReceived', 'lastNode']) {
			expect(await emitted({ parameters: { responseMode } }, ['a', 'b', 'a'])).toEqual(['a', 'b']);
		}
	});

	it('drops a repeat of an earlier delivery when answering at once, and runs it again when answering after the last node', async () => {
		const immediately: NodeSetup = { staticData: {} };
		expect(await emitted(immediately, ['a'])).toEqual(['a']);
		expect(await emitted(immediately, ['a', 'b'])).toEqual(['b']);
		// A redelivery after a failed run must run again.
		const afterLastNode: NodeSetup = { parameters: { responseMode: 'lastNode' }, staticData: {} };
		expect(await emitted(afterLastNode, ['a'])).toEqual(['a']);
		expect(await emitted(afterLastNode, ['a'])).toEqual(['a']);
		expect(afterLastNode.staticData).toEqual({});
	});
});

describe('the dedupe window', () => {
	it('remembers keys, holds at most its size, and forgets the oldest first', () => {
		const window = new DedupeWindow({}, 3);
		window.add(['a', 'b', 'c', 'a']);
		expect(['a', 'b', 'c'].every((key) => window.has(key))).toBe(true);
		window.add(['d']);
		expect(window.has('a')).toBe(false);
		window.add(['e', 'f', 'g', 'h']);
		expect(['a', 'b', 'c', 'd', 'e'].some((key) => window.has(key))).toBe(false);
		expect(['f', 'g', 'h'].every((key) => window.has(key))).toBe(true);
		expect(window.size).toBe(3);
	});

	it('survives a restart through static data, as 12-character hashes, oldest first', () => {
		const store: IDataObject = {};
		new DedupeWindow(store, 100, nextScope()).add(['x', 'y']);
		expect((store.dedupe as IDataObject).keys).toBe(hashOf('x') + hashOf('y'));
		const restarted = new (anotherProcess())(copy(store), 100, nextScope());
		expect(restarted.has('x') && restarted.has('y')).toBe(true);
		expect(restarted.has('z')).toBe(false);
	});

	it('keeps 10,000 keys in about 120 KB of static data, whatever their length', () => {
		const store: IDataObject = {};
		new DedupeWindow(store, 10_000).add(Array.from({ length: 12_000 }, (_, i) => `open|mail-${i}|${'r'.repeat(200)}-${i}`));
		expect(JSON.stringify(store).length).toBeLessThan(10_000 * 12 * 1.01);
	});

	it('keeps the newest keys when its size is changed', () => {
		const store: IDataObject = {};
		new DedupeWindow(store, 4).add(['a', 'b', 'c', 'd', 'e']);
		const small = new DedupeWindow(store, 2);
		expect(small.has('d') && small.has('e')).toBe(true);
		expect(small.has('c')).toBe(false);
	});

	it('starts afresh over static data it does not recognise, such as an older version\'s window', () => {
		const store: IDataObject = { dedupe: { capacity: 10, chunks: ['AAAAAAAAAAAA'] } };
		const window = new DedupeWindow(store, 10);
		expect(window.size).toBe(0);
		window.add(['a']);
		expect(new DedupeWindow(copy(store), 10).has('a')).toBe(true);
	});

	it('is safe with keys named like Object properties', () => {
		const window = new DedupeWindow({}, 10);
		expect(window.has('__proto__') || window.has('constructor')).toBe(false);
		window.add(['__proto__']);
		expect(window.has('__proto__')).toBe(true);
	});

	describe('remembered per workflow, node and mode, as n8n hands over stale copies', () => {
		it('sees the keys of deliveries whose static data n8n had not saved yet', () => {
			const where = nextScope();
			const saved: IDataObject = {};
			new DedupeWindow(saved, 100, where).add(['a']);
			const beforeB = copy(saved);
			new DedupeWindow(copy(saved), 100, where).add(['b']);
			const late = new DedupeWindow(beforeB, 100, where);
			expect(late.has('a') && late.has('b')).toBe(true);
		});

		it('writes static data at once when quiet, and at most once a second under load', () => {
			let now = 1_700_000_000_000;
			const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
			try {
				const where = nextScope();
				const saved: IDataObject = {};
				const keysIn = (store: IDataObject) => new DedupeWindow(copy(store), 100);
				new DedupeWindow(saved, 100, where).add(['first']);
				expect(keysIn(saved).has('first')).toBe(true);
				// Within the second: static data is left as it was, so n8n writes nothing, yet the process knows the key.
				now += 200;
				const burst = copy(saved);
				new DedupeWindow(burst, 100, where).add(['second']);
				expect(burst).toEqual(saved);
				expect(new DedupeWindow(copy(saved), 100, where).has('second')).toBe(true);
				// A second on, the next call writes everything.
				now += 1000;
				const later = copy(saved);
				new DedupeWindow(later, 100, where).add(['third']);
				expect(['first', 'second', 'third'].every((key) => keysIn(later).has(key))).toBe(true);
			} finally {
				clock.mockRestore();
			}
		});

		it('takes in keys another process saved', () => {
			const where = nextScope();
			const saved: IDataObject = {};
			new DedupeWindow(saved, 100, where).add(['mine']);
			const elsewhere = copy(saved);
			new (anotherProcess())(elsewhere, 100, where).add(['theirs']);
			const window = new DedupeWindow(copy(elsewhere), 100, where);
			expect(window.has('mine') && window.has('theirs')).toBe(true);
		});

		it('never brings back keys it evicted from a stale copy, its own or another process\'s', () => {
			const where = nextScope();
			const saved: IDataObject = {};
			const window = new DedupeWindow(saved, 3, where);
			window.add(['a', 'b', 'c']);
			const stale = copy(saved);
			// Another process read the window then, and added a key of its own.
			const theirs = copy(saved);
			new (anotherProcess())(theirs, 3, where).add(['x']);
			window.add(['d', 'e']);
			for (const copyHandedOver of [stale, theirs]) {
				const late = new DedupeWindow(copy(copyHandedOver), 3, where);
				expect(['a', 'b'].some((key) => late.has(key))).toBe(false);
				expect(['c', 'd', 'e'].every((key) => late.has(key))).toBe(true);
			}
		});

		it('keeps windows of different workflows, nodes or modes apart', () => {
			new DedupeWindow({}, 10, nextScope()).add(['a']);
			expect(new DedupeWindow({}, 10, nextScope()).has('a')).toBe(false);
		});
	});

	describe('under n8n\'s races, over many calls (saves landing late, another process, many triggers)', () => {
		let now = 1_700_000_000_000;
		let clock: jest.SpyInstance;
		beforeEach(() => {
			clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
		});
		afterEach(() => clock.mockRestore());

		/** One call as n8n makes it: static data read from the saved text, saved again if the call changed it. */
		function call(Window: typeof DedupeWindow, saved: string, scope: string, capacity: number, keys: string[]) {
			const store = JSON.parse(saved) as IDataObject;
			const window = new Window(store, capacity, scope);
			const fresh = keys.filter((key) => !window.has(key));
			window.add(fresh);
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
			const scope = nextScope();
			let db = '{}';
			const landing: Array<string | undefined> = [];
			let sent = 0;
			let worst = { missing: 0, stale: 0 };
			for (let i = 0; i < 1500; i++) {
				now += 100;
				const { window, saved } = call(DedupeWindow, db, scope, 1000, Array.from({ length: 20 }, () => `k${sent++}`));
				landing.push(saved);
				if (landing.length > 3) db = landing.shift() ?? db;
				const { missing, stale } = audit(window, sent, 1000);
				worst = { missing: Math.max(worst.missing, missing), stale: Math.max(worst.stale, stale) };
			}
			expect(worst).toEqual({ missing: 0, stale: 0 });
		});

		it('two processes on one database: neither loses its own keys, and old keys do not bounce back between them', () => {
			const processes = [anotherProcess(), anotherProcess()];
			const scope = nextScope();
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
			// A process appends the other's keys when it reads them, so a few of those outlive the window.
			expect(Math.max(...stale)).toBeLessThan(50);
		});

		it('with more triggers than windows kept, none forgets keys not yet in static data', () => {
			const saved = new Map<string, string>();
			const deliver = (scope: string, keys: string[]) => {
				const result = call(DedupeWindow, saved.get(scope) ?? '{}', scope, 10_000, keys);
				if (result.saved) saved.set(scope, result.saved);
				return result.fresh;
			};
			const first = nextScope();
			deliver(first, ['first']);
			now += 100;
			deliver(first, ['evt-42']);
			for (let i = 1; i <= 40; i++) {
				now += 10;
				deliver(nextScope(), [`x${i}`]);
			}
			now += 10;
			expect(deliver(first, ['evt-42'])).toBe(0);
		});

		it('remembers a bounded number of windows: past 256 with keys unwritten, the oldest is forgotten', () => {
			const Window = anotherProcess();
			const staticData = new Map<string, IDataObject>();
			for (let i = 0; i < 300; i++) {
				const scope = `bounded-${i}`;
				staticData.set(scope, {});
				new Window(staticData.get(scope) as IDataObject, 100, scope).add([`written-${i}`]);
				// Within the second: kept in memory only.
				new Window(copy(staticData.get(scope) as IDataObject), 100, scope).add([`unwritten-${i}`]);
			}
			const oldest = new Window(copy(staticData.get('bounded-0') as IDataObject), 100, 'bounded-0');
			expect([oldest.has('written-0'), oldest.has('unwritten-0')]).toEqual([true, false]);
			const recent = new Window(copy(staticData.get('bounded-299') as IDataObject), 100, 'bounded-299');
			expect(recent.has('unwritten-299')).toBe(true);
		});
	});
});
