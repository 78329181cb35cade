import * as crypto from 'crypto';
import { createHash, timingSafeEqual } from 'crypto';

import { remembered } from './memo';

/** Node 20.12 and later hash in one call, several times faster than a Hash object for short texts. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'base64url') => string }).hash;

/** SHA-256 of a text (as UTF-8) or bytes, base64url: for vendor signatures; safeEqual compares secrets through it too. */
export function sha256Base64url(value: string | Buffer): string {
	return oneShotHash ? oneShotHash('sha256', value, 'base64url') : createHash('sha256').update(value).digest('base64url');
}

/** The outcome of a check: it never throws, and says why it failed. */
export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * SHA-256 of a value, as the bytes of its base64url text: for short texts, the one-shot hash to base64url
 * and back to bytes is twice as fast as a Hash object, and as the one-shot hash straight to a Buffer.
 */
const digest = (value: string | Buffer): Buffer => Buffer.from(sha256Base64url(value), 'latin1');

/**
 * Digests of the expected secrets, which are the same for every delivery to a trigger: hashing them once
 * halves the cost of a check. Bounded, since credentials change.
 */
const expectedTextDigest = remembered(64, (expected: string) => digest(expected));

function expectedDigest(expected: string | Buffer): Buffer {
	return typeof expected === 'string' ? expectedTextDigest(expected) : digest(expected);
}

/** The received side's digest, written here rather than into a new Buffer per comparison (which is synchronous). */
const receivedDigest = Buffer.alloc(43);

/**
 * Compares two secrets in constant time. Both sides are hashed first, so the comparison takes the same
 * time whatever their lengths, and the length of the secret does not leak.
 */
export function safeEqual(received: string | Buffer, expected: string | Buffer): boolean {
	return matchesDigest(received, expectedDigest(expected));
}

function matchesDigest(received: string | Buffer, known: Buffer): boolean {
	receivedDigest.write(sha256Base64url(received), 0, 'latin1');
	return timingSafeEqual(receivedDigest, known);
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
	// A signature is new with every delivery: its digest is not remembered.
	return matchesDigest(received, digest(expected))
		? { ok: true }
		: { ok: false, reason: 'the signature does not match' };
}
