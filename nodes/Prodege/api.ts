/**
 * Calls to Prodege's Demand API. Each one is signed as Prodege documents (apik, request_date, signature over
 * every parameter), sent as a query string (GET) or a form body (POST), and its `return_status.error_codes`
 * become NodeApiErrors that say what happened and what to do. Code 103 (rate limit) is waited out and tried
 * again a bounded number of times; every try is signed afresh, since Prodege refuses old requests.
 */
import {
	NodeOperationError,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type INode,
} from 'n8n-workflow';
import { z, type ZodIssue, type ZodType, type ZodTypeDef } from 'zod';

import {
	type Attempt,
	type Explanation,
	type FailureKind,
	type FailureTexts,
	type RetryPolicy,
	type VendorFailure,
	decodeAnswer,
	isRecord,
	readAnswer,
	readThrown,
	vendorApiError,
	withRetries,
} from '../shared';
import { prodegeBaseUrl } from './credentialCheck';
import { signedParameters } from './signing';

export const PRODEGE_CREDENTIAL = 'prodegeApi';
const VENDOR = 'Prodege';

/** How long one call may take. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Reads are safe to repeat after a dropped connection; a 103 means the call was not carried out, so any call may be repeated then. */
export const READ_POLICY: RetryPolicy = { transientRetries: 2, rateLimitRetries: 3, maxWaitSeconds: 60 };
export const WRITE_POLICY: RetryPolicy = { transientRetries: 0, rateLimitRetries: 3, maxWaitSeconds: 60 };

// ---- Error codes ------------------------------------------------------------------------------------

/** Prodege's own text for each documented code (developer.prodege.com, Appendix: Error Codes), and what to do. */
export const ERROR_CODES: Record<number, { text: string; todo: string }> = {
	100: { text: 'Prodege API is currently under maintenance', todo: 'Try again later, or turn on Retry On Fail in the node settings.' },
	101: {
		text: 'Unauthorized Access',
		todo: 'Check the API Key and Secret Key in the Prodege API credential (copy them again from Prodege), and that its Environment is the one the key was issued for: staging keys do not work in production.',
	},
	102: {
		text: 'Expired Request',
		todo: "request_date comes from the n8n server's clock, which is probably off: synchronise it (NTP) and run again.",
	},
	103: {
		text: 'API rate limit reached',
		todo: 'The node waited and tried again, in vain. Wait a minute and run again, or send fewer calls at once (fewer items per run, or a Wait node between batches).',
	},
	1001: { text: 'Invalid value for client_time', todo: 'Run again; if it persists, check the clock of the n8n server.' },
	1002: { text: 'Invalid country_id', todo: "Use a country ID from Prodege's country list (Lookup Countries)." },
	2001: {
		text: 'Invalid prodege_project_id',
		todo: 'Give the numeric ID Prodege gave the project (prodege_project_id), not your own project ID.',
	},
	2002: { text: 'Invalid project_id', todo: 'Give your own project ID, as text that is not empty.' },
	2003: {
		text: 'Project not found',
		todo: "Check the Prodege Project ID: it must be a project of this API key's account, in the credential's environment.",
	},
	2004: {
		text: 'Duplicate project_id',
		todo: 'Another Prodege project already has this project ID: choose a new one. To change that project, use Update with its Prodege Project ID.',
	},
	2005: { text: 'Invalid project_type_id', todo: "Use a project type ID from Prodege's list (Lookup Project Types)." },
	2006: { text: 'Invalid value for loi', todo: 'Give the length of interview in minutes, a number above 0.' },
	2007: {
		text: 'Project URL is required for Adhoc surveys',
		todo: 'Fill in Project URL, with %transid% where Prodege should put the transaction ID.',
	},
	2008: { text: 'The project_url field is only used for Adhoc surveys (DEPRECATED)', todo: 'Leave Project URL empty for this project type.' },
	2009: { text: 'Invalid value for cpi', todo: 'Give the CPI as an amount above 0, such as 2.5.' },
	2010: { text: 'API user is not allowed to set project cpi', todo: 'Leave CPI empty, or ask your Prodege account manager to allow it.' },
	2011: {
		text: "API user is not allowed to use alphanumeric project_id's",
		todo: 'Use digits only in your project ID, or ask Prodege to allow letters.',
	},
	2012: { text: 'Invalid value for status', todo: 'Status must be PENDING, LIVE, PAUSED or COMPLETE.' },
	2013: {
		text: 'Project status cannot be set to LIVE (No quotas)',
		todo: 'Create at least one quota for the project (Quota → Create), then set it LIVE.',
	},
	2014: {
		text: 'No further changes can be made once project is in COMPLETE status',
		todo: 'COMPLETE is final. To field the survey again, duplicate the project (Project → Duplicate) and set the copy LIVE.',
	},
	2015: {
		text: 'Non-PENDING projects cannot be set back to PENDING status',
		todo: 'A project that has left PENDING can only be LIVE, PAUSED or COMPLETE: pause it instead.',
	},
	2016: {
		text: 'PENDING Projects cannot transition to PAUSED or COMPLETE',
		todo: 'From PENDING a project can only go LIVE (once it has quotas): set it LIVE first, or leave it PENDING.',
	},
	2017: {
		text: 'PAUSED Projects can only transition to LIVE or COMPLETE',
		todo: 'Set it LIVE to resume fielding, or COMPLETE to end it.',
	},
	2018: {
		text: 'Project URL must contain %transid%',
		todo: 'Put %transid% in the URL where Prodege should insert the transaction ID, such as https://survey.example.com/s?tid=%transid%.',
	},
	2019: {
		text: 'Project URL invalid: url should be properly formatted with http://',
		todo: 'Give a full URL that starts with http:// or https://.',
	},
	2032: { text: 'Invalid project URL: must be no more than 255 characters', todo: 'Shorten the URL to 255 characters or fewer.' },
	2033: { text: 'Invalid placeholders in project URL', todo: 'Remove or correct the placeholders Prodege named in the URL.' },
	2034: { text: 'API User is not allowed to set project_incentive', todo: 'Ask your Prodege account manager to allow incentives.' },
	2035: { text: 'Invalid value for incentive_amount: must be > 0 and <= cpi', todo: 'Give an incentive above 0 and no higher than the CPI.' },
	2036: { text: 'API user is not allowed to create qualitative surveys', todo: 'Ask your Prodege account manager to allow them.' },
	2037: { text: 'API User is not allowed to set project_intro', todo: 'Ask your Prodege account manager to allow it.' },
	2038: { text: 'Value for project_intro must be no more than 500 characters', todo: 'Shorten the intro to 500 characters or fewer.' },
	2039: { text: 'Value for project_intro must be a valid JSON', todo: 'Give the intro as valid JSON.' },
	2078: {
		text: 'Non-pending projects cannot be deleted',
		todo: 'Only a PENDING project can be deleted; set a project that has been LIVE to COMPLETE instead.',
	},
	3001: { text: 'Invalid value for number_of_respondents', todo: 'Give the number of respondents as a whole number above 0.' },
	3002: {
		text: 'Value for targeting_criteria should be a valid JSON',
		todo: 'Give Targeting Criteria as a JSON array of criteria, as in Prodege\'s "JSON Examples".',
	},
	3003: { text: 'Invalid question_id', todo: "Use question IDs from Prodege's question list (Lookup Questions)." },
	3004: { text: 'Invalid precode data', todo: 'Use the answer codes (precodes) Prodege lists for that question.' },
};

/**
 * The status a code is read as, so that the kit's retries and error kinds apply: 103 is a rate limit, 100 a
 * server fault that passes, 101 a refused credential, 2003 a missing project, any other code a refusal.
 */
function statusForCode(code: number | undefined): number {
	if (code === 103) return 429;
	if (code === 100) return 503;
	if (code === 101) return 401;
	if (code === 2003) return 404;
	return 400;
}

/** What Prodege's `return_status` says went wrong: the codes, and its messages as sent. */
export interface CodeFailure {
	codes: string[];
	messages: string[];
}

const asText = (value: unknown): string | undefined =>
	typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** The error codes of an answer, when its `return_status` has any. */
export function codeFailureOf(body: unknown): CodeFailure | undefined {
	if (!isRecord(body) || !isRecord(body.return_status)) return undefined;
	const { error_codes: codes, message } = body.return_status;
	const list = (Array.isArray(codes) ? codes : codes === undefined || codes === null ? [] : [codes]).map(asText).filter((code): code is string => Boolean(code));
	if (list.length === 0) return undefined;
	const messages = (Array.isArray(message) ? message : [message]).map(asText).filter((text): text is string => Boolean(text));
	return { codes: list, messages };
}

/** The first code this node knows, or else the first code sent. */
function mainCode(failure: CodeFailure): string {
	return failure.codes.find((code) => ERROR_CODES[Number(code)] !== undefined) ?? failure.codes[0];
}

/** Says what a code means and what to do; a code Prodege does not document is shown as sent. */
export function explainCodes(action: string, failure: CodeFailure): Explanation {
	const code = mainCode(failure);
	const known = ERROR_CODES[Number(code)];
	const sent = failure.messages.join('; ');
	if (!known) {
		return {
			message: `Prodege refused to ${action}: error ${failure.codes.join(', ')}${sent ? ` (${sent})` : ''}`,
			description: "This code is not in Prodege's published list. Check the values sent against Prodege's documentation, or ask Prodege support what it means.",
		};
	}
	const others = failure.codes.filter((other) => other !== code);
	const also = others.length > 0 ? ` Prodege also sent code ${others.join(', ')}.` : '';
	return { message: `Prodege refused to ${action}: ${known.text} (code ${code})`, description: `${known.todo}${also}` };
}

// ---- The credential ---------------------------------------------------------------------------------

const credentialSchema = z.object({
	apik: z.string().optional(),
	secretKey: z.string().optional(),
	environment: z.string().optional(),
	baseUrl: z.string().optional(),
});

export interface Connection {
	apik: string;
	secretKey: string;
	baseUrl: string;
}

/** The key, secret and base URL the calls need; a credential missing one is a configuration error. */
export function connectionOf(node: INode, data: unknown): Connection {
	const parsed = credentialSchema.safeParse(data);
	const fields = parsed.success ? parsed.data : {};
	const apik = fields.apik?.trim() ?? '';
	const secretKey = fields.secretKey?.trim() ?? '';
	if (!apik || !secretKey) {
		throw new NodeOperationError(node, `The Prodege API credential has no ${apik ? 'secret key' : 'API key'}`, {
			description: 'Fill in both the API Key and the Secret Key Prodege gave you: the Prodege node signs every call with them (the trigger needs only the secret).',
		});
	}
	const baseUrl = prodegeBaseUrl(fields);
	if (!baseUrl) {
		throw new NodeOperationError(node, 'The custom Base URL in the Prodege API credential is not an http(s) URL', {
			description: 'Give the full address, such as https://surveypmr.prodegeapis.com/prodegemr, or pick Production or Staging.',
		});
	}
	return { apik, secretKey, baseUrl };
}

// ---- Calling ----------------------------------------------------------------------------------------

export interface ProdegeCall<T> {
	/** The call's name, the last part of its URL, such as "project-update". */
	call: string;
	method: 'GET' | 'POST';
	/** The call's own parameters, as the strings that are sent and signed. */
	params: Record<string, string>;
	/** What the call does, for messages: "update project 123". */
	action: string;
	/** The success answer, without its return_status. */
	schema: ZodType<T, ZodTypeDef, unknown>;
	policy: RetryPolicy;
	itemIndex?: number;
}

/** How much of what Prodege says an error quotes. */
const QUOTE = 300;

function kindTexts(call: ProdegeCall<unknown>, conn: Connection, issue: ZodIssue | undefined): Record<FailureKind, (failure: VendorFailure) => Explanation> {
	const { action } = call;
	const unreachable = (failure: VendorFailure): Explanation => ({
		message: `Could not reach Prodege at ${conn.baseUrl} to ${action}`,
		description: `${failure.network ? `The connection failed (${failure.network}). ` : ''}Check the Environment (or Base URL) in the Prodege API credential, and that n8n can reach it.`,
	});
	const refusedKey = (failure: VendorFailure): Explanation => ({
		message: `Prodege refused the credential (HTTP ${failure.status}) while trying to ${action}`,
		description: ERROR_CODES[101].todo,
	});
	return {
		credential: (failure) => ({ message: String(failure.credential) }),
		unreachable,
		timeout: () => ({
			message: `Prodege did not answer within ${REQUEST_TIMEOUT_MS / 1000} s while trying to ${action}`,
			description:
				call.method === 'POST'
					? 'The change may have been made all the same: read the project (Project → Get) before trying again.'
					: 'Try again later, or turn on Retry On Fail in the node settings.',
		}),
		unreadable: (failure) => ({
			message: `Prodege answered with a body this node cannot read while trying to ${action} (HTTP ${failure.status})`,
			description: `${issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}. ` : ''}If the credential's Base URL points at a proxy, check that it passes Prodege's JSON answers through.`,
		}),
		unauthorized: refusedKey,
		forbidden: refusedKey,
		notFound: () => ({
			message: `Prodege has no ${call.call} call at ${conn.baseUrl}`,
			description: 'Check the Environment (or Base URL, which ends in /prodegemr) in the Prodege API credential.',
		}),
		rateLimited: (failure) => ({
			message: `Prodege is rate limiting this API key (HTTP ${failure.status}) while trying to ${action}`,
			description: ERROR_CODES[103].todo,
		}),
		serverError: (failure) => ({
			message: `Prodege had a server error (HTTP ${failure.status}) while trying to ${action}`,
			description: 'This is on Prodege’s side. Try again later, or turn on Retry On Fail in the node settings.',
		}),
		refused: (failure) => ({
			message: `Prodege refused to ${action} (HTTP ${failure.status})`,
			description: 'Check the values sent against the parameter descriptions.',
		}),
	};
}

function failureTexts(call: ProdegeCall<unknown>, conn: Connection, codes: CodeFailure | undefined, issue?: ZodIssue): FailureTexts {
	const byKind = kindTexts(call, conn, issue);
	const explain = (kind: FailureKind) => (failure: VendorFailure) => (codes ? explainCodes(call.action, codes) : byKind[kind](failure));
	return Object.fromEntries(Object.keys(byKind).map((kind) => [kind, explain(kind as FailureKind)])) as FailureTexts;
}

/** The failure for an answer with error codes: read as the status its main code stands for (see statusForCode). */
function codeAttempt<T>(
	ctx: IExecuteFunctions,
	call: ProdegeCall<T>,
	conn: Connection,
	response: IN8nHttpFullResponse,
	codes: CodeFailure,
): Attempt<T> {
	const read = readAnswer(response, { quote: QUOTE, secrets: [conn.apik, conn.secretKey] });
	const known = ERROR_CODES[Number(mainCode(codes))];
	const sent = codes.messages.join('; ').slice(0, QUOTE);
	// Prodege's words are quoted only when they add to the documented text the message already gives.
	const failure: VendorFailure = {
		status: statusForCode(Number(mainCode(codes))),
		body: read.body,
		vendorMessage: sent && sent !== known?.text ? sent : undefined,
	};
	const error = vendorApiError(ctx.getNode(), VENDOR, failure, failureTexts(call, conn, codes), call.itemIndex);
	// The status Prodege really sent, for error items; the codes say the rest.
	error.httpCode = String(response.statusCode);
	error.context.status = response.statusCode;
	error.context.errorCodes = codes.codes;
	return { failure, error };
}

/** Without return_status, an answer is its own fields. */
function withoutReturnStatus(body: unknown): unknown {
	if (!isRecord(body)) return body;
	const { return_status: returnStatus, ...rest } = body;
	void returnStatus;
	return rest;
}

/** One signed call, with the retries its policy allows. */
export async function callProdege<T>(ctx: IExecuteFunctions, call: ProdegeCall<T>): Promise<T> {
	const conn = connectionOf(ctx.getNode(), await ctx.getCredentials(PRODEGE_CREDENTIAL));
	const secrets = [conn.apik, conn.secretKey];
	const attempt = async (): Promise<Attempt<T>> => {
		const signed = signedParameters(conn.apik, conn.secretKey, call.params, Date.now());
		const options: IHttpRequestOptions = {
			method: call.method,
			url: `${conn.baseUrl}/${call.call}`,
			headers: { Accept: 'application/json' },
			timeout: REQUEST_TIMEOUT_MS,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (call.method === 'GET') options.qs = signed;
		else {
			options.headers = { ...options.headers, 'Content-Type': 'application/x-www-form-urlencoded' };
			options.body = new URLSearchParams(signed).toString();
		}
		let failure: VendorFailure;
		let issue: ZodIssue | undefined;
		try {
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, PRODEGE_CREDENTIAL, options)) as IN8nHttpFullResponse;
			const body = decodeAnswer(response.body);
			const codes = codeFailureOf(body);
			if (codes) return codeAttempt(ctx, call, conn, response, codes);
			if (response.statusCode >= 200 && response.statusCode < 300) {
				const parsed = call.schema.safeParse(withoutReturnStatus(body));
				if (parsed.success) return { value: parsed.data };
				issue = parsed.error.issues[0];
			}
			failure = readAnswer(response, { quote: QUOTE, secrets });
		} catch (thrown) {
			failure = readThrown(thrown, { quote: QUOTE, secrets });
		}
		return { failure, error: vendorApiError(ctx.getNode(), VENDOR, failure, failureTexts(call, conn, undefined, issue), call.itemIndex) };
	};
	return await withRetries(attempt, call.policy, (error, wait) =>
		ctx.logger.debug(`${VENDOR}: ${error.message}; trying again in ${wait} ms`),
	);
}

// ---- Answers ----------------------------------------------------------------------------------------

/** Prodege's numeric IDs, read as numbers whether they come as numbers or as digits. */
export const numericId = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** Answers of calls that return an ID; other fields Prodege adds are kept. */
export const projectIdAnswer = z.object({ prodege_project_id: numericId.optional() }).passthrough();
export const quotaIdAnswer = z.object({ quota_id: numericId.optional() }).passthrough();

/** A JSON value that may come as a JSON string, as project_info does. */
function jsonOrString<T extends ZodType>(schema: T) {
	return z.preprocess((value, context) => {
		if (typeof value !== 'string') return value;
		try {
			return JSON.parse(value) as unknown;
		} catch {
			context.addIssue({ code: z.ZodIssueCode.custom, message: 'is a string that is not JSON' });
			return z.NEVER;
		}
	}, schema);
}

/**
 * Prodege documents these fields' names but not their JSON types, and sends CPIs as text in its Real Time
 * Pricing webhook: a number, numeric text or null is read as it comes, so that one field of another type never
 * makes a whole answer unreadable.
 */
const numberOrText = z.union([z.number(), z.string()]).nullish();
const flag = z.union([z.boolean(), z.string(), z.number()]).nullish();

/** The project_info model, as documented; fields not documented are kept. */
export const projectInfoSchema = z
	.object({
		prodege_project_id: numericId.optional().describe('The ID Prodege gave the project'),
		project_id: z.union([z.string(), z.number()]).nullish().describe('Your own project ID'),
		project_name: z.string().nullish(),
		project_type_id: numberOrText,
		country_id: numberOrText,
		expected_ir: numberOrText.describe('Expected incidence rate, %'),
		loi: numberOrText.describe('Expected length of interview, minutes'),
		cpi: numberOrText.describe('Cost per interview'),
		current_avg_cpi: numberOrText.describe('The current average cost per interview'),
		max_cpi: numberOrText.describe('The highest CPI Real Time Pricing may reach'),
		mobile_optimized: flag,
		status: z.string().nullish().describe('PENDING, LIVE, PAUSED, COMPLETE, or another status Prodege reports'),
		project_url: z.string().nullish(),
		disabled_by_cpi_reality_check: flag.describe('True when Real Time Pricing paused the project at its max CPI'),
		ir_based_cpi: numberOrText.describe('The CPI needed to resume a project Real Time Pricing paused'),
		current_ir_based_cpi: numberOrText.describe('The suggested CPI for the current incidence rate'),
		disabled_by_max_clicks: flag,
	})
	.passthrough();

export const projectInfoAnswer = z.object({ project_info: jsonOrString(projectInfoSchema) }).passthrough();

/** One quota as project-quotas-by-id lists it; targeting_criteria is tolerated as a JSON string too. */
export const quotaSchema = z
	.object({
		quota_id: numericId,
		active: flag,
		number_of_respondents: numberOrText,
		calculation_type: numberOrText,
		targeting_criteria: jsonOrString(z.unknown()).optional(),
		quota_clicks: numberOrText,
		quota_completes: numberOrText,
	})
	.passthrough();

export const quotasAnswer = z.object({ prodege_project_id: numericId.optional(), quotas: z.array(quotaSchema).nullish() }).passthrough();

export type ProjectInfo = z.infer<typeof projectInfoSchema>;
export type Quota = z.infer<typeof quotaSchema>;
