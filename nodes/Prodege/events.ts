import { NodeOperationError, type IWebhookFunctions } from 'n8n-workflow';
import { z } from 'zod';

import {
	type DeliveryOutcome,
	isRecord,
	knownOr,
	type DeliveryRequest,
	type Reply,
	type TriggerDeclaration,
	type Verdict,
	verifySignature,
} from '../shared';
import { kitItemFields } from '../shared/items';
import { type ParameterSet, receivedParameterSets } from './received';
import { prodegeSignature, SIGNATURE_PARAMETER } from './signing';
import { pacificToUtc } from './time';

/** The project statuses Prodege documents for the Project Status Update webhook. Others are kept as sent. */
export const STATUSES = ['LIVE', 'PAUSED', 'PENDING_COMPLETE', 'COMPLETE', 'INVOICED', 'DELETED'] as const;

/** The `project_status` values Prodege documents for the Real Time Pricing webhook. Others are kept as sent. */
export const RTP_STATUSES = ['LIVE', 'PAUSED'] as const;

/** The update_reason codes Prodege documents, with what each one means. */
export const UPDATE_REASONS: Readonly<Record<string, string>> = {
	'113': 'Disabled due to reaching max clicks',
	// Prodege's table reads "Disabled to due to"; the slip is corrected here.
	'156': 'Disabled due to no more available unique links',
	'158': 'Disabled due to reaching sample size',
	'160': 'Disabled by Real Time Pricing',
	'207': 'Set to Paused due to inactivity',
	'209': 'Set to Complete due to inactivity',
	'222': 'Disabled due to high drop off rate',
	'244': 'Disabled by support agent',
	'902': 'Project is set to Pending Complete after a reconciliation attempt',
	'903': 'Project reconciliation is complete and the status of a project is set to Complete',
	'999': 'Other',
};

const CODES = Object.keys(UPDATE_REASONS);

/** The two webhooks, by the name their items carry and the Events filter uses. */
export const PRODEGE_EVENT_NAME = 'projectStatusUpdate';
export const RTP_EVENT_NAME = 'realTimePricing';
export type ProdegeEventKind = typeof PRODEGE_EVENT_NAME | typeof RTP_EVENT_NAME;

/** Digits only, as a number or as a string; emitted as a number. */
const wholeNumber = z
	.union([z.number(), z.string().regex(/^\d+$/, 'must be a whole number')], {
		errorMap: () => ({ message: 'must be a whole number' }),
	})
	.transform(Number)
	.refine((value) => Number.isSafeInteger(value) && value >= 0, 'must be a whole number');

/** A number, or its decimal text; emitted as a number. Absent or null is kept as sent. */
const decimal = z
	.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a number')], { errorMap: () => ({ message: 'must be a number' }) })
	.nullish()
	.transform((value) => (typeof value === 'string' ? Number(value) : value));

/** Optional fields may also arrive as null; they are kept as sent. */
const optionalText = z.string().nullish();

/** A price Prodege documents as a string; a number is accepted and emitted as text so the type stays stable. */
const priceText = z
	.union([z.string(), z.number().finite()], { errorMap: () => ({ message: 'must be text or a number' }) })
	.nullish()
	.transform((value) => (typeof value === 'number' ? String(value) : value));

/** What identifies an event of either webhook: always checked, an event without them is refused. */
const identity = {
	event_id: z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be 24 hexadecimal characters'),
	event_time: z.string(),
	project_id: wholeNumber,
};

/**
 * Adds event_time_utc, read here rather than in a refinement of event_time so that each event's time is read
 * once. The object is the one validation made for this event, which nothing else holds.
 */
function withUtcTime<T extends { event_time: string }>(event: T, context: z.RefinementCtx): (T & { event_time_utc: string }) | typeof z.NEVER {
	const utc = pacificToUtc(event.event_time);
	if (utc === undefined) {
		context.addIssue({ code: z.ZodIssueCode.custom, path: ['event_time'], message: 'must be a real date and time as YYYY-MM-DD HH:mm:ss' });
		return z.NEVER;
	}
	const item = event as T & { event_time_utc: string };
	item.event_time_utc = utc;
	return item;
}

/** A documented value or any other text, kept as sent; anything but text is refused with a plain message. */
const listedText = <T extends string>(known: readonly [T, ...T[]]) =>
	z.string({ errorMap: () => ({ message: 'must be text' }) }).pipe(knownOr(known));

/** A Project Status Update: status and update_reason may be any text and any code, kept as sent. */
export const statusUpdateSchema = z
	.object({
		...identity,
		status: listedText(STATUSES),
		update_reason: wholeNumber,
		description: optionalText,
		rejection_note: optionalText,
		reconciliation_note: optionalText,
		required_cpi: priceText,
	})
	.passthrough()
	.transform((event, context) => {
		const timed = withUtcTime(event, context);
		if (timed === z.NEVER) return z.NEVER;
		const code = String(event.update_reason);
		const listed = Object.prototype.hasOwnProperty.call(UPDATE_REASONS, code);
		const item = timed as typeof timed & { update_reason_description: string | null; update_reason_listed: boolean };
		// The table's meaning for a listed code; for another, what Prodege said it means, if anything.
		item.update_reason_description = listed ? UPDATE_REASONS[code] : (event.description ?? null);
		item.update_reason_listed = listed;
		return item;
	});

/** A Real Time Pricing event (section 6.1): the project paused at its max CPI, or live again. */
export const realTimePricingSchema = z
	.object({
		...identity,
		project_status: listedText(RTP_STATUSES),
		max_cpi: priceText,
		current_cpi: priceText,
		avg_cpi: priceText,
		required_cpi: priceText,
		bid_ir: decimal,
		actual_ir: decimal,
		bid_loi: decimal,
		actual_median_loi: decimal,
	})
	.passthrough()
	.transform((event, context) => withUtcTime(event, context));

export type StatusUpdateEvent = z.infer<typeof statusUpdateSchema>;
export type RealTimePricingEvent = z.infer<typeof realTimePricingSchema>;
export type ProdegeEvent = StatusUpdateEvent | RealTimePricingEvent;

/**
 * Which webhook sent an event, told by its fields since one URL may receive both: a status update has `status`
 * and `update_reason`, a Real Time Pricing event `project_status` and `max_cpi`. The status update's fields
 * decide when both are there. Undefined for what is neither.
 */
export function kindOf(value: unknown): ProdegeEventKind | undefined {
	if (!isRecord(value)) return undefined;
	if ('status' in value || 'update_reason' in value) return PRODEGE_EVENT_NAME;
	if ('project_status' in value || 'max_cpi' in value) return RTP_EVENT_NAME;
	return undefined;
}

/** After validation a status update always holds update_reason, and a Real Time Pricing event never does. */
export const isStatusUpdate = (event: ProdegeEvent): event is StatusUpdateEvent => 'update_reason' in event;

const SCHEMAS = { [PRODEGE_EVENT_NAME]: statusUpdateSchema, [RTP_EVENT_NAME]: realTimePricingSchema } as const;

/** One event of either webhook, validated by the schema of its kind. */
export const prodegeEventSchema = z.unknown().transform((value, context): ProdegeEvent => {
	const kind = kindOf(value);
	if (kind === undefined) {
		context.addIssue({
			code: z.ZodIssueCode.custom,
			message: isRecord(value)
				? 'is neither a Project Status Update (status, update_reason) nor a Real Time Pricing event (project_status, max_cpi)'
				: 'must be an object',
		});
		return z.NEVER;
	}
	const parsed = SCHEMAS[kind].safeParse(value);
	if (parsed.success) return parsed.data;
	for (const issue of parsed.error.issues) context.addIssue(issue);
	return z.NEVER;
});

/** The status update item: the event as sent (ids and codes as numbers, required_cpi as text), plus its readings. */
export const statusUpdateItemSchema = z
	.object({
		event_id: z.string().describe('Prodege\'s id of this event: 24 hexadecimal characters'),
		event_time: z.string().describe('When it happened, as Prodege sends it: YYYY-MM-DD HH:mm:ss, Pacific time'),
		project_id: z.number().int().describe('The project whose status changed'),
		status: knownOr(STATUSES).describe(`The project's new status: ${STATUSES.join(', ')}, or another value Prodege sends, kept as sent`),
		update_reason: z.number().int().describe('Why, as Prodege\'s code: one of the documented codes or another, kept as sent'),
		description: z.string().nullish().describe('Prodege\'s name for the reason'),
		rejection_note: z.string().nullish(),
		reconciliation_note: z.string().nullish(),
		required_cpi: z.string().nullish().describe('The required cost per interview, as text'),
		update_reason_description: z
			.string()
			.nullable()
			.describe('What the update reason code means: the documented meaning, or for an unlisted code the description Prodege sent (null when none)'),
		update_reason_listed: z.boolean().describe('false when update_reason is a code Prodege has not documented'),
		event_time_utc: z.string().describe('event_time in UTC, ISO 8601'),
		...kitItemFields(z.literal(PRODEGE_EVENT_NAME)),
	})
	.passthrough();

/** The Real Time Pricing item: the event as sent (CPIs as text, the rest as numbers), plus event_time_utc. */
export const realTimePricingItemSchema = z
	.object({
		event_id: z.string().describe('Prodege\'s id of this event: 24 hexadecimal characters'),
		event_time: z.string().describe('When it happened, as Prodege sends it: YYYY-MM-DD HH:mm:ss, Pacific time'),
		project_id: z.number().int().describe('The project Real Time Pricing paused or resumed'),
		project_status: knownOr(RTP_STATUSES).describe('PAUSED when the max CPI was reached, LIVE when the required CPI fell below it again'),
		max_cpi: z.string().nullish().describe('The project\'s max CPI, as text'),
		current_cpi: z.string().nullish().describe('The current CPI, as text'),
		avg_cpi: z.string().nullish().describe('The average CPI, as text'),
		required_cpi: z.string().nullish().describe('The CPI needed to keep the project live, as text'),
		bid_ir: z.number().nullish().describe('The incidence rate bid'),
		actual_ir: z.number().nullish().describe('The actual incidence rate'),
		bid_loi: z.number().nullish().describe('The length of interview (LOI) bid'),
		actual_median_loi: z.number().nullish().describe('The actual median length of interview'),
		event_time_utc: z.string().describe('event_time in UTC, ISO 8601'),
		...kitItemFields(z.literal(RTP_EVENT_NAME)),
	})
	.passthrough();

/** Items of either webhook; eventName tells them apart. */
export const prodegeItemSchema = z.union([statusUpdateItemSchema, realTimePricingItemSchema]);

/** The node's signature check: which string is signed, or no check at all. */
export type SignatureCheck = 'signedData' | 'signedParameters' | 'none';

/** Where else the signature may arrive when the body does not carry it. */
export interface SignatureFallback {
	signatureHeader?: string;
	signatureQueryParameter?: string;
}

export const PRODEGE_CREDENTIAL = 'prodegeApi';

/** `data` holds one event or a list of them, either as JSON or as a JSON string. */
export function splitData(payload: unknown): unknown[] | string {
	if (!isRecord(payload) || !('data' in payload)) return 'the body has no data parameter';
	let data = payload.data;
	if (typeof data === 'string') {
		try {
			data = JSON.parse(data) as unknown;
		} catch {
			return 'the data parameter is not valid JSON';
		}
	}
	if (Array.isArray(data)) return data;
	if (isRecord(data)) return [data];
	return 'the data parameter is neither an event nor a list of events';
}

function bodySignature(request: DeliveryRequest): unknown {
	const { decoded } = request;
	if (decoded.formFields) return decoded.formFields[SIGNATURE_PARAMETER];
	return isRecord(decoded.payload) ? decoded.payload[SIGNATURE_PARAMETER] : undefined;
}

function firstValue(value: unknown): unknown {
	return Array.isArray(value) ? value[0] : value;
}

/** The signature from the body, else from the header or query parameter the user named. */
export function receivedSignature(request: DeliveryRequest, fallback: SignatureFallback): unknown {
	const inBody = bodySignature(request);
	if (typeof inBody === 'string' && inBody.length > 0) return inBody;
	const header = fallback.signatureHeader?.trim().toLowerCase();
	const inHeader = header ? firstValue(request.headers[header]) : undefined;
	if (typeof inHeader === 'string' && inHeader.length > 0) return inHeader;
	const query = fallback.signatureQueryParameter?.trim();
	return query ? firstValue(request.query[query]) : undefined;
}

/** What was signed, for each way of reading the body, under the chosen check. */
export function signedParameterSets(check: SignatureCheck, request: DeliveryRequest): ParameterSet[] {
	const sets = receivedParameterSets(request);
	if (check === 'signedParameters') return sets;
	return sets.filter((set) => 'data' in set).map((set) => ({ data: set.data }));
}

async function verifyProdegeSignature(
	this: IWebhookFunctions,
	method: string,
	request: DeliveryRequest,
): Promise<Verdict> {
	if (method !== 'signedData' && method !== 'signedParameters') {
		return { ok: false, reason: `the signature check "${method}" is not supported` };
	}
	const credentials = await this.getCredentials<{ secretKey?: unknown }>(PRODEGE_CREDENTIAL);
	const secret = typeof credentials.secretKey === 'string' ? credentials.secretKey : '';
	if (secret.length === 0) {
		throw new NodeOperationError(this.getNode(), 'The Prodege API credential has no secret key', {
			description: 'Open the credential and paste the secret key Prodege gave you, or turn the signature check off.',
		});
	}
	const received = receivedSignature(request, this.getNodeParameter('options', {}) as SignatureFallback);
	if (typeof received !== 'string' || received.length === 0) return { ok: false, reason: 'the signature is missing' };
	const candidates = signedParameterSets(method, request);
	if (candidates.length === 0) {
		return { ok: false, reason: 'the body has no data parameter to check the signature against' };
	}
	// Every reading is checked, so the time taken does not depend on which one matched.
	const verdicts = candidates.map((parameters) => verifySignature(received, () => prodegeSignature(secret, parameters)));
	return verdicts.find((verdict) => verdict.ok) ?? verdicts[0];
}

/** Prodege reads this body on a 200 as "failed, do not retry" (documented for the status update). */
function notRetried(eventId: string | null, error: string): Reply {
	return { status: 200, body: { success: false, error: { event_id: eventId, error } } };
}

/** 400 is "failed, do not retry" too, for what is not an event at all. */
function refused(error: string, eventId: string | null = null): Reply {
	return { status: 400, body: { success: false, error: { event_id: eventId, error } } };
}

const ACCEPTED: Reply = { status: 200, body: { success: true } };

/** How many further invalid events an answer names, so that a huge batch gets a short answer. */
const MAX_NAMED = 10;

/**
 * The answer to invalid events names the first by its id, which only the event as split still holds (an
 * invalid event has no validated form): the outcome brings the split events with it.
 *
 * Real Time Pricing documents no "200 with success:false" form: to it a 200 is a success. So when every
 * invalid event is a Real Time Pricing one, the answer is 400, with the same body: a failure Prodege records,
 * which the status update's rule does not retry, and which at worst is retried three times (as a 500 is)
 * rather than forever. A 500 would ask for resends that can only be refused again.
 */
function rejectedReply({ rejected, events }: DeliveryOutcome): Reply {
	const idOf = (index: number): string | null => {
		const event = events[index];
		return isRecord(event) && typeof event.event_id === 'string' ? event.event_id : null;
	};
	const [first, ...others] = rejected;
	const named = others.slice(0, MAX_NAMED).map(({ index }) => idOf(index) ?? `event ${index}`);
	if (others.length > MAX_NAMED) named.push('…');
	const more = others.length === 0 ? '' : ` (and ${others.length} more invalid: ${named.join(', ')})`;
	const error = `Invalid event: ${first.errors.join('; ')}${more}`;
	const pricingOnly = rejected.every(({ index }) => kindOf(events[index]) === RTP_EVENT_NAME);
	return pricingOnly ? refused(error, idOf(first.index)) : notRetried(idOf(first.index), error);
}

/** Prodege's declaration: one object for every delivery, holding nothing about any of them. */
export const prodege: TriggerDeclaration<ProdegeEvent> = {
	vendor: 'Prodege',
	schema: prodegeEventSchema,
	defaultAuthentication: 'signedData',
	split: splitData,
	eventName: (event) => (isStatusUpdate(event) ? PRODEGE_EVENT_NAME : RTP_EVENT_NAME),
	// Ids are hex, so case carries no meaning: a resend in other case is the same event. A status update keeps
	// the bare id it always had; a Real Time Pricing event's is marked, so that the two webhooks, which may
	// share an id (Prodege's docs show the same one for both), never drop each other's events as repeats.
	eventKey: (event) => (isStatusUpdate(event) ? '' : `${RTP_EVENT_NAME}:`) + event.event_id.toLowerCase(),
	filters: [
		{ parameter: 'events', value: (event) => (isStatusUpdate(event) ? PRODEGE_EVENT_NAME : RTP_EVENT_NAME) },
		// A status update's new status, or the status Real Time Pricing set.
		{ parameter: 'statuses', value: (event) => (isStatusUpdate(event) ? event.status : event.project_status) },
		// Real Time Pricing events have no update reason: this filter lets them through.
		{ parameter: 'updateReasons', value: (event) => (isStatusUpdate(event) ? String(event.update_reason) : null) },
	],
	listed: [
		{ field: 'status', known: new Set(STATUSES), value: (event) => (isStatusUpdate(event) ? event.status : undefined) },
		{ field: 'update_reason', known: new Set(CODES), value: (event) => (isStatusUpdate(event) ? event.update_reason : undefined) },
		{ field: 'project_status', known: new Set(RTP_STATUSES), value: (event) => (isStatusUpdate(event) ? undefined : event.project_status) },
	],
	responses: {
		accepted: () => ACCEPTED,
		duplicate: () => ACCEPTED,
		partlyInvalid: rejectedReply,
		invalid: rejectedReply,
		undecodable: (reason) => refused(`Cannot read the delivery: ${reason}`),
		// 400 for every refusal, as Prodege retries no 400. The reason goes to the log only.
		unauthorized: ({ kind }) =>
			refused(kind === 'signature' ? 'Invalid or missing signature' : 'The caller is not allowed'),
	},
	verify: verifyProdegeSignature,
};
