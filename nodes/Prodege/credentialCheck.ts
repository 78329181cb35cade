import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { isRecord } from '../shared/decode';
import { signedParameters } from './signing';

export const PRODEGE_BASE_URLS = {
	production: 'https://surveypmr.prodegeapis.com/prodegemr',
	staging: 'https://surveypmr.prodegeapisqa.com/prodegemr',
} as const;

/** The API base URL a credential points at, or undefined when its custom URL is not an http(s) URL. */
export function prodegeBaseUrl(data: Record<string, unknown>): string | undefined {
	const environment = data.environment;
	if (environment === 'staging') return PRODEGE_BASE_URLS.staging;
	if (environment !== 'custom') return PRODEGE_BASE_URLS.production;
	const custom = typeof data.baseUrl === 'string' ? data.baseUrl.trim().replace(/\/+$/, '') : '';
	try {
		const url = new URL(custom);
		return url.protocol === 'https:' || url.protocol === 'http:' ? custom : undefined;
	} catch {
		return undefined;
	}
}

/** The answer of a signed lookup, as far as the check needs it. */
function codesOf(body: unknown): number[] | undefined {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			return undefined;
		}
	}
	if (!isRecord(value) || !isRecord(value.return_status)) return undefined;
	const codes = value.return_status.error_codes;
	return Array.isArray(codes) ? codes.map(Number) : [];
}

const CHECK_TIMEOUT_MS = 15_000;

/** A lookup of a project no account has: cheap, changes nothing, and is answered only once the key and signature pass. */
const CHECK_PROJECT_ID = '0';

/**
 * Tests the credential with a signed call, project-get-info for project 0: Prodege checks the key, the
 * signature and the date first (101, 102), so "no such project" (2001 or 2003) proves the key and secret.
 * That Prodege checks them before looking the project up is inferred, not documented. Without an API key the
 * credential serves the trigger only, which needs the secret alone: then only the fields are checked, and
 * the message says Prodege was not contacted.
 */
export async function prodegeCredentialCheck(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as Record<string, unknown>;
	const secret = typeof data.secretKey === 'string' ? data.secretKey.trim() : '';
	const apik = typeof data.apik === 'string' ? data.apik.trim() : '';
	if (secret.length === 0) {
		return { status: 'Error', message: 'Fill in the secret key Prodege gave you' };
	}
	const baseUrl = prodegeBaseUrl(data);
	if (baseUrl === undefined) {
		return { status: 'Error', message: 'The custom base URL must be an http or https URL' };
	}
	if (apik.length === 0) {
		return {
			status: 'OK',
			message:
				'The secret key is filled in, which is all the Prodege Trigger needs. Prodege was not contacted, so the key and secret are not verified: the first signed delivery is the real test (a wrong secret is answered 400 and logged). Add the API key to verify both with Prodege, and to use the Prodege node.',
		};
	}
	const query = new URLSearchParams(signedParameters(apik, secret, { prodege_project_id: CHECK_PROJECT_ID }, Date.now()));
	// Node's fetch: the only request helper a credential test gets (helpers.request) is deprecated and refused by
	// n8n's community-package rules. It does not go through n8n's proxy settings.
	let response: { statusCode: number; body: unknown };
	try {
		const answer = await fetch(`${baseUrl}/project-get-info?${query.toString()}`, {
			headers: { Accept: 'application/json' },
			signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
		});
		response = { statusCode: answer.status, body: await answer.text() };
	} catch (error) {
		const cause = isRecord(error) && isRecord(error.cause) ? error.cause : undefined;
		const reason = typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.name : 'no answer';
		this.logger.debug(`Prodege credential test: ${baseUrl} could not be reached (${reason})`);
		return {
			status: 'Error',
			message: `Could not reach Prodege at ${baseUrl} (${reason}). Check the Environment (or Base URL) and that n8n can reach it; the key and secret were not checked.`,
		};
	}
	const codes = codesOf(response.body);
	if (codes === undefined) {
		return {
			status: 'Error',
			message: `${baseUrl} answered HTTP ${response.statusCode} with something other than Prodege's API answer. Check the Environment (or Base URL, which ends in /prodegemr).`,
		};
	}
	if (codes.includes(101)) {
		return {
			status: 'Error',
			message: `Prodege refused the API key or secret key (code 101, Unauthorized Access). Copy both again from Prodege, and check that they belong to the ${String(data.environment ?? 'production')} environment.`,
		};
	}
	if (codes.includes(102)) {
		return {
			status: 'Error',
			message: "Prodege refused the request as expired (code 102): the n8n server's clock is off. Synchronise it (NTP) and test again.",
		};
	}
	if (codes.includes(103) || codes.includes(100)) {
		return {
			status: 'Error',
			message: `Prodege could not answer now (code ${codes.includes(103) ? '103, rate limit' : '100, maintenance'}). Test again in a minute.`,
		};
	}
	return { status: 'OK', message: 'Prodege accepted the API key and the signature made with the secret key' };
}
