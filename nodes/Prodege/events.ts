import { NodeOperationError, type IWebhookFunctions } from 'n8n-workflow';
import { z } from 'zod';

import {
	type DeliveryOutcome,
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

export const STATUSES = ['LIVE', 'PAUSED', 'PENDING_COMPLETE', 'COMPLETE', 'INVOICED', 'DELETED'] as const;

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

/** Digits only, as a number or as a string; emitted as a number. */
const wholeNumber = z
	.union([z.number(), z.string().regex(/^\d+$/, 'must be a whole number')], {
		errorMap: () => ({ message: 'must be a whole number' }),
	})
	.transform(Number)
	.refine((value) => Number.isSafeInteger(value) && value >= 0, 'must be a whole number');

/** Optional fields may also arrive as null; they are kept as sent. */
const optionalText = z.string().nullish();

export const prodegeEventSchema = z
	.object({
		event_id: z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be 24 hexadecimal characters'),
		event_time: z.string(),
		project_id: wholeNumber,
		status: z.enum(STATUSES, {
			errorMap: () => ({ message: `must be one of ${STATUSES.join(', ')}` }),
		}),
		update_reason: wholeNumber.refine(
			(code) => CODES.includes(String(code)),
			`must be one of the documented codes ${CODES.join(', ')}`,
		),
		description: optionalText,
		rejection_note: optionalText,
		reconciliation_note: optionalText,
		// Documented as a string; a number is accepted and emitted as text so the type stays stable.
		required_cpi: z
			.union([z.string(), z.number().finite()], { errorMap: () => ({ message: 'must be text or a number' }) })
			.nullish()
			.transform((value) => (typeof value === 'number' ? String(value) : value)),
	})
	.passthrough()
	// The two readings are added to the object validation made for this event, which nothing else holds.
	.transform((event, context) => {
		// Read here rather than in a refinement of event_time, so that each event's time is read once.
		const utc = pacificToUtc(event.event_time);
		if (utc === undefined) {
			context.addIssue({ code: z.ZodIssueCode.custom, path: ['event_time'], message: 'must be a real date and time as YYYY-MM-DD HH:mm:ss' });
			return z.NEVER;
		}
		const item = event as typeof event & { update_reason_description: string | undefined; event_time_utc: string };
		item.update_reason_description = UPDATE_REASONS[String(event.update_reason)];
		item.event_time_utc = utc;
		return item;
	});

export type ProdegeEvent = z.infer<typeof prodegeEventSchema>;

/** Prodege sends one kind of event; items carry this name. */
export const PRODEGE_EVENT_NAME = 'projectStatusUpdate';

/** The item: the event as sent (ids and codes as numbers, required_cpi as text), plus two readings of it. */
export const prodegeItemSchema = z
	.object({
		event_id: z.string().describe('Prodege\'s id of this update: 24 hexadecimal characters'),
		event_time: z.string().describe('When it happened, as Prodege sends it: YYYY-MM-DD HH:mm:ss, Pacific time'),
		project_id: z.number().int().describe('The project whose status changed'),
		status: z.enum(STATUSES).describe('The project\'s new status'),
		update_reason: z.number().int().describe('Why, as one of Prodege\'s documented codes'),
		description: z.string().nullish().describe('Prodege\'s name for the reason'),
		rejection_note: z.string().nullish(),
		reconciliation_note: z.string().nullish(),
		required_cpi: z.string().nullish().describe('The required cost per interview, as text'),
		update_reason_description: z.string().describe('What the update reason code means'),
		event_time_utc: z.string().describe('event_time in UTC, ISO 8601'),
		...kitItemFields(z.literal(PRODEGE_EVENT_NAME)),
	})
	.passthrough();

/** The node's signature check: which string is signed, or no check at all. */
export type SignatureCheck = 'signedData' | 'signedParameters' | 'none';

/** Where else the signature may arrive when the body does not carry it. */
export interface SignatureFallback {
	signatureHeader?: string;
	signatureQueryParameter?: string;
}

export const PRODEGE_CREDENTIAL = 'prodegeApi';

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** Prodege reads this body on a 200 as "failed, do not retry". */
function notRetried(eventId: string | null, error: string): Reply {
	return { status: 200, body: { success: false, error: { event_id: eventId, error } } };
}

/** 400 is "failed, do not retry" too, for what is not an event at all. */
function refused(error: string): Reply {
	return { status: 400, body: { success: false, error: { event_id: null, error } } };
}

const ACCEPTED: Reply = { status: 200, body: { success: true } };

/** How many further invalid events an answer names, so that a huge batch gets a short answer. */
const MAX_NAMED = 10;

/**
 * The answer to invalid events names the first by its id, which only the event as split still holds (an
 * invalid event has no validated form): the outcome brings the split events with it.
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
	return notRetried(idOf(first.index), `Invalid event: ${first.errors.join('; ')}${more}`);
}

/** Prodege's declaration: one object for every delivery, holding nothing about any of them. */
export const prodege: TriggerDeclaration<ProdegeEvent> = {
	vendor: 'Prodege',
	schema: prodegeEventSchema,
	defaultAuthentication: 'signedData',
	split: splitData,
	eventName: () => PRODEGE_EVENT_NAME,
	// Ids are hex, so case carries no meaning: a resend in other case is the same event.
	eventKey: (event) => event.event_id.toLowerCase(),
	filters: [
		{ parameter: 'statuses', value: (event) => event.status },
		{ parameter: 'updateReasons', value: (event) => String(event.update_reason) },
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
