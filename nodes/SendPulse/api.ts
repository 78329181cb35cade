/**
 * The SendPulse REST calls the nodes make. Only the token endpoint and the payloads of some events are in
 * SendPulse's own documentation; the email-service webhook endpoints, the mailing-list email calls, Automation
 * 360 events and their answers are known from SendPulse's own clients and third-party SDKs, so answers are
 * read leniently (a `data` envelope holding a list or one row; `{result}` or anything else from the rest).
 */
import {
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type ILoadOptionsFunctions,
	type INode,
	type INodeListSearchItems,
	type NodeApiError,
} from 'n8n-workflow';
import { z } from 'zod';

import {
	type Attempt,
	ONE_TRY,
	type FailureTexts,
	type RetryPolicy,
	type VendorFailure,
	readAnswer,
	readThrown,
	vendorApiError,
	withRetries,
} from '../shared';

export const SENDPULSE_CREDENTIAL = 'sendPulseApi';
const DEFAULT_BASE_URL = 'https://api.sendpulse.com';
const WEBHOOKS_PATH = '/v2/email-service/webhook';

export type ApiContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

const id = z.union([z.string().min(1), z.number().finite()]).transform(String);

const webhookSchema = z
	.object({ id, url: z.string(), action: z.string(), user_id: id.optional() })
	.passthrough();
export type SendPulseWebhook = z.infer<typeof webhookSchema>;

/** A webhook row as an item: ids are text, and fields the API adds are kept. */
export const webhookItemSchema = z
	.object({
		id: z.string().describe('The webhook\'s ID; each event has its own webhook'),
		url: z.string().describe('The address SendPulse calls'),
		action: z.string().describe('The event it sends, such as open, redirect or unsubscribe'),
		user_id: z.string().optional().describe('The SendPulse account'),
	})
	.passthrough();

/** Webhook rows as item JSON: zod's passthrough rows are plain JSON objects already. */
export const asJson = (rows: SendPulseWebhook[]): IDataObject[] => rows as IDataObject[];

const mailingListSchema = z
	.object({ id, name: z.string(), all_email_qty: z.union([z.string(), z.number()]).optional() })
	.passthrough();
export type MailingList = z.infer<typeof mailingListSchema>;

type Loose = Record<string, unknown> | undefined;
const asRecord = (value: unknown): Loose => (value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined);

/** How long one call may take. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** How much of what SendPulse says an error quotes. */
const QUOTE = 200;

/** What a failed call came to, read from either an axios-style error or one n8n already wrapped. */
export function readFailure(error: unknown, secrets: readonly string[] = []): VendorFailure {
	return readThrown(error, { quote: QUOTE, secrets });
}

/**
 * What an error must never repeat, even when SendPulse echoes it: the client secret, the access token, and
 * the query values of a URL sent (a trigger's URL carries its secret token there).
 */
async function secretsOf(context: ApiContext, body: IDataObject | undefined): Promise<string[]> {
	const credentials = await context.getCredentials(SENDPULSE_CREDENTIAL);
	const secrets = [credentials.clientSecret, credentials.accessToken].filter((value): value is string => typeof value === 'string');
	if (typeof body?.url === 'string' && URL.canParse(body.url)) secrets.push(...new URL(body.url).searchParams.values());
	return secrets;
}

/** What each failure says when trying to do `action`; `hints` replace the texts that fit a call better. */
function failureTexts(action: string, hints: Partial<FailureTexts> = {}): FailureTexts {
	const unreachable = (failure: VendorFailure) => ({
		message: `Could not reach SendPulse to ${action}`,
		description: `${failure.network ? `The connection failed (${failure.network}). ` : ''}Check the credential's Base URL and that n8n can reach it.`,
	});
	const refused = (failure: VendorFailure) => ({
		message: `SendPulse refused to ${action} (HTTP ${failure.status})`,
		description: 'Check the values sent: the URL must be a public http(s) address, and the events ones SendPulse knows.',
	});
	return {
		credential: (failure) => ({
			message: String(failure.credential),
			description: `The SendPulse API credential could not get an access token, which is needed to ${action}.`,
		}),
		unreachable,
		timeout: unreachable,
		unauthorized: () => ({
			message: `SendPulse refused the credentials while trying to ${action}`,
			description: 'A fresh access token was refused too. Copy the client ID and secret again from Account Settings → API in SendPulse.',
		}),
		forbidden: () => ({
			message: `SendPulse does not allow this account to ${action}`,
			description: 'Check that REST API access is enabled for the account (Account Settings → API).',
		}),
		notFound: () => ({
			message: `SendPulse found nothing to ${action}`,
			description: 'The webhook may have been deleted. List the account’s webhooks with Get Many to find the current ID.',
		}),
		rateLimited: (failure) => ({
			message: `SendPulse is rate-limiting this account (HTTP 429) while trying to ${action}`,
			description: `Wait${failure.retryAfter ? ` ${failure.retryAfter} s` : ' a minute'} and run again, or turn on Retry On Fail in the node's settings.`,
		}),
		serverError: (failure) => ({
			message: `SendPulse had a server error (HTTP ${failure.status}) while trying to ${action}`,
			description: 'This is on SendPulse’s side. Try again later, or turn on Retry On Fail in the node’s settings.',
		}),
		unreadable: () => ({
			message: `SendPulse answered with a body this node cannot read while trying to ${action}`,
			description: 'The call may have been carried out all the same. Try again; if it persists, check the Base URL in the credential.',
		}),
		refused,
		...hints,
	};
}

/** A NodeApiError whose message says what happened and what to do; built fresh, so no request data leaks. */
export function apiError(node: INode, failure: VendorFailure, action: string, itemIndex?: number, hints?: Partial<FailureTexts>): NodeApiError {
	return vendorApiError(node, 'SendPulse', failure, failureTexts(action, hints), itemIndex);
}

export async function baseUrl(this: ApiContext): Promise<string> {
	const credentials = await this.getCredentials(SENDPULSE_CREDENTIAL);
	const value = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	return (value || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

export interface CallOptions {
	body?: IDataObject;
	qs?: IDataObject;
	itemIndex?: number;
	retry?: RetryPolicy;
	/** Texts that fit this call better than the general ones. */
	hints?: Partial<FailureTexts>;
	/** A success answered with text is the answer (for calls whose answer is not documented), not unreadable. */
	acceptText?: boolean;
}

/**
 * One call: `request` made by `send`, its failure read with `secrets` redacted. An answer that says it
 * failed (`success: false` or `result: false`) counts as refused; a body that is not JSON as unreadable.
 */
async function callSendPulse(
	context: ApiContext,
	action: string,
	send: () => Promise<unknown>,
	secrets: () => Promise<string[]>,
	options: CallOptions,
): Promise<unknown> {
	const failed = (failure: VendorFailure): Attempt<unknown> => ({
		failure,
		error: apiError(context.getNode(), failure, action, options.itemIndex, options.hints),
	});
	const attempt = async (): Promise<Attempt<unknown>> => {
		let answer: unknown;
		try {
			answer = await send();
		} catch (error) {
			return failed(readFailure(error, await secrets()));
		}
		// A body that is not JSON (n8n hands it over as text): the call may or may not have been carried out.
		if (typeof answer === 'string' && answer.trim() !== '' && !options.acceptText) return failed({ status: 200 });
		// Some endpoints answer 200 with `success: false` or `result: false`.
		const record = asRecord(answer);
		if (record && (record.success === false || record.result === false)) {
			const words = readAnswer({ statusCode: 400, headers: {}, body: record }, { quote: QUOTE, secrets: await secrets() });
			return failed({ status: 400, vendorMessage: words.vendorMessage });
		}
		return { value: answer };
	};
	return await withRetries(attempt, options.retry ?? ONE_TRY, (error, wait) =>
		context.logger.debug(`SendPulse: ${error.message}; trying again in ${wait} ms`),
	);
}

/**
 * One authenticated call. Errors become NodeApiErrors with `action` in their message. One try, as the
 * errors tell the user when to try again; `retry` allows more, only for calls safe to repeat. A 401 gets a
 * fresh token and one more try from n8n itself (the credential's token is expirable).
 */
export async function sendPulseRequest(
	this: ApiContext,
	action: string,
	method: IHttpRequestMethods,
	path: string,
	options: CallOptions = {},
): Promise<unknown> {
	const baseURL = await baseUrl.call(this);
	const send = async () =>
		await this.helpers.httpRequestWithAuthentication.call(this, SENDPULSE_CREDENTIAL, {
			method,
			baseURL,
			url: path,
			body: options.body,
			qs: options.qs,
			json: true,
			// Without one, n8n waits for an answer for as long as the connection stays open.
			timeout: REQUEST_TIMEOUT_MS,
		});
	return await callSendPulse(this, action, send, async () => await secretsOf(this, options.body), options);
}

/** The rows of an answer: `data` may hold a list or one row, and may itself be wrapped in `data`. */
export function rowsOf(answer: unknown): unknown[] {
	let payload: unknown = answer;
	for (let depth = 0; depth < 2; depth++) {
		const record = asRecord(payload);
		if (!record || Array.isArray(payload) || !('data' in record)) break;
		payload = record.data;
	}
	if (Array.isArray(payload)) return payload;
	const record = asRecord(payload);
	// An envelope without `data`, such as `{success: true}`, carries no rows.
	return record && !('success' in record) ? [record] : [];
}

/** Rows (or an answer holding them) read with `schema`; a row that does not fit is logged and skipped. */
function parseRows<T>(context: ApiContext, answer: unknown, schema: z.ZodType<T, z.ZodTypeDef, unknown>, action: string): T[] {
	const parsed: T[] = [];
	for (const row of rowsOf(answer)) {
		const result = schema.safeParse(row);
		if (result.success) parsed.push(result.data);
		else context.logger.warn(`SendPulse: skipped a row it could not read while trying to ${action}: ${result.error.issues[0]?.message ?? 'unknown shape'}`);
	}
	return parsed;
}

export async function listWebhooks(this: ApiContext, itemIndex?: number, retry?: RetryPolicy): Promise<SendPulseWebhook[]> {
	const action = 'list webhooks';
	const answer = await sendPulseRequest.call(this, action, 'GET', WEBHOOKS_PATH, { itemIndex, retry });
	return parseRows(this, answer, webhookSchema, action);
}

export async function getWebhook(this: ApiContext, webhookId: string, itemIndex?: number): Promise<SendPulseWebhook> {
	const action = `get webhook ${webhookId}`;
	const answer = await sendPulseRequest.call(this, action, 'GET', `${WEBHOOKS_PATH}/${encodeURIComponent(webhookId)}`, { itemIndex });
	const [row] = parseRows(this, answer, webhookSchema, action);
	if (!row) throw apiError(this.getNode(), { status: 404 }, action, itemIndex);
	return row;
}

/** Creates one webhook per action; SendPulse answers with one row each. */
export async function createWebhooks(this: ApiContext, url: string, actions: string[], itemIndex?: number): Promise<SendPulseWebhook[]> {
	const action = `create webhooks for ${actions.join(', ')}`;
	const answer = await sendPulseRequest.call(this, action, 'POST', WEBHOOKS_PATH, { body: { url, actions }, itemIndex });
	return parseRows(this, answer, webhookSchema, action);
}

/** Changes a webhook's URL, the one field the SDKs send on update. */
export async function updateWebhook(this: ApiContext, webhookId: string, url: string, itemIndex?: number): Promise<unknown> {
	return await sendPulseRequest.call(this, `update webhook ${webhookId}`, 'PUT', `${WEBHOOKS_PATH}/${encodeURIComponent(webhookId)}`, {
		body: { url },
		itemIndex,
	});
}

/** Safe to repeat with `retry`: a webhook already gone answers 404, which the caller may count as deleted. */
export async function deleteWebhook(this: ApiContext, webhookId: string, itemIndex?: number, retry?: RetryPolicy): Promise<unknown> {
	return await sendPulseRequest.call(this, `delete webhook ${webhookId}`, 'DELETE', `${WEBHOOKS_PATH}/${encodeURIComponent(webhookId)}`, {
		itemIndex,
		retry,
	});
}

const PAGE = 100;
const MAX_PAGES = 50;

/** Every mailing list (address book), page by page; bounded so a misbehaving answer cannot loop. */
export async function listMailingLists(this: ApiContext): Promise<MailingList[]> {
	const lists: MailingList[] = [];
	for (let page = 0; page < MAX_PAGES; page++) {
		const answer = await sendPulseRequest.call(this, 'list mailing lists', 'GET', '/addressbooks', {
			qs: { limit: PAGE, offset: page * PAGE },
		});
		const rows = rowsOf(answer);
		lists.push(...parseRows(this, rows, mailingListSchema, 'list mailing lists'));
		if (rows.length < PAGE) return lists;
	}
	this.logger.warn(`SendPulse: listed the first ${PAGE * MAX_PAGES} mailing lists only; type the IDs of others in an expression`);
	return lists;
}

/** A mailing list as a dropdown entry: the trigger's filter and the action's list share it. */
export function mailingListEntry(list: MailingList): INodeListSearchItems & { description: string } {
	return {
		name: list.name,
		value: list.id,
		description: `ID ${list.id}${list.all_email_qty !== undefined ? `, ${list.all_email_qty} addresses` : ''}`,
	};
}

/** Every mailing list as dropdown entries, by name, those whose name or ID contains `filter` only when given. */
export async function mailingListEntries(this: ApiContext, filter?: string): Promise<Array<ReturnType<typeof mailingListEntry>>> {
	const wanted = filter?.trim().toLowerCase() ?? '';
	return (await listMailingLists.call(this))
		.filter((list) => !wanted || list.name.toLowerCase().includes(wanted) || list.id.includes(wanted))
		.map(mailingListEntry)
		.sort((a, b) => a.name.localeCompare(b.name));
}

// ---- Automation 360 events and mailing-list emails ----------------------------------------------

/** SendPulse allows 10 requests a second; 110 ms apart leaves a margin for clocks that differ. */
export const PACE_MS = 110;

/**
 * A 429 means the call was not carried out, so trying again is safe for every call, an event included; other
 * failures are not tried again, as an event sent twice starts its flow twice.
 */
export const RATE_LIMITED_RETRY: RetryPolicy = { transientRetries: 0, rateLimitRetries: 3, maxWaitSeconds: 10 };

/** The fields of an event that are not its variables. */
export const EVENT_FIELDS: ReadonlySet<string> = new Set(['email', 'phone', 'automation_id']);

/** What an Automation 360 event carries: email and/or phone, the event's variables, and optionally automation_id. */
export type EventBody = IDataObject & { email?: string; phone?: string; automation_id?: number };

/** An answer as item fields: an object as it came (`{result: true}` in third-party code), anything else as `result`. */
export function answerFields(answer: unknown): IDataObject {
	const record = asRecord(answer);
	if (record && !Array.isArray(answer)) return record as IDataObject;
	return answer === undefined || answer === '' ? {} : { result: answer as IDataObject[string] };
}

const unreachableEventUrl = (failure: VendorFailure) => ({
	message: 'Could not reach the event’s URL',
	description: `${failure.network ? `The connection failed (${failure.network}). ` : failure.timedOut ? 'It did not answer in time. ' : ''}Check the URL, copied from Events Manager, and that n8n can reach it. The event may have been sent all the same: look in SendPulse before sending it again.`,
});

const eventHints = (how: 'name' | 'url'): Partial<FailureTexts> => ({
	notFound: () =>
		how === 'name'
			? { message: 'SendPulse knows no event by this name', description: 'Check the event name in Automation 360 → Events Manager: it must match exactly.' }
			: { message: 'SendPulse found no event at this URL', description: 'Copy the event’s URL again from Automation 360 → Events Manager.' },
	refused: (failure) => ({
		message: `SendPulse refused the event (HTTP ${failure.status})`,
		description: 'Check that email or phone is set and valid, and that the variables are the ones the event has in Events Manager.',
	}),
	...(how === 'url'
		? {
				unauthorized: () => ({
					message: 'SendPulse refused the event URL (HTTP 401)',
					description: 'Copy the event’s URL again from Automation 360 → Events Manager, or send the event by name with a SendPulse API credential.',
				}),
				forbidden: () => ({
					message: 'SendPulse refused the event URL (HTTP 403)',
					description: 'Copy the event’s URL again from Automation 360 → Events Manager, or send the event by name with a SendPulse API credential.',
				}),
				unreachable: unreachableEventUrl,
				timeout: unreachableEventUrl,
			}
		: {}),
});

/** Sends an event by name, through the API with the credential's token. */
export async function sendEventByName(this: IExecuteFunctions, eventName: string, body: EventBody, itemIndex: number): Promise<unknown> {
	return await sendPulseRequest.call(this, `send the event "${eventName}"`, 'POST', `/events/name/${encodeURIComponent(eventName)}`, {
		body,
		itemIndex,
		retry: RATE_LIMITED_RETRY,
		hints: eventHints('name'),
		acceptText: true,
	});
}

/**
 * Sends an event to the URL Events Manager shows for it: no credential, as the URL itself is what SendPulse
 * hands out. Its path is kept out of errors, as anyone holding it can start the flows.
 */
export async function sendEventToUrl(this: IExecuteFunctions, url: string, body: EventBody, itemIndex: number): Promise<unknown> {
	const { pathname, search } = new URL(url);
	const secrets = [pathname.split('/').filter((part) => part.length >= 8), search.slice(1)].flat().filter(Boolean);
	const send = async () =>
		await this.helpers.httpRequest({ method: 'POST', url, body, json: true, timeout: REQUEST_TIMEOUT_MS });
	return await callSendPulse(this, 'send the event', send, async () => secrets, {
		itemIndex,
		retry: RATE_LIMITED_RETRY,
		hints: eventHints('url'),
		acceptText: true,
	});
}

const listHints = (listId: string): Partial<FailureTexts> => ({
	notFound: () => ({
		message: `SendPulse found no mailing list ${listId}, or not the email in it`,
		description: 'Pick the mailing list from the list, or check its ID in SendPulse (Audience → Mailing Lists), and check the email address.',
	}),
	refused: (failure) => ({
		message: `SendPulse refused the request for mailing list ${listId} (HTTP ${failure.status})`,
		description:
			'Check the email address and the variables. To change the variables of an address, it must be in the list already; for double opt-in, the sender email must be a sender confirmed in SendPulse.',
	}),
});

const emailsPath = (listId: string, tail = '') => `/addressbooks/${encodeURIComponent(listId)}/emails${tail}`;

/** Double opt-in as SendPulse's clients send it (third-party SDKs: inferred). */
export interface DoubleOptIn {
	senderEmail: string;
	templateId?: string;
	messageLang?: string;
}

/** Adds one address, with its variables; with double opt-in SendPulse mails a confirmation first. */
export async function addListEmail(
	this: IExecuteFunctions,
	listId: string,
	email: string,
	variables: IDataObject,
	doubleOptIn: DoubleOptIn | undefined,
	itemIndex: number,
): Promise<unknown> {
	const body: IDataObject = { emails: [{ email, variables }] };
	if (doubleOptIn) {
		body.confirmation = 'force';
		body.sender_email = doubleOptIn.senderEmail;
		if (doubleOptIn.templateId) body.template_id = doubleOptIn.templateId;
		if (doubleOptIn.messageLang) body.message_lang = doubleOptIn.messageLang;
	}
	return await sendPulseRequest.call(this, `add ${email} to mailing list ${listId}`, 'POST', emailsPath(listId), {
		body,
		itemIndex,
		retry: RATE_LIMITED_RETRY,
		hints: listHints(listId),
	});
}

/** Deletes one address from a list. */
export async function deleteListEmail(this: IExecuteFunctions, listId: string, email: string, itemIndex: number): Promise<unknown> {
	return await sendPulseRequest.call(this, `delete ${email} from mailing list ${listId}`, 'DELETE', emailsPath(listId), {
		body: { emails: [email] },
		itemIndex,
		retry: RATE_LIMITED_RETRY,
		hints: listHints(listId),
	});
}

/** Unsubscribes one address from a list; the body is inferred (SendPulse's own client names only the path). */
export async function unsubscribeListEmail(this: IExecuteFunctions, listId: string, email: string, itemIndex: number): Promise<unknown> {
	return await sendPulseRequest.call(this, `unsubscribe ${email} from mailing list ${listId}`, 'POST', emailsPath(listId, '/unsubscribe'), {
		body: { emails: [email] },
		itemIndex,
		retry: RATE_LIMITED_RETRY,
		hints: listHints(listId),
	});
}

/** Sets variables of an address already in a list. */
export async function setListEmailVariables(
	this: IExecuteFunctions,
	listId: string,
	email: string,
	variables: Array<{ name: string; value: IDataObject[string] }>,
	itemIndex: number,
): Promise<unknown> {
	return await sendPulseRequest.call(this, `update the variables of ${email} in mailing list ${listId}`, 'POST', emailsPath(listId, '/variable'), {
		body: { email, variables },
		itemIndex,
		retry: RATE_LIMITED_RETRY,
		hints: listHints(listId),
	});
}
