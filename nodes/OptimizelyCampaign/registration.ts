/**
 * The trigger's webhook lifecycle. What the node owns at a URL is what sits at that URL at the vendor,
 * found by listing: static data only remembers ids and the generated basic-auth pair, so losing it (a
 * restart, a failed save) never leads to a second webhook.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type IHookFunctions, type JsonObject } from 'n8n-workflow';
import { randomBytes } from 'crypto';

import { isTransient, publicUrlProblem, registrationFailure, undoPolicy, vendorStatus, whileRegistering } from '../shared';
import {
	type RequestPolicy,
	type RestWebhook,
	activateWebhook,
	collectWebhooks,
	createWebhook,
	deactivateWebhook,
	deleteWebhook,
	policy,
	updateWebhook,
} from './api';
import { type EventType, type Registration, REGISTRATION_KEY, canonicalType, isEventType, readRegistration } from './events';

const VENDOR = 'Optimizely Campaign';

/** The one address Optimizely Campaign delivers from. */
export const DELIVERY_SOURCE_IP = '193.169.180.1';

/** Lifecycle calls are all safe to repeat, except a create, which looks before it tries again. */
const TRANSIENT_RETRIES = 2;

interface TriggerOptions {
	allowInsecureUrl?: boolean;
	apiTimeout?: number;
}

function options(ctx: IHookFunctions): TriggerOptions {
	return ctx.getNodeParameter('options', {}) as TriggerOptions;
}

function lifecyclePolicy(ctx: IHookFunctions): RequestPolicy {
	return policy(options(ctx).apiTimeout, TRANSIENT_RETRIES);
}

/** A promise's outcome as a value, so a failure can be inspected without a catch block. */
async function settle<T>(work: Promise<T>): Promise<{ value: T } | { error: unknown }> {
	try {
		return { value: await work };
	} catch (error) {
		return { error };
	}
}

/** Why Optimizely Campaign could not deliver to this URL: it needs HTTPS on port 443 at a public host. */
export const urlProblem = (url: string): string | undefined => publicUrlProblem(url, { httpsOn443: true });

function webhookUrl(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n gave this trigger no webhook URL');
	return url;
}

function selectedTypes(ctx: IHookFunctions): EventType[] {
	const chosen = ctx.getNodeParameter('events', []) as string[];
	const unknown = chosen.filter((type) => !isEventType(type));
	if (unknown.length > 0) {
		throw new NodeOperationError(ctx.getNode(), `Unknown event type: ${unknown.join(', ')}`, {
			description: 'Choose the event types again from the list.',
		});
	}
	if (chosen.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Choose at least one event type', {
			description: `Each event type becomes one webhook in ${VENDOR}.`,
		});
	}
	return [...new Set(chosen)] as EventType[];
}

/** The webhooks at our URL; those marked deleted no longer count. */
async function ownedWebhooks(ctx: IHookFunctions, url: string, how: RequestPolicy): Promise<RestWebhook[]> {
	return (await collectWebhooks(ctx, how)).filter((webhook) => webhook.targetUrl === url && webhook.status !== 'deleted');
}

function staticData(ctx: IHookFunctions): IDataObject {
	return ctx.getWorkflowStaticData('node');
}

function save(ctx: IHookFunctions, registration: Registration | undefined): void {
	const data = staticData(ctx);
	if (registration && Object.keys(registration.webhooks).length > 0) data[REGISTRATION_KEY] = registration;
	else delete data[REGISTRATION_KEY];
}

/**
 * True only when every selected type has exactly one activated webhook at our URL, nothing else is
 * there, and static data still holds the credentials those webhooks send. Anything less is repaired by
 * `create`, which adopts what is already there.
 */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	return await whileRegistering(this, () => registering(this), async () => await lookUp(this));
}

async function lookUp(ctx: IHookFunctions): Promise<boolean> {
	const url = webhookUrl(ctx);
	const types = selectedTypes(ctx);
	const registration = readRegistration(staticData(ctx));
	if (!registration?.webhooks[url]) {
		ctx.logger.debug(`${VENDOR} trigger: nothing registered for ${url} in static data; it will register or adopt its webhooks`);
		return false;
	}
	const owned = await ownedWebhooks(ctx, url, lifecyclePolicy(ctx));
	const complete =
		owned.length === types.length &&
		types.every((type) => {
			const matches = owned.filter((webhook) => canonicalType(webhook.type) === type);
			return matches.length === 1 && matches[0].status === 'activated';
		});
	if (!complete) return false;
	registration.webhooks[url] = Object.fromEntries(owned.map((webhook) => [canonicalType(webhook.type), String(webhook.id)]));
	save(ctx, registration);
	return true;
}

function generateBasicAuth(): Registration['basicAuth'] {
	return { user: `n8n-${randomBytes(6).toString('hex')}`, password: randomBytes(24).toString('base64url') };
}

/**
 * Creates the webhook for one type. A create that failed in transit may still have been carried out, so
 * before each new try the list is checked, and a webhook that appeared there is taken instead.
 */
async function createOnce(
	ctx: IHookFunctions,
	url: string,
	type: EventType,
	basicAuth: Registration['basicAuth'],
	how: RequestPolicy,
): Promise<RestWebhook> {
	const fields = {
		targetUrl: url,
		type,
		authentication: { type: 'basicAuth' as const, userName: basicAuth.user, password: basicAuth.password },
	};
	const once = { ...how, transientRetries: 0 };
	let result = await settle(createWebhook(ctx, fields, once));
	for (let retry = 0; 'error' in result && isTransient(result.error) && retry < how.transientRetries; retry++) {
		ctx.logger.debug(`${VENDOR} trigger: creating the ${type} webhook failed (${(result.error as Error).message}); looking before trying again`);
		const appeared = (await ownedWebhooks(ctx, url, how)).find((webhook) => canonicalType(webhook.type) === type);
		if (appeared) return appeared;
		result = await settle(createWebhook(ctx, fields, once));
	}
	if ('error' in result) throw result.error;
	return result.value;
}

/** Activates a webhook; one that turns out to be activated already is fine. */
async function ensureActivated(ctx: IHookFunctions, webhook: RestWebhook, how: RequestPolicy): Promise<void> {
	if (webhook.status === 'activated') return;
	const id = String(webhook.id);
	const result = await settle(activateWebhook(ctx, id, how));
	if (!('error' in result)) return;
	// A 400 means "already activated" when that is true; check rather than assume.
	if (vendorStatus(result.error) === 400) {
		const now = (await collectWebhooks(ctx, how)).find((candidate) => String(candidate.id) === id);
		if (now?.status === 'activated') return;
	}
	throw result.error;
}

const gone = (error: unknown) => vendorStatus(error) === 404;

/** Deactivates (when it may be active) and deletes one webhook. One already gone is fine. */
async function retire(ctx: IHookFunctions, id: string, status: string | undefined, how: RequestPolicy): Promise<void> {
	const deactivate = async () => {
		const off = await settle(deactivateWebhook(ctx, id, how));
		// A 400 is "not activated", which is what is wanted; anything else, the delete will report.
		if ('error' in off && !gone(off.error)) {
			ctx.logger.debug(`${VENDOR} trigger: deactivating webhook ${id}: ${(off.error as Error).message}`);
		}
		return !('error' in off && gone(off.error));
	};
	if ((status === undefined || status === 'activated') && !(await deactivate())) return;
	let removed = await settle(deleteWebhook(ctx, id, how));
	if ('error' in removed && vendorStatus(removed.error) === 400 && (await deactivate())) {
		// Still activated after all (the listed status was stale): deactivated now, so delete once more.
		removed = await settle(deleteWebhook(ctx, id, how));
	}
	if ('error' in removed && !gone(removed.error)) throw removed.error;
}

/**
 * Removes every webhook the node owns at a URL: those listed there, and those static data remembers.
 * Returns the ones it could not remove, each with the reason.
 */
async function retireAll(ctx: IHookFunctions, url: string, known: Iterable<string>, how: RequestPolicy): Promise<string[]> {
	const statuses = new Map<string, string | undefined>([...known].map((id) => [id, undefined]));
	const listed = await settle(ownedWebhooks(ctx, url, how));
	if ('error' in listed) {
		ctx.logger.warn(`${VENDOR} trigger: could not list the webhooks, so only the known ones are removed: ${(listed.error as Error).message}`);
	} else {
		for (const webhook of listed.value) statuses.set(String(webhook.id), webhook.status);
	}
	const left: string[] = [];
	for (const [id, status] of statuses) {
		const result = await settle(retire(ctx, id, status, how));
		if ('error' in result) left.push(`${id} (${(result.error as Error).message})`);
	}
	return left;
}

function cannotRemove(ctx: IHookFunctions, left: string[], prefix: string): NodeApiError {
	return new NodeApiError(ctx.getNode(), { left } as JsonObject, {
		message: `${prefix}${left.length} ${VENDOR} webhook(s) could not be removed: ${left.join('; ')}`,
		description: `Deactivate the workflow again to retry (publishing it again takes them over, so none is doubled), or delete them with the Optimizely Campaign node (Webhook > Delete, "Deactivate First" on).`,
	});
}

/** Registers one activated webhook per selected type at our URL, adopting any already there. */
async function register(
	ctx: IHookFunctions,
	url: string,
	types: EventType[],
	basicAuth: Registration['basicAuth'],
	touched: Set<string>,
	how: RequestPolicy,
): Promise<Record<string, string>> {
	const authentication = { type: 'basicAuth' as const, userName: basicAuth.user, password: basicAuth.password };
	const owned = await ownedWebhooks(ctx, url, how);
	const ids: Record<string, string> = {};
	for (const type of types) {
		const [existing, ...spare] = owned.filter((webhook) => canonicalType(webhook.type) === type);
		for (const extra of spare) await retire(ctx, String(extra.id), extra.status, how);
		let webhook: RestWebhook;
		if (existing) {
			// Adopt it, and make it send the credentials this node checks.
			touched.add(String(existing.id));
			webhook = await updateWebhook(ctx, String(existing.id), { targetUrl: url, type, authentication }, how);
		} else {
			webhook = await createOnce(ctx, url, type, basicAuth, how);
			touched.add(String(webhook.id));
		}
		await ensureActivated(ctx, webhook, how);
		ids[type] = String(webhook.id);
	}
	for (const stray of owned.filter((webhook) => !(types as string[]).includes(canonicalType(webhook.type)))) {
		await retire(ctx, String(stray.id), stray.status, how);
	}
	return ids;
}

/** What a failed registration's message starts with: which webhooks, when the selection is readable. */
function registering(ctx: IHookFunctions): string {
	const chosen = ctx.getNodeParameter('events', []) as string[];
	return `Could not register the ${VENDOR} webhooks${chosen.length > 0 ? ` (${chosen.join(', ')})` : ''}`;
}

async function registerOrUndo(ctx: IHookFunctions): Promise<true> {
	const url = webhookUrl(ctx);
	const types = selectedTypes(ctx);
	const problem = urlProblem(url);
	if (problem && options(ctx).allowInsecureUrl !== true) {
		throw new NodeOperationError(ctx.getNode(), `${VENDOR} cannot deliver to ${url}: ${problem}`, {
			description: `${VENDOR} only delivers to an HTTPS URL on port 443 that accepts POST requests from ${DELIVERY_SOURCE_IP}. Set n8n's WEBHOOK_URL to a public HTTPS address (behind a reverse proxy or a tunnel). For tests against a local mock only, turn on "Allow Insecure URL (Testing Only)".`,
		});
	}
	const how = lifecyclePolicy(ctx);
	const registration: Registration = readRegistration(staticData(ctx)) ?? { basicAuth: generateBasicAuth(), webhooks: {} };
	const touched = new Set<string>(Object.values(registration.webhooks[url] ?? {}));

	const result = await settle(register(ctx, url, types, registration.basicAuth, touched, how));
	if ('value' in result) {
		registration.webhooks[url] = result.value;
		save(ctx, registration);
		return true;
	}

	// Undo: nothing of this node stays registered at this URL, so the next activation starts clean. The
	// fault that broke the registration may still be going on, so the undo tries harder, within a deadline.
	delete registration.webhooks[url];
	save(ctx, registration);
	const left = await retireAll(ctx, url, touched, undoPolicy(how));
	const failure = result.error;
	const reason = failure instanceof Error ? failure.message : String(failure);
	if (left.length > 0) throw cannotRemove(ctx, left, `${reason}. Also, `);
	ctx.logger.warn(`${registering(ctx)}: ${reason}. What was registered has been removed again.`);
	throw registrationFailure(ctx, registering(ctx), failure, 'Nothing was left registered.');
}

export async function create(this: IHookFunctions): Promise<boolean> {
	return await whileRegistering(this, () => registering(this), async () => await registerOrUndo(this));
}

/** Deactivates, then deletes, every webhook the node owns at its URL; one already gone is fine. */
async function remove(this: IHookFunctions): Promise<boolean> {
	const url = webhookUrl(this);
	const registration = readRegistration(staticData(this));
	const left = await retireAll(this, url, Object.values(registration?.webhooks[url] ?? {}), lifecyclePolicy(this));
	if (left.length > 0) throw cannotRemove(this, left, '');
	if (registration) {
		delete registration.webhooks[url];
		save(this, registration);
	}
	return true;
}

export { remove as delete };
