/**
 * A function's results remembered by their first argument, for calls that repeat with few distinct keys (an
 * expected secret's digest, a time zone's check, an hour's offset). Bounded: cleared whole once `kept` keys
 * are held, which costs one computation per key in use. A text key longer than `longestKey` is computed and
 * not kept: where a caller sends the key, a few long ones would otherwise stay in memory. `compute` never
 * returns undefined, and its result depends only on the key: later arguments help compute it, the first
 * call's are the ones remembered.
 */
export function remembered<K, V extends NonNullable<unknown>, A extends unknown[]>(
	kept: number,
	compute: (key: K, ...rest: A) => V,
	{ longestKey = Infinity }: { longestKey?: number } = {},
): (key: K, ...rest: A) => V {
	const known = new Map<K, V>();
	const keep = (key: K, value: V): V => {
		if (typeof key === 'string' && key.length > longestKey) return value;
		if (known.size >= kept) known.clear();
		known.set(key, value);
		return value;
	};
	// Without later arguments, a call gathers no rest list: some remembered functions run for every event.
	if (compute.length <= 1) {
		const computeOne = compute as unknown as (key: K) => V;
		return ((key: K) => known.get(key) ?? keep(key, computeOne(key))) as unknown as (key: K, ...rest: A) => V;
	}
	return (key, ...rest) => known.get(key) ?? keep(key, compute(key, ...rest));
}
