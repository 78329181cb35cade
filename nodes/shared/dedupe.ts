import type { IDataObject } from 'n8n-workflow';

import { digestOf } from './digest';
import { StampedTagSet, TagSet, tagPart } from './tagSet';

export const DEFAULT_DEDUPE_WINDOW = 10_000;
/** Beyond this, each write of static data would pass a megabyte. */
export const MAX_DEDUPE_WINDOW = 100_000;

/**
 * n8n reads a workflow's static data from its database for every webhook call and writes it back whenever
 * it changed, so the window's stored size is paid twice per delivery. Keys are kept as fixed-width
 * digests, oldest first: 12 characters (72 bits) per key, 120 KB for the default 10,000 keys, where the
 * keys themselves as an array and an index took about 1 MB. At 72 bits, the chance that a new event's
 * digest matches one of 10,000 others is about 1 in 10^17. The digests are kept in chunks of 128, so that
 * a delivery changes the newest chunk and the oldest, not one long string.
 */
export const DIGEST_LENGTH = 12;
const CHUNK_LENGTH = 128 * DIGEST_LENGTH;

interface WindowState extends IDataObject {
	capacity: number;
	/** Digests, oldest first, DIGEST_LENGTH characters each, in chunks of at most CHUNK_LENGTH characters. */
	chunks: string[];
}

function isWindowState(value: unknown): value is WindowState {
	const state = value as WindowState | undefined;
	return (
		typeof state === 'object' &&
		state !== null &&
		typeof state.capacity === 'number' &&
		Array.isArray(state.chunks) &&
		state.chunks.every((chunk) => typeof chunk === 'string' && chunk.length % DIGEST_LENGTH === 0)
	);
}

/** Calls `each` with the three parts of every digest in a chunk, and where it starts. */
function forEachDigest(chunk: string, each: (x: number, y: number, z: number, at: number) => void): void {
	for (let at = 0; at + DIGEST_LENGTH <= chunk.length; at += DIGEST_LENGTH) {
		each(tagPart(chunk, at), tagPart(chunk, at + 4), tagPart(chunk, at + 8), at);
	}
}

/**
 * A window as this process knows it: its chunks, and the same digests as a multiset for O(1) look-ups
 * (building one costs about a millisecond for 10,000 keys).
 *
 * n8n reads static data when a call arrives and saves it after the trigger has answered, so the next call
 * often reads it before the save: the keys of the deliveries just before are missing from what it reads.
 * So a window is remembered per workflow and node, and what n8n hands over is merged into it rather than
 * trusted: the digests it holds that this process does not (another process's, in queue mode) are added,
 * except those this process evicted lately, so that neither a stale copy nor another process still holding
 * them brings old keys back at the expense of new ones.
 */
interface Memory {
	capacity: number;
	chunks: string[];
	/** How many digests the chunks hold. */
	held: number;
	/** The same digests, as a multiset for O(1) look-ups. */
	counts: TagSet;
	/** Marks of the chunks this process wrote, in two generations: a copy made of them needs no reading. */
	written: Set<string>;
	writtenBefore: Set<string>;
	/**
	 * The digests evicted lately, at most `capacity`, oldest overwritten first, three parts each. Only a copy
	 * from elsewhere is checked against them, so they are kept as a list, made a set only then.
	 */
	evictedRing: Int32Array;
	evictedNext: number;
	evictedCount: number;
	/** When the window was last left in static data (ms), and keys added since. */
	writtenAt: number;
	unwritten: number;
	/** The array last left in static data: handed back unchanged, it holds nothing new. */
	handedOver?: string[];
}

/**
 * Every change to static data is a database write after the call, competing with the writes of executions:
 * under load, saving the window on every call made SQLite time out on its lock, and executions were lost.
 * A remembered window is the truth for this process, so it is left in static data at most once a second; a
 * quiet trigger still saves on every call. Keys held back this way are written by the next call a second
 * on; a restart before it forgets them, which the Remove Duplicates recipe covers.
 */
const WRITE_INTERVAL_MS = 1000;

const WRITTEN_KEPT = 512;
/** Windows remembered; beyond this, one with nothing left unwritten is forgotten, and never one without. */
const MEMORIES_KEPT = 16;
const MEMORIES_AT_MOST = 256;
/** Scoped windows, most recently used last. */
const memories = new Map<string, Memory>();
/** Windows without a scope, found by their state object. */
const memoryOfState = new WeakMap<WindowState, Memory>();

/**
 * A chunk is a run of digests in the order this process added them, each digest held once: its first and
 * last digests and its length tell it apart, in a few bytes rather than the chunk's 1.5 KB.
 */
const chunkMark = (chunk: string) => `${chunk.slice(0, DIGEST_LENGTH)}${chunk.slice(-DIGEST_LENGTH)}${chunk.length}`;

function remember(memory: Memory, chunk: string): void {
	if (memory.written.size >= WRITTEN_KEPT) {
		memory.writtenBefore = memory.written;
		memory.written = new Set();
	}
	memory.written.add(chunkMark(chunk));
}

function wrote(memory: Memory, chunk: string): boolean {
	const mark = chunkMark(chunk);
	return memory.written.has(mark) || memory.writtenBefore.has(mark);
}

function memoryOf(chunks: string[], capacity: number): Memory {
	const memory: Memory = {
		capacity,
		chunks: [],
		held: 0,
		counts: new TagSet(capacity),
		written: new Set(),
		writtenBefore: new Set(),
		evictedRing: new Int32Array(Math.max(1, capacity) * 3),
		evictedNext: 0,
		evictedCount: 0,
		writtenAt: 0,
		unwritten: 0,
	};
	for (const chunk of chunks) {
		memory.chunks.push(chunk);
		memory.held += chunk.length / DIGEST_LENGTH;
		remember(memory, chunk);
		forEachDigest(chunk, (x, y, z) => memory.counts.add(x, y, z));
	}
	return memory;
}

/** The memory key named last: the same scope string and capacity give the same key string, compared at once. */
let lastKey: { scope: string; capacity: number; key: string } | undefined;

function memoryKey(scope: string, capacity: number): string {
	if (lastKey?.scope !== scope || lastKey.capacity !== capacity) lastKey = { scope, capacity, key: `${scope}\u0000${capacity}` };
	return lastKey.key;
}

/** The window used last: a trigger's deliveries usually follow one another, and it is already the newest. */
let lastUsed: { key: string; memory: Memory } | undefined;

/** The remembered window of a scope, if any. */
function memoryOfScope(key: string): Memory | undefined {
	return key === lastUsed?.key ? lastUsed.memory : memories.get(key);
}

function keepMemory(key: string, memory: Memory): void {
	if (key === lastUsed?.key && memory === lastUsed.memory) return;
	lastUsed = { key, memory };
	memories.delete(key);
	memories.set(key, memory);
	if (memories.size <= MEMORIES_KEPT) return;
	// Forgetting a window with keys not yet in static data would let their repeats through.
	for (const [candidate, held] of memories) {
		if (held.unwritten === 0 && candidate !== key) {
			memories.delete(candidate);
			return;
		}
	}
	if (memories.size > MEMORIES_AT_MOST) {
		const oldest = memories.keys().next().value as string;
		memories.delete(oldest);
		if (oldest === lastUsed?.key) lastUsed = undefined;
	}
}

/** Whether a state holds exactly the chunks a memory has. Newest first: that is where copies differ. */
function mirrors(memory: Memory, chunks: string[]): boolean {
	if (memory.chunks.length !== chunks.length) return false;
	for (let i = chunks.length - 1; i >= 0; i--) if (memory.chunks[i] !== chunks[i]) return false;
	return true;
}

/** The newest `capacity` digests of some chunks, in chunks. */
function newest(chunks: string[], capacity: number): string[] {
	let room = capacity * DIGEST_LENGTH;
	const kept: string[] = [];
	for (let i = chunks.length - 1; i >= 0 && room > 0; i--) {
		const chunk = chunks[i].slice(-room);
		kept.unshift(chunk);
		room -= chunk.length;
	}
	return kept;
}

/**
 * A bounded window of recently seen event keys, kept in a static-data object under `dedupe`. Look-ups and
 * additions are O(1). `scope` names the window across calls (workflow, node, mode); without one, the window
 * is only what the static data holds.
 */
export class DedupeWindow {
	private readonly memory: Memory;
	/** Whether the memory outlives this call: only then may writing to static data wait. */
	private readonly remembered: boolean;
	/** Static data held no usable window: what is left there now must be written over at once. */
	private replaced = false;

	constructor(
		private readonly store: IDataObject,
		capacity: number,
		scope?: string,
	) {
		const existing = store.dedupe as WindowState | undefined;
		const key = scope === undefined ? undefined : memoryKey(scope, capacity);
		let memory = key === undefined ? undefined : memoryOfScope(key);
		let state: WindowState;
		if (memory?.handedOver !== undefined && existing?.chunks === memory.handedOver && existing.capacity === capacity) {
			// What this process left there, unchanged: nothing to check or merge.
			state = existing;
		} else if (isWindowState(existing) && existing.capacity === capacity) {
			state = existing;
		} else {
			// New, or resized: keep the newest keys that still fit. Anything else is started afresh.
			const chunks = isWindowState(existing) && capacity > 0 ? newest(existing.chunks, capacity) : [];
			store.dedupe = { capacity, chunks } satisfies WindowState;
			state = store.dedupe as WindowState;
			this.replaced = true;
		}
		this.remembered = scope !== undefined;

		if (key === undefined) memory = memoryOfState.get(state);
		if (!memory) {
			memory = memoryOf(state.chunks, capacity);
		} else if (state.chunks !== memory.handedOver && !mirrors(memory, state.chunks)) {
			// Not what this process last left there: a copy from the database, maybe with another's keys.
			this.memory = memory;
			this.absorb(state.chunks);
		}
		this.memory = memory;
		if (key === undefined) memoryOfState.set(state, memory);
		else keepMemory(key, memory);
		// n8n saves the replaced window whatever happens next: let it hold what this process knows.
		if (this.replaced && this.remembered) this.place();
	}

	/** The form a key is kept in: work it out once per event, then look it up and keep it under this. */
	static storedKey(key: string): string {
		return digestOf(key);
	}

	has(key: string): boolean {
		return this.holds(digestOf(key));
	}

	add(key: string): void {
		this.keepAll([digestOf(key)]);
	}

	get size(): number {
		return this.memory.held;
	}

	/** `has`, for a key in its stored form. */
	holds(stored: string): boolean {
		return stored.length === DIGEST_LENGTH && this.holdsParts(tagPart(stored, 0), tagPart(stored, 4), tagPart(stored, 8));
	}

	/** `holds`, for a stored key's three parts. */
	holdsParts(x: number, y: number, z: number): boolean {
		return this.memory.counts.has(x, y, z);
	}

	/** `add` for several keys in their stored form: those not yet held are kept, the oldest making room. */
	keepAll(stored: readonly string[]): void {
		const memory = this.memory;
		let added = 0;
		for (const tag of stored) if (tag.length === DIGEST_LENGTH && this.append(tag)) added++;
		if (added === 0) return;
		this.evict();
		memory.unwritten += added;
		const due = Date.now() - memory.writtenAt >= WRITE_INTERVAL_MS;
		if (!this.remembered || this.replaced || due) this.write();
	}

	/** Adds what a copy from n8n holds that this process neither has nor evicted lately. No write: it came from the database. */
	private absorb(chunks: string[]): void {
		const memory = this.memory;
		let evicted: TagSet | undefined;
		let added = false;
		for (const chunk of chunks) {
			if (wrote(memory, chunk)) continue;
			// A digest evicted and then seen again is held, and append passes over it.
			evicted ??= this.lately(memory);
			const recent = evicted;
			forEachDigest(chunk, (x, y, z, at) => {
				if (!recent.has(x, y, z)) added = this.append(chunk.slice(at, at + DIGEST_LENGTH)) || added;
			});
		}
		if (added) this.evict();
	}

	/** The digests evicted lately, as a set. */
	private lately(memory: Memory): TagSet {
		const set = new TagSet(memory.evictedCount);
		const ring = memory.evictedRing;
		for (let i = 0; i < memory.evictedCount * 3; i += 3) set.add(ring[i], ring[i + 1], ring[i + 2]);
		return set;
	}

	private append(tag: string): boolean {
		const { chunks, counts } = this.memory;
		if (!counts.addNew(tagPart(tag, 0), tagPart(tag, 4), tagPart(tag, 8))) return false;
		this.memory.held++;
		const last = chunks.length - 1;
		if (last >= 0 && chunks[last].length < CHUNK_LENGTH) {
			chunks[last] += tag;
			// A chunk grown by 128 appends is a tree of 128 joined strings, five times its flat size, until
			// something reads it: reading one character makes V8 store it flat, once, when it is full.
			if (chunks[last].length === CHUNK_LENGTH) chunks[last].charCodeAt(0);
		} else {
			chunks.push(tag);
		}
		return true;
	}

	/** Evicts the oldest beyond capacity, and notes them as evicted. */
	private evict(): void {
		const memory = this.memory;
		const { chunks, counts } = memory;
		let excess = (memory.held - memory.capacity) * DIGEST_LENGTH;
		while (excess > 0 && chunks.length > 0) {
			const oldest = chunks[0];
			const dropped = Math.min(excess, oldest.length);
			// Read in place: this runs for every event once the window is full.
			for (let at = 0; at < dropped; at += DIGEST_LENGTH) {
				const x = tagPart(oldest, at);
				const y = tagPart(oldest, at + 4);
				const z = tagPart(oldest, at + 8);
				counts.removeOne(x, y, z);
				this.noteEvicted(x, y, z);
			}
			if (dropped === oldest.length) chunks.shift();
			else chunks[0] = oldest.slice(dropped);
			memory.held -= dropped / DIGEST_LENGTH;
			excess -= dropped;
		}
	}

	private noteEvicted(x: number, y: number, z: number): void {
		const memory = this.memory;
		const at = memory.evictedNext * 3;
		memory.evictedRing[at] = x;
		memory.evictedRing[at + 1] = y;
		memory.evictedRing[at + 2] = z;
		const kept = memory.evictedRing.length / 3;
		memory.evictedNext = (memory.evictedNext + 1) % kept;
		memory.evictedCount = Math.min(kept, memory.evictedCount + 1);
	}

	/**
	 * Leaves the window in static data, for n8n to save after the call. Assigned through the store, which n8n
	 * watches for changes, so that the write is seen even on an object this class put there.
	 */
	private write(): void {
		this.place();
		this.memory.writtenAt = Date.now();
		this.memory.unwritten = 0;
	}

	private place(): void {
		const memory = this.memory;
		// Unchanged chunks give marks already remembered: only the changed ones add to the set.
		for (const chunk of memory.chunks) remember(memory, chunk);
		const state: WindowState = { capacity: memory.capacity, chunks: [...memory.chunks] };
		this.store.dedupe = state;
		memory.handedOver = state.chunks;
		if (!this.remembered) memoryOfState.set(state, memory);
	}
}

/**
 * The digests of the delivery being read. Deliveries are read one at a time (nothing waits between the first
 * key looked up and the last), so one table serves them all, and none allocates its own.
 */
const deliveryDigests = new StampedTagSet();

/**
 * The keys of one delivery, in stored form: a key is admitted when neither the window nor an earlier event of
 * the delivery holds it, and the admitted ones are kept in the window together, once the delivery's items are
 * made. A delivery's own keys are looked up as numbers: as strings in a Set, hashing each cost more than the
 * window's look-up. Make one, admit its keys and keep them without waiting on anything in between.
 */
export class DeliveryKeys {
	private readonly earlier: StampedTagSet | undefined;
	/** The shared table's stamp for this delivery: another delivery's keys looked up in between would change it. */
	private readonly use: number = 0;
	private readonly admitted: string[] = [];

	constructor(
		private readonly window: DedupeWindow | undefined,
		events: number,
	) {
		if (events > 1) {
			this.use = deliveryDigests.restart();
			this.earlier = deliveryDigests;
		}
	}

	/** Whether a key (DIGEST_LENGTH characters, as storedKey gives) is new to the window and to the delivery. */
	admit(stored: string): boolean {
		const tag = stored.length === DIGEST_LENGTH ? stored : digestOf(stored);
		const x = tagPart(tag, 0);
		const y = tagPart(tag, 4);
		const z = tagPart(tag, 8);
		if (this.earlier) {
			if (this.earlier.current !== this.use) throw new Error('A delivery\'s keys were looked up while another delivery\'s were');
			if (!this.earlier.addNew(x, y, z)) return false;
		}
		if (!this.window) return true;
		if (this.window.holdsParts(x, y, z)) return false;
		this.admitted.push(tag);
		return true;
	}

	/** Keeps the admitted keys in the window. */
	keep(): void {
		this.window?.keepAll(this.admitted);
	}
}
