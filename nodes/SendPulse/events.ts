import { DateTime } from 'luxon';
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { z } from 'zod';

import { type DeliveryOutcome, type ListedField, type Reply, type ResponseContract, type TriggerDeclaration, knownOr, readWallClock, standardResponses, summaryBody } from '../shared';
import { kitItemFields } from '../shared/items';

/** Where deliveries come from; each source has its own payload shape and registration. */
export type Source = 'automation360' | 'automation360Events' | 'emailService' | 'smtp';

/**
 * Email-service webhook actions, as the REST API registers them and as deliveries name them. The names
 * come from SendPulse's examples (open, redirect, unsubscribe, spam) and from third-party SDKs (the rest).
 * Sorted by display name, as n8n lists options.
 */
export const emailServiceEventOptions: INodePropertyOptions[] = [
	{ name: 'Campaign Status Changed', value: 'task_status_update', description: 'A campaign changed status' },
	{ name: 'Delivered', value: 'delivered', description: 'An email reached the recipient’s server' },
	{ name: 'Email Opened', value: 'open', description: 'A recipient opened an email' },
	{ name: 'Hard Bounce', value: 'hard_bounces', description: 'An email bounced permanently' },
	{ name: 'Link Clicked', value: 'redirect', description: 'A recipient clicked a link (SendPulse names this event "redirect")' },
	{ name: 'Marked as Spam', value: 'spam', description: 'A recipient reported an email as spam' },
	{ name: 'New Subscriber', value: 'new_emails', description: 'An address was added to a mailing list' },
	{ name: 'Soft Bounce', value: 'soft_bounces', description: 'An email bounced temporarily' },
	{ name: 'Unsubscribed', value: 'unsubscribe', description: 'A recipient unsubscribed' },
];

/**
 * Spellings a delivery might use for a registered action. SendPulse publishes delivery examples for only
 * some events, so singular and plural forms are matched to the same event for filtering.
 */
const EVENT_ALIASES = new Map([
	['click', 'redirect'],
	['hard_bounce', 'hard_bounces'],
	['new_email', 'new_emails'],
	['soft_bounce', 'soft_bounces'],
	['unsubscribed', 'unsubscribe'],
]);

/** The catalogue name of a delivered event name; unknown names pass through, lower-cased. */
function canonicalEvent(event: string): string {
	const name = event.trim().toLowerCase();
	// A Map, so that names such as "constructor" are never looked up on a prototype.
	return EVENT_ALIASES.get(name) ?? name;
}

/** The email-service event names this package lists: those it registers, and so the Email Events filter offers. */
export const EMAIL_SERVICE_EVENTS = ['delivered', 'hard_bounces', 'new_emails', 'open', 'redirect', 'soft_bounces', 'spam', 'task_status_update', 'unsubscribe'] as const;

/** The Automation 360 unsubscribe and spam webhooks: SendPulse's examples show these two names. */
export const AUTOMATION_EVENTS = ['spam', 'unsubscribe'] as const;

/**
 * SMTP event names. SendPulse's "SMTP webhooks" page lists delivered, not delivered, open, click, spam,
 * unsubscribed, resubscribed, hard and soft bounces, but shows the name on the wire only for `delivered`; the
 * others are this package's reading of that list, spelt as the email service spells its events, and inferred.
 */
export const SMTP_EVENTS = ['delivered', 'not_delivered', 'open', 'click', 'spam', 'unsubscribe', 'resubscribe', 'hard_bounce', 'soft_bounce'] as const;

/**
 * A listed field for an event name: checked in its catalogue form (so `click` or `Open` count as listed),
 * logged as sent when the catalogue does not know it.
 */
function listedName<TEvent extends { event: string }>(label: string, known: readonly string[], canonical: (name: string) => string): ListedField<TEvent> {
	const names = new Set(known);
	return {
		field: label,
		known: names,
		value: (event) => {
			const name = canonical(event.event);
			return names.has(name) ? name : event.event;
		},
	};
}

/** SendPulse sends ids as numbers or strings; they are emitted as strings, so "42" and 42 are one id. */
const id = z.union([z.string().min(1), z.number().finite()]).transform(String);

/** Unix seconds, as a number or a numeric string. */
const unixSeconds = z
	.union([z.number().finite().nonnegative(), z.string().regex(/^\d{1,12}$/, 'Expected Unix seconds')])
	.transform(Number);

/** 1, "1", true and "true" are true; anything else is false. */
const flag = z.union([z.boolean(), z.number(), z.string()]).transform((value) => value === true || value === 1 || value === '1' || value === 'true');

/** An email-service or Automation 360 event (open, redirect, unsubscribe, spam, …). Unknown fields are kept. */
export const eventSchema = z
	.object({
		// Any name, kept as sent: SendPulse adds events without notice, and an unlisted one is logged (listed).
		event: z.string().refine((name) => name.trim().length > 0, 'Expected an event name'),
		email: z.string().nullish(),
		timestamp: unixSeconds.optional(),
		task_id: id.nullish(),
		automation_id: id.nullish(),
		book_id: id.nullish(),
		link_id: id.nullish(),
		from_all: flag.nullish(),
	})
	.passthrough();

export type SendPulseEvent = z.infer<typeof eventSchema>;

/** One entry of an Automation 360 "Send webhook" array. Unknown fields are kept. */
export const automationWebhookSchema = z
	.object({
		automation_id: id,
		title: z.string(),
		execution_date: z.string().trim().min(1),
		email: z.string().nullish(),
		phone: z.union([z.string(), z.number().finite()]).transform(String).nullish(),
		// A list of one-entry objects in the seed; a plain object is accepted too.
		variables: z.union([z.array(z.record(z.unknown())), z.record(z.unknown())]).nullish(),
	})
	.passthrough();

export type AutomationWebhook = z.infer<typeof automationWebhookSchema>;

/** How the trigger answers a delivery it took in, so SendPulse lifts its one-webhook-an-hour limit. */
export interface KeyAnswer {
	/** The key SendPulse shows for the webhook; empty for none. */
	key: string;
	/** "field": a JSON object with the key in `field`; "string": the key as a bare JSON string. */
	format: 'field' | 'string';
	field: string;
	/** Further fields of the JSON object, beside the key. */
	extra: IDataObject;
}

export const DEFAULT_KEY_FIELD = 'key';

function keyReply(answer: KeyAnswer): Reply {
	if (answer.format === 'string') {
		return {
			status: 200,
			body: JSON.stringify(answer.key),
			headers: { 'Content-Type': 'application/json; charset=utf-8' },
		};
	}
	return { status: 200, body: { ...answer.extra, [answer.field || DEFAULT_KEY_FIELD]: answer.key } };
}

/**
 * Always JSON (SendPulse refuses anything else with error 11110112). A delivery taken in is answered
 * with the key when one is set. Refused deliveries never get the key: a caller that failed
 * authentication, or whose body is not SendPulse's, has no business learning it.
 */
export function sendPulseResponses(answer: KeyAnswer): ResponseContract {
	const taken = (outcome: DeliveryOutcome): Reply =>
		answer.key ? keyReply(answer) : { status: 200, body: summaryBody(outcome) };
	return { ...standardResponses, accepted: taken, duplicate: taken, partlyInvalid: taken };
}

/** Unix seconds as ISO 8601 in UTC, which is what a Unix time means. */
export function isoFromUnix(seconds: number | undefined): string | null {
	if (seconds === undefined) return null;
	const time = DateTime.fromSeconds(seconds, { zone: 'utc' });
	return time.isValid ? time.toISO({ suppressMilliseconds: true }) : null;
}

/**
 * `execution_date` ("YYYY-MM-DD HH:mm:ss") read in `zone`. SendPulse does not say which zone it uses, so
 * the zone is the user's choice (UTC by default), and the ISO twin carries it as an offset.
 */
export function isoFromExecutionDate(text: string, zone: string): string | null {
	return readWallClock(text, zone)?.toISO({ suppressMilliseconds: true }) ?? null;
}

export const isValidZone = (zone: string): boolean => DateTime.now().setZone(zone).isValid;

/** The variables as one object (a later name wins) and as the list SendPulse sent. */
function variablesOf(variables: AutomationWebhook['variables']): { flat: IDataObject; list: IDataObject[] } {
	if (!variables) return { flat: {}, list: [] };
	const list = (Array.isArray(variables) ? variables : Object.entries(variables).map(([name, value]) => ({ [name]: value }))) as IDataObject[];
	// fromEntries defines each field, so a variable named "__proto__" stays a field; a later name wins.
	const flat = Object.fromEntries(list.flatMap((entry) => Object.entries(entry))) as IDataObject;
	return { flat, list };
}

const part = (name: string, value: string | null | undefined) => (value ? [`${name}=${value}`] : []);

/** The dedupe key of an event: event, email, task or automation id, time; plus the link or list it names. */
function eventKeyOf(event: SendPulseEvent): string {
	return [
		canonicalEvent(event.event),
		event.email ?? '',
		...part('task_id', event.task_id),
		...part('automation_id', event.automation_id),
		// Two clicks on different links, or one address joining two lists, in the same second are two events.
		...part('link_id', event.link_id),
		...part('book_id', event.book_id),
		event.timestamp === undefined ? '' : String(event.timestamp),
	].join('|');
}

/** The declaration for unsubscribe, spam and email-service events. */
export function eventsDeclaration(answer: KeyAnswer, source: 'automation360Events' | 'emailService'): TriggerDeclaration<SendPulseEvent> {
	const listed =
		source === 'emailService'
			? listedName<SendPulseEvent>('email-service event', EMAIL_SERVICE_EVENTS, canonicalEvent)
			: listedName<SendPulseEvent>('Automation 360 event', AUTOMATION_EVENTS, canonicalEvent);
	return {
		vendor: 'SendPulse',
		schema: eventSchema,
		eventName: (event) => canonicalEvent(event.event),
		eventKey: eventKeyOf,
		filters: [
			{ parameter: 'events', value: (event) => canonicalEvent(event.event) },
			{ parameter: 'mailingLists', value: (event) => event.book_id ?? undefined },
		],
		// An unlisted name is emitted as sent, and logged once; a selected Email Events filter leaves it out.
		listed: [listed],
		toItem: (event) => {
			const item = event as IDataObject;
			item.timestampIso = isoFromUnix(event.timestamp);
			return item;
		},
		responses: sendPulseResponses(answer),
		// SendPulse batches up to 100 events; the margin keeps a larger batch from being lost if that changes.
		maxEvents: 1000,
		defaultAuthentication: 'sharedSecret',
	};
}

const SEND_WEBHOOK_EVENT = 'send_webhook';

/**
 * One text for `event` in every item schema: n8n's editor gets the item schemas merged into one, with the
 * first description, and a merged field of known names and any text keeps no list of values.
 */
function eventDescription(): string {
	return `The event as SendPulse sent it; any name is kept as sent. Known names: email service and Automation 360: ${EMAIL_SERVICE_EVENTS.join(', ')}; SMTP: ${SMTP_EVENTS.join(', ')} (all but delivered inferred)`;
}

/** An email-service or Automation 360 event's item: the event as validated, plus `timestampIso`. */
export const eventItemSchema = z
	.object({
		// The Automation 360 names are email-service names too.
		event: knownOr(EMAIL_SERVICE_EVENTS).describe(eventDescription()),
		email: z.string().nullish().describe('The recipient'),
		timestamp: z.number().optional().describe('When it happened, in Unix seconds'),
		task_id: z.string().nullish().describe('The campaign'),
		automation_id: z.string().nullish().describe('The Automation 360 flow'),
		book_id: z.string().nullish().describe('The mailing list'),
		link_id: z.string().nullish().describe('The link clicked'),
		from_all: z.boolean().nullish().describe('Whether the recipient left every mailing list'),
		timestampIso: z.string().nullable().describe('timestamp as ISO 8601 in UTC; null without a timestamp'),
		...kitItemFields(knownOr(EMAIL_SERVICE_EVENTS)),
	})
	.passthrough();

/** An Automation 360 "Send webhook" item: the entry as sent, its variables as one object and as sent, and the date read. */
export const automationWebhookItemSchema = z
	.object({
		automation_id: z.string().describe('The Automation 360 flow'),
		title: z.string().describe('The name of the "Send webhook" action in the flow'),
		execution_date: z.string().describe('When the flow sent it: YYYY-MM-DD HH:mm:ss'),
		email: z.string().nullish().describe('The subscriber'),
		phone: z.string().nullish().describe('The subscriber\'s phone number'),
		variables: z.record(z.unknown()).describe('The flow\'s variables as one object; a later name wins'),
		variablesList: z.array(z.record(z.unknown())).describe('The variables as SendPulse sent them'),
		executionDateIso: z
			.string()
			.nullable()
			.describe('execution_date read in the Execution Date Time Zone option, as ISO 8601; null if unreadable'),
		...kitItemFields(z.literal(SEND_WEBHOOK_EVENT)),
	})
	.passthrough();

// ---- SMTP webhooks (transactional email sent through SendPulse SMTP) ------------------------------------

/** The filter's options; only Delivered is a name SendPulse shows. Sorted by display name, as n8n lists options. */
export const smtpEventOptions: INodePropertyOptions[] = [
	{ name: 'Delivered', value: 'delivered', description: 'The recipient’s server accepted the email (the one name SendPulse shows)' },
	{ name: 'Email Opened', value: 'open', description: 'The recipient opened the email (name inferred)' },
	{ name: 'Hard Bounce', value: 'hard_bounce', description: 'A permanent delivery error (name inferred)' },
	{ name: 'Link Clicked', value: 'click', description: 'The recipient clicked a link (name inferred)' },
	{ name: 'Marked as Spam', value: 'spam', description: 'The recipient reported the email as spam (name inferred)' },
	{ name: 'Not Delivered', value: 'not_delivered', description: 'The email could not be delivered (name inferred)' },
	{ name: 'Resubscribed', value: 'resubscribe', description: 'An unsubscribed recipient subscribed again (name inferred)' },
	{ name: 'Soft Bounce', value: 'soft_bounce', description: 'A temporary delivery error (name inferred)' },
	{ name: 'Unsubscribed', value: 'unsubscribe', description: 'The recipient unsubscribed (name inferred)' },
];

/** Other spellings the unpublished names might take, matched to the same filter option. */
const SMTP_ALIASES = new Map([
	['opened', 'open'],
	['clicked', 'click'],
	['redirect', 'click'],
	['undelivered', 'not_delivered'],
	['unsubscribed', 'unsubscribe'],
	['resubscribed', 'resubscribe'],
	['hard_bounces', 'hard_bounce'],
	['soft_bounces', 'soft_bounce'],
]);

/** The catalogue name of an SMTP event: lower case, spaces and hyphens as underscores, aliases resolved. */
export function canonicalSmtpEvent(event: string): string {
	const name = event.trim().toLowerCase().replace(/[\s-]+/g, '_');
	return SMTP_ALIASES.get(name) ?? name;
}

/**
 * One SMTP event. `event`, `message_id` and `timestamp` identify it, so they are required, with the types
 * SendPulse shows (text; numbers, not numeric strings). Every other field, `recipient`, `sender` and
 * `subject` included, is kept as sent and never a reason to refuse the event.
 */
export const smtpEventSchema = z
	.object({
		// Any name, kept as sent: only `delivered` is published.
		event: z.string().refine((name) => name.trim().length > 0, 'Expected an event name'),
		message_id: z.number().finite(),
		timestamp: z.number().finite().nonnegative(),
	})
	.passthrough();

export type SmtpEvent = z.infer<typeof smtpEventSchema>;

/** A field's value as key text: text as it is, anything else as JSON; nothing for null or absent. */
function keyText(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The dedupe key: event, message and time, plus the recipient when sent. A message to several recipients may
 * share one message_id, and two of them delivered in the same second are two events.
 */
export function smtpEventKey(event: SmtpEvent): string {
	return [canonicalSmtpEvent(event.event), `message_id=${event.message_id}`, ...part('recipient', keyText(event.recipient)), String(event.timestamp)].join('|');
}

/** The declaration for SMTP webhooks. */
export function smtpDeclaration(answer: KeyAnswer): TriggerDeclaration<SmtpEvent> {
	return {
		vendor: 'SendPulse',
		schema: smtpEventSchema,
		eventName: (event) => canonicalSmtpEvent(event.event),
		eventKey: smtpEventKey,
		filters: [{ parameter: 'events', value: (event) => canonicalSmtpEvent(event.event) }],
		// Only `delivered` is published, so every other name is accepted; one the package does not list is logged once.
		listed: [listedName<SmtpEvent>('SMTP event', SMTP_EVENTS, canonicalSmtpEvent)],
		toItem: (event) => {
			const item = event as IDataObject;
			item.timestampIso = isoFromUnix(event.timestamp);
			return item;
		},
		responses: sendPulseResponses(answer),
		// SendPulse batches up to 500 events (1,000 in its older text): the larger, as for the other sources.
		maxEvents: 1000,
		defaultAuthentication: 'sharedSecret',
	};
}

/** An SMTP event's item: the event as sent, plus `timestampIso`. */
export const smtpItemSchema = z
	.object({
		event: knownOr(SMTP_EVENTS).describe(eventDescription()),
		message_id: z.number().describe('The SMTP message'),
		timestamp: z.number().describe('When it happened, in Unix seconds'),
		recipient: z.string().nullish().describe('The recipient'),
		sender: z.string().nullish().describe('The sender'),
		subject: z.string().nullish().describe('The email’s subject'),
		smtp_server_response_code: z.union([z.string(), z.number()]).optional().describe('delivered: the recipient server’s SMTP reply code, such as "250"'),
		smtp_server_response_subcode: z.union([z.string(), z.number()]).optional().describe('delivered: the reply’s enhanced status code; may be empty'),
		smtp_server_response: z.union([z.string(), z.number()]).optional().describe('delivered: the recipient server’s reply text'),
		timestampIso: z.string().nullable().describe('timestamp as ISO 8601 in UTC; null if out of range'),
		...kitItemFields(knownOr(SMTP_EVENTS)),
	})
	.passthrough();

/** The trigger's items: which of them depends on the Source parameter. */
export const sendPulseItemSchema = z.union([automationWebhookItemSchema, smtpItemSchema, eventItemSchema]);

/** The declaration for the Automation 360 "Send webhook" action. */
export function automationWebhookDeclaration(answer: KeyAnswer, zone: string): TriggerDeclaration<AutomationWebhook> {
	return {
		vendor: 'SendPulse',
		schema: automationWebhookSchema,
		eventName: () => SEND_WEBHOOK_EVENT,
		// The webhook name is part of the key: one flow may send several webhooks for a subscriber at once.
		eventKey: (event) =>
			[SEND_WEBHOOK_EVENT, event.title, event.email ?? event.phone ?? '', `automation_id=${event.automation_id}`, event.execution_date].join('|'),
		toItem: (event) => {
			const { flat, list } = variablesOf(event.variables);
			const item = event as IDataObject;
			item.executionDateIso = isoFromExecutionDate(event.execution_date, zone);
			item.variables = flat;
			item.variablesList = list;
			return item;
		},
		responses: sendPulseResponses(answer),
		maxEvents: 1000,
		defaultAuthentication: 'sharedSecret',
	};
}
