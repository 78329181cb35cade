import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

export const DEFAULT_DEDUPE_WINDOW = 10_000;

/**
 * The stored shape: a ring of the most recent keys, oldest overwritten first, and an index for O(1)
 * look-ups. Both are plain JSON so that n8n can keep them in the workflow's static data.
 */
interface WindowState extends IDataObject {
	capacity: number;
	head: number;
	ring: string[];
	index: Record<string, number>;
}

/** Long keys are hashed so the window's size stays bounded; the prefix keeps keys off Object.prototype. */
function storedKey(key: string): string {
	return key.length <= 120 ? `#${key}` : `#sha256:${createHash('sha256').update(key).digest('base64url')}`;
}

function isWindowState(value: unknown): value is WindowState {
	const state = value as WindowState | undefined;
	return (
		typeof state === 'object' &&
		state !== null &&
		typeof state.capacity === 'number' &&
		Array.isArray(state.ring) &&
		typeof state.index === 'object' &&
		state.index !== null &&
		typeof state.head === 'number'
	);
}

/** A bounded window of recently seen event keys, kept in a static-data object under `dedupe`. */
export class DedupeWindow {
	private readonly state: WindowState;

	constructor(store: IDataObject, capacity: number) {
		const existing = store.dedupe;
		if (isWindowState(existing) && existing.capacity === capacity) {
			this.state = existing;
			return;
		}
		// New, or resized: keep the newest keys that still fit, oldest first.
		const kept = isWindowState(existing)
			? [...existing.ring.slice(existing.head), ...existing.ring.slice(0, existing.head)].slice(-capacity)
			: [];
		const state: WindowState = { capacity, head: 0, ring: [], index: {} };
		store.dedupe = state;
		this.state = store.dedupe as WindowState;
		for (const key of kept) this.addStored(key);
	}

	has(key: string): boolean {
		return this.holds(storedKey(key));
	}

	add(key: string): void {
		this.keep(storedKey(key));
	}

	/** The form a key is kept in: look it up and keep it under this, so it is worked out once per event. */
	static storedKey(key: string): string {
		return storedKey(key);
	}

	/** `has`, for a key already in its stored form. */
	holds(stored: string): boolean {
		return Object.prototype.hasOwnProperty.call(this.state.index, stored);
	}

	/** `add`, for a key already in its stored form. */
	keep(stored: string): void {
		if (!this.holds(stored)) this.addStored(stored);
	}

	get size(): number {
		return this.state.ring.length;
	}

	private addStored(stored: string): void {
		const { state } = this;
		if (state.ring.length < state.capacity) {
			state.ring.push(stored);
		} else {
			const evicted = state.ring[state.head];
			delete state.index[evicted];
			state.ring[state.head] = stored;
			state.head = (state.head + 1) % state.capacity;
		}
		state.index[stored] = 1;
	}
}
