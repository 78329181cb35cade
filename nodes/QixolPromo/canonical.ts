/**
 * One shape for Qixol Promo payloads, whether they came as JSON or as XML: what the trigger finds the event
 * name in and builds the event key from. It is never the item: items keep the payload as sent.
 *
 * n8n parses XML before the node sees it: tag names are lower-cased, every value is text, a repeated tag
 * becomes an array and a single one does not, and the root element is kept. JSON is brought down to the
 * same form, so that the XML and the JSON of one event share a key:
 * - keys are lower-cased (and, for XML, lose any namespace prefix such as "a:");
 * - every scalar becomes text (42 → "42", true → "true"); null stays null, as does an XML nil element;
 * - in XML, namespace declarations are dropped, the root element is unwrapped, and an element holding
 *   only a repeated tag (or named in `listElements`) becomes the list itself.
 */

import { isRecord } from '../shared/decode';

export type Canonical = string | null | Canonical[] | CanonicalRecord;
export interface CanonicalRecord {
	[key: string]: Canonical;
}

export interface CanonicalOptions {
	/** Canonical names of XML elements that always hold a list, even of one entry or none. */
	listElements?: ReadonlySet<string>;
}

/** A tag or attribute name without its namespace prefix ("a:PromotionId" → "promotionid"). */
export function canonicalName(name: string): string {
	return name.slice(name.lastIndexOf(':') + 1).toLowerCase();
}

/**
 * Builds a record without ever touching Object.prototype, whatever the keys ("__proto__" included).
 * Keys are lower-cased; where two differ only in case, the one not already in lower case keeps its
 * spelling as sent, so neither overwrites the other.
 */
function recordOf(entries: Array<[string, Canonical]>): CanonicalRecord {
	const lowers = entries.map(([key]) => key.toLowerCase());
	// Keys already in lower case are unique, as keys are: names need working out only when some are not.
	const named = entries.some(([key], i) => key !== lowers[i]) ? namesOf(entries, lowers) : entries;
	// fromEntries defines properties (as defineProperty does), so "__proto__" stays a key.
	return Object.fromEntries(named) as CanonicalRecord;
}

function namesOf(entries: Array<[string, Canonical]>, lowers: string[]): Array<[string, Canonical]> {
	const taken = new Set(entries.map(([key]) => key).filter((key, i) => key === lowers[i]));
	return entries.map(([key, value], i) => {
		const lower = lowers[i];
		const name = key === lower || !taken.has(lower) ? lower : key;
		taken.add(name);
		return [name, value];
	});
}

/** Canonical form of a JSON (or form-encoded) value. */
export function canonicalJson(value: unknown): Canonical {
	if (value === null || value === undefined) return null;
	if (Array.isArray(value)) return value.map(canonicalJson);
	if (isRecord(value)) return recordOf(Object.entries(value).map(([name, child]) => [name, canonicalJson(child)]));
	return String(value);
}

const isNamespaceDeclaration = (name: string) => name === 'xmlns' || name.startsWith('xmlns:');
const isNilMarker = (name: string, value: unknown) => canonicalName(name) === 'nil' && value === 'true';

/** An element as xml2js gives it: text, or an object of children plus `$` (attributes) and `_` (text). */
function xmlValue(value: unknown, name: string, options: CanonicalOptions, isRoot = false): Canonical {
	if (Array.isArray(value)) return value.map((entry) => xmlValue(entry, name, options));
	const forcedList = !isRoot && options.listElements?.has(name) === true;
	if (!isRecord(value)) {
		if (value === undefined || value === null) return null;
		return forcedList && value === '' ? [] : String(value);
	}
	const { $: attributes, _: text, ...children } = value;
	const attributeEntries = isRecord(attributes) ? Object.entries(attributes) : [];
	if (attributeEntries.some(([attribute, flag]) => isNilMarker(attribute, flag))) return null;
	const keptAttributes = attributeEntries.filter(([attribute]) => !isNamespaceDeclaration(attribute));
	const childNames = Object.keys(children);

	// A list wrapper: one child element and nothing else. Repeated, it is a list; named by the user, it is
	// a list even of one. The root is the event itself, never a list.
	if (!isRoot && childNames.length === 1 && keptAttributes.length === 0 && text === undefined) {
		const only = children[childNames[0]];
		const childName = canonicalName(childNames[0]);
		if (Array.isArray(only)) return only.map((entry) => xmlValue(entry, childName, options));
		if (forcedList) return [xmlValue(only, childName, options)];
	}

	const entries: Array<[string, Canonical]> = childNames.map((child) => {
		const key = canonicalName(child);
		return [key, xmlValue(children[child], key, options)];
	});
	if (keptAttributes.length > 0) {
		entries.unshift(['$', recordOf(keptAttributes.map(([attribute, content]) => [canonicalName(attribute), String(content)]))]);
	}
	if (text !== undefined) {
		// Text beside nothing but namespace declarations is just the element's value.
		if (entries.length === 0) return String(text);
		entries.push(['_', String(text)]);
	}
	if (entries.length === 0) return forcedList ? [] : '';
	return recordOf(entries);
}

/**
 * Canonical form of an XML body as n8n parsed it: `{ root: content }`. Returns the root's content, or
 * the reason there is nothing to take from it.
 */
export function canonicalXml(body: Record<string, unknown>, options: CanonicalOptions = {}): CanonicalRecord | string {
	const roots = Object.keys(body);
	if (roots.length !== 1) return `the XML body has ${roots.length} root elements, not one`;
	const root = roots[0];
	const content = xmlValue(body[root], canonicalName(root), options, true);
	if (isRecord(content)) return content;
	return content === null || content === ''
		? `the XML root element <${root}> is empty`
		: `the XML root element <${root}> holds text, not fields`;
}

/** Turns "Items, a:CouponCodes" into the canonical names "items" and "couponcodes". */
export function parseListElements(text: string): Set<string> {
	return new Set(
		text
			.split(/[\s,;]+/)
			.filter(Boolean)
			.map(canonicalName),
	);
}
