import type { IDataObject } from 'n8n-workflow';

import { isAllowed, parseAllowlist } from './ipAllowlist';
import { safeEqual } from './secure';

/** Request headers as n8n hands them over (Node's IncomingHttpHeaders). */
export type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

/** Credential type names of the incoming-auth credentials this package ships. */
export const BASIC_AUTH_CREDENTIAL = 'webhookBasicAuthApi';
export const SHARED_SECRET_CREDENTIAL = 'webhookSharedSecretApi';

/** Why a caller was turned away. `status` is the kit's default; a vendor contract may answer otherwise. */
export interface AuthFailure {
	kind: 'basicAuth' | 'sharedSecret' | 'ipAllowlist' | 'signature';
	status: 401 | 403;
	reason: string;
	/** Value for WWW-Authenticate, sent with basic-auth failures. */
	challenge?: string;
}

export interface BasicAuthSecret {
	user: string;
	password: string;
}

export interface SharedSecret {
	secret: string;
	location: 'query' | 'header';
	name: string;
}

export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Checks an `Authorization: Basic` header. User and password are both compared, in constant time. */
export function checkBasicAuth(
	headers: IncomingHttpHeaders,
	expected: BasicAuthSecret,
	realm: string,
): AuthFailure | undefined {
	const refuse = (reason: string): AuthFailure => ({
		kind: 'basicAuth',
		status: 401,
		reason,
		challenge: `Basic realm="${realm.replace(/"/g, '')}", charset="UTF-8"`,
	});
	// An empty password configured would let "Basic Og==" (":") in: refuse everyone instead.
	if (expected.password.length === 0) return refuse('no password is configured for this trigger');
	const header = firstHeader(headers, 'authorization');
	const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
	if (!match) return refuse('no basic auth credentials were sent');
	// A user-id holds no colon (RFC 7617): the pair sent splits at its first colon. So it matches exactly when
	// it reads "user:password" as a whole, which takes one constant-time check rather than two.
	if (expected.user.includes(':')) {
		return refuse('the user configured for this trigger contains a colon, which basic auth cannot send: remove it from the credential');
	}
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	if (safeEqual(decoded, `${expected.user}:${expected.password}`)) return undefined;
	return refuse('the basic auth user or password is wrong');
}

/** Checks a shared secret sent in a header or in the query string. */
export function checkSharedSecret(
	headers: IncomingHttpHeaders,
	query: IDataObject,
	expected: SharedSecret,
): AuthFailure | undefined {
	const raw = expected.location === 'header' ? firstHeader(headers, expected.name) : query[expected.name];
	const received = Array.isArray(raw) ? raw[0] : raw;
	const where = () => (expected.location === 'header' ? `header "${expected.name}"` : `query parameter "${expected.name}"`);
	if (typeof received !== 'string' || received.length === 0) {
		return { kind: 'sharedSecret', status: 401, reason: `the ${where()} is missing` };
	}
	if (!safeEqual(received, expected.secret)) {
		return { kind: 'sharedSecret', status: 401, reason: `the ${where()} does not hold the expected secret` };
	}
	return undefined;
}

/**
 * The caller's address. With `trustForwardedFor`, the right-most X-Forwarded-For entry is used: the one
 * that the proxy in front of n8n appended, which the caller cannot forge.
 */
export function clientIp(
	headers: IncomingHttpHeaders,
	remoteAddress: string | undefined,
	trustForwardedFor: boolean,
): string {
	if (trustForwardedFor) {
		const forwarded = headers['x-forwarded-for'];
		const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean);
		if (list.length > 0) return list[list.length - 1];
	}
	return remoteAddress ?? '';
}

export function checkIpAllowlist(ip: string, allowlist: string): AuthFailure | undefined {
	const { ranges } = parseAllowlist(allowlist);
	if (ranges.length > 0 && isAllowed(ip, ranges)) return undefined;
	return {
		kind: 'ipAllowlist',
		status: 403,
		reason: ranges.length === 0 ? 'the IP allowlist holds no valid range' : `the source address ${ip || '(unknown)'} is not allowed`,
	};
}

/** Reads a credential field as a string; missing fields read as empty, never as "undefined". */
function field(data: IDataObject, name: string): string {
	const value = data[name];
	return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** The Webhook Basic Auth credential's pair, from what n8n's getCredentials gave. */
export function basicAuthOf(data: IDataObject): BasicAuthSecret {
	return { user: field(data, 'user'), password: field(data, 'password') };
}

/** The Webhook Shared Secret credential, from what n8n's getCredentials gave. */
export function sharedSecretOf(data: IDataObject): SharedSecret {
	return {
		secret: field(data, 'secret'),
		location: field(data, 'location') === 'header' ? 'header' : 'query',
		name: field(data, 'name') || 'token',
	};
}
