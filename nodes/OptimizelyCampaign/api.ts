/**
 * The Optimizely Campaign REST API (webhooks, recipients, unsubscribes, the blocklist, transactional mail
 * and smart campaigns), typed from zod schemas. Every call goes through
 * `callApi`, which honours rate limits, retries what is safe to retry, and turns every failure into a
 * NodeApiError that says what happened and what to do, with the vendor's status and body (secrets
 * redacted) in its context.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type ILoadOptionsFunctions,
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

export type ApiContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

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

/** What a call that is not about webhooks says when it fails. */
interface Subject {
	/** What the call does, for messages: "adding recipient x to recipient list 5". */
	doing: string;
	/** What a 404 means: the missing thing named, and how to find the right one. */
	notFound: string;
	/** What a refusal (400, 409, another 4xx) means, from its status and the vendor's words; undefined for the generic text. */
	refused?: (status: number | undefined, vendorMessage: string | undefined) => string | undefined;
	/**
	 * For a call not safe to repeat (a send, an add, a start): how to check whether it was carried out. A
	 * timeout, dropped connection or server error may come after Optimizely acted, so "try again" would not do.
	 */
	check?: string;
}

interface ApiCall<T> {
	/** A webhook call; its texts are the webhook ones. */
	action?: Action;
	/** Any other call: its own texts. */
	subject?: Subject;
	method: IHttpRequestMethods;
	/** The path after /{clientId}. */
	path: string;
	webhookId?: string;
	qs?: IDataObject;
	form?: Record<string, string>;
	/** A JSON body (bulk add); form and json are never both set. */
	json?: unknown;
	/** Values to keep out of errors: what the form carries that is secret. */
	secrets?: string[];
	schema: ZodType<T, ZodTypeDef, unknown>;
}

function doing(call: ApiCall<unknown>): string {
	if (call.subject) return call.subject.doing;
	const action = call.action ?? 'list';
	return call.webhookId ? `${DOING[action]} webhook ${call.webhookId}` : DOING[action];
}

/** How much of what Optimizely says an error quotes. */
const QUOTE = 500;

/** The message for a refusal (a 4xx with no kind of its own), specific to the call. */
function refusalMessage(call: ApiCall<unknown>, conn: Connection, failure: VendorFailure): string {
	const { status } = failure;
	if (call.subject) {
		return call.subject.refused?.(status, failure.vendorMessage) ?? `${VENDOR} refused ${doing(call)} with status ${status}: check the values sent`;
	}
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

/** What to do after a failure that may have come after Optimizely acted. */
function afterwards(call: ApiCall<unknown>, retry: string): string {
	return call.subject?.check ? `it may have been carried out all the same; ${call.subject.check} before trying again` : retry;
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
			message: `The API user may not ${call.subject ? 'do this for' : 'manage webhooks of'} client ${conn.clientId}: check the client ID in the credential, or ask Optimizely support for access`,
		}),
		notFound: () => ({
			message: call.subject
				? call.subject.notFound
				: call.webhookId
				? `Webhook ${call.webhookId} was not found for client ${conn.clientId}: it may have been deleted; Get Many lists the IDs`
				: `${VENDOR} found nothing at ${conn.baseUrl}/${conn.clientId}: check the client ID and the base URL in the credential`,
		}),
		refused: (failure) => ({ message: refusalMessage(call, conn, failure) }),
		rateLimited: (failure) => {
			const waitMs = retryAfterMs(failure.retryAfter);
			const wait = waitMs === undefined ? '' : ` and asks to wait ${Math.ceil(waitMs / 1000)} s`;
			return { message: `${VENDOR} is rate limiting this API user${wait}: try again later` };
		},
		serverError: (failure) => ({
			message: `${VENDOR} had a server error (${failure.status}) while ${doing(call)}: ${afterwards(call, 'try again later')}`,
		}),
		unreadable: (failure) => ({
			message: `${VENDOR} answered ${failure.status} while ${doing(call)}, with a body this node cannot read`,
			description: `${issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}. ` : ''}Try again; if it persists, the API may have changed.`,
		}),
		timeout: (failure) => ({
			message: `${VENDOR} did not answer within ${how.timeoutMs} ms while ${doing(call)}: ${afterwards(call, 'try again later')}`,
			description: failure.clues,
		}),
		unreachable: (failure) => ({
			message: `Could not reach ${VENDOR} at ${conn.baseUrl} while ${doing(call)}: the connection failed or was dropped; ${afterwards(call, 'check the base URL and the network, then try again')}`,
			description: failure.clues,
		}),
	};
}

/** One API call, with the retries its policy allows. */
async function callApi<T>(ctx: ApiContext, call: ApiCall<T>, how: RequestPolicy): Promise<T> {
	return (await answeredCall(ctx, call, how)).value;
}

/** One API call, with the success status it was answered with (201 and 202 can mean different things). */
async function answeredCall<T>(ctx: ApiContext, call: ApiCall<T>, how: RequestPolicy): Promise<{ status: number; value: T }> {
	const conn = await connection(ctx);
	const read = { quote: QUOTE, secrets: [...(call.secrets ?? []), conn.apiPassword, conn.apiPair] };
	const options: IHttpRequestOptions = {
		method: call.method,
		url: `${conn.baseUrl}/${conn.clientId}${call.path}`,
		qs: call.qs,
		headers: call.form
			? { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' }
			: call.json === undefined
				? { Accept: 'application/json' }
				: { Accept: 'application/json', 'Content-Type': 'application/json' },
		body: call.form ? new URLSearchParams(call.form).toString() : call.json === undefined ? undefined : JSON.stringify(call.json),
		timeout: how.timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const attempt = async (): Promise<Attempt<{ status: number; value: T }>> => {
		let failure: VendorFailure;
		let issue: ZodIssue | undefined;
		try {
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as IN8nHttpFullResponse;
			if (response.statusCode >= 200 && response.statusCode < 300) {
				const parsed = call.schema.safeParse(decodeAnswer(response.body));
				if (parsed.success) return { value: { status: response.statusCode, value: parsed.data } };
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

/** The webhooks, up to `wanted`, page by page. */
export async function collectWebhooks(
	ctx: ApiContext,
	how: RequestPolicy,
	wanted = Number.POSITIVE_INFINITY,
	order: Pick<ListPage, 'sort' | 'direction'> = {},
): Promise<RestWebhook[]> {
	return await collectPages(async (offset, limit) => await listWebhooks(ctx, { offset, limit, ...order }, how), PAGE_SIZE, wanted);
}

/**
 * Pages through a list until `wanted` entries are collected or a short page ends it. An entry seen on two
 * pages (the list shifted while paging) is kept once.
 */
async function collectPages<T extends { id: string | number }>(
	page: (offset: number, limit: number) => Promise<T[]>,
	pageSize: number,
	wanted: number,
): Promise<T[]> {
	const seen = new Map<string, T>();
	for (let index = 0; index < MAX_PAGES && seen.size < wanted; index++) {
		const limit = Math.min(pageSize, wanted - seen.size);
		const batch = await page(index * pageSize, limit);
		for (const entry of batch) if (seen.size < wanted) seen.set(String(entry.id), entry);
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

// ---- Recipients, unsubscribes, blocklist, transactional mail, smart campaigns -----------------------
// Shapes from Optimizely's OpenAPI document; every answer keeps fields it does not name.

const isoOrNumber = z.union([z.string(), z.number()]);

/** RestRecipient. Where Get puts the attribute values asked for is not documented, so any field is kept. */
export const recipientSchema = z
	.object({
		id: z.string().describe('The recipient ID, usually the email address'),
		created: isoOrNumber.optional(),
		modified: isoOrNumber.optional(),
		optInMailId: z.string().optional().describe('The mail ID of the opt-in mail, for a double or confirmed opt-in'),
	})
	.passthrough()
	.transform(withoutSecrets);

export const bulkAddSchema = z
	.object({
		count: z.number().int().describe('How many recipients were added'),
		failedIds: z.array(z.string()).default([]).describe('The recipient IDs that could not be added'),
	})
	.passthrough();

export const unsubscribeResultSchema = z
	.object({
		successfulIds: z.array(z.string()).default([]),
		unsuccessfulIds: z.array(z.string()).default([]),
	})
	.passthrough();

export const blocklistEntrySchema = z
	.object({
		pattern: z.string().optional(),
		reason: z.string().optional(),
		mailingGroupId: z.number().optional(),
		created: isoOrNumber.optional(),
		modified: isoOrNumber.optional(),
	})
	.passthrough();

export const blocklistedSchema = z
	.object({
		blacklisted: z.boolean().describe('Whether the address matches a blocklist entry'),
		pattern: z.string().optional().describe('The blocklist entry it matches'),
	})
	.passthrough();

export const mailIdSchema = z.object({ mailId: z.string().min(1) }).passthrough();

/** Statuses after which a transactional mail changes no more. */
export const FINAL_SEND_STATUSES = [
	'sent',
	'vetoed',
	'wrong_mailing_status',
	'syntax_error',
	'blacklisted',
	'filtered',
	'too_many_bounces',
	'unsubscribed',
	'could_not_be_sent',
] as const;

export const sendStatusSchema = z
	.object({
		sendStatus: z.string().describe('enqueued, sending, sent, vetoed, wrong_mailing_status, syntax_error, blacklisted, filtered, too_many_bounces, unsubscribed or could_not_be_sent'),
		mailId: z.string(),
	})
	.passthrough();

export type SendStatus = z.infer<typeof sendStatusSchema>;

const campaignStatus = z.string().describe('invalid, activationRequired, activated, canceled, paused, running or finished');

export const smartCampaignSchema = z
	.object({
		id: z.union([z.number(), z.string()]),
		name: z.string().optional(),
		mailingGroupId: z.number().optional().describe('The client ID'),
		description: z.string().optional(),
		status: campaignStatus.optional(),
		type: z.string().optional().describe('regular, event or confirmation'),
		created: isoOrNumber.optional(),
		modified: isoOrNumber.optional(),
		started: isoOrNumber.optional(),
		finished: isoOrNumber.optional(),
	})
	.passthrough()
	.transform(withoutSecrets);

export type SmartCampaign = z.infer<typeof smartCampaignSchema>;

/** A page of smart campaigns: `elements` in a collection, or a bare array. */
const smartCampaignPageSchema = z.union([
	z.object({ elements: z.array(smartCampaignSchema).default([]) }).passthrough().transform((page) => page.elements),
	z.array(smartCampaignSchema),
]);

export const messageNodeSchema = z
	.object({
		mailingId: z.union([z.number(), z.string()]).optional(),
		nodeId: z.string().optional(),
		name: z.string().optional(),
		mediaType: z.string().optional(),
		status: campaignStatus.optional(),
		created: isoOrNumber.optional(),
		modified: isoOrNumber.optional(),
		started: isoOrNumber.optional(),
		finished: isoOrNumber.optional(),
	})
	.passthrough()
	.transform(withoutSecrets);

/** Success with a body or none: an empty body is tolerated, text that is not JSON is not. */
const maybe = <T extends ZodType>(schema: T) => z.union([schema, z.undefined()]);

export interface RecipientRef {
	listId: string;
	recipientId: string;
}

const recipientPath = (ref: RecipientRef) => `/recipients/${encodeURIComponent(ref.listId)}/${encodeURIComponent(ref.recipientId)}`;

/** The attributes as form fields: `data.<name>`. */
function dataFields(data: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(data).map(([name, value]) => [`data.${name}`, value]));
}

/** The causes the API gives for a 409 on Add, recognised in its words, and what to do about each. */
const ADD_CONFLICTS: Array<{ words: RegExp; cause: string; next: string }> = [
	{
		words: /black ?list|block ?list/i,
		cause: 'is on the blocklist',
		next: 'Update cannot help; remove the blocklist entry in Optimizely Campaign first if the address may be mailed again',
	},
	{ words: /bounce/i, cause: 'has exceeded the bounce limit', next: 'Update cannot help; check the address' },
	{
		words: /unsubscri/i,
		cause: 'has unsubscribed',
		next: 'Update cannot help; only if the recipient asked to be subscribed again, remove the unsubscribe (Unsubscribe > Remove) and add again',
	},
	{ words: /exist|already/i, cause: 'is already in the list', next: 'use Recipient > Update to change its attributes' },
];

function addConflict(recipient: string, listId: string, vendorMessage: string | undefined): string {
	const known = ADD_CONFLICTS.find((conflict) => conflict.words.test(vendorMessage ?? ''));
	if (known) return `Recipient ${recipient} cannot be added to recipient list ${listId}: it ${known.cause}; ${known.next}`;
	return (
		`Recipient ${recipient} cannot be added to recipient list ${listId}: it is on the blocklist, over the bounce limit, ` +
		'unsubscribed, or already in the list; if it is already in the list, use Recipient > Update, otherwise Update cannot help'
	);
}

const listNotAssigned = (listId: string) =>
	`Recipient list ${listId} is not assigned to this client: check the recipient list ID and the client ID in the credential`;

const recipientMissing = (ref: RecipientRef) =>
	`Recipient ${ref.recipientId} was not found in recipient list ${ref.listId}: check both IDs; a recipient added with a double opt-in appears only once confirmed`;

export interface NewRecipient {
	recipientId: string;
	address?: string;
	data: Record<string, string>;
}

export async function addRecipient(
	ctx: ApiContext,
	listId: string,
	recipient: NewRecipient & { optinProcessId?: string; returnOptInMailId?: boolean },
	how: RequestPolicy,
): Promise<{ status: number; value: z.infer<typeof recipientSchema> | undefined }> {
	const form: Record<string, string> = { recipientId: recipient.recipientId };
	if (recipient.address) form.address = recipient.address;
	if (recipient.optinProcessId) form.optinProcessId = recipient.optinProcessId;
	if (recipient.returnOptInMailId) form.returnOptInMailId = 'true';
	Object.assign(form, dataFields(recipient.data));
	return await answeredCall(
		ctx,
		{
			subject: {
				doing: `adding recipient ${recipient.recipientId} to recipient list ${listId}`,
				check: `check with Recipient > Get whether recipient ${recipient.recipientId} is in the list`,
				notFound: `Recipient list ${listId} was not found: check the recipient list ID`,
				refused: (status, words) =>
					status === 409
						? addConflict(recipient.recipientId, listId, words)
						: status === 400
							? `${VENDOR} refused recipient ${recipient.recipientId}: check the recipient list ID, the recipient ID and the opt-in process ID`
							: undefined,
			},
			method: 'POST',
			path: `/recipients/${encodeURIComponent(listId)}`,
			form,
			schema: maybe(recipientSchema),
		},
		how,
	);
}

export async function addRecipients(
	ctx: ApiContext,
	listId: string,
	request: { recipients: NewRecipient[]; optinProcessId?: string },
	how: RequestPolicy,
): Promise<z.infer<typeof bulkAddSchema>> {
	const json: IDataObject = {
		recipients: request.recipients.map(({ recipientId, address, data }) => ({ id: recipientId, ...(address ? { address } : {}), data })),
	};
	if (request.optinProcessId) json.optinProcessId = Number(request.optinProcessId);
	return await callApi(
		ctx,
		{
			subject: {
				doing: `adding ${request.recipients.length} recipients to recipient list ${listId}`,
				check: 'check with Recipient > Get whether the recipients are in the list',
				notFound: `Recipient list ${listId} was not found: check the recipient list ID`,
				refused: (status) =>
					status === 409
						? `Opt-in process ${request.optinProcessId ?? '(none)'} is not suitable for adding recipients in bulk: choose another one, or leave Opt-In Process ID empty`
						: status === 400
							? `${VENDOR} refused the recipients for recipient list ${listId}: check the recipient list ID and the recipients' IDs`
							: undefined,
			},
			method: 'PUT',
			path: `/recipients/${encodeURIComponent(listId)}`,
			json,
			schema: bulkAddSchema,
		},
		how,
	);
}

export type UpdateMode = 'set' | 'prepend' | 'append';

export async function updateRecipient(
	ctx: ApiContext,
	ref: RecipientRef,
	change: { data: Record<string, string>; mode: UpdateMode },
	how: RequestPolicy,
): Promise<z.infer<typeof recipientSchema> | undefined> {
	return await callApi(
		ctx,
		{
			subject: {
				doing: `updating recipient ${ref.recipientId} in recipient list ${ref.listId}`,
				notFound: recipientMissing(ref),
				refused: (status) => (status === 409 ? listNotAssigned(ref.listId) : undefined),
			},
			method: 'POST',
			path: recipientPath(ref),
			form: { ...dataFields(change.data), mode: change.mode },
			schema: maybe(recipientSchema),
		},
		how,
	);
}

export async function getRecipient(
	ctx: ApiContext,
	ref: RecipientRef,
	options: { attributeNames: string[]; includeOptinData: boolean },
	how: RequestPolicy,
): Promise<z.infer<typeof recipientSchema>> {
	const qs: IDataObject = {};
	// The API takes the names comma-separated in one parameter.
	if (options.attributeNames.length > 0) qs.attributeNames = options.attributeNames.join(',');
	if (options.includeOptinData) qs.includeOptinData = true;
	return await callApi(
		ctx,
		{
			subject: { doing: `getting recipient ${ref.recipientId} of recipient list ${ref.listId}`, notFound: recipientMissing(ref) },
			method: 'GET',
			path: recipientPath(ref),
			qs,
			schema: recipientSchema,
		},
		how,
	);
}

export async function deleteRecipient(ctx: ApiContext, ref: RecipientRef, how: RequestPolicy): Promise<void> {
	await callApi(
		ctx,
		{
			subject: { doing: `deleting recipient ${ref.recipientId} from recipient list ${ref.listId}`, notFound: recipientMissing(ref) },
			method: 'DELETE',
			path: recipientPath(ref),
			schema: nothingSchema,
		},
		how,
	);
}

export const MAX_UNSUBSCRIBE_IDS = 5000;

export async function addUnsubscribes(
	ctx: ApiContext,
	request: { by: 'recipientIds' | 'mailIds'; ids: string[]; mediaType?: string; recipientListId?: string },
	how: RequestPolicy,
): Promise<z.infer<typeof unsubscribeResultSchema>> {
	// The API reads the IDs comma-separated in one field.
	const form: Record<string, string> = { [request.by]: request.ids.join(',') };
	if (request.mediaType) form.mediaType = request.mediaType;
	if (request.recipientListId) form.recipientListId = request.recipientListId;
	const what = request.by === 'mailIds' ? 'mail IDs' : 'recipient IDs';
	return await callApi(
		ctx,
		{
			subject: {
				doing: `unsubscribing ${request.ids.length} ${what}`,
				check: 'check the unsubscribe list in Optimizely Campaign',
				notFound: request.recipientListId
					? `Recipient list ${request.recipientListId} was not found: check the recipient list ID`
					: `${VENDOR} found nothing to unsubscribe: check the ${what}`,
				refused: (status) =>
					status === 400
						? `${VENDOR} could not unsubscribe the ${what}: at most ${MAX_UNSUBSCRIBE_IDS} at a time; check the media type and the recipient list ID`
						: undefined,
			},
			method: 'POST',
			path: '/unsubscribes',
			form,
			schema: unsubscribeResultSchema,
		},
		how,
	);
}

export async function removeUnsubscribes(
	ctx: ApiContext,
	request: { recipientIds: string[]; mediaType?: string; recipientListId?: string },
	how: RequestPolicy,
): Promise<void> {
	const qs: IDataObject = { recipientIds: request.recipientIds.join(',') };
	if (request.mediaType) qs.mediaType = request.mediaType;
	if (request.recipientListId) qs.recipientListId = request.recipientListId;
	await callApi(
		ctx,
		{
			subject: {
				doing: `removing the unsubscribe of ${request.recipientIds.join(', ')}`,
				notFound: `No unsubscribe was found for ${request.recipientIds.join(', ')}${request.mediaType ? ` with media type ${request.mediaType}` : ''}${request.recipientListId ? ` in recipient list ${request.recipientListId}` : ''}: check the IDs, the media type and the recipient list the unsubscribe was made with`,
			},
			method: 'DELETE',
			path: '/unsubscribes',
			qs,
			schema: nothingSchema,
		},
		how,
	);
}

export async function addBlocklistEntry(
	ctx: ApiContext,
	entry: { pattern: string; reason?: string },
	how: RequestPolicy,
): Promise<z.infer<typeof blocklistEntrySchema> | undefined> {
	const form: Record<string, string> = { entry: entry.pattern };
	if (entry.reason) form.reason = entry.reason;
	return await callApi(
		ctx,
		{
			subject: {
				doing: `adding ${entry.pattern} to the blocklist`,
				notFound: `${VENDOR} has no blocklist for this client: check the client ID in the credential`,
				refused: (status) => (status === 400 ? `${VENDOR} refused the blocklist entry "${entry.pattern}": enter an address or a pattern with * and ?` : undefined),
			},
			method: 'POST',
			path: '/blacklistentries',
			form,
			schema: maybe(blocklistEntrySchema),
		},
		how,
	);
}

export async function checkBlocklist(ctx: ApiContext, address: string, how: RequestPolicy): Promise<z.infer<typeof blocklistedSchema>> {
	return await callApi(
		ctx,
		{
			subject: {
				doing: `checking ${address} against the blocklist`,
				notFound: `${VENDOR} has no blocklist for this client: check the client ID in the credential`,
			},
			method: 'GET',
			path: '/blacklistentries/blacklisted',
			qs: { address },
			schema: blocklistedSchema,
		},
		how,
	);
}

export async function sendTransactionalMail(
	ctx: ApiContext,
	request: { transactionalMailId: string; recipientId: string; recipientListId: string; data: Record<string, string> },
	how: RequestPolicy,
): Promise<z.infer<typeof mailIdSchema>> {
	const { transactionalMailId: mailingId, recipientListId: listId } = request;
	return await callApi(
		ctx,
		{
			subject: {
				doing: `sending transactional mail ${mailingId} to ${request.recipientId}`,
				check: `check in Optimizely Campaign whether the mail to ${request.recipientId} went out`,
				notFound: `Transactional mail ${mailingId} was not found for this client: check the transactional mail ID`,
				refused: (status) =>
					status === 400
						? `${VENDOR} refused to send transactional mail ${mailingId}: check the recipient ID, and that recipient list ${listId} is assigned to this mailing`
						: undefined,
			},
			method: 'POST',
			path: `/transactionalmail/${encodeURIComponent(mailingId)}/send`,
			form: { recipientId: request.recipientId, recipientListId: listId, ...dataFields(request.data) },
			schema: mailIdSchema,
		},
		how,
	);
}

export async function getSendStatus(ctx: ApiContext, mailId: string, how: RequestPolicy): Promise<SendStatus> {
	return await callApi(
		ctx,
		{
			subject: {
				doing: `reading the status of mail ${mailId}`,
				notFound: `No transactional mail with mail ID ${mailId} was found: use the mail ID that Send returned`,
				refused: (status) => (status === 400 ? `${VENDOR} refused the mail ID "${mailId}": use the mail ID that Send returned` : undefined),
			},
			method: 'GET',
			path: '/transactionalmail/status',
			qs: { mailId },
			schema: sendStatusSchema,
		},
		how,
	);
}

export function isFinalSendStatus(status: string): boolean {
	return (FINAL_SEND_STATUSES as readonly string[]).includes(status);
}

export interface CampaignFilters {
	mediaType?: string;
	status?: string;
	folderId?: string;
	sort?: string;
	direction?: 'ASC' | 'DESC';
}

/** The API takes limits under 10,000; pages of 100 keep each answer small. */
export const CAMPAIGN_PAGE_SIZE = 100;

export async function listSmartCampaigns(
	ctx: ApiContext,
	page: { offset: number; limit: number } & CampaignFilters,
	how: RequestPolicy,
): Promise<SmartCampaign[]> {
	const qs: IDataObject = {};
	for (const [key, value] of Object.entries(page)) if (value !== undefined && value !== '') qs[key] = value;
	return await callApi(
		ctx,
		{
			subject: {
				doing: 'listing the smart campaigns',
				notFound: `${VENDOR} found no smart campaigns for this client: check the client ID in the credential`,
				refused: (status) => (status === 400 ? `${VENDOR} refused the smart campaign list: the limit must be under 10,000; check the filters` : undefined),
			},
			method: 'GET',
			path: '/smartcampaigns',
			qs,
			schema: smartCampaignPageSchema,
		},
		how,
	);
}

/** The smart campaigns, up to `wanted`, page by page. */
export async function collectSmartCampaigns(
	ctx: ApiContext,
	how: RequestPolicy,
	wanted: number,
	filters: CampaignFilters = {},
): Promise<SmartCampaign[]> {
	return await collectPages(
		async (offset, limit) => await listSmartCampaigns(ctx, { offset, limit, ...filters }, how),
		CAMPAIGN_PAGE_SIZE,
		wanted,
	);
}

export type CampaignAction = 'start' | 'pause' | 'stop';

const CAMPAIGN_CONFLICT: Record<CampaignAction, string> = {
	start: 'cannot be started: it must be in status "Activation required", "New" or "Sending paused"',
	pause: 'cannot be paused: it must have started and be sending',
	stop: 'cannot be stopped: it must have started',
};

const MESSAGE_CONFLICT: Record<CampaignAction, string> = {
	start: 'cannot be started: its smart campaign must be activated or paused',
	pause: 'cannot be paused: its smart campaign must be sending',
	stop: 'cannot be stopped: its smart campaign must be sending or paused',
};

const VERB: Record<CampaignAction, string> = { start: 'starting', pause: 'pausing', stop: 'stopping' };

export async function switchSmartCampaign(
	ctx: ApiContext,
	campaignId: string,
	action: CampaignAction,
	how: RequestPolicy,
): Promise<SmartCampaign | undefined> {
	return await callApi(
		ctx,
		{
			subject: {
				doing: `${VERB[action]} smart campaign ${campaignId}`,
				check: 'check its status with Smart Campaign > Get Many',
				notFound: `Smart campaign ${campaignId} was not found for this client: check the ID, or pick the campaign from the list`,
				refused: (status) => (status === 409 ? `Smart campaign ${campaignId} ${CAMPAIGN_CONFLICT[action]}; Get Many shows its status` : undefined),
			},
			method: 'POST',
			path: `/smartcampaigns/${encodeURIComponent(campaignId)}/${action}`,
			schema: maybe(smartCampaignSchema),
		},
		how,
	);
}

export async function switchSmartCampaignMessage(
	ctx: ApiContext,
	ref: { campaignId: string; mailingId: string },
	action: CampaignAction,
	how: RequestPolicy,
): Promise<z.infer<typeof messageNodeSchema> | undefined> {
	return await callApi(
		ctx,
		{
			subject: {
				doing: `${VERB[action]} message ${ref.mailingId} of smart campaign ${ref.campaignId}`,
				check: 'check the status of the smart campaign and its message in Optimizely Campaign',
				notFound: `Message ${ref.mailingId} was not found in smart campaign ${ref.campaignId}: check both IDs`,
				refused: (status) =>
					status === 409 ? `Message ${ref.mailingId} ${MESSAGE_CONFLICT[action]}; Smart Campaign > Get Many shows the campaign's status` : undefined,
			},
			method: 'POST',
			path: `/smartcampaigns/${encodeURIComponent(ref.campaignId)}/messages/${encodeURIComponent(ref.mailingId)}/${action}`,
			schema: maybe(messageNodeSchema),
		},
		how,
	);
}
