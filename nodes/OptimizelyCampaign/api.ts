/**
 * The Optimizely Campaign webhook REST API, typed from zod schemas. Every call goes through
 * `callApi`, which honours rate limits, retries what is safe to retry, and turns every failure into a
 * NodeApiError that says what happened and what to do, with the vendor's status and body (secrets
 * redacted) in its context.
 */
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type JsonObject,
} from 'n8n-workflow';
import { z, type ZodType, type ZodTypeDef } from 'zod';

export const CREDENTIAL_TYPE = 'optimizelyCampaignApi';
export const DEFAULT_BASE_URL = 'https://api.campaign.episerver.net/rest';
const VENDOR = 'Optimizely Campaign';

export type ApiContext = IExecuteFunctions | IHookFunctions;

// ---- What the API returns -------------------------------------------------------------------------

const SECRET_FIELDS = ['password', 'passphrase', 'basicAuthPassword'];

/**
 * Responses should never carry a secret; if one ever does, it does not reach an item. The result is
 * typed as item JSON too, since that is where it goes.
 */
function withoutSecrets<T extends object>(record: T): T & IDataObject {
	const copy: IDataObject = {};
	for (const [key, value] of Object.entries(record)) {
		if (SECRET_FIELDS.includes(key)) continue;
		copy[key] = value && typeof value === 'object' && !Array.isArray(value) ? withoutSecrets(value as object) : (value as IDataObject);
	}
	return copy as T & IDataObject;
}

const webhookId = z.union([z.number().int().nonnegative(), z.string().min(1)]);

/** Status: created, activated, deactivated, deleted or suspended. Kept a string so a new status never breaks a list. */
export const restWebhookSchema = z
	.object({
		id: webhookId,
		/** One of the creatable types, plus "webhooknode" (app connections); "archive" comes back as "archived". */
		type: z.string(),
		status: z.string(),
		format: z.string().optional(),
		targetUrl: z.string().optional(),
		authentication: z.object({ type: z.string() }).passthrough().optional(),
		created: z.union([z.string(), z.number()]).optional(),
		modified: z.union([z.string(), z.number()]).optional(),
	})
	.passthrough()
	.transform(withoutSecrets);

export type RestWebhook = z.infer<typeof restWebhookSchema>;

export const webhookVerifySchema = z
	.object({
		id: webhookId.optional(),
		httpStatusCode: z.number().int().optional(),
		responseBody: z.string().nullable().optional(),
		numberOfEvents: z.number().int().optional(),
		targetUrl: z.string().optional(),
	})
	.passthrough()
	.transform(withoutSecrets);

export type WebhookVerify = z.infer<typeof webhookVerifySchema>;

const webhookListSchema = z.array(restWebhookSchema);
const verifyListSchema = z.array(webhookVerifySchema);
/** Activate and deactivate answer with the webhook; an empty body is tolerated. */
const maybeWebhookSchema = restWebhookSchema.optional();
const nothingSchema = z.unknown();

// ---- What the API takes ---------------------------------------------------------------------------

export const webhookAuthenticationSchema = z.discriminatedUnion('type', [
	z.object({ type: z.literal('none') }),
	z.object({ type: z.literal('basicAuth'), userName: z.string().min(1), password: z.string().min(1) }),
	z.object({ type: z.literal('keyAuth'), key: z.string().min(1), passphrase: z.string().min(1) }),
]);

export type WebhookAuthentication = z.infer<typeof webhookAuthenticationSchema>;

export interface WebhookFields {
	targetUrl: string;
	type: string;
	/** Left out of an update, the vendor keeps the webhook's current authentication. */
	authentication?: WebhookAuthentication;
}

function secretsOf(authentication: WebhookAuthentication | undefined): string[] {
	if (authentication?.type === 'basicAuth') return [authentication.password];
	if (authentication?.type === 'keyAuth') return [authentication.passphrase];
	return [];
}

/** Create and update are form-urlencoded; `authentication` travels as a JSON string. */
function webhookForm(fields: WebhookFields): Record<string, string> {
	const form: Record<string, string> = { targetUrl: fields.targetUrl, type: fields.type, format: 'json' };
	if (fields.authentication) form.authentication = JSON.stringify(fields.authentication);
	return form;
}

// ---- The credential -------------------------------------------------------------------------------

const credentialSchema = z.object({
	apiPassword: z.string().optional(),
	clientId: z.union([z.string(), z.number()]).transform((value) => String(value).trim()),
	baseUrl: z.string().optional(),
});

interface Connection {
	clientId: string;
	baseUrl: string;
	apiPassword: string;
}

async function connection(ctx: ApiContext): Promise<Connection> {
	const parsed = credentialSchema.safeParse(await ctx.getCredentials(CREDENTIAL_TYPE));
	if (!parsed.success || !/^\d+$/.test(parsed.data.clientId)) {
		throw new NodeOperationError(ctx.getNode(), 'The client ID in the Optimizely Campaign credential must be a number', {
			description: 'Find it in Optimizely Campaign under Administration > API Overview > REST API.',
		});
	}
	const baseUrl = (parsed.data.baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
	if (!/^https?:\/\/[^\s/]+/i.test(baseUrl)) {
		throw new NodeOperationError(ctx.getNode(), `The base URL "${baseUrl}" in the Optimizely Campaign credential is not an http(s) URL`, {
			description: `Leave it at ${DEFAULT_BASE_URL} unless you go through a proxy.`,
		});
	}
	return { clientId: parsed.data.clientId, baseUrl, apiPassword: parsed.data.apiPassword ?? '' };
}

// ---- Calling ---------------------------------------------------------------------------------------

/** How hard a call tries. */
export interface RequestPolicy {
	timeoutMs: number;
	/** Further tries after a 5xx, a timeout, a dropped connection or an unreadable body. Only for calls safe to repeat. */
	transientRetries: number;
	/** Further tries after a 429; a 429 means the call was not carried out, so this is always safe. */
	rateLimitRetries: number;
	/** The longest Retry-After honoured by waiting; longer ones fail at once and say when to try again. */
	maxWaitSeconds: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function policy(timeoutMs: number | undefined, transientRetries: number): RequestPolicy {
	const timeout = typeof timeoutMs === 'number' && timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS;
	return { timeoutMs: timeout, transientRetries, rateLimitRetries: 3, maxWaitSeconds: 60 };
}

type Action = 'list' | 'create' | 'update' | 'verify' | 'activate' | 'deactivate' | 'delete';

const DOING: Record<Action, string> = {
	list: 'listing the webhooks',
	create: 'creating a webhook',
	update: 'updating',
	verify: 'verifying',
	activate: 'activating',
	deactivate: 'deactivating',
	delete: 'deleting',
};

interface ApiCall<T> {
	action: Action;
	method: IHttpRequestMethods;
	/** The path after /{clientId}. */
	path: string;
	webhookId?: string;
	qs?: IDataObject;
	form?: Record<string, string>;
	/** Values to keep out of errors: what the form carries that is secret. */
	secrets?: string[];
	schema: ZodType<T, ZodTypeDef, unknown>;
}

/** A try that failed: the error to throw, whether another try may help, and how long the vendor asked to wait. */
interface Failure {
	error: NodeApiError;
	retry: 'rateLimit' | 'transient' | 'never';
	waitMs?: number;
}

function doing(call: ApiCall<unknown>): string {
	return call.webhookId ? `${DOING[call.action]} webhook ${call.webhookId}` : DOING[call.action];
}

function redact(text: string, secrets: string[]): string {
	let out = text;
	for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
	return out;
}

function redactDeep(value: unknown, secrets: string[]): unknown {
	if (typeof value === 'string') return redact(value, secrets);
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets));
	if (value && typeof value === 'object') {
		const copy: IDataObject = {};
		for (const [key, entry] of Object.entries(value)) copy[key] = redactDeep(entry, secrets) as IDataObject;
		return copy;
	}
	return value;
}

function decodeBody(raw: unknown): unknown {
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

/** The vendor's own words, from a JSON error body or a text one. */
function vendorMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.slice(0, 500) || undefined;
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		for (const key of ['message', 'error', 'errorMessage', 'detail', 'title']) {
			const value = (body as IDataObject)[key];
			if (typeof value === 'string' && value) return value.slice(0, 500);
		}
	}
	return undefined;
}

function header(headers: IDataObject | undefined, name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Retry-After in milliseconds: delta seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function apiError(
	ctx: ApiContext,
	message: string,
	details: { status?: number; body?: unknown; description?: string; transient: boolean },
): NodeApiError {
	const errorResponse = { status: details.status ?? null, body: (details.body ?? null) as JsonObject } as JsonObject;
	const error = new NodeApiError(ctx.getNode(), errorResponse, {
		message,
		description: details.description,
		httpCode: details.status === undefined ? undefined : String(details.status),
	});
	error.context.status = details.status;
	error.context.body = details.body as JsonObject;
	error.context.transient = details.transient;
	return error;
}

/** The message for a refusal (4xx other than 429), specific to the call. */
function refusalMessage(call: ApiCall<unknown>, conn: Connection, status: number): string {
	const id = call.webhookId ?? '';
	switch (status) {
		case 400:
			switch (call.action) {
				case 'activate':
					return `Webhook ${id} is already activated`;
				case 'deactivate':
					return `Webhook ${id} is not activated, so there is nothing to deactivate`;
				case 'delete':
					return `Webhook ${id} is still activated: deactivate it first, or turn on "Deactivate First"`;
				case 'verify':
					return `${VENDOR} cannot verify webhook ${id}: check that its event type can be verified and that the mailing ID belongs to a mailing of this client`;
				case 'list':
					return `${VENDOR} refused to list the webhooks: check Limit, Sort and Direction`;
				default:
					return `${VENDOR} refused the webhook: check the target URL (HTTPS on port 443), the event type and the authentication`;
			}
		case 401:
			return `${VENDOR} did not accept the API user and password: check the Optimizely Campaign credential`;
		case 403:
			return `The API user may not manage webhooks of client ${conn.clientId}: check the client ID in the credential, or ask Optimizely support for access`;
		case 404:
			return id
				? `Webhook ${id} was not found for client ${conn.clientId}: it may have been deleted; Get Many lists the IDs`
				: `${VENDOR} found nothing at ${conn.baseUrl}/${conn.clientId}: check the client ID and the base URL in the credential`;
		case 409:
			return `Webhook ${id} is not assigned to client ${conn.clientId}: it belongs to another client; check the client ID in the credential`;
		default:
			return `${VENDOR} refused ${doing(call)} with status ${status}`;
	}
}

function classifyAnswer<T>(
	ctx: ApiContext,
	call: ApiCall<T>,
	conn: Connection,
	response: IN8nHttpFullResponse,
	secrets: string[],
): { value: T } | Failure {
	const status = response.statusCode;
	const raw = decodeBody(response.body);
	const body = redactDeep(raw, secrets);
	const said = vendorMessage(body);
	const description = said ? `${VENDOR} said: ${said}` : undefined;
	const waitMs = retryAfterMs(header(response.headers, 'retry-after'));

	if (status >= 200 && status < 300) {
		const parsed = call.schema.safeParse(raw);
		if (parsed.success) return { value: parsed.data };
		const issue = parsed.error.issues[0];
		return {
			retry: 'transient',
			error: apiError(ctx, `${VENDOR} answered ${status} while ${doing(call)}, with a body this node cannot read`, {
				status,
				body,
				transient: true,
				description: `${issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}. ` : ''}Try again; if it persists, the API may have changed.`,
			}),
		};
	}
	if (status === 429) {
		const wait = waitMs === undefined ? '' : ` and asks to wait ${Math.ceil(waitMs / 1000)} s`;
		return {
			retry: 'rateLimit',
			waitMs,
			error: apiError(ctx, `${VENDOR} is rate limiting this API user${wait}: try again later`, {
				status,
				body,
				transient: true,
				description,
			}),
		};
	}
	if (status >= 500) {
		return {
			retry: 'transient',
			waitMs,
			error: apiError(
				ctx,
				`${VENDOR} had a server error (${status}) while ${doing(call)}: try again later`,
				{ status, body, transient: true, description },
			),
		};
	}
	return {
		retry: 'never',
		error: apiError(ctx, refusalMessage(call, conn, status), { status, body, transient: false, description }),
	};
}

function classifyThrown(ctx: ApiContext, call: ApiCall<unknown>, conn: Connection, thrown: unknown, timeoutMs: number, secrets: string[]): Failure {
	const error = thrown as { message?: string; name?: string; code?: string; cause?: { code?: string; message?: string } };
	const clues = [error?.message, error?.name, error?.code, error?.cause?.code, error?.cause?.message].filter(Boolean).join(' ');
	const timedOut = /time ?out|timed out|ETIMEDOUT|ECONNABORTED|aborted/i.test(clues);
	const message = timedOut
		? `${VENDOR} did not answer within ${timeoutMs} ms while ${doing(call)}: try again later`
		: `Could not reach ${VENDOR} at ${conn.baseUrl} while ${doing(call)}: the connection failed or was dropped; check the base URL and the network, then try again`;
	return {
		retry: 'transient',
		// After a timeout the wait has already happened.
		waitMs: timedOut ? 0 : undefined,
		error: apiError(ctx, message, { transient: true, description: redact(clues, secrets) || undefined }),
	};
}

/** Waits between tries after a failure that did not say how long to wait. */
function backoffMs(retry: number): number {
	return Math.min(200 * 2 ** retry, 2000);
}

/** One API call, with the retries its policy allows. */
async function callApi<T>(ctx: ApiContext, call: ApiCall<T>, how: RequestPolicy): Promise<T> {
	const conn = await connection(ctx);
	const secrets = [...(call.secrets ?? []), conn.apiPassword];
	const options: IHttpRequestOptions = {
		method: call.method,
		url: `${conn.baseUrl}/${conn.clientId}${call.path}`,
		qs: call.qs,
		headers: call.form
			? { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' }
			: { Accept: 'application/json' },
		body: call.form ? new URLSearchParams(call.form).toString() : undefined,
		timeout: how.timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	let rateLimited = 0;
	let transient = 0;
	const maxTries = 1 + how.rateLimitRetries + how.transientRetries;
	let last: NodeApiError | undefined;
	for (let tries = 0; tries < maxTries; tries++) {
		let outcome: { value: T } | Failure;
		try {
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as IN8nHttpFullResponse;
			outcome = classifyAnswer(ctx, call, conn, response, secrets);
		} catch (thrown) {
			outcome = classifyThrown(ctx, call, conn, thrown, how.timeoutMs, secrets);
		}
		if ('value' in outcome) return outcome.value;
		last = outcome.error;
		const longest = how.maxWaitSeconds * 1000;
		if (outcome.retry === 'rateLimit' && rateLimited < how.rateLimitRetries && (outcome.waitMs ?? 0) <= longest) {
			const wait = outcome.waitMs ?? 1000;
			rateLimited++;
			ctx.logger.debug(`${VENDOR}: rate limited while ${doing(call)}; waiting ${wait} ms`);
			await sleep(wait);
			continue;
		}
		if (outcome.retry === 'transient' && transient < how.transientRetries) {
			const wait = outcome.waitMs === undefined ? backoffMs(transient) : Math.min(outcome.waitMs, longest);
			transient++;
			ctx.logger.debug(`${VENDOR}: ${last.message}; trying again in ${wait} ms`);
			await sleep(wait);
			continue;
		}
		break;
	}
	throw last ?? apiError(ctx, `${VENDOR} could not be called while ${doing(call)}`, { transient: false });
}

/** Whether a failure may go away by itself (5xx, 429, timeout, dropped connection, unreadable body). */
export function isTransient(error: unknown): boolean {
	return error instanceof NodeApiError && error.context.transient === true;
}

export function vendorStatus(error: unknown): number | undefined {
	return error instanceof NodeApiError && typeof error.context.status === 'number' ? error.context.status : undefined;
}

// ---- The operations --------------------------------------------------------------------------------

export interface ListPage {
	offset: number;
	limit: number;
	sort?: string;
	direction?: 'ASC' | 'DESC';
}

export async function listWebhooks(ctx: ApiContext, page: ListPage, how: RequestPolicy): Promise<RestWebhook[]> {
	const qs: IDataObject = { offset: page.offset, limit: page.limit };
	if (page.sort) qs.sort = page.sort;
	if (page.direction) qs.direction = page.direction;
	return await callApi(ctx, { action: 'list', method: 'GET', path: '/webhooks', qs, schema: webhookListSchema }, how);
}

export const PAGE_SIZE = 100;
/** Bounds paging: 1,000 pages of 100 is far beyond any client's webhooks. */
const MAX_PAGES = 1000;

/**
 * Pages through the list until `wanted` webhooks are collected or a short page ends it. A webhook seen on
 * two pages (the list shifted while paging) is kept once.
 */
export async function collectWebhooks(
	ctx: ApiContext,
	how: RequestPolicy,
	wanted = Number.POSITIVE_INFINITY,
	order: Pick<ListPage, 'sort' | 'direction'> = {},
): Promise<RestWebhook[]> {
	const seen = new Map<string, RestWebhook>();
	for (let page = 0; page < MAX_PAGES && seen.size < wanted; page++) {
		const limit = Math.min(PAGE_SIZE, wanted - seen.size);
		const batch = await listWebhooks(ctx, { offset: page * PAGE_SIZE, limit, ...order }, how);
		for (const webhook of batch) if (seen.size < wanted) seen.set(String(webhook.id), webhook);
		if (batch.length < limit) break;
	}
	return [...seen.values()];
}

/** There is no get-one endpoint: list and pick. */
export async function findWebhook(ctx: ApiContext, id: string, how: RequestPolicy): Promise<RestWebhook | undefined> {
	return (await collectWebhooks(ctx, how)).find((webhook) => String(webhook.id) === id);
}

export async function createWebhook(ctx: ApiContext, fields: WebhookFields, how: RequestPolicy): Promise<RestWebhook> {
	return await callApi(
		ctx,
		{
			action: 'create',
			method: 'POST',
			path: '/webhooks',
			form: webhookForm(fields),
			secrets: secretsOf(fields.authentication),
			schema: restWebhookSchema,
		},
		how,
	);
}

export async function updateWebhook(ctx: ApiContext, id: string, fields: WebhookFields, how: RequestPolicy): Promise<RestWebhook> {
	return await callApi(
		ctx,
		{
			action: 'update',
			method: 'PUT',
			path: `/webhooks/${encodeURIComponent(id)}`,
			webhookId: id,
			form: webhookForm(fields),
			secrets: secretsOf(fields.authentication),
			schema: restWebhookSchema,
		},
		how,
	);
}

async function switchWebhook(
	ctx: ApiContext,
	action: 'activate' | 'deactivate',
	id: string,
	how: RequestPolicy,
): Promise<RestWebhook | undefined> {
	return await callApi(
		ctx,
		{ action, method: 'POST', path: `/webhooks/${encodeURIComponent(id)}/${action}`, webhookId: id, schema: maybeWebhookSchema },
		how,
	);
}

export async function activateWebhook(ctx: ApiContext, id: string, how: RequestPolicy): Promise<RestWebhook | undefined> {
	return await switchWebhook(ctx, 'activate', id, how);
}

export async function deactivateWebhook(ctx: ApiContext, id: string, how: RequestPolicy): Promise<RestWebhook | undefined> {
	return await switchWebhook(ctx, 'deactivate', id, how);
}

export async function deleteWebhook(ctx: ApiContext, id: string, how: RequestPolicy): Promise<void> {
	await callApi(
		ctx,
		{ action: 'delete', method: 'DELETE', path: `/webhooks/${encodeURIComponent(id)}`, webhookId: id, schema: nothingSchema },
		how,
	);
}

export async function verifyWebhook(
	ctx: ApiContext,
	id: string,
	request: { mailingId: string; numberOfEvents: number },
	how: RequestPolicy,
): Promise<WebhookVerify[]> {
	return await callApi(
		ctx,
		{
			action: 'verify',
			method: 'GET',
			path: `/webhooks/${encodeURIComponent(id)}/verify`,
			webhookId: id,
			qs: { mailingId: request.mailingId, numberOfEvents: request.numberOfEvents },
			schema: verifyListSchema,
		},
		how,
	);
}
