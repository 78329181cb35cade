import { randomBytes } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { sha256Base64url } from './secure';

export const DEFAULT_DEDUPE_WINDOW = 10_000;
/** Beyond this, each write of static data would pass a megabyte. */
export const MAX_DEDUPE_WINDOW = 100_000;

/**
 * n8n reads a workflow's static data from its database for every call and writes it back when it changed,
 * so a window keeps short hashes of its keys, all of one width, rather than the keys: 72 bits of SHA-256,
 * where the chance that a new key matches one of 10,000 others is about 1 in 10^17.
 */
export const HASH_LENGTH = 12;

export function shortHash(text: string): string {
	return sha256Base64url(text).slice(0, HASH_LENGTH);
}

/** JSON with sorted keys, so that the same value always gives the same text. */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

/** A window as kept in static data, under `dedupe`. */
interface WindowState extends IDataObject {
	capacity: number;
	/** The hashes, HASH_LENGTH characters each, oldest first. */
	keys: string;
	/** The window in memory that wrote this, and how many keys it had added by then. */
	writer: string;
	added: number;
}

function isWindowState(value: unknown): value is WindowState {
	const state = value as WindowState | undefined;
	return (
		typeof state?.capacity === 'number' &&
		typeof state.keys === 'string' &&
		state.keys.length % HASH_LENGTH === 0 &&
		typeof state.writer === 'string' &&
		typeof state.added === 'number'
	);
}

const hashesOf = (keys: string) => Array.from({ length: keys.length / HASH_LENGTH }, (_, i) => keys.slice(i * HASH_LENGTH, (i + 1) * HASH_LENGTH));

/**
 * A window as this process knows it. n8n reads static data when a call arrives and saves it after the
 * trigger has answered, so a call often reads it before the previous call's save: this process's own copy
 * is the truth, and static data only brings in what other processes (queue mode) added since it last read
 * theirs. A window appends keys and evicts the oldest, so what a writer added since is the end of its list,
 * and a stale copy holds nothing past what was read of it already.
 */
interface Memory {
	id: string;
	capacity: number;
	/** Hashes, oldest first. */
	keys: Set<string>;
	/** Keys ever appended to the newest end, own or taken in. */
	added: number;
	/** Other writers' `added`, as last taken in. */
	readFrom: Map<string, number>;
	writtenAt: number;
	/** Keys added since the last write. */
	unwritten: number;
}

/**
 * Each write of static data is a database write after the call: under load, writing on every call made
 * SQLite time out on its lock. So a window remembered in memory is written at most once a second; a quiet
 * trigger still writes on every call.
 */
const WRITE_INTERVAL_MS = 1000;
/** Windows remembered; beyond this, one with nothing unwritten is forgotten, and never one without. */
const MEMORIES_KEPT = 16;
const MEMORIES_AT_MOST = 256;
const WRITERS_KEPT = 64;
/** Scoped windows, most recently used last. */
const memories = new Map<string, Memory>();

function remember(scope: string, memory: Memory): void {
	memories.delete(scope);
	memories.set(scope, memory);
	if (memories.size <= MEMORIES_KEPT) return;
	// Forgetting a window with keys not yet in static data would let their repeats through.
	const idle = [...memories].find(([other, held]) => other !== scope && held.unwritten === 0);
	if (idle) memories.delete(idle[0]);
	else if (memories.size > MEMORIES_AT_MOST) memories.delete(memories.keys().next().value as string);
}

/**
 * A bounded window of recently seen event keys, kept in a static-data object under `dedupe`. `scope` names
 * the window across calls (workflow, node, mode); without one, the window is only what static data holds.
 */
export class DedupeWindow {
	private readonly memory: Memory;

	constructor(
		private readonly store: IDataObject,
		capacity: number,
		private readonly scope?: string,
	) {
		const remembered = scope === undefined ? undefined : memories.get(scope);
		this.memory = remembered ?? { id: randomBytes(9).toString('base64url'), capacity, keys: new Set(), added: 0, readFrom: new Map(), writtenAt: 0, unwritten: 0 };
		const state = store.dedupe;
		// Another writer's (another process, or this one before a restart): take in what it added since last read.
		// A window of an older version's shape is not read, and is written over.
		if (isWindowState(state) && state.writer !== this.memory.id) this.takeIn(state);
		this.memory.capacity = capacity;
		this.evict();
		if (scope !== undefined) remember(scope, this.memory);
	}

	has(key: string): boolean {
		return this.memory.keys.has(shortHash(key));
	}

	get size(): number {
		return this.memory.keys.size;
	}

	/** Keeps the keys not yet held, the oldest making room. */
	add(keys: Iterable<string>): void {
		const memory = this.memory;
		const before = memory.unwritten;
		for (const key of keys) if (this.append(shortHash(key))) memory.unwritten++;
		if (memory.unwritten === before) return;
		this.evict();
		if (this.scope === undefined || Date.now() - memory.writtenAt >= WRITE_INTERVAL_MS) this.write();
	}

	/** Takes in what another writer added since this process last read its window. No write: it came from there. */
	private takeIn(state: WindowState): void {
		const memory = this.memory;
		const known = memory.readFrom.get(state.writer);
		if (known !== undefined && known >= state.added) return;
		const hashes = hashesOf(state.keys);
		if (known === undefined) {
			// Of unknown age, so older than anything held: they may be keys this process evicted, and must not
			// push out newer ones.
			memory.keys = new Set([...hashes.filter((hash) => !memory.keys.has(hash)), ...memory.keys]);
		} else {
			for (const hash of hashes.slice(-(state.added - known))) this.append(hash);
		}
		memory.readFrom.delete(state.writer);
		memory.readFrom.set(state.writer, state.added);
		if (memory.readFrom.size > WRITERS_KEPT) memory.readFrom.delete(memory.readFrom.keys().next().value as string);
	}

	private append(hash: string): boolean {
		const memory = this.memory;
		if (memory.keys.has(hash)) return false;
		memory.keys.add(hash);
		memory.added++;
		return true;
	}

	private evict(): void {
		const { keys, capacity } = this.memory;
		for (const oldest of keys) {
			if (keys.size <= capacity) break;
			keys.delete(oldest);
		}
	}

	/** Assigned through the store, which n8n watches for changes. */
	private write(): void {
		const memory = this.memory;
		this.store.dedupe = { capacity: memory.capacity, keys: [...memory.keys].join(''), writer: memory.id, added: memory.added } satisfies WindowState;
		memory.writtenAt = Date.now();
		memory.unwritten = 0;
	}
}
