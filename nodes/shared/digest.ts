import { remembered } from './memo';
import { BASE64URL } from './tagSet';

/**
 * 72-bit digests, as 12 base64url characters: of a dedupe key (digestOf), and of a whole JSON value whatever
 * the order of its object keys (fingerprint). Three 32-bit lanes, each multiplying by its own odd constant and
 * rotating by its own amount, so that each step is a bijection of each lane and the lanes do not collide
 * together; a finish mixes the lanes into one another. Text is read as its UTF-16 code units two at a time,
 * one 32-bit word per step: reading characters costs more than mixing them.
 *
 * Not a cryptographic hash, and it need not be one: a digest only stands for a payload of a delivery the
 * trigger accepted, and a caller able to send a payload that collides with a coming event's could as well
 * send that event itself. SHA-256 cost three times as much.
 */

const SIXES = Array.from(BASE64URL, (character) => character.charCodeAt(0));

/** Seeds of the three lanes. */
const A = 0x243f6a88;
const B = 0x85a308d3;
const C = 0x13198a2e;

/** What a value is, mixed into its lanes, so that "null" and null, or a list and a record, differ. */
const KEY = 1;
const TEXT = 2;
const NUMBER = 3;
const BOOLEAN = 4;
const NULL = 5;
const LIST = 6;
const RECORD = 7;
const FIELD = 8;
const SALT = 9;

const stepA = (a: number, word: number) => {
	const x = Math.imul(a ^ word, 0x9e3779b1);
	return (x << 13) | (x >>> 19);
};
const stepB = (b: number, word: number) => {
	const x = Math.imul(b ^ word, 0x85ebca77);
	return (x << 17) | (x >>> 15);
};
const stepC = (c: number, word: number) => {
	const x = Math.imul(c ^ word, 0xc2b2ae3d);
	return (x << 11) | (x >>> 21);
};

/** Murmur3's finaliser: every bit of the input moves about half of the output bits. */
function avalanche(value: number): number {
	let h = value ^ (value >>> 16);
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	return h ^ (h >>> 16);
}

/** Where the functions below leave the lanes they worked out: read them before the next call. */
const lanes = new Int32Array(3);

function finish(a: number, b: number, c: number): void {
	const x = avalanche(a + Math.imul(b, 0x27d4eb2f));
	const y = avalanche(b ^ x);
	lanes[0] = x;
	lanes[1] = y;
	lanes[2] = avalanche(c + Math.imul(x ^ y, 0x165667b1));
}

/**
 * Mixes a text's UTF-16 code units into lanes, two per step (an odd last one alone), and leaves them in
 * `lanes` unfinished. The pairs are read in a loop of their own: a check for the odd unit on every step cost
 * a tenth of the loop.
 */
function mixUnits(text: string, a: number, b: number, c: number): void {
	const units = text.length;
	const paired = units - (units & 1);
	for (let i = 0; i < paired; i += 2) {
		const word = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
		a = stepA(a, word);
		b = stepB(b, word);
		c = stepC(c, word);
	}
	if (paired < units) {
		const word = text.charCodeAt(paired);
		a = stepA(a, word);
		b = stepB(b, word);
		c = stepC(c, word);
	}
	lanes[0] = a;
	lanes[1] = b;
	lanes[2] = c;
}

/** The lanes of a text of some kind. The length is mixed in first, so a last unit alone differs from it and a zero. */
function textLanes(text: string, kind: number): void {
	mixUnits(text, A ^ text.length, B ^ kind, C);
	finish(lanes[0], lanes[1], lanes[2]);
}

/**
 * A word that says what comes next in a field's stream: its kind (3 bits) and, for a text, its length (V8's
 * texts are shorter than 2^29 units). Each text in a stream is told apart from the next by its length.
 */
const header = (kind: number, units: number) => (kind << 29) | units;

/** Mixes a word into all three lanes, left in `lanes`. */
function mixWord(word: number, a: number, b: number, c: number): void {
	lanes[0] = stepA(a, word);
	lanes[1] = stepB(b, word);
	lanes[2] = stepC(c, word);
}

/** Mixes a scalar (a text, or a number or boolean as its text, or null) into lanes, left in `lanes` unfinished. */
function mixScalar(value: unknown, a: number, b: number, c: number): boolean {
	if (typeof value === 'string') {
		mixWord(header(TEXT, value.length), a, b, c);
		mixUnits(value, lanes[0], lanes[1], lanes[2]);
	} else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
		const text = String(value);
		mixWord(header(typeof value === 'boolean' ? BOOLEAN : NUMBER, text.length), a, b, c);
		mixUnits(text, lanes[0], lanes[1], lanes[2]);
	} else if (typeof value !== 'object' || value === null) {
		mixWord(header(NULL, 0), a, b, c);
	} else {
		return false;
	}
	return true;
}

/**
 * The lanes a field's stream is in after its key, remembered per key: the events of a batch repeat their keys,
 * and reading a text's units is most of a digest's cost. Only keys as short as real ones are kept.
 */
const afterKey = remembered(
	1_000,
	(key: string) => {
		mixWord(header(KEY, key.length), A, B ^ FIELD, C);
		mixUnits(key, lanes[0], lanes[1], lanes[2]);
		return Int32Array.of(lanes[0], lanes[1], lanes[2]);
	},
	{ longestKey: 64 },
);

/**
 * The lanes of one field of a record: its key and its value streamed through one set of lanes and finished
 * once. A list or record value is worked out on its own and its finished lanes are mixed in.
 */
function fieldLanes(key: string, value: unknown): void {
	const keyed = afterKey(key);
	const a = keyed[0];
	const b = keyed[1];
	const c = keyed[2];
	if (!mixScalar(value, a, b, c)) {
		valueLanes(value);
		const x = lanes[0];
		const y = lanes[1];
		const z = lanes[2];
		mixWord(header(Array.isArray(value) ? LIST : RECORD, 0), a, b, c);
		mixWord(x, lanes[0], lanes[1], lanes[2]);
		mixWord(y, lanes[0], lanes[1], lanes[2]);
		mixWord(z, lanes[0], lanes[1], lanes[2]);
	}
	finish(lanes[0], lanes[1], lanes[2]);
}

/**
 * The lanes of a JSON value. A list mixes its elements in order; a record adds up the lanes of its fields
 * (key and value), so that the order its keys came in does not count and no sorting is needed. Recursive:
 * for values at most as deep as the pipeline lets events nest.
 */
function valueLanes(value: unknown): void {
	if (typeof value === 'string') return textLanes(value, TEXT);
	if (typeof value === 'number' || typeof value === 'bigint') return textLanes(String(value), NUMBER);
	if (typeof value === 'boolean') return textLanes(String(value), BOOLEAN);
	if (typeof value !== 'object' || value === null) return textLanes('', NULL);
	if (Array.isArray(value)) {
		let a = A ^ value.length;
		let b = B ^ LIST;
		let c = C;
		for (const element of value) {
			valueLanes(element);
			a = stepA(a, lanes[0]);
			b = stepB(b, lanes[1]);
			c = stepC(c, lanes[2]);
		}
		return finish(a, b, c);
	}
	let fields = 0;
	let sumA = 0;
	let sumB = 0;
	let sumC = 0;
	for (const key of Object.keys(value)) {
		fieldLanes(key, (value as Record<string, unknown>)[key]);
		sumA = (sumA + lanes[0]) | 0;
		sumB = (sumB + lanes[1]) | 0;
		sumC = (sumC + lanes[2]) | 0;
		fields++;
	}
	finish(stepA(A ^ fields, sumA), stepB(B ^ RECORD, sumB), stepC(C, sumC));
}

/** The lanes left by the last call, as 12 base64url characters. */
function written(): string {
	const a = lanes[0];
	const b = lanes[1];
	const c = lanes[2];
	return String.fromCharCode(
		SIXES[a & 63],
		SIXES[(a >>> 6) & 63],
		SIXES[(a >>> 12) & 63],
		SIXES[(a >>> 18) & 63],
		SIXES[(a >>> 24) & 63],
		SIXES[b & 63],
		SIXES[(b >>> 6) & 63],
		SIXES[(b >>> 12) & 63],
		SIXES[(b >>> 18) & 63],
		SIXES[(b >>> 24) & 63],
		SIXES[c & 63],
		SIXES[(c >>> 6) & 63],
	);
}

/** The 72-bit digest of a text. */
export function digestOf(text: string): string {
	textLanes(text, 0);
	return written();
}

/**
 * A salt for fingerprint from the text that names a setting: never 0, and the same for the same text in every
 * build, whatever else the caller's list of settings holds.
 */
export function saltOf(text: string): number {
	textLanes(text, SALT);
	return lanes[0] | 1;
}

/**
 * The 72-bit digest of a JSON value (text, numbers, booleans, null, lists, plain objects), the same whatever
 * order an object's keys are in. A number and its text, or null and "null", differ. A `salt` (from saltOf)
 * tells apart the same value in different settings; 0 is no salt.
 */
export function fingerprint(value: unknown, salt = 0): string {
	valueLanes(value);
	if (salt !== 0) finish(stepA(lanes[0], salt), stepB(lanes[1], salt), stepC(lanes[2], salt));
	return written();
}
