// The one list of vendors, for scripts: vendors.json at the repository's root, which the tests read too (JSON,
// so that ts-jest's CommonJS tests and these ES modules can both load it). Each entry: `id` (the key of
// fixtures, simulator examples and every per-vendor table), `title`, `folder` under nodes/, the `trigger`
// class and its `node` type name, and the `example` workflow under examples/.
import { readFileSync } from 'node:fs';

export const VENDORS = JSON.parse(readFileSync(new URL('../vendors.json', import.meta.url), 'utf8'));

/** The compiled trigger's file, relative to the build's root. */
export const triggerFile = (vendor) => `nodes/${vendor.folder}/${vendor.trigger}.node.js`;

/**
 * A script's own data for each vendor, keyed by id, as [vendor, data] pairs in the list's order. A vendor
 * without data, or data for an id not in the list, is an error that names the script, so that a new vendor
 * is noticed where it still needs its part.
 */
export function perVendor(table, where) {
	const ids = new Set(VENDORS.map((vendor) => vendor.id));
	const unknown = Object.keys(table).filter((id) => !ids.has(id));
	if (unknown.length > 0) throw new Error(`${where}: ${unknown.join(', ')} not in vendors.json`);
	const missing = VENDORS.filter((vendor) => !(vendor.id in table)).map((vendor) => vendor.id);
	if (missing.length > 0) throw new Error(`${where}: no entry for ${missing.join(', ')} (listed in vendors.json)`);
	return VENDORS.map((vendor) => [vendor, table[vendor.id]]);
}
