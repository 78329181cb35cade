import type { DeliveryRequest } from '../shared';

/** Body parameters as text, the way a signer would have seen them. */
export type ParameterSet = Record<string, string>;

const WHITESPACE = ' \t\n\r';

function skipWhitespace(text: string, at: number): number {
	let i = at;
	while (i < text.length && WHITESPACE.includes(text[i])) i++;
	return i;
}

/** Index just past the JSON string that opens at `at`, or -1. */
function endOfString(text: string, at: number): number {
	let i = at + 1;
	while (i < text.length) {
		if (text[i] === '\\') i += 2;
		else if (text[i] === '"') return i + 1;
		else i++;
	}
	return -1;
}

/** Index just past the JSON value that starts at `at`, or -1. The text is known to be valid JSON. */
function endOfValue(text: string, at: number): number {
	const first = text[at];
	if (first === '"') return endOfString(text, at);
	if (first === '{' || first === '[') {
		let depth = 0;
		let i = at;
		while (i < text.length) {
			const char = text[i];
			if (char === '"') {
				i = endOfString(text, i);
				if (i < 0) return -1;
				continue;
			}
			if (char === '{' || char === '[') depth++;
			else if (char === '}' || char === ']') {
				depth--;
				if (depth === 0) return i + 1;
			}
			i++;
		}
		return -1;
	}
	let i = at;
	while (i < text.length && !`,}]${WHITESPACE}`.includes(text[i])) i++;
	return i > at ? i : -1;
}

/**
 * The members of a top-level JSON object, each with the exact text of its value as it stands in the
 * body. A repeated name keeps its last value, as JSON.parse does. Undefined when the text is not an object.
 */
export function jsonMemberTexts(text: string): Map<string, string> | undefined {
	const members = new Map<string, string>();
	let i = skipWhitespace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
	if (text[i] !== '{') return undefined;
	i = skipWhitespace(text, i + 1);
	if (text[i] === '}') return members;
	while (i < text.length) {
		if (text[i] !== '"') return undefined;
		const keyEnd = endOfString(text, i);
		if (keyEnd < 0) return undefined;
		const key = JSON.parse(text.slice(i, keyEnd)) as string;
		i = skipWhitespace(text, keyEnd);
		if (text[i] !== ':') return undefined;
		i = skipWhitespace(text, i + 1);
		const valueEnd = endOfValue(text, i);
		if (valueEnd < 0) return undefined;
		members.set(key, text.slice(i, valueEnd));
		i = skipWhitespace(text, valueEnd);
		if (text[i] === '}') return members;
		if (text[i] !== ',') return undefined;
		i = skipWhitespace(text, i + 1);
	}
	return undefined;
}

/** Without a prototype, so a parameter named "__proto__" is kept like any other. */
const emptySet = (): ParameterSet => Object.create(null) as ParameterSet;

/** A string parameter is signed as the string itself; anything else as JSON text. */
function asText(value: unknown, json: () => string): string {
	return typeof value === 'string' ? value : json();
}

/**
 * The body parameters as they were received, as one or more readings. Prodege does not document how it
 * signs a JSON body whose `data` is an object, so two readings are offered for JSON: the exact text of
 * each value in the raw body, and its compact re-serialisation. A form body has one reading: its fields
 * exactly as sent (after URL-decoding, which is transport, not content).
 */
export function receivedParameterSets(request: DeliveryRequest): ParameterSet[] {
	const { decoded, rawBody } = request;
	if (decoded.formFields) return [Object.assign(emptySet(), decoded.formFields)];
	const payload = decoded.payload;
	if (decoded.format !== 'json' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
		return [];
	}
	const parsed = payload as Record<string, unknown>;
	const sets: ParameterSet[] = [];
	// A string is signed as itself in both readings, so when every value is one, reading the raw text
	// (a scan of the whole body) could only give the compact reading again.
	const allStrings = Object.values(parsed).every((value) => typeof value === 'string');
	const texts = rawBody && !allStrings ? jsonMemberTexts(rawBody.toString('utf8')) : undefined;
	if (texts) {
		const exact = emptySet();
		for (const [key, text] of texts) exact[key] = asText(parsed[key], () => text);
		sets.push(exact);
	}
	const compact = emptySet();
	for (const [key, value] of Object.entries(parsed)) compact[key] = asText(value, () => JSON.stringify(value));
	if (!sets.some((set) => sameSet(set, compact))) sets.push(compact);
	return sets;
}

function sameSet(a: ParameterSet, b: ParameterSet): boolean {
	const keys = Object.keys(a);
	return keys.length === Object.keys(b).length && keys.every((key) => key in b && a[key] === b[key]);
}
