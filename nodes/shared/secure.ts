import { createHash, timingSafeEqual } from 'crypto';

/** SHA-256 of a text (as UTF-8) or bytes, base64url: for vendor signatures; safeEqual compares secrets through it too. */
export function sha256Base64url(value: string | Buffer): string {
	return createHash('sha256').update(value).digest('base64url');
}

/** The outcome of a check: it never throws, and says why it failed. */
export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Compares two secrets in constant time. Both sides are hashed first, so the comparison takes the same
 * time whatever their lengths, and the length of the secret does not leak.
 */
export function safeEqual(received: string | Buffer, expected: string | Buffer): boolean {
	return timingSafeEqual(Buffer.from(sha256Base64url(received)), Buffer.from(sha256Base64url(expected)));
}

/**
 * Verifies a vendor signature. `computeExpected` builds the signature the vendor should have sent; if it
 * throws (bad input, say), the verdict is a failure with the reason, never an exception.
 */
export function verifySignature(received: unknown, computeExpected: () => string): Verdict {
	if (typeof received !== 'string' || received.length === 0) {
		return { ok: false, reason: 'the signature is missing' };
	}
	let expected: string;
	try {
		expected = computeExpected();
	} catch (error) {
		return { ok: false, reason: `the signature could not be computed: ${(error as Error).message}` };
	}
	return safeEqual(received, expected) ? { ok: true } : { ok: false, reason: 'the signature does not match' };
}
