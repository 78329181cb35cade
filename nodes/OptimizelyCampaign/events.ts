import type { IDataObject, INodePropertyOptions, IWebhookFunctions } from 'n8n-workflow';
import { randomBytes } from 'crypto';
import { z, type ZodType, type ZodTypeDef } from 'zod';

import {
	type BasicAuthSecret,
	type EventFilter,
	type ResponseContract,
	type TriggerDeclaration,
	isRecord,
	splitBatch,
	stableJson,
	summaryBody,
	knownOr,
	unauthorizedReply,
} from '../shared';
import { kitItemFields } from '../shared/items';

/** The event types a webhook can be created for; each webhook carries exactly one. */
export const EVENT_TYPES = [
	'open',
	'click',
	'sent',
	'bounce',
	'unsubscribe',
	'spamcomplaint',
	'singleoptin',
	'confirmedoptin',
	'doubleoptin',
	'blocklist',
	'archive',
	'filteredbyblocklist',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The event type options, sorted by name, shared by the trigger and the action node. */
export const EVENT_TYPE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Archive', value: 'archive', description: 'A sent mailing was archived' },
	{ name: 'Blocklist', value: 'blocklist', description: 'A recipient was added to the blocklist' },
	{ name: 'Bounce', value: 'bounce', description: 'A mailing bounced, softly or hard' },
	{ name: 'Click', value: 'click', description: 'A recipient clicked a link in a mailing' },
	{ name: 'Confirmed Opt-In', value: 'confirmedoptin', description: 'A recipient confirmed a subscription' },
	{ name: 'Double Opt-In', value: 'doubleoptin', description: 'A recipient completed a double opt-in' },
	{
		name: 'Filtered by Blocklist',
		value: 'filteredbyblocklist',
		description: 'A mailing was not sent because the recipient is on the blocklist',
	},
	{ name: 'Open', value: 'open', description: 'A recipient opened a mailing' },
	{ name: 'Sent', value: 'sent', description: 'A mailing was sent to a recipient' },
	{ name: 'Single Opt-In', value: 'singleoptin', description: 'A recipient subscribed without confirmation' },
	{ name: 'Spam Complaint', value: 'spamcomplaint', description: 'A recipient marked a mailing as spam' },
	{ name: 'Unsubscribe', value: 'unsubscribe', description: 'A recipient unsubscribed' },
];

/** The API spells the archive type "archived" in what it returns; everything here uses "archive". */
export function canonicalType(type: string): string {
	return type === 'archived' ? 'archive' : type;
}

export function isEventType(type: string): type is EventType {
	return (EVENT_TYPES as readonly string[]).includes(type);
}

/** Optimizely Campaign sends at most this many events in one delivery. */
export const MAX_BATCH = 100;

/** Client, mailing and list ids are 64-bit integers; accept them as numbers or digit strings. */
const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]);
const text = z.string().min(1);
/** A non-empty string or a number; a missing one reads "Required", not zod's "Invalid input". */
const textOrNumber = z.union([text, z.number()], {
	errorMap: (_issue, ctx) => ({ message: ctx.data === undefined ? 'Required' : 'Expected a non-empty string or a number' }),
});
/** Epoch milliseconds, within the range a Date can hold. */
const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);

/*
 * Only what identifies an event is required: once the batch is answered with 200, a rejected event is
 * gone for good, so descriptive fields are typed but optional, and enumerations the vendor might extend
 * (bounce category and reason, mailing type) are plain strings.
 */
const common = z
	.object({
		created: epochMs,
		attempt: z.number().int().min(1).optional(),
		clientId: numericId.optional(),
		mailingId: numericId.optional(),
		userListId: numericId.optional(),
		subscriptionId: numericId.optional(),
		recipientId: textOrNumber.optional(),
		mailId: text.optional(),
		mediaType: z.string().optional(),
		mediaTypesToAddresses: z.record(z.string()).optional(),
	})
	.passthrough();

/** Opens and clicks carry no id: they are told apart by type, mail, recipient and time. */
const interaction = common.extend({
	mailId: text,
	recipientId: textOrNumber,
	// Not validated as an address: the vendor's own example holds "10.420.3.42".
	remoteAddress: z.string().optional(),
	device: z.string().optional(),
	operatingSystem: z.string().optional(),
	browser: z.string().optional(),
});

const undocumented = (type: z.ZodLiteral<string> | z.ZodEnum<[string, ...string[]]>) =>
	common.partial({ created: true }).extend({ type, id: textOrNumber.optional() });

/** The event types the package documents, with the API's "archived". */
const knownEventSchema = z.discriminatedUnion('type', [
	interaction.extend({ type: z.literal('open') }),
	interaction.extend({ type: z.literal('click'), link: z.string().optional(), linkId: numericId.optional() }),
	common.extend({
		type: z.literal('sent'),
		id: textOrNumber,
		mailingType: z.string().optional(),
		mailingName: z.string().optional(),
	}),
	common.extend({
		type: z.literal('bounce'),
		id: textOrNumber,
		category: z.string(),
		reason: z.string().optional(),
		thresholdExceeded: z.boolean().optional(),
	}),
	common.extend({ type: z.literal('unsubscribe'), id: textOrNumber, reason: z.string().optional() }),
	common.extend({
		type: z.literal('spamcomplaint'),
		id: textOrNumber,
		mailingType: z.string().optional(),
		providerName: z.string().optional(),
	}),
	// Field sets not documented: only the type is known, so nothing more is demanded.
	undocumented(z.literal('singleoptin')),
	undocumented(z.literal('confirmedoptin')),
	undocumented(z.literal('doubleoptin')),
	undocumented(z.literal('blocklist')),
	undocumented(z.enum(['archive', 'archived'])),
	undocumented(z.literal('filteredbyblocklist')),
]);

/** Every `type` the package knows: the twelve event types and the API's "archived". */
export const KNOWN_TYPES: ReadonlySet<string> = new Set<string>([...EVENT_TYPES, 'archived']);

/**
 * An event of a type the package does not list (Optimizely may add types): kept as sent, its fields typed as
 * for any event. It must carry what tells it apart from other events, since its dedupe key is made of it: an
 * `id`, or a `mailId`, a `recipientId` and a `created` time, as opens and clicks are told apart.
 */
const unlistedEventSchema = common
	.partial({ created: true })
	.extend({ type: z.string().min(1), id: textOrNumber.optional() })
	.superRefine((event, ctx) => {
		if (event.id !== undefined) return;
		const missing = (['mailId', 'recipientId', 'created'] as const).filter((field) => event[field] === undefined);
		if (missing.length === 0) return;
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['id'],
			message: `Required for type ${event.type}, which this package does not list, unless mailId, recipientId and created are sent (missing: ${missing.join(', ')})`,
		});
	});

type KnownEvent = z.infer<typeof knownEventSchema>;
type UnlistedEvent = z.infer<typeof unlistedEventSchema>;

/**
 * One event: a documented type is validated as documented (with its own messages); a `type` that is other text
 * is an event of a type this package does not list, emitted as sent if it can be told apart. A missing or
 * non-text `type` is refused as before, with the documented types named.
 */
export const optimizelyEventSchema: ZodType<KnownEvent | UnlistedEvent, ZodTypeDef, unknown> = z
	.unknown()
	.transform((value, ctx): KnownEvent | UnlistedEvent => {
		const type = isRecord(value) ? value.type : undefined;
		const schema = typeof type === 'string' && type.length > 0 && !KNOWN_TYPES.has(type) ? unlistedEventSchema : knownEventSchema;
		const parsed = schema.safeParse(value);
		if (parsed.success) return parsed.data;
		for (const issue of parsed.error.issues) ctx.addIssue(issue);
		return z.NEVER;
	});

export type OptimizelyEvent = KnownEvent | UnlistedEvent;

/**
 * The dedupe key: stable across redeliveries, whose `attempt` grows. The vendor's id where the event has
 * one; otherwise type, mail, recipient and time; for undocumented events without those, the whole event.
 */
export function optimizelyEventKey(event: OptimizelyEvent): string {
	const type = canonicalType(event.type);
	if ('id' in event && event.id !== undefined) return `${type}|id=${event.id}`;
	if (event.mailId !== undefined && event.recipientId !== undefined && event.created !== undefined) {
		return `${type}|${event.mailId}|${event.recipientId}|${event.created}`;
	}
	const { attempt: _attempt, ...rest } = event;
	return `${type}|${stableJson(rest)}`;
}

/** The item: the vendor's fields unchanged, plus `createdIso` beside `created` (epoch ms). */
export function optimizelyItem(event: OptimizelyEvent): IDataObject {
	const item = event as IDataObject;
	if (event.created !== undefined) item.createdIso = new Date(event.created).toISOString();
	return item;
}

/**
 * The item: the event's fields as sent (the set depends on its type), plus `createdIso` when it has a
 * `created` time. Its `type` keeps the vendor's spelling ("archived"); `eventName` is always "archive". A type
 * the package does not list is accepted, as sent.
 */
const typeNamed = (what: string) =>
	knownOr(EVENT_TYPES).describe(`${what}: ${EVENT_TYPES.join(', ')}, or another type Optimizely Campaign adds`);

export const optimizelyItemSchema = z
	.union([knownEventSchema, common.partial({ created: true }).extend({ type: typeNamed('The event type'), id: textOrNumber.optional() })])
	.and(
		z
			.object({
				createdIso: z.string().optional().describe('created (epoch milliseconds) as ISO 8601 in UTC'),
				...kitItemFields(typeNamed('The event type, "archived" read as "archive"')),
			})
			.passthrough(),
	);

/**
 * Anything but 200 makes Optimizely Campaign resend the whole batch every 10 seconds for 3 days. So a
 * delivery from an authenticated sender is answered 200 whenever a resend could not fare better: some or
 * all of its events invalid, a body the trigger cannot read, more than 100 events. Each is logged (the kit
 * logs every refusal) and dropped. Only a caller that fails authentication gets another answer, 401: a
 * re-published workflow, with a new password, can then take the resends.
 */
const taken: ResponseContract['accepted'] = (outcome) => ({ status: 200, body: summaryBody(outcome) });

export const optimizelyResponses: ResponseContract = {
	accepted: taken,
	duplicate: taken,
	partlyInvalid: taken,
	invalid: (outcome) => ({
		status: 200,
		body: summaryBody(outcome, 'No event in the delivery is valid; it was logged and dropped'),
	}),
	undecodable: (reason) => ({
		status: 200,
		body: { success: false, error: `Cannot read the delivery: ${reason}; it was logged and dropped` },
	}),
	unauthorized: unauthorizedReply,
};

/**
 * Where the trigger keeps what it registered: one generated basic-auth pair for the node, and the
 * webhook ids per URL. Test and production URLs are registered apart and must not undo each other.
 */
export const REGISTRATION_KEY = 'registration';

export const registrationSchema = z.object({
	basicAuth: z.object({ user: z.string().min(1), password: z.string().min(1) }),
	/** Webhook URL → event type → webhook id. */
	webhooks: z.record(z.record(z.string())),
});

export type Registration = z.infer<typeof registrationSchema>;

export function readRegistration(store: IDataObject): Registration | undefined {
	const parsed = registrationSchema.safeParse(store[REGISTRATION_KEY]);
	return parsed.success ? parsed.data : undefined;
}

/** The generated basic-auth pair; without one, a fresh random pair that no caller can know. */
async function registeredBasicAuth(this: IWebhookFunctions): Promise<BasicAuthSecret> {
	const registration = readRegistration(this.getWorkflowStaticData('node'));
	if (registration) return registration.basicAuth;
	this.logger.warn(
		'Optimizely Campaign webhook call refused: this trigger holds no generated credentials. Deactivate and activate the workflow so it registers its webhooks again.',
	);
	return { user: randomBytes(16).toString('hex'), password: randomBytes(32).toString('hex') };
}

/** The Events filter, as the kit applies it: a documented type passes when it is selected. */
export const eventsFilter: EventFilter<OptimizelyEvent> = {
	parameter: 'events',
	value: (event) => canonicalType(event.type),
	// The selection is also what is registered, so it cannot name a type this package does not list yet.
	passesUnlisted: KNOWN_TYPES,
};

export const optimizelyTrigger: TriggerDeclaration<OptimizelyEvent> = {
	vendor: 'Optimizely Campaign',
	schema: optimizelyEventSchema,
	split: (payload, format) =>
		format === 'json' ? splitBatch(payload) : `Optimizely Campaign sends JSON, and this body is ${format}`,
	eventName: (event) => canonicalType(event.type),
	eventKey: optimizelyEventKey,
	filters: [eventsFilter],
	listed: [{ field: 'type', known: KNOWN_TYPES, value: (event) => event.type }],
	toItem: optimizelyItem,
	responses: optimizelyResponses,
	maxEvents: MAX_BATCH,
	defaultAuthentication: 'basicAuth',
	basicAuthSecret: registeredBasicAuth,
};
