/**
 * The Optimizely Campaign webhook REST API, typed from zod schemas. Every call goes through
 * `callApi`, which honours rate limits, retries what is safe to retry, and turns every failure into a
 * NodeApiError that says what happened and what to do, with the vendor's status and body (secrets
 * redacted) in its context.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';
import { z, type ZodIssue, type ZodType, type ZodTypeDef } from 'zod';

import {
	type Attempt,
	type FailureTexts,
	type RetryPolicy,
	type VendorFailure,
	decodeAnswer,
	readAnswer,
	readThrown,
	retryAfterMs,
	vendorApiError,
	withRetries,
} from '../shared';

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
	// fromEntries, not assignment: a key "__proto__" in an answer must stay a key, not become the prototype.
	return Object.fromEntries(
		Object.entries(record)
			.filter(([key]) => !SECRET_FIELDS.includes(key))
			.map(([key, value]) => [key, value && typeof value === 'object' && !Array.isArray(value) ? withoutSecrets(value as object) : value]),
	) as T & IDataObject;
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
/**
 * Delete answers with no body, or JSON. Text that is not JSON is a garbled answer, not a success: the call is
 * tried again, and a webhook already gone answers 404, which counts as deleted.
 */
const nothingSchema = z.unknown().refine((body) => typeof body !== 'string', 'expected no body, or JSON');

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
	// The pair too: echoed in base64, it is the webhook's Authorization header.
	if (authentication?.type === 'basicAuth') return [authentication.password, `${authentication.userName}:${authentication.password}`];
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
	apiUser: z.string().optional(),
	apiPassword: z.string().optional(),
	clientId: z.union([z.string(), z.number()]).transform((value) => String(value).trim()),
	baseUrl: z.string().optional(),
});

interface Connection {
	clientId: string;
	baseUrl: string;
	apiPassword: string;
	/** user:password, as the Authorization header of every call carries it. */
	apiPair: string;
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
	const apiPassword = parsed.data.apiPassword ?? '';
	return { clientId: parsed.data.clientId, baseUrl, apiPassword, apiPair: `${parsed.data.apiUser ?? ''}:${apiPassword}` };
}

// ---- Calling ---------------------------------------------------------------------------------------

/** How hard a call tries, and how long one try may take. */
export interface RequestPolicy extends RetryPolicy {
	timeoutMs: number;
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

function doing(call: ApiCall<unknown>): string {
	return call.webhookId ? `${DOING[call.action]} webhook ${call.webhookId}` : DOING[call.action];
}

/** How much of what Optimizely says an error quotes. */
const QUOTE = 500;

/** The message for a refusal (a 4xx with no kind of its own), specific to the call. */
function refusalMessage(call: ApiCall<unknown>, conn: Connection, status: number | undefined): string {
	const id = call.webhookId ?? '';
	if (status === 409) {
		return `Webhook ${id} is not assigned to client ${conn.clientId}: it belongs to another client; check the client ID in the credential`;
	}
	if (status !== 400) return `${VENDOR} refused ${doing(call)} with status ${status}`;
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
}

/** What each failure of this call says; `issue` is why a success could not be read. */
function failureTexts(call: ApiCall<unknown>, conn: Connection, how: RequestPolicy, issue?: ZodIssue): FailureTexts {
	const unauthorized = () => ({
		message: `${VENDOR} did not accept the API user and password: check the Optimizely Campaign credential`,
	});
	return {
		credential: unauthorized,
		unauthorized,
		forbidden: () => ({
			message: `The API user may not manage webhooks of client ${conn.clientId}: check the client ID in the credential, or ask Optimizely support for access`,
		}),
		notFound: () => ({
			message: call.webhookId
				? `Webhook ${call.webhookId} was not found for client ${conn.clientId}: it may have been deleted; Get Many lists the IDs`
				: `${VENDOR} found nothing at ${conn.baseUrl}/${conn.clientId}: check the client ID and the base URL in the credential`,
		}),
		refused: (failure) => ({ message: refusalMessage(call, conn, failure.status) }),
		rateLimited: (failure) => {
			const waitMs = retryAfterMs(failure.retryAfter);
			const wait = waitMs === undefined ? '' : ` and asks to wait ${Math.ceil(waitMs / 1000)} s`;
			return { message: `${VENDOR} is rate limiting this API user${wait}: try again later` };
		},
		serverError: (failure) => ({
			message: `${VENDOR} had a server error (${failure.status}) while ${doing(call)}: try again later`,
		}),
		unreadable: (failure) => ({
			message: `${VENDOR} answered ${failure.status} while ${doing(call)}, with a body this node cannot read`,
			description: `${issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}. ` : ''}Try again; if it persists, the API may have changed.`,
		}),
		timeout: (failure) => ({
			message: `${VENDOR} did not answer within ${how.timeoutMs} ms while ${doing(call)}: try again later`,
			description: failure.clues,
		}),
		unreachable: (failure) => ({
			message: `Could not reach ${VENDOR} at ${conn.baseUrl} while ${doing(call)}: the connection failed or was dropped; check the base URL and the network, then try again`,
			description: failure.clues,
		}),
	};
}

/** One API call, with the retries its policy allows. */
async function callApi<T>(ctx: ApiContext, call: ApiCall<T>, how: RequestPolicy): Promise<T> {
	const conn = await connection(ctx);
	const read = { quote: QUOTE, secrets: [...(call.secrets ?? []), conn.apiPassword, conn.apiPair] };
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
	const attempt = async (): Promise<Attempt<T>> => {
		let failure: VendorFailure;
		let issue: ZodIssue | undefined;
		try {
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as IN8nHttpFullResponse;
			if (response.statusCode >= 200 && response.statusCode < 300) {
				const parsed = call.schema.safeParse(decodeAnswer(response.body));
				if (parsed.success) return { value: parsed.data };
				issue = parsed.error.issues[0];
			}
			failure = readAnswer(response, read);
		} catch (thrown) {
			failure = readThrown(thrown, read);
		}
		return { failure, error: vendorApiError(ctx.getNode(), VENDOR, failure, failureTexts(call, conn, how, issue)) };
	};
	return await withRetries(attempt, how, (error, wait) => ctx.logger.debug(`${VENDOR}: ${error.message}; trying again in ${wait} ms`));
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
