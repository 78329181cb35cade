/**
 * A function's results remembered by its argument, for calls that repeat with few distinct keys (an expected
 * secret's digest, a time zone's check, an hour's offset, a key's spelling). Bounded: cleared whole once
 * `kept` keys are held, which costs one computation per key in use. A text key longer than `longestKey` is
 * computed and not kept: where a caller sends the key, a few long ones would otherwise stay in memory.
 * `compute` never returns undefined, and its result depends only on the key.
 */
export function remembered<K, V extends NonNullable<unknown>>(
	kept: number,
	compute: (key: K) => V,
	{ longestKey = Infinity }: { longestKey?: number } = {},
): (key: K) => V {
	const known = new Map<K, V>();
	const keep = (key: K, value: V): V => {
		if (typeof key === 'string' && key.length > longestKey) return value;
		if (known.size >= kept) known.clear();
		known.set(key, value);
		return value;
	};
	return (key) => known.get(key) ?? keep(key, compute(key));
}
