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

/**
 * The parameters of a call to Prodege's API, signed: the call's own parameters plus `apik` and
 * `request_date` (ms), and the signature over all of them. A fresh `requestDate` per try, as Prodege
 * refuses old requests.
 */
export function signedParameters(
	apik: string,
	secret: string,
	parameters: Readonly<Record<string, string>>,
	requestDate: number,
): Record<string, string> {
	const signed: Record<string, string> = { ...parameters, apik, request_date: String(requestDate) };
	signed[SIGNATURE_PARAMETER] = prodegeSignature(secret, signed);
	return signed;
}
