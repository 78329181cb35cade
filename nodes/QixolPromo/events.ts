import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { BodyFormat, Reply, ResponseContract, TriggerDeclaration } from '../shared';
import { isRecord, knownOr, shortHash, stableJson, standardResponses } from '../shared';
import { kitItemFields } from '../shared/items';
import {
	type Canonical,
	type CanonicalRecord,
	canonicalJson,
	canonicalName,
	canonicalXml,
} from './canonical';

/** The webhook events Qixol Promo offers, spelled as in its portal. */
export const QIXOL_EVENTS = [
	'AttributeValues.ImportCompleted',
	'CouponCodes.GenerateCompleted',
	'CouponCodes.ImportCompleted',
	'CouponCodes.ReservedActivated',
	'Product.ImportCompleted',
	'Promotion.Created',
	'Promotion.Deleted',
	'Promotion.Updated',
	'Promotion.StartingInPeriod',
	'Promotion.EndingInPeriod',
] as const;

export type QixolEventName = (typeof QIXOL_EVENTS)[number];

/**
 * Where a payload may name its event. Qixol does not publish its payloads, so these are the likely
 * spellings (canonical: lower-case), checked in this order; the first that holds text is used. An XML
 * payload's root element is looked at after them (see qixolEventSchema).
 */
export const EVENT_NAME_FIELDS = ['eventname', 'webhookeventname', 'webhookevent', 'eventtype', 'event'] as const;

/** The query parameter a user may add to the webhook URL to name the event when the payload does not. */
export const EVENT_QUERY_PARAMETER = 'event';

/** The field an XML payload's item carries its root element's name in, as n8n parsed it. */
export const XML_ROOT_FIELD = 'xmlRoot';

/** Fields read as ids and as timestamps, by their canonical name. */
const isIdField = (key: string) => key.endsWith('id');
const isTimestampField = (key: string) => /(date|time|timestamp)(utc)?$/.test(key);

/** Compares names without case, dots, spaces or underscores: "promotion_created" is Promotion.Created. */
const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const EVENT_BY_SQUASHED = new Map<string, QixolEventName>(QIXOL_EVENTS.map((name) => [squash(name), name]));
const LISTED_EVENTS: ReadonlySet<string> = new Set(QIXOL_EVENTS);

/** The listed event a name stands for, in the spelling of the list; undefined for a name the package does not list. */
export function qixolEventName(text: string): QixolEventName | undefined {
	return EVENT_BY_SQUASHED.get(squash(text));
}

/** An event name as the trigger gives it: the listed spelling, or any other name as sent (Qixol may add events). */
export function eventNameOf(text: string): string {
	return qixolEventName(text) ?? text;
}

const holdsText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * One event as split from a delivery: the payload as sent (for the item) and its canonical form (for the
 * event name, the checks and the key). For XML, `sent` is the root element's content as n8n parsed it.
 */
export class QixolPayload {
	constructor(
		readonly sent: unknown,
		readonly canonical: Canonical,
		/** The XML root element's name, as n8n parsed it. */
		readonly xmlRoot?: string,
	) {}
}

export const jsonPayload = (sent: unknown): QixolPayload => new QixolPayload(sent, canonicalJson(sent));

export interface QixolEvent {
	/** The item: the payload's own fields, names and JSON types as sent; for XML, the root's name too. */
	item: IDataObject;
	/** The payload in canonical form: lower-case keys, text values. Used for the key, never as the item. */
	fields: CanonicalRecord;
	/** The event the payload names, when it names one: the listed spelling, or another name as sent. */
	named?: string;
}

/**
 * An event is an open object: only what can be known is checked. Ids and timestamps, when present, must
 * be single values. Timestamp formats are not checked, and neither is the event name against the list:
 * an unexpected format or a new event must not cost an event.
 */
export const qixolEventSchema = z.instanceof(QixolPayload).transform(({ sent, canonical, xmlRoot }, ctx): QixolEvent => {
	if (!isRecord(sent) || !isRecord(canonical) || Object.keys(canonical).length === 0) {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'An event must be an object with at least one field' });
		return z.NEVER;
	}
	const fields = canonical as CanonicalRecord;
	for (const key of Object.keys(fields)) {
		const value = fields[key];
		if (value !== null && typeof value !== 'string' && (isIdField(key) || isTimestampField(key))) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: [key],
				message: `Expected a single value for ${isIdField(key) ? 'an id' : 'a timestamp'}, got ${Array.isArray(value) ? 'a list' : 'an object'}`,
			});
		}
	}
	// A spread defines each field, so a field named "__proto__" stays a field; the body itself is never the item.
	const item: IDataObject = { ...(sent as IDataObject) };
	if (xmlRoot !== undefined) item[XML_ROOT_FIELD] = xmlRoot;
	const nameField = EVENT_NAME_FIELDS.find((key) => holdsText(fields[key]));
	// A root element is more often a wrapper (<Webhook>) than a name, so it names the event only when it is a listed one.
	const fromRoot = xmlRoot === undefined ? undefined : qixolEventName(canonicalName(xmlRoot));
	const named = nameField ? eventNameOf(fields[nameField] as string) : fromRoot;
	return named === undefined ? { item, fields } : { item, fields, named };
});

/**
 * The dedupe key: the event name and the ids (readable), then a hash of the whole canonical payload. Ids
 * alone repeat across updates of one promotion, and the timestamps a payload holds may be the promotion's
 * own dates rather than the event's, so only an identical payload counts as a repeat.
 */
export function qixolEventKey(eventName: string, fields: CanonicalRecord): string {
	const ids = Object.keys(fields)
		.filter((name) => isIdField(name) && typeof fields[name] === 'string' && fields[name] !== '')
		.sort()
		.map((name) => `|${name}=${fields[name] as string}`);
	return `${eventName}${ids.join('')}|payload:${shortHash(stableJson(fields))}`;
}

/** Turns a decoded delivery into events: a JSON array is a batch, an XML root is one event. */
export function splitQixol(payload: unknown, format: BodyFormat, listElements: ReadonlySet<string>): QixolPayload[] | string {
	if (format === 'xml') {
		if (!isRecord(payload)) return 'the XML body could not be read';
		const canonical = canonicalXml(payload, { listElements });
		if (typeof canonical === 'string') return canonical;
		// canonicalXml found exactly one root.
		const root = Object.keys(payload)[0];
		return [new QixolPayload(payload[root], canonical, root)];
	}
	return (Array.isArray(payload) ? payload : [payload]).map(jsonPayload);
}

/** What to answer a delivery that is refused: 200 keeps Qixol from counting it toward auto-disable. */
export type RefusalAnswer = 'ok' | 'error';

/**
 * Qixol disables a webhook after three non-200 answers within 60 minutes, so by default a refused
 * delivery (bad auth, unreadable, invalid) is answered 200 and dropped; the kit has already logged why.
 * The bodies stay those of the standard contract, so the reason is still visible to whoever looks.
 */
export function qixolResponses(answer: RefusalAnswer): ResponseContract {
	if (answer === 'error') return standardResponses;
	const ok = ({ body }: Reply): Reply => ({ status: 200, body });
	return {
		...standardResponses,
		invalid: (outcome) => ok(standardResponses.invalid(outcome)),
		undecodable: (reason) => ok(standardResponses.undecodable(reason)),
		// No WWW-Authenticate with a 200: there is nothing for the caller to retry with.
		unauthorized: (failure) => ok(standardResponses.unauthorized(failure)),
	};
}

export interface QixolSettings {
	answer: RefusalAnswer;
	listElements: ReadonlySet<string>;
	/** The URL's `event` query parameter, as received, when the user added one. */
	urlEvent?: string;
	/** Called when an event names no event and the user filters by event, so it is left out. */
	onUnnamed?(): void;
}

/** The name an item carries when neither the payload nor the URL says which event it is. */
export const UNKNOWN_EVENT = 'unknown';

/** A payload value as sent: any JSON value (one level deep: JSON Schema for n8n takes no recursion). */
const sentValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.unknown())]);

/**
 * The item: every field of the payload as sent (JSON: names and types; XML: elements as n8n parsed them,
 * with the root's name in `xmlRoot`), whatever its event, plus the kit's fields. Qixol does not publish its
 * payloads, so no payload field is promised.
 */
export const qixolItemSchema = z
	.object({
		...kitItemFields(knownOr([...QIXOL_EVENTS, UNKNOWN_EVENT])),
		[XML_ROOT_FIELD]: z
			.string()
			.optional()
			.describe('XML payloads only: the root element\'s name, as n8n parsed it (lower case); its children are the other fields'),
	})
	.catchall(sentValue);

export function qixolPromo(settings: QixolSettings): TriggerDeclaration<QixolEvent> {
	const urlEvent = holdsText(settings.urlEvent) ? eventNameOf(settings.urlEvent) : undefined;
	const nameOf = (event: QixolEvent) => event.named ?? urlEvent;
	const eventName = (event: QixolEvent) => nameOf(event) ?? UNKNOWN_EVENT;
	return {
		vendor: 'Qixol Promo',
		schema: qixolEventSchema,
		split: (payload, format) => splitQixol(payload, format, settings.listElements),
		eventName,
		eventKey: (event) => qixolEventKey(eventName(event), event.fields),
		filters: [
			{
				parameter: 'events',
				value: (event) => {
					const name = nameOf(event);
					if (name === undefined) settings.onUnnamed?.();
					return name;
				},
			},
		],
		// An event named, in the payload or the URL, with a name the package does not list is emitted all the same.
		listed: [{ field: 'event name', known: LISTED_EVENTS, value: nameOf }],
		toItem: (event) => event.item,
		responses: qixolResponses(settings.answer),
	};
}
