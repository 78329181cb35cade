import { sha256Base64url } from '../shared/secure';

/** The parameter that carries the signature; it is never part of what is signed. */
export const SIGNATURE_PARAMETER = 'signature';

/**
 * Prodege's documented signature: base64url(SHA-256(UTF-8(secret + ":" + stringToSign))), where
 * stringToSign is every `key=value` pair sorted by key and joined with ":". Values are used raw (not
 * URL-encoded). It is a plain hash with the secret prepended, not an HMAC, because that is what Prodege
 * computes.
 */
export function prodegeSignature(secret: string, parameters: Readonly<Record<string, string>>): string {
	const stringToSign = Object.keys(parameters)
		.filter((key) => key !== SIGNATURE_PARAMETER)
		// Sorted by UTF-16 code unit, as Java's String.compareTo (Prodege's reference code) does.
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
		.map((key) => `${key}=${parameters[key]}`)
		.join(':');
	// Text is hashed as its UTF-8 bytes, in one call.
	return sha256Base64url(`${secret}:${stringToSign}`);
}
