import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import {
	type AuthFailure,
	type BasicAuthSecret,
	type IncomingHttpHeaders,
	checkBasicAuth,
	checkIpAllowlist,
	checkSharedSecret,
	clientIp,
	firstHeader,
	BASIC_AUTH_CREDENTIAL,
	SHARED_SECRET_CREDENTIAL,
	basicAuthOf,
	sharedSecretOf,
} from './authenticate';
import { type BodyFormat, type Decoded, decodeBody, splitBatch } from './decode';
import { DEFAULT_DEDUPE_WINDOW, DedupeWindow, MAX_DEDUPE_WINDOW } from './dedupe';
import type { Verdict } from './secure';
import { type ListedField, logUnlisted } from './listed';
import { type EventRejection, validateEvents } from './validate';

/** What one delivery came to, for the vendor's answer and for the log. */
export interface DeliveryOutcome {
	/** Events found in the delivery. */
	received: number;
	/** Events emitted as items. */
	emitted: number;
	/** Valid events dropped as repeats of events already emitted. */
	duplicates: number;
	/** Valid events the user's filters leave out. */
	ignored: number;
	rejected: EventRejection[];
	/** The events as split, before validation: a rejection's index points here, so an answer can name the event. */
	events: readonly unknown[];
}

export interface Reply {
	status: number;
	body?: IDataObject | IDataObject[] | string;
	headers?: Record<string, string>;
}

/** What a vendor expects back, for each kind of delivery. */
export interface ResponseContract {
	/** Events were emitted (or there was nothing to emit), and none was invalid. */
	accepted(outcome: DeliveryOutcome): Reply;
	/** Every valid event was a repeat of one already emitted. */
	duplicate(outcome: DeliveryOutcome): Reply;
	/** Some events were invalid, others were fine. */
	partlyInvalid(outcome: DeliveryOutcome): Reply;
	/** No event was valid. */
	invalid(outcome: DeliveryOutcome): Reply;
	undecodable(reason: string): Reply;
	unauthorized(failure: AuthFailure): Reply;
}

/** The request, as a vendor's own verification sees it. */
export interface DeliveryRequest {
	headers: IncomingHttpHeaders;
	query: IDataObject;
	rawBody?: Buffer;
	decoded: Extract<Decoded, { ok: true }>;
}

export interface EventFilter<TEvent> {
	/** A multi-select parameter of the node; an empty selection lets everything through. */
	parameter: string;
	/** The event's value; null when the filter does not apply to this kind of event, which it lets through. */
	value(event: TEvent): string | undefined | null;
	/**
	 * The values the selection can name. When set, an event whose value is not among them passes whatever the
	 * selection: for a parameter that cannot be left empty, so that a value the vendor added is not lost.
	 */
	passesUnlisted?: ReadonlySet<string>;
}

/** Everything the kit needs to know about a vendor. */
export interface TriggerDeclaration<TEvent extends object> {
	/** The vendor's name, for logs and the basic-auth realm. */
	vendor: string;
	/** One event. Types flow from here. */
	schema: ZodType<TEvent, ZodTypeDef, unknown>;
	/** Turns a decoded payload into raw events; a string return is the reason it cannot. */
	split?(payload: unknown, format: BodyFormat): unknown[] | string;
	eventName(event: TEvent): string;
	/** Stable across redeliveries of the same event: the dedupe key. */
	eventKey(event: TEvent): string;
	filters?: ReadonlyArray<EventFilter<TEvent>>;
	/** Fields with documented values: an event with another value is emitted all the same, and logged once. */
	listed?: ReadonlyArray<ListedField<TEvent>>;
	/**
	 * The item's JSON: the vendor's fields, plus normalised extras. The event is the delivery's own object,
	 * made by validation and used for nothing else, so this may add to it and return it.
	 */
	toItem?(event: TEvent): IDataObject;
	responses: ResponseContract;
	/**
	 * Checks an `authentication` value the kit does not handle itself (a vendor signature). Runs after
	 * decoding, since some vendors sign fields of the body.
	 */
	verify?(
		this: IWebhookFunctions,
		method: string,
		request: DeliveryRequest,
	): Promise<Verdict> | Verdict;
	/** Deliveries with more events than this are refused as undecodable. */
	maxEvents?: number;
	/** The authentication used when the node has no `authentication` parameter. Defaults to none. */
	defaultAuthentication?: string;
	/**
	 * Where the expected basic-auth user and password come from. Defaults to the Webhook Basic Auth
	 * credential; a vendor that generates them at registration reads them from static data instead.
	 */
	basicAuthSecret?(this: IWebhookFunctions): Promise<BasicAuthSecret>;
}

export type ResponseMode = 'onReceived' | 'lastNode';

export interface KitOptions {
	dedupeWindow?: number;
	includeRequestMetadata?: boolean;
	trustForwardedFor?: boolean;
	extraAllowedIps?: string;
}

/** The authentication methods the kit checks itself; any other is the vendor's `verify`. */
const KIT_AUTHENTICATION = new Set(['none', 'basicAuth', 'sharedSecret', 'ipAllowlist']);

const SENSITIVE = /secret|token|signature|password|passwd|auth|api[-_]?key|cookie|session/i;

function send(context: IWebhookFunctions, reply: Reply): IWebhookResponseData {
	const res = context.getResponseObject();
	if (reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
	res.status(reply.status);
	if (reply.body === undefined) res.end();
	else if (typeof reply.body === 'string') res.send(reply.body);
	else res.json(reply.body);
	return { noWebhookResponse: true };
}

/** A copy without the dropped names. fromEntries, not assignment: a query parameter "__proto__" stays a key. */
function without(record: IDataObject, drop: (name: string) => boolean): IDataObject {
	return Object.fromEntries(Object.entries(record).filter(([name]) => !drop(name))) as IDataObject;
}

/** Request metadata for items: headers and query without anything that could carry a secret. */
function requestMetadata(
	headers: IncomingHttpHeaders,
	query: IDataObject,
	sourceIp: string,
	receivedAt: string,
	secretName: string | undefined,
): IDataObject {
	const secret = secretName?.toLowerCase();
	const drop = (name: string) => SENSITIVE.test(name) || name.toLowerCase() === secret;
	return {
		receivedAt,
		sourceIp,
		headers: without(headers as IDataObject, drop),
		query: without(query, drop),
	};
}

/** Names a trigger's dedupe window across calls: workflow, node, and test or production. */
function windowScope(context: IWebhookFunctions): string | undefined {
	const workflowId = typeof context.getWorkflow === 'function' ? context.getWorkflow()?.id : undefined;
	if (!workflowId) return undefined;
	const { id, name } = context.getNode();
	const mode = typeof context.getMode === 'function' ? context.getMode() : '';
	return `${workflowId}\u0000${id ?? name}\u0000${mode}`;
}

/**
 * Runs one delivery through the whole pipeline: authenticate, decode, split, validate, filter,
 * deduplicate, then answer as the vendor expects and emit one item per event.
 */
export async function handleDelivery<TEvent extends object>(
	this: IWebhookFunctions,
	declaration: TriggerDeclaration<TEvent>,
): Promise<IWebhookResponseData> {
	const { responses, vendor } = declaration;
	const req = this.getRequestObject();
	const headers = this.getHeaderData();
	const query = this.getQueryData() as IDataObject;
	const authentication = this.getNodeParameter('authentication', declaration.defaultAuthentication ?? 'none') as string;
	const responseMode = this.getNodeParameter('responseMode', 'onReceived') as ResponseMode;
	const options = this.getNodeParameter('options', {}) as KitOptions;
	// Only request metadata shows when the delivery arrived.
	const receivedAt = options.includeRequestMetadata ? Date.now() : 0;

	const reject = (failure: AuthFailure): IWebhookResponseData => {
		this.logger.warn(`${vendor} webhook refused: ${failure.reason}`);
		return send(this, responses.unauthorized(failure));
	};

	// 1. Authenticate the caller.
	const sourceIp = clientIp(headers, req.socket?.remoteAddress, options.trustForwardedFor === true);
	const allowlist =
		authentication === 'ipAllowlist'
			? (this.getNodeParameter('allowedIps', '') as string)
			: (options.extraAllowedIps ?? '').trim();
	if (authentication === 'ipAllowlist' || allowlist) {
		const failure = checkIpAllowlist(sourceIp, allowlist);
		if (failure) return reject(failure);
	}
	let secretName: string | undefined;
	if (authentication === 'basicAuth') {
		// The credential is read and taken apart here, so that a delivery waits on n8n's call alone.
		const expected = declaration.basicAuthSecret
			? await declaration.basicAuthSecret.call(this)
			: basicAuthOf(await this.getCredentials(BASIC_AUTH_CREDENTIAL));
		const failure = checkBasicAuth(headers, expected, `${vendor} webhook`);
		if (failure) return reject(failure);
	} else if (authentication === 'sharedSecret') {
		const expected = sharedSecretOf(await this.getCredentials(SHARED_SECRET_CREDENTIAL));
		secretName = expected.name;
		const failure = checkSharedSecret(headers, query, expected);
		if (failure) return reject(failure);
	}

	// 2. Decode.
	const decoded = decodeBody({
		body: this.getBodyData(),
		rawBody: (req as { rawBody?: Buffer }).rawBody,
		contentType: firstHeader(headers, 'content-type'),
	});
	if (!decoded.ok) {
		this.logger.warn(`${vendor} webhook body refused: ${decoded.reason}`);
		return send(this, responses.undecodable(decoded.reason));
	}

	// A vendor's own proof of origin, such as a signature over the body.
	if (!KIT_AUTHENTICATION.has(authentication)) {
		const verdict = declaration.verify
			? await declaration.verify.call(this, authentication, { headers, query, rawBody: (req as { rawBody?: Buffer }).rawBody, decoded })
			: ({ ok: false, reason: `the authentication method "${authentication}" is not supported` } as const);
		if (!verdict.ok) return reject({ kind: 'signature', status: 401, reason: verdict.reason });
	}

	// 3. Split.
	const events = declaration.split ? declaration.split(decoded.payload, decoded.format) : splitBatch(decoded.payload);
	if (typeof events === 'string') {
		this.logger.warn(`${vendor} webhook body refused: ${events}`);
		return send(this, responses.undecodable(events));
	}
	if (declaration.maxEvents !== undefined && events.length > declaration.maxEvents) {
		const reason = `the delivery holds ${events.length} events, more than the ${declaration.maxEvents} ${vendor} sends at most`;
		this.logger.warn(`${vendor} webhook body refused: ${reason}`);
		return send(this, responses.undecodable(reason));
	}

	// 4. Validate.
	const { valid, rejected } = validateEvents(events, declaration.schema);
	for (const rejection of rejected) {
		this.logger.warn(`${vendor} webhook event ${rejection.index} rejected: ${rejection.errors.join('; ')}`);
	}
	if (declaration.listed) for (const { event } of valid) logUnlisted(this.logger, vendor, declaration.listed, event);

	// 5. Filter. An empty selection lets everything through.
	const selections: Array<{ filter: EventFilter<TEvent>; selected: Set<string> }> = [];
	for (const filter of declaration.filters ?? []) {
		// An expression may give one name rather than a list.
		const value = this.getNodeParameter(filter.parameter, []) as string[] | string;
		const picked = Array.isArray(value) ? value : value ? [value] : [];
		if (picked.length > 0) selections.push({ filter, selected: new Set(picked) });
	}
	const wanted =
		selections.length === 0
			? valid
			: valid.filter(({ event }) =>
					selections.every(({ filter, selected }) => {
						const value = filter.value(event);
						if (value === null) return true;
						const named = value ?? '';
						return selected.has(named) || filter.passesUnlisted?.has(named) === false;
					}),
				);

	// 6. Deduplicate: within the delivery always; across deliveries only when answering at once, since
	// with "when last node finishes" a redelivery follows a failed run and must run again.
	const capacity = Math.min(MAX_DEDUPE_WINDOW, Math.max(0, Math.floor(options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW)));
	const window =
		capacity > 0 && responseMode === 'onReceived'
			? new DedupeWindow(this.getWorkflowStaticData('node'), capacity, windowScope(this))
			: undefined;
	const metadata = options.includeRequestMetadata
		? requestMetadata(headers, query, sourceIp, new Date(receivedAt).toISOString(), secretName)
		: undefined;
	// Repeats inside the delivery and, with a window, of earlier deliveries.
	const keys = new Set<string>();
	const items: INodeExecutionData[] = [];
	for (const { index, event } of wanted) {
		const key = declaration.eventKey(event);
		if (capacity > 0) {
			if (keys.has(key) || window?.has(key)) continue;
			keys.add(key);
		}
		// 7. One item per event. Validation gives a new object (zod's own output), which becomes the item;
		// only an event that is still the body's own object is copied, so an item never shares the body.
		// A spread defines each field, so a field named "__proto__" stays a field.
		const eventName = declaration.eventName(event);
		const own = event === events[index] ? { ...event } : event;
		const json = declaration.toItem ? declaration.toItem(own) : (own as IDataObject);
		json.eventName = eventName;
		json.eventKey = key;
		if (metadata) json.requestMetadata = metadata;
		items.push({ json });
	}

	const outcome: DeliveryOutcome = {
		received: events.length,
		emitted: items.length,
		duplicates: wanted.length - items.length,
		ignored: valid.length - wanted.length,
		rejected,
		events,
	};
	const reply =
		valid.length === 0 && rejected.length > 0
			? responses.invalid(outcome)
			: rejected.length > 0
				? responses.partlyInvalid(outcome)
				: outcome.emitted === 0 && outcome.duplicates > 0
					? responses.duplicate(outcome)
					: responses.accepted(outcome);

	if (items.length === 0) return send(this, reply);

	// 8. Keep the keys, emit, and answer.
	window?.add(keys);

	if (responseMode === 'lastNode') return { workflowData: [items] };
	send(this, reply);
	return { workflowData: [items], noWebhookResponse: true };
}
