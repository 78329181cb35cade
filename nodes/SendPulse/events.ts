import { DateTime } from 'luxon';
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { z } from 'zod';

import { type DeliveryOutcome, type Reply, type ResponseContract, type TriggerDeclaration, readWallClock, standardResponses, summaryBody } from '../shared';
import { kitItemFields } from '../shared/items';

/** Where deliveries come from; each source has its own payload shape and registration. */
export type Source = 'automation360' | 'automation360Events' | 'emailService';

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
		event: z.string().trim().min(1),
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
export function eventsDeclaration(answer: KeyAnswer): TriggerDeclaration<SendPulseEvent> {
	return {
		vendor: 'SendPulse',
		schema: eventSchema,
		eventName: (event) => canonicalEvent(event.event),
		eventKey: eventKeyOf,
		filters: [
			{ parameter: 'events', value: (event) => canonicalEvent(event.event) },
			{ parameter: 'mailingLists', value: (event) => event.book_id ?? undefined },
		],
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

/** An email-service or Automation 360 event's item: the event as validated, plus `timestampIso`. */
export const eventItemSchema = z
	.object({
		event: z.string().describe('The event as SendPulse names it, such as open, redirect, unsubscribe or spam'),
		email: z.string().nullish().describe('The recipient'),
		timestamp: z.number().optional().describe('When it happened, in Unix seconds'),
		task_id: z.string().nullish().describe('The campaign'),
		automation_id: z.string().nullish().describe('The Automation 360 flow'),
		book_id: z.string().nullish().describe('The mailing list'),
		link_id: z.string().nullish().describe('The link clicked'),
		from_all: z.boolean().nullish().describe('Whether the recipient left every mailing list'),
		timestampIso: z.string().nullable().describe('timestamp as ISO 8601 in UTC; null without a timestamp'),
		...kitItemFields(z.string()),
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

/** The trigger's items: which of the two depends on the Source parameter. */
export const sendPulseItemSchema = z.union([automationWebhookItemSchema, eventItemSchema]);

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
