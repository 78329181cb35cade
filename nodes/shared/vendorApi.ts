/**
 * Failed calls to a vendor's REST API: read the same way whether the vendor answered or the connection
 * failed, whether the request error came raw or wrapped by n8n, and turned into a NodeApiError. What the
 * error says is the vendor's declaration (`FailureTexts`), one text per kind of failure; quoting the
 * vendor, keeping secrets out and the error's shape are here.
 */
import {
	NodeApiError,
	UserError,
	type IDataObject,
	type IN8nHttpFullResponse,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

/** What a failed call came to. */
export interface VendorFailure {
	/** The HTTP status the vendor answered with; undefined when there was no answer. */
	status?: number;
	/** The answer's body, decoded and with secrets redacted (from a full response only). */
	body?: unknown;
	/** The vendor's own words from the body, shortened. */
	vendorMessage?: string;
	/** The Retry-After header, as sent. */
	retryAfter?: string;
	/** No answer: the connection error's code (ECONNREFUSED, ETIMEDOUT, …). */
	network?: string;
	/** No answer: the call ran out of time. */
	timedOut?: boolean;
	/** No answer: what the request error said about itself, with secrets redacted. */
	clues?: string;
	/** The credential could not authenticate (n8n's UserError); its message already says what to do. */
	credential?: string;
}

export type FailureKind =
	| 'credential'
	| 'unreachable'
	| 'timeout'
	/** A success whose body the node cannot read. */
	| 'unreadable'
	| 'unauthorized'
	| 'forbidden'
	| 'notFound'
	| 'rateLimited'
	| 'serverError'
	/** Any other 4xx, or a status no other kind takes. */
	| 'refused';

export function failureKind(failure: VendorFailure): FailureKind {
	const { status } = failure;
	if (failure.credential !== undefined) return 'credential';
	if (status === undefined) return failure.timedOut ? 'timeout' : 'unreachable';
	if (status >= 200 && status < 300) return 'unreadable';
	if (status === 401) return 'unauthorized';
	if (status === 403) return 'forbidden';
	if (status === 404) return 'notFound';
	if (status === 429) return 'rateLimited';
	return status >= 500 ? 'serverError' : 'refused';
}

const TRANSIENT: ReadonlySet<FailureKind> = new Set<FailureKind>(['unreachable', 'timeout', 'unreadable', 'rateLimited', 'serverError']);

/** Whether a failure of this kind may go away by itself, so that trying again later can help. */
export function isTransientKind(kind: FailureKind): boolean {
	return TRANSIENT.has(kind);
}

// ---- Reading -------------------------------------------------------------------------------------

/** How to read a failure. */
export interface ReadOptions {
	/** How many characters of the vendor's words to quote at most. */
	quote: number;
	/** Values the request carried that must not reach an error: passwords, secrets. */
	secrets?: readonly string[];
}

/** An API answer's body as the vendor meant it: JSON parsed, other text kept as text, an empty body as undefined. */
export function decodeAnswer(raw: unknown): unknown {
	if (raw === undefined || raw === null) return undefined;
	const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : undefined;
	if (text === undefined) return raw;
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		// Not JSON: the text itself is what the vendor said.
		return text;
	}
}

const WORD_KEYS = ['message', 'error_description', 'error', 'errors', 'errorMessage', 'detail', 'title'];

type Loose = Record<string, unknown> | undefined;
const asRecord = (value: unknown): Loose => (value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined);

/** The vendor's own words in a body, at most `max` characters: never the whole body, nor an HTML page. */
export function vendorWords(body: unknown, max: number): string | undefined {
	if (typeof body === 'string') {
		const text = body.trim();
		return text && !text.startsWith('<') ? text.slice(0, max) : undefined;
	}
	const record = asRecord(body);
	for (const key of WORD_KEYS) {
		const value = record?.[key];
		const words = typeof value === 'string' ? value : asRecord(value)?.message;
		if (typeof words === 'string' && words) return words.slice(0, max);
	}
	return undefined;
}

/** A secret as a vendor may echo it: as sent, URL-encoded, or in base64 (as an Authorization header carries a pair). */
function echoedForms(secret: string): string[] {
	const bytes = Buffer.from(secret, 'utf8');
	return [...new Set([secret, encodeURIComponent(secret), bytes.toString('base64'), bytes.toString('base64url')])];
}

/**
 * Secrets shorter than 4 characters are left, as replacing them would garble ordinary words. The longest
 * forms go first, so that a secret inside a longer one (a password in a user:password pair) does not
 * break the longer one's match.
 */
function redact(text: string, secrets: readonly string[]): string {
	const forms = secrets.filter((secret) => secret.length >= 4).flatMap(echoedForms);
	let out = text;
	for (const form of forms.sort((a, b) => b.length - a.length)) out = out.split(form).join('***');
	return out;
}

/** A copy with secrets replaced; built with fromEntries, so a key "__proto__" in a vendor's body stays a key. */
function redactDeep(value: unknown, secrets: readonly string[]): unknown {
	if (typeof value === 'string') return redact(value, secrets);
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, redactDeep(entry, secrets)])) as IDataObject;
	}
	return value;
}

function header(headers: unknown, name: string): string | undefined {
	const value = asRecord(headers)?.[name];
	const first = Array.isArray(value) ? (value[0] as unknown) : value;
	return typeof first === 'string' ? first : typeof first === 'number' ? String(first) : undefined;
}

/** Reads an answer taken with `returnFullResponse` and `ignoreHttpStatusErrors`. */
export function readAnswer(response: IN8nHttpFullResponse, options: ReadOptions): VendorFailure {
	const body = redactDeep(decodeAnswer(response.body), options.secrets ?? []);
	return {
		status: response.statusCode,
		body,
		vendorMessage: vendorWords(body, options.quote),
		retryAfter: header(response.headers, 'retry-after'),
	};
}

const TIMED_OUT = /time ?out|timed out|ETIMEDOUT|ECONNABORTED|aborted/i;

/**
 * Reads what a request helper threw: the request error itself, or the NodeApiError that
 * httpRequestWithAuthentication wraps it in (status in httpCode, the request error as cause). Only the
 * answer's status, headers and body are read, never the request, which holds the credentials.
 */
export function readThrown(error: unknown, options: ReadOptions): VendorFailure {
	const outer = asRecord(error);
	const cause = asRecord(outer?.cause);
	const secrets = options.secrets ?? [];
	const credential = [error, outer?.cause].find((candidate): candidate is UserError => candidate instanceof UserError);
	// The credential's own message may quote the vendor, who may quote what it was sent.
	if (credential) return { credential: redact(credential.message, secrets) };
	const response = asRecord(outer?.response) ?? asRecord(cause?.response);
	const words = (data: unknown) => vendorWords(redactDeep(data, secrets), options.quote);
	const vendorMessage = words(response?.data) ?? words(asRecord(outer?.context)?.data);
	const rawStatus = response?.status ?? outer?.httpCode ?? outer?.statusCode;
	const status = rawStatus === undefined || rawStatus === null ? Number.NaN : Number(rawStatus);
	// n8n's wrapper keeps an error code in httpCode when there was no answer (ECONNRESET, or 23 for a
	// DOMException timeout), so only an HTTP status counts as one.
	if (Number.isInteger(status) && status >= 100 && status <= 599) {
		return { status, vendorMessage, retryAfter: header(response?.headers, 'retry-after') };
	}
	const code = outer?.code ?? cause?.code;
	const clues = [outer?.message, outer?.name, outer?.code, cause?.code, cause?.message]
		.filter((part) => (typeof part === 'string' || typeof part === 'number') && Boolean(part))
		.join(' ');
	return {
		status: undefined,
		vendorMessage,
		network: typeof code === 'string' ? code : undefined,
		timedOut: TIMED_OUT.test(clues) || undefined,
		clues: redact(clues, secrets) || undefined,
	};
}

/** Retry-After in milliseconds: delta seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// ---- Telling the user ----------------------------------------------------------------------------

/** What to tell the user: the message says what happened and what to do, the description adds detail. */
export interface Explanation {
	message: string;
	description?: string;
}

/** A vendor's words for every kind of failure, so that none falls back to a generic message. */
export type FailureTexts = Record<FailureKind, (failure: VendorFailure) => Explanation>;

/**
 * The error for a failed call, in the vendor's words. When the vendor gave a reason for refusing, the
 * description quotes it first. The context keeps the status, the (redacted) body and whether trying again
 * may help, for `vendorStatus`, `isTransient` and error items.
 */
export function vendorApiError(
	node: INode,
	vendor: string,
	failure: VendorFailure,
	texts: FailureTexts,
	itemIndex?: number,
): NodeApiError {
	const kind = failureKind(failure);
	const { message, description: detail } = texts[kind](failure);
	// A success the node cannot read quotes nothing: its words are no reason.
	const refused = failure.status !== undefined && failure.status >= 300;
	const quoted = refused && failure.vendorMessage ? `${vendor} said: ${failure.vendorMessage}` : undefined;
	const description = quoted && detail ? `${quoted}. ${detail}` : (quoted ?? detail);
	const errorResponse = { status: failure.status ?? null, body: (failure.body ?? null) as JsonObject } as JsonObject;
	const error = new NodeApiError(node, errorResponse, {
		message,
		description,
		httpCode: failure.status === undefined ? undefined : String(failure.status),
		itemIndex,
	});
	error.context.status = failure.status;
	error.context.body = failure.body as JsonObject;
	error.context.transient = isTransientKind(kind);
	return error;
}

/**
 * Takes secrets out of an error already built, for values only the caller knows: a trigger's URL carries
 * its token, and a vendor that refuses the URL may quote it back.
 */
export function redactError<T>(error: T, secrets: readonly string[]): T {
	if (!(error instanceof Error)) return error;
	error.message = redact(error.message, secrets);
	if (error instanceof NodeApiError) {
		if (typeof error.description === 'string') error.description = redact(error.description, secrets);
		error.messages = error.messages.map((message) => redact(message, secrets));
		if (error.context.body !== undefined) error.context.body = redactDeep(error.context.body, secrets) as JsonObject;
	}
	return error;
}

/** Whether a failure may go away by itself (5xx, 429, timeout, dropped connection, unreadable body). */
export function isTransient(error: unknown): boolean {
	return error instanceof NodeApiError && error.context.transient === true;
}

/** The HTTP status a vendor answered a failed call with, if it answered. */
export function vendorStatus(error: unknown): number | undefined {
	return error instanceof NodeApiError && typeof error.context.status === 'number' ? error.context.status : undefined;
}
