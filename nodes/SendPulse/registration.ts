import { NodeApiError, NodeOperationError, type IDataObject, type IHookFunctions, type JsonObject } from 'n8n-workflow';

import {
	ONE_TRY,
	type RetryPolicy,
	SHARED_SECRET_CREDENTIAL,
	hostProblem,
	redactError,
	sha256Base64url,
	undoPolicy,
	whileRegistering,
} from '../shared';
import { baseUrl, createWebhooks, deleteWebhook, listWebhooks, type SendPulseWebhook } from './api';

/**
 * What the trigger keeps in static data about the webhooks it registered. Static data is saved with the
 * workflow in clear, so the URL, which may carry the secret token, is kept only as a hash.
 */
interface Registered extends IDataObject {
	webhookIds?: string[];
	registeredUrlSha256?: string;
}

/** Email-service webhooks are registered by API only when the user chose that; everything else is manual. */
export function registersByApi(context: IHookFunctions): boolean {
	return (
		context.getNodeParameter('source', 'automation360') === 'emailService' &&
		context.getNodeParameter('registration', 'api') === 'api'
	);
}

function selectedEvents(context: IHookFunctions): string[] {
	return [...new Set(context.getNodeParameter('events', []) as string[])];
}

/** The URL without user info or query, for logs and errors: both may carry a secret. */
function redact(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
	} catch {
		return '(unreadable URL)';
	}
}

/**
 * The URL SendPulse is given: this node's webhook URL, with the shared secret in its query string when the
 * trigger checks one. SendPulse cannot send a custom header, and basic auth is not documented for its
 * webhooks, so those are refused here with what to do instead.
 */
export async function registrationUrl(context: IHookFunctions): Promise<string> {
	const url = context.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(context.getNode(), 'n8n did not give this trigger a webhook URL');
	const target = new URL(url);
	// SendPulse takes http or https on any port, but only at a public host. A local URL is fine when the
	// API itself is local: a test server, not SendPulse.
	const apiHost = new URL(await baseUrl.call(context)).hostname;
	if (hostProblem(target.hostname) && !hostProblem(apiHost)) {
		throw new NodeOperationError(context.getNode(), `SendPulse cannot deliver to ${target.hostname}`, {
			description:
				'Its servers need a public address. Set n8n’s WEBHOOK_URL to the public URL of this instance, or choose Registration: Manually and set up the webhook yourself.',
		});
	}
	const authentication = context.getNodeParameter('authentication', 'sharedSecret') as string;
	if (authentication === 'basicAuth') {
		throw new NodeOperationError(context.getNode(), 'SendPulse webhooks registered by API cannot use basic auth', {
			description: 'Choose Authentication: Secret Token (sent in the query string) or IP Allowlist.',
		});
	}
	if (authentication === 'sharedSecret') {
		const credential = await context.getCredentials(SHARED_SECRET_CREDENTIAL);
		const name = typeof credential.name === 'string' && credential.name ? credential.name : 'token';
		if (credential.location === 'header') {
			throw new NodeOperationError(context.getNode(), 'SendPulse cannot send the secret token in a header', {
				description: 'In the Webhook Shared Secret credential, set Sent In to Query Parameter.',
			});
		}
		target.searchParams.set(name, typeof credential.secret === 'string' ? credential.secret : '');
	}
	return target.toString();
}

/** An error that may quote SendPulse quoting this trigger's URL, with the URL's query values (its token) taken out. */
function withoutToken(error: unknown, target: string): unknown {
	return redactError(error, [...new URL(target).searchParams.values()]);
}

/** Deletes a webhook; one already gone counts as deleted. */
async function remove(context: IHookFunctions, webhook: SendPulseWebhook, retry?: RetryPolicy): Promise<void> {
	try {
		await deleteWebhook.call(context, webhook.id, undefined, retry);
	} catch (error) {
		// A 404 means it was removed already, in SendPulse or by an earlier run.
		if (error instanceof NodeApiError && error.httpCode === '404') return;
		// NodeApiError hands an error it already is back unchanged.
		throw new NodeApiError(context.getNode(), error as JsonObject);
	}
}

/** What a failed registration's message starts with. */
function registering(context: IHookFunctions): string {
	const events = selectedEvents(context);
	return `Could not register the SendPulse webhooks${events.length > 0 ? ` (${events.join(', ')})` : ''}`;
}

/**
 * True when SendPulse holds exactly one webhook per selected event at this trigger's URL, and nothing
 * else there. Looked up at SendPulse, never trusted from static data, so a restart or a lost static-data
 * write cannot lead to duplicates.
 */
export async function webhooksExist(context: IHookFunctions): Promise<boolean> {
	return await whileRegistering(context, () => registering(context), async () => await lookUp(context));
}

async function lookUp(context: IHookFunctions): Promise<boolean> {
	const wanted = selectedEvents(context);
	const target = await registrationUrl(context);
	let listed: SendPulseWebhook[];
	try {
		listed = await listWebhooks.call(context);
	} catch (error) {
		throw withoutToken(error, target);
	}
	const mine = listed.filter((webhook) => webhook.url === target);
	const actions = mine.map((webhook) => webhook.action);
	const exact =
		wanted.length > 0 &&
		mine.length === wanted.length &&
		wanted.every((event) => actions.includes(event));
	if (exact) {
		const store = context.getWorkflowStaticData('node') as Registered;
		store.webhookIds = mine.map((webhook) => webhook.id);
		store.registeredUrlSha256 = sha256Base64url(target);
	}
	return exact;
}

/** Brings SendPulse to one webhook per selected event at this URL: keeps what is there, adds what is missing, removes the rest. */
export async function registerWebhooks(context: IHookFunctions): Promise<void> {
	await whileRegistering(context, () => registering(context), async () => await register(context));
}

async function register(context: IHookFunctions): Promise<void> {
	const wanted = selectedEvents(context);
	if (wanted.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Select at least one event to register with SendPulse', {
			description: 'SendPulse needs one webhook per event. Pick the events under Events, or choose Registration: Manually.',
		});
	}
	const target = await registrationUrl(context);
	const kept = new Map<string, SendPulseWebhook>();
	let created: SendPulseWebhook[];
	try {
		for (const webhook of (await listWebhooks.call(context)).filter((entry) => entry.url === target)) {
			if (wanted.includes(webhook.action) && !kept.has(webhook.action)) kept.set(webhook.action, webhook);
			else await remove(context, webhook);
		}
		const missing = wanted.filter((event) => !kept.has(event));
		created = missing.length > 0 ? await createWebhooks.call(context, target, missing) : [];
	} catch (error) {
		throw withoutToken(await undoRegistration(context, target, error), target);
	}
	const store = context.getWorkflowStaticData('node') as Registered;
	store.webhookIds = [...kept.values(), ...created].map((webhook) => webhook.id);
	store.registeredUrlSha256 = sha256Base64url(target);
	context.logger.info(
		`SendPulse: webhooks for ${wanted.join(', ')} point at ${redact(target)} (${created.length} created, ${kept.size} already there)`,
	);
}

/**
 * After a failed registration, removes whatever of this trigger is at SendPulse: a create whose answer was
 * lost may have been carried out all the same. The fault that broke the registration may still be going
 * on, so every call tries harder than usual, within a deadline, and one webhook that cannot be removed
 * does not keep the others. Returns the error to throw, saying what is left, if anything.
 */
async function undoRegistration(context: IHookFunctions, target: string, failure: unknown): Promise<unknown> {
	const retry = undoPolicy(ONE_TRY);
	let mine: SendPulseWebhook[];
	try {
		mine = (await listWebhooks.call(context, undefined, retry)).filter((webhook) => webhook.url === target);
	} catch (error) {
		return withLeftovers(context, failure, `webhooks of this trigger may be left in SendPulse, as they could not be listed (${(error as Error).message})`);
	}
	const left: string[] = [];
	for (const webhook of mine) {
		try {
			await remove(context, webhook, retry);
		} catch (error) {
			left.push(`${webhook.id} (${(error as Error).message})`);
		}
	}
	if (mine.length > left.length) {
		context.logger.info(`SendPulse: registration failed, so ${mine.length - left.length} webhook(s) of this trigger were removed again`);
	}
	if (left.length === 0) return failure;
	return withLeftovers(context, failure, `${left.length} SendPulse webhook(s) of this trigger could not be removed: ${left.join('; ')}`);
}

/** The registration's error, saying what it left and how to remove it. */
function withLeftovers(context: IHookFunctions, failure: unknown, left: string): unknown {
	context.logger.warn(`SendPulse: after a failed registration: ${left}`);
	if (failure instanceof Error) {
		failure.message = `${failure.message}. Also, ${left}. Unpublish the workflow to remove them; publishing it again takes them over, without duplicates`;
	}
	return failure;
}

/**
 * Removes every SendPulse webhook at this trigger's URL, or at the URL or ids it registered before. A
 * failure is logged with what to do, and reported to n8n as false, so unpublishing still goes ahead.
 */
export async function unregisterWebhooks(context: IHookFunctions): Promise<boolean> {
	const store = context.getWorkflowStaticData('node') as Registered;
	const hadRegistration = Boolean(store.registeredUrlSha256) || (store.webhookIds?.length ?? 0) > 0;
	if (!registersByApi(context) && !hadRegistration) return true;
	let target: string | undefined;
	try {
		const fingerprints = new Set<string>(store.registeredUrlSha256 ? [store.registeredUrlSha256] : []);
		if (registersByApi(context)) {
			target = await registrationUrl(context);
			fingerprints.add(sha256Base64url(target));
		}
		const ids = new Set(store.webhookIds ?? []);
		const mine = (await listWebhooks.call(context)).filter(
			(webhook) => fingerprints.has(sha256Base64url(webhook.url)) || ids.has(webhook.id),
		);
		for (const webhook of mine) await remove(context, webhook);
		delete store.webhookIds;
		delete store.registeredUrlSha256;
		context.logger.info(`SendPulse: removed ${mine.length} webhook(s) of this trigger`);
		return true;
	} catch (error) {
		const { message } = (target ? withoutToken(error, target) : error) as Error;
		context.logger.warn(`SendPulse: could not remove this trigger's webhooks (${message}). Remove them under Account Settings → API in SendPulse.`);
		return false;
	}
}
