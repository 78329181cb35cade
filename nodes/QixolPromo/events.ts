import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { BodyFormat, Reply, ResponseContract, TriggerDeclaration } from '../shared';
import { shortHash, stableJson, standardResponses } from '../shared';
import { kitItemFields } from '../shared/items';
import {
	type CanonicalRecord,
	canonicalJson,
	canonicalXml,
	isRecord,
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
 * spellings (canonical: lower-case), checked in this order; the first that holds text is used.
 */
export const EVENT_NAME_FIELDS = ['eventname', 'webhookeventname', 'webhookevent', 'eventtype', 'event'] as const;

/** The query parameter a user may add to the webhook URL to name the event when the payload does not. */
export const EVENT_QUERY_PARAMETER = 'event';

/** Fields read as ids and as timestamps, by their canonical name. */
const isIdField = (key: string) => key.endsWith('id');
const isTimestampField = (key: string) => /(date|time|timestamp)(utc)?$/.test(key);

/** Compares names without case, dots, spaces or underscores: "promotion_created" is Promotion.Created. */
const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const EVENT_BY_SQUASHED = new Map<string, QixolEventName>(QIXOL_EVENTS.map((name) => [squash(name), name]));

export function qixolEventName(text: string): QixolEventName | undefined {
	return EVENT_BY_SQUASHED.get(squash(text));
}

const eventList = QIXOL_EVENTS.join(', ');

export interface QixolEvent {
	/** The payload in canonical form: lower-case keys, text values. Every field is kept. */
	fields: CanonicalRecord;
	/** The event the payload names, when it names one. */
	named?: QixolEventName;
}

/**
 * An event is an open object: only what can be known is checked. A payload that names an event must
 * name one of the ten; ids and timestamps, when present, must be single values. Timestamp formats are
 * not checked, since an unexpected format must not cost an event.
 */
export const qixolEventSchema = z.unknown().transform((candidate, ctx): QixolEvent => {
	if (!isRecord(candidate) || Object.keys(candidate).length === 0) {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'An event must be an object with at least one field' });
		return z.NEVER;
	}
	const fields = candidate as CanonicalRecord;
	let named: QixolEventName | undefined;
	const nameField = EVENT_NAME_FIELDS.find((key) => typeof fields[key] === 'string');
	if (nameField) {
		const text = fields[nameField] as string;
		named = qixolEventName(text);
		if (!named) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: [nameField],
				message: `"${text}" is not a Qixol Promo webhook event. Expected one of: ${eventList}`,
			});
		}
	}
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
	return named ? { fields, named } : { fields };
});

/**
 * The dedupe key: the event name and the ids (readable), then a hash of the whole canonical payload. Ids
 * alone repeat across updates of one promotion, and the timestamps a payload holds may be the promotion's
 * own dates rather than the event's, so only an identical payload counts as a repeat.
 */
export function qixolEventKey(eventName: QixolEventName | typeof UNKNOWN_EVENT, fields: CanonicalRecord): string {
	const ids = Object.keys(fields)
		.filter((name) => isIdField(name) && typeof fields[name] === 'string' && fields[name] !== '')
		.sort()
		.map((name) => `|${name}=${fields[name] as string}`);
	return `${eventName}${ids.join('')}|payload:${shortHash(stableJson(fields))}`;
}

/** Turns a decoded delivery into canonical events: a JSON array is a batch, an XML root is one event. */
export function splitQixol(payload: unknown, format: BodyFormat, listElements: ReadonlySet<string>): unknown[] | string {
	if (format === 'xml') {
		if (!isRecord(payload)) return 'the XML body could not be read';
		const event = canonicalXml(payload, { listElements });
		return typeof event === 'string' ? event : [event];
	}
	return (Array.isArray(payload) ? payload : [payload]).map(canonicalJson);
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

/** A payload value in canonical form: text, null, a list, or an object (one level deep: JSON Schema for n8n takes no recursion). */
const canonicalValue = z.union([z.string(), z.null(), z.array(z.unknown()), z.record(z.unknown())]);

/**
 * The item: every field of the payload in canonical form (lower-case names, text values; see
 * canonical.ts), whatever its event, plus the kit's fields. Qixol does not publish its payloads, so no
 * payload field is promised.
 */
export const qixolItemSchema = z
	.object(kitItemFields(z.enum([...QIXOL_EVENTS, UNKNOWN_EVENT])))
	.catchall(canonicalValue);

export function qixolPromo(settings: QixolSettings): TriggerDeclaration<QixolEvent> {
	const urlEvent = settings.urlEvent === undefined ? undefined : qixolEventName(settings.urlEvent);
	const nameOf = (event: QixolEvent) => event.named ?? urlEvent;
	const eventName = (event: QixolEvent) => nameOf(event) ?? UNKNOWN_EVENT;
	return {
		vendor: 'Qixol Promo',
		schema: qixolEventSchema,
		// Checked here rather than before the kit runs, so that only an authenticated caller learns of it.
		split: (payload, format) =>
			settings.urlEvent !== undefined && urlEvent === undefined
				? `the URL's "${EVENT_QUERY_PARAMETER}" parameter, "${settings.urlEvent}", is not a Qixol Promo webhook event. Use one of: ${eventList}`
				: splitQixol(payload, format, settings.listElements),
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
		toItem: (event) => event.fields as IDataObject,
		responses: qixolResponses(settings.answer),
	};
}
