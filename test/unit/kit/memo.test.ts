import { remembered } from '../../../nodes/shared/memo';

describe('remembered results', () => {
	it('computes once per key, with the first call\'s further arguments', () => {
		const calls: Array<[string, number]> = [];
		const length = remembered(10, (text: string, extra: number) => {
			calls.push([text, extra]);
			return text.length + extra;
		});
		expect([length('abc', 1), length('abc', 5), length('de', 0), length('abc', 9)]).toEqual([4, 4, 2, 4]);
		expect(calls).toEqual([['abc', 1], ['de', 0]]);
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
