import { remembered } from '../../../nodes/shared/memo';

describe('remembered results', () => {
	it('computes once per key', () => {
		const calls: string[] = [];
		const length = remembered(10, (text: string) => {
			calls.push(text);
			return text.length;
		});
		expect([length('abc'), length('abc'), length('de'), length('abc')]).toEqual([3, 3, 2, 3]);
		expect(calls).toEqual(['abc', 'de']);
	});

	it('remembers false and 0, which are results, not misses', () => {
		let calls = 0;
		const isLong = remembered(10, (text: string) => {
			calls++;
			return text.length > 3;
		});
		expect([isLong('ab'), isLong('ab'), isLong('ab')]).toEqual([false, false, false]);
		expect(calls).toBe(1);
	});

	it('holds at most the given number of keys, starting afresh when full', () => {
		const computed: number[] = [];
		const double = remembered(3, (n: number) => {
			computed.push(n);
			return n * 2;
		});
		for (const n of [1, 2, 3, 1, 4, 1]) double(n);
		// 1, 2 and 3 fill it; 1 is remembered; 4 clears it, so 1 is computed again.
		expect(computed).toEqual([1, 2, 3, 4, 1]);
	});

	it('computes a text key longer than the bound each time, and keeps none of them', () => {
		const computed: string[] = [];
		const upper = remembered(10, (text: string) => {
			computed.push(text);
			return text.toUpperCase();
		}, { longestKey: 3 });
		for (const text of ['abc', 'abcd', 'abc', 'abcd']) upper(text);
		expect(computed).toEqual(['abc', 'abcd', 'abcd']);
		expect(upper('abcd')).toBe('ABCD');
	});
});
