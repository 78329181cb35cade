import type { IDataObject } from 'n8n-workflow';

import { DedupeWindow } from '../../../nodes/shared/dedupe';

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
		expect(JSON.stringify(store).length).toBeLessThan(300);
		expect(window.has('__proto__')).toBe(false);
		expect(window.has('constructor')).toBe(false);
		window.add('__proto__');
		expect(window.has('__proto__')).toBe(true);
	});

	it('never holds more than its capacity', () => {
		const store: IDataObject = {};
		const window = new DedupeWindow(store, 50);
		for (let i = 0; i < 1_000; i++) window.add(`key-${i}`);
		const state = store.dedupe as { ring: string[]; index: IDataObject };
		expect(state.ring).toHaveLength(50);
		expect(Object.keys(state.index)).toHaveLength(50);
		expect(window.has('key-949')).toBe(false);
		expect(window.has('key-950')).toBe(true);
	});
});
