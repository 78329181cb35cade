/** Source IP allowlists: CIDR ranges, IPv4 and IPv6, without Node's `net` module (not allowed in nodes). */

export interface CidrRange {
	readonly version: 4 | 6;
	readonly network: bigint;
	readonly prefix: number;
	readonly text: string;
}

function parseIPv4(text: string): bigint | undefined {
	const parts = text.split('.');
	if (parts.length !== 4) return undefined;
	let value = 0n;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part)) return undefined;
		const octet = Number(part);
		if (octet > 255) return undefined;
		value = (value << 8n) | BigInt(octet);
	}
	return value;
}

function parseIPv6(text: string): bigint | undefined {
	let address = text;
	const zone = address.indexOf('%');
	if (zone !== -1) address = address.slice(0, zone);
	// An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
	let tail: bigint | undefined;
	const lastColon = address.lastIndexOf(':');
	if (address.includes('.', lastColon)) {
		tail = parseIPv4(address.slice(lastColon + 1));
		if (tail === undefined) return undefined;
		address = `${address.slice(0, lastColon + 1)}0:0`;
	}
	const halves = address.split('::');
	if (halves.length > 2) return undefined;
	const head = halves[0] ? halves[0].split(':') : [];
	const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
	const missing = 8 - head.length - rest.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
	const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
	let value = 0n;
	for (const group of groups) {
		if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
		value = (value << 16n) | BigInt(parseInt(group, 16));
	}
	if (tail !== undefined) value = (value & ~0xffffffffn) | tail;
	return value;
}

/** Parses an address into its version and value; IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4. */
export function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
	const trimmed = text.trim().replace(/^\[|\]$/g, '');
	const v4 = parseIPv4(trimmed);
	if (v4 !== undefined) return { version: 4, value: v4 };
	const v6 = parseIPv6(trimmed);
	if (v6 === undefined) return undefined;
	if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
	return { version: 6, value: v6 };
}

/** Parses "a.b.c.d/n", "x::y/n" or a bare address (a /32 or /128 range). */
export function parseCidr(text: string): CidrRange | undefined {
	const [addressText, prefixText, extra] = text.trim().split('/');
	if (extra !== undefined || !addressText) return undefined;
	const address = parseIp(addressText);
	if (!address) return undefined;
	const bits = address.version === 4 ? 32 : 128;
	if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
	const prefix = prefixText === undefined ? bits : Number(prefixText);
	if (prefix > bits) return undefined;
	const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
	return { version: address.version, network: address.value & mask, prefix, text: text.trim() };
}

/**
 * Parses a list of ranges separated by commas, spaces or new lines. Entries that cannot be parsed are
 * returned in `invalid`, so the node can name them in its error.
 */
export function parseAllowlist(text: string): { ranges: CidrRange[]; invalid: string[] } {
	const ranges: CidrRange[] = [];
	const invalid: string[] = [];
	for (const entry of text.split(/[\s,;]+/).filter(Boolean)) {
		const range = parseCidr(entry);
		if (range) ranges.push(range);
		else invalid.push(entry);
	}
	return { ranges, invalid };
}

export function isAllowed(ip: string, ranges: readonly CidrRange[]): boolean {
	const address = parseIp(ip);
	if (!address) return false;
	return ranges.some((range) => {
		if (range.version !== address.version) return false;
		const bits = range.version === 4 ? 32 : 128;
		const shift = BigInt(bits - range.prefix);
		return address.value >> shift === range.network >> shift;
	});
}
