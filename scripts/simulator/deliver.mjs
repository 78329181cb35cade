// Turns a vendor, an event and counts into a list of HTTP deliveries, and sends them to one URL.
export const LIMITS = { maxCount: 10000, maxConcurrency: 32, requestTimeoutMs: 30000 };

/** A small seeded generator (mulberry32), so a run with the same --seed sends the same deliveries. */
function random(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * The events to send, in order: `count` events cycling through the selected examples, each one distinct, except
 * that with probability `duplicateRate` an event is a redelivery of one already sent. `offset` starts the ids
 * that many rounds on, so a later run does not resend an earlier run's events.
 */
export function planEvents(vendor, exampleNames, { count, duplicateRate = 0, seed = 1, offset = 0 }) {
	const next = random(seed);
	const events = [];
	let fresh = 0;
	for (let i = 0; i < count; i++) {
		if (events.length > 0 && duplicateRate > 0 && next() < duplicateRate) {
			const original = events[Math.floor(next() * events.length)];
			const again = vendor.redeliver ? vendor.redeliver(original.event) : structuredClone(original.event);
			events.push({ name: original.name, event: again, duplicate: true });
			continue;
		}
		const name = exampleNames[fresh % exampleNames.length];
		// The first round sends the examples exactly as published; later rounds (and --offset) get fresh ids.
		const round = offset + Math.floor(fresh / exampleNames.length);
		events.push({ name, event: vendor.fresh(vendor.events[name], round), duplicate: false });
		fresh++;
	}
	return events;
}

/** Groups events into deliveries of `batch` events, encoded and authenticated as the vendor sends them. */
export function planDeliveries(vendor, events, options) {
	const batch = Math.max(1, options.batch ?? 1);
	const deliveries = [];
	for (let i = 0; i < events.length; i += batch) {
		const slice = events.slice(i, i + batch);
		const request = vendor.encode(
			slice.map(({ event }) => event),
			options,
		);
		deliveries.push({ ...request, events: slice.map(({ name, duplicate }) => ({ name, duplicate })) });
	}
	return deliveries;
}

export function targetUrl(url, query) {
	const target = new URL(url);
	for (const [name, value] of Object.entries(query ?? {})) target.searchParams.set(name, value);
	return target;
}

async function sendOne(url, delivery, deadline) {
	const target = targetUrl(url, delivery.query);
	const started = Date.now();
	const timeout = Math.max(1, Math.min(LIMITS.requestTimeoutMs, deadline - Date.now()));
	try {
		const response = await fetch(target, {
			method: 'POST',
			headers: delivery.headers,
			body: delivery.body,
			signal: AbortSignal.timeout(timeout),
			redirect: 'manual',
		});
		const text = await response.text();
		let body = text;
		try {
			body = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: response.status, body, ms: Date.now() - started };
	} catch (error) {
		const reason = error.name === 'TimeoutError' ? `no answer within ${Math.round(timeout / 1000)} s` : (error.cause?.message ?? error.message);
		return { status: 0, body: null, error: reason, ms: Date.now() - started };
	}
}

/**
 * Sends the deliveries to `url` only, at most `concurrency` at a time, and stops starting new ones once
 * `timeoutMs` has passed. Calls `onAnswer(index, delivery, answer)` as answers come in.
 */
export async function sendAll(url, deliveries, { concurrency = 1, timeoutMs = 120000, onAnswer = () => {} } = {}) {
	const deadline = Date.now() + timeoutMs;
	const answers = new Array(deliveries.length);
	let nextIndex = 0;
	async function worker() {
		while (nextIndex < deliveries.length && Date.now() < deadline) {
			const index = nextIndex++;
			answers[index] = await sendOne(url, deliveries[index], deadline);
			onAnswer(index, deliveries[index], answers[index]);
		}
	}
	const workers = Math.max(1, Math.min(concurrency, LIMITS.maxConcurrency, deliveries.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return answers;
}
