/**
 * The dedupe window's look-ups. A window's digests are 12 base64url characters; held as strings in a Map,
 * each look-up hashed a new string and each eviction allocated one, a third of a batched event's cost. Here
 * a digest is three 24-bit numbers (characters 0–3, 4–7 and 8–11) in a flat table with linear probing,
 * which allocates nothing per look-up.
 */

export const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character code → 6-bit value. Static data only holds digests this package wrote; anything else reads as 0. */
const SIX_OF = new Uint8Array(65536);
for (let i = 0; i < BASE64URL.length; i++) SIX_OF[BASE64URL.charCodeAt(i)] = i;

/** The 24-bit number of the four characters of `text` from `at`. */
export function tagPart(text: string, at: number): number {
	return (
		(SIX_OF[text.charCodeAt(at)] << 18) |
		(SIX_OF[text.charCodeAt(at + 1)] << 12) |
		(SIX_OF[text.charCodeAt(at + 2)] << 6) |
		SIX_OF[text.charCodeAt(at + 3)]
	);
}

/** Slots per digest: its three parts, then how many times it is held (0: the slot is empty). */
const STRIDE = 4;

/** The first slot a digest is looked for in, in a table of `mask + 1` slots. The parts are hash bits already. */
const homeSlot = (x: number, y: number, mask: number) => (x ^ (y << 5)) & mask;

/** A multiset of digests, each given as its three parts. */
export class TagSet {
	private slots: Int32Array;
	private mask: number;
	/** Distinct digests held. */
	size = 0;

	constructor(expected = 0) {
		let slots = 16;
		while (slots < expected * 2) slots *= 2;
		this.slots = new Int32Array(slots * STRIDE);
		this.mask = slots - 1;
	}

	/** The slot holding the digest, or the empty slot where it would go. At most half the slots are taken, so one is found. */
	private slotOf(x: number, y: number, z: number): number {
		const { slots, mask } = this;
		let slot = homeSlot(x, y, mask);
		for (;;) {
			const at = slot * STRIDE;
			if (slots[at + 3] === 0 || (slots[at] === x && slots[at + 1] === y && slots[at + 2] === z)) return slot;
			slot = (slot + 1) & mask;
		}
	}

	has(x: number, y: number, z: number): boolean {
		return this.slots[this.slotOf(x, y, z) * STRIDE + 3] !== 0;
	}

	/** Adds the digest if it is not held; true when it was added. One look-up, which add would repeat. */
	addNew(x: number, y: number, z: number): boolean {
		const at = this.slotOf(x, y, z) * STRIDE;
		return this.slots[at + 3] === 0 && this.fill(at, x, y, z, 1);
	}

	/** Adds one of the digest (or `times`); true when it was not held before. */
	add(x: number, y: number, z: number, times = 1): boolean {
		const at = this.slotOf(x, y, z) * STRIDE;
		if (this.slots[at + 3] !== 0) {
			this.slots[at + 3] += times;
			return false;
		}
		return this.fill(at, x, y, z, times);
	}

	/** Puts a digest in the empty slot at `at`, growing the table once it is half full. */
	private fill(at: number, x: number, y: number, z: number, times: number): true {
		this.slots[at] = x;
		this.slots[at + 1] = y;
		this.slots[at + 2] = z;
		this.slots[at + 3] = times;
		this.size++;
		if (this.size * 2 > this.mask + 1) this.grow();
		return true;
	}

	/** Removes one of the digest, if held. */
	removeOne(x: number, y: number, z: number): void {
		const { slots, mask } = this;
		let hole = this.slotOf(x, y, z);
		const count = slots[hole * STRIDE + 3];
		if (count === 0) return;
		if (count > 1) {
			slots[hole * STRIDE + 3] = count - 1;
			return;
		}
		this.size--;
		// Backward shift: later digests of the run move into the hole when their home is not after it, so
		// that every digest stays reachable from its home without tombstones.
		let slot = hole;
		for (;;) {
			slot = (slot + 1) & mask;
			const at = slot * STRIDE;
			if (slots[at + 3] === 0) break;
			const home = homeSlot(slots[at], slots[at + 1], mask);
			if (((slot - home) & mask) >= ((slot - hole) & mask)) {
				slots.copyWithin(hole * STRIDE, at, at + STRIDE);
				hole = slot;
			}
		}
		slots.fill(0, hole * STRIDE, hole * STRIDE + STRIDE);
	}

	private grow(): void {
		const old = this.slots;
		this.slots = new Int32Array(old.length * 2);
		this.mask = this.slots.length / STRIDE - 1;
		this.size = 0;
		for (let at = 0; at < old.length; at += STRIDE) {
			if (old[at + 3] !== 0) this.add(old[at], old[at + 1], old[at + 2], old[at + 3]);
		}
	}
}

/** Slots a stamped set starts with, and the most it keeps from one use to the next (64 KB). */
const SMALLEST_STAMPED = 256;
const LARGEST_KEPT = 4096;

/**
 * A set of digests for one short use at a time (one delivery's keys), used again without being cleared: a slot
 * is taken only when it bears the current use's stamp. Nothing is ever removed.
 */
export class StampedTagSet {
	private slots = new Int32Array(SMALLEST_STAMPED * STRIDE);
	private mask = SMALLEST_STAMPED - 1;
	/** The current use's stamp: never 0, which marks a slot never taken. */
	private stamp = 1;
	private size = 0;

	/** Empties the set, for the next use, and gives that use's stamp. A table grown large is let go. */
	restart(): number {
		this.size = 0;
		if (this.mask + 1 > LARGEST_KEPT) {
			this.slots = new Int32Array(SMALLEST_STAMPED * STRIDE);
			this.mask = SMALLEST_STAMPED - 1;
			this.stamp = 0;
		} else if (this.stamp === 0x7fffffff) {
			this.slots.fill(0);
			this.stamp = 0;
		}
		return ++this.stamp;
	}

	/** The current use's stamp. */
	get current(): number {
		return this.stamp;
	}

	/** Adds the digest if it is not held; true when it was added. */
	addNew(x: number, y: number, z: number): boolean {
		const { slots, mask, stamp } = this;
		let slot = homeSlot(x, y, mask);
		for (;;) {
			const at = slot * STRIDE;
			if (slots[at + 3] !== stamp) {
				slots[at] = x;
				slots[at + 1] = y;
				slots[at + 2] = z;
				slots[at + 3] = stamp;
				if (++this.size * 2 > mask + 1) this.grow();
				return true;
			}
			if (slots[at] === x && slots[at + 1] === y && slots[at + 2] === z) return false;
			slot = (slot + 1) & mask;
		}
	}

	/** Doubles the table, keeping the current use's digests under the same stamp (a new table holds no other). */
	private grow(): void {
		const old = this.slots;
		const { stamp } = this;
		this.slots = new Int32Array(old.length * 2);
		this.mask = this.slots.length / STRIDE - 1;
		this.size = 0;
		for (let at = 0; at < old.length; at += STRIDE) {
			if (old[at + 3] === stamp) this.addNew(old[at], old[at + 1], old[at + 2]);
		}
	}
}
