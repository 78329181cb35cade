import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

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

/**
 * A local check, not a call to Prodege. Prodege's public docs show no read-only call known to prove an API
 * key and secret: they name a "Lookup Request Time Offset" call without giving its URL, method or
 * parameters, and as it serves to read the server clock before signing, it probably checks no signature.
 * The message says so, so nobody takes a green check for a verified secret.
 */
export async function prodegeCredentialCheck(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as Record<string, unknown>;
	const secret = typeof data.secretKey === 'string' ? data.secretKey.trim() : '';
	if (secret.length === 0) {
		return { status: 'Error', message: 'Fill in the secret key Prodege gave you' };
	}
	if (prodegeBaseUrl(data) === undefined) {
		return { status: 'Error', message: 'The custom base URL must be an http or https URL' };
	}
	return {
		status: 'OK',
		message:
			'The fields are complete. Prodege was not contacted, so the key and secret are not verified: the first signed delivery is the real test (a wrong secret is answered 400 and logged).',
	};
}
