import type { IDataObject } from 'n8n-workflow';


export type BodyFormat = 'json' | 'form' | 'xml';

export type Decoded =
	| {
			ok: true;
			payload: unknown;
			format: BodyFormat;
			/** How deep the payload nests (a scalar is 0), known to be at most MAX_BODY_NESTING. */
			depth: number;
			/** Form fields exactly as received, before JSON-valued fields were parsed (for signatures). */
			formFields?: Record<string, string>;
	  }
	| { ok: false; reason: string };

export interface BodyInput {
	/** What n8n parsed: JSON, form fields, or XML (tag names lower-cased). */
	body: unknown;
	/** The bytes as received, when n8n kept them. */
	rawBody?: Buffer;
	contentType?: string;
}

/**
 * How deep a body and one event may nest. No vendor nests more than a few levels; far deeper values
 * break recursive code (JSON.stringify gives up near 10,000 levels, n8n's saving of execution data too),
 * while n8n's JSON.parse reads any depth. The body's bound keeps a vendor's split safe; the event's is
 * checked event by event, so one such event does not cost the others.
 */
export const MAX_BODY_NESTING = 1_000;
export const MAX_EVENT_NESTING = 100;

/** Whether a value nests deeper than `limit` levels (a scalar is 0 deep, `{}` and `[]` are 1). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
	return depthOf(value, limit) > limit;
}

/** How deep a value nests, or `limit + 1` once it is known to nest deeper than `limit`. */
export function depthOf(value: unknown, limit: number): number {
	return typeof value === 'object' && value !== null ? levels(value, limit, RECURSION_AT_MOST) : 0;
}

/**
 * This walks every body, so the common, shallow case recurses, which is three to four times faster than a
 * loop over stacks; levels below the first 64 are walked with stacks, so the call stack stays small however
 * deep the value.
 */
const RECURSION_AT_MOST = 64;

/** depthOf for an object; `room` is how much deeper the recursion may go. Stops once the value is too deep. */
function levels(value: object, limit: number, room: number): number {
	if (limit < 1) return limit + 1;
	if (room === 0) return levelsWithoutRecursion(value, limit);
	let below = 0;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length && below <= limit; i++) below = deeper(value[i], limit, room, below);
	} else {
		for (const key in value) {
			below = deeper((value as Record<string, unknown>)[key], limit, room, below);
			if (below > limit) break;
		}
	}
	return below > limit ? limit + 1 : below + 1;
}

/** The deepest level below a value so far, given one more child: above `limit` once the child is too deep. */
function deeper(child: unknown, limit: number, room: number, below: number): number {
	if (typeof child !== 'object' || child === null) return below;
	const depth = levels(child, limit - 1, room - 1);
	return depth >= limit ? limit + 1 : Math.max(depth, below);
}

/** levels, with two plain stacks instead of the call stack. */
function levelsWithoutRecursion(value: object, limit: number): number {
	const values: object[] = [value];
	const depths: number[] = [1];
	let deepest = 0;
	while (values.length > 0) {
		const current = values.pop() as object;
		const depth = depths.pop() as number;
		if (depth > limit) return limit + 1;
		if (depth > deepest) deepest = depth;
		for (const key in current) {
			const child: unknown = (current as Record<string, unknown>)[key];
			if (typeof child === 'object' && child !== null) {
				values.push(child);
				depths.push(depth + 1);
			}
		}
	}
	return deepest;
}

/** An array, or an object with a key of its own: stops at the first key rather than listing them all. */
function hasContent(value: unknown): boolean {
	if (Array.isArray(value)) return true;
	if (typeof value !== 'object' || value === null) return false;
	for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) return true;
	return false;
}

function looksLikeJson(text: string): boolean {
	const first = text.trimStart()[0];
	return first === '{' || first === '[';
}

function parseJson(text: string): Decoded {
	try {
		return { ok: true, payload: JSON.parse(text) as unknown, format: 'json', depth: 0 };
	} catch (error) {
		return { ok: false, reason: `the body is not valid JSON (${(error as Error).message})` };
	}
}

/** Form fields whose values hold JSON are parsed; a value that does not parse stays a string. */
function expandForm(fields: Record<string, string>): Decoded {
	const payload: IDataObject = {};
	for (const [name, value] of Object.entries(fields)) {
		if (typeof value === 'string' && looksLikeJson(value)) {
			try {
				payload[name] = JSON.parse(value) as IDataObject;
				continue;
			} catch {
				// Not JSON after all: keep the text as it came.
			}
		}
		payload[name] = value;
	}
	return { ok: true, payload, format: 'form', depth: 0, formFields: fields };
}

function formFieldsOf(body: unknown, rawBody: Buffer | undefined): Record<string, string> | undefined {
	if (hasContent(body) && !Array.isArray(body)) {
		const fields: Record<string, string> = {};
		for (const [name, value] of Object.entries(body as IDataObject)) {
			fields[name] = Array.isArray(value) ? String(value[0]) : String(value);
		}
		return fields;
	}
	if (rawBody && rawBody.length > 0) {
		const fields: Record<string, string> = {};
		for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) {
			if (!(name in fields)) fields[name] = value;
		}
		return fields;
	}
	return undefined;
}

/**
 * Turns a request body into a payload. n8n has usually parsed it already; the raw bytes are parsed only
 * when it has not. Never throws: a body that cannot be decoded gives the reason.
 */
export function decodeBody(input: BodyInput): Decoded {
	const decoded = decodeAny(input);
	if (!decoded.ok) return decoded;
	// Set on the object decodeAny made (with a depth of 0 until now), not spread into a new one.
	decoded.depth = depthOf(decoded.payload, MAX_BODY_NESTING);
	if (decoded.depth > MAX_BODY_NESTING) return { ok: false, reason: `the body nests deeper than ${MAX_BODY_NESTING} levels` };
	return decoded;
}

function decodeAny({ body, rawBody, contentType = '' }: BodyInput): Decoded {
	const type = contentType.split(';')[0].trim().toLowerCase();

	if (type.endsWith('/xml') || type.endsWith('+xml')) {
		return hasContent(body)
			? { ok: true, payload: body, format: 'xml', depth: 0 }
			: { ok: false, reason: 'the XML body is empty or could not be parsed' };
	}

	if (type === 'application/x-www-form-urlencoded') {
		const fields = formFieldsOf(body, rawBody);
		return fields && Object.keys(fields).length > 0
			? expandForm(fields)
			: { ok: false, reason: 'the form body is empty' };
	}

	if (hasContent(body)) return { ok: true, payload: body, format: 'json', depth: 0 };
	if (typeof body === 'string' && body.trim().length > 0) return parseJson(body);
	if (rawBody && rawBody.length > 0) return parseJson(rawBody.toString('utf8'));
	return { ok: false, reason: 'the body is empty' };
}

/** The default split: a JSON array is a batch, anything else is one event. */
export function splitBatch(payload: unknown): unknown[] {
	return Array.isArray(payload) ? payload : [payload];
}
