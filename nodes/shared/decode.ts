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

/**
 * How deep a value nests, or `limit + 1` once it is known to nest deeper than `limit`. A walk with a
 * stack of its own, so that a hostile body nested far deeper than the call stack allows is measured too.
 */
export function depthOf(value: unknown, limit: number): number {
	let deepest = 0;
	const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
	for (let next = stack.pop(); next; next = stack.pop()) {
		const { node, depth } = next;
		if (typeof node !== 'object' || node === null) continue;
		// A cycle never ends, so it is found too deep.
		if (depth >= limit) return limit + 1;
		deepest = Math.max(deepest, depth + 1);
		for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
	}
	return deepest;
}

/** An array, or an object with a key of its own. */
function hasContent(value: unknown): boolean {
	return Array.isArray(value) || (typeof value === 'object' && value !== null && Object.keys(value).length > 0);
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
	const depth = depthOf(decoded.payload, MAX_BODY_NESTING);
	if (depth > MAX_BODY_NESTING) return { ok: false, reason: `the body nests deeper than ${MAX_BODY_NESTING} levels` };
	return { ...decoded, depth };
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

/** A JSON object: not null, not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The default split: a JSON array is a batch, anything else is one event. */
export function splitBatch(payload: unknown): unknown[] {
	return Array.isArray(payload) ? payload : [payload];
}
