/**
 * Property-based fuzzing of a trigger's webhook(): it never throws, answers only statuses its vendor
 * contract allows, emits every valid event of a batch exactly once (a vendor's retry included), never
 * emits an invalid one, never emits anything for a forged caller, refuses batches beyond the vendor's
 * maximum, and never hands out an item with a polluted prototype.
 *
 * Runs per property: FUZZ_RUNS (default 1,000 in `npm test`; `npm run fuzz` raises it). FUZZ_SEED replays
 * a run. When FUZZ_RUNS is set, or FUZZ_REPORT is, each property prints one line with its case count.
 */
import fc from 'fast-check';
import type { IDataObject, INodeType } from 'n8n-workflow';

import { deliver, type Delivery, type NodeSetup, type Observed } from '../helpers/webhook';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const REPORT = process.env.FUZZ_RUNS !== undefined || process.env.FUZZ_REPORT !== undefined;

/** One way a vendor puts events on the wire: a JSON array, a single object, a signed envelope, a form… */
export interface Encoding {
	name: string;
	wrap(events: unknown[]): Delivery;
	/** The most events this encoding carries; 1 for a single object. Unbounded when left out. */
	maxEvents?: number;
}

/**
 * The body of an encoding that carries one event: the event itself. An event that is itself a list is sent
 * as a batch of one, since a list body is a batch; an empty batch is sent as `{}`.
 */
export function oneEvent(events: unknown[]): unknown {
	return Array.isArray(events[0]) ? [events[0]] : (events[0] ?? {});
}

/** A caller without valid proof of origin: no proof, a wrong one, one for other content… */
export interface Forgery {
	name: string;
	/** Applied to a delivery that is otherwise authentic. */
	apply(delivery: Delivery): Delivery;
	/** A node set-up to use instead of the target's, when the forgery lies there (no secret configured…). */
	setup?(): NodeSetup;
}

export interface FuzzTarget {
	name: string;
	node: INodeType;
	/** A setup whose authentication passes when `authenticate` is applied to a delivery. */
	setup: () => NodeSetup;
	/** Adds valid proof of origin (a token, a password, a signature) to a delivery. */
	authenticate: (delivery: Delivery) => Delivery;
	forgeries: Forgery[];
	encodings: Encoding[];
	/** Valid events with unique event keys across a generated batch. */
	validEvent: fc.Arbitrary<IDataObject>;
	/** The event key, as the vendor's documentation defines it: valid events are made distinct by it. */
	uniqueBy: (event: IDataObject) => string;
	/** Events the schema must reject. */
	invalidEvent: fc.Arbitrary<unknown>;
	/** Whether the vendor's schema accepts an event; decides for mutations, which may stay valid. */
	accepts: (event: unknown) => boolean;
	/** How an emitted item is matched back to the event it came from. */
	itemMatches: (item: IDataObject, event: unknown) => boolean;
	/** Every status the vendor contract allows. */
	allowedStatuses: number[];
	/** How many events a generated batch holds at most (20 when left out). */
	batchSize?: number;
	/** The vendor's maximum events per delivery, and the status a delivery beyond it gets. */
	limit?: { events: number; status: number };
	/** The event as the vendor resends it (Optimizely counts `attempt` up); unchanged when left out. */
	resend?: (event: IDataObject) => IDataObject;
	/** A further check of every answer, told whether the caller was authentic. */
	checkAnswer?: (observed: Observed, authentic: boolean) => boolean;
	/** Values that must never come out in an item or an answer: the secret, the password… */
	secrets?: string[];
	/** Properties of the vendor's own, defined inside the target's describe block. */
	more?: (property: PropertyRunner) => void;
}

const hostileKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf');

/** An event as the node receives it: the JSON that was sent, read back. */
export const onTheWire = (event: unknown): unknown => JSON.parse(JSON.stringify(event) ?? 'null') as unknown;

/** Nested objects `depth` levels deep, built without recursion. */
export function nested(depth: number, leaf: unknown = 1): unknown {
	let value = leaf;
	for (let level = 0; level < depth; level++) value = { a: value };
	return value;
}

/** Mutations of a valid event: wrong types, missing fields, extra and hostile fields, big or odd strings. */
export function mutate(valid: fc.Arbitrary<IDataObject>): fc.Arbitrary<unknown> {
	const oddValue = fc.oneof(
		fc.string({ unit: 'grapheme', maxLength: 40 }),
		// Any code point, lone surrogates included (fast-check's 'binary' unit costs 1.5 s to build per file).
		fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((point) => String.fromCodePoint(point)), maxLength: 20 }),
		// Huge strings, built by repetition: generating 20,000 characters one by one is slow.
		fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 5_000, max: 20_000 })).map(([text, length]) =>
			text.repeat(Math.ceil(length / text.length)).slice(0, length),
		),
		fc.integer(),
		fc.double(),
		fc.boolean(),
		fc.constant(null),
		fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
		fc.dictionary(fc.string({ maxLength: 5 }), fc.anything({ maxDepth: 2 }), { maxKeys: 3 }),
		fc.integer({ min: 1, max: 60 }).map((depth) => nested(depth)),
	);
	const extraKey = fc.oneof(hostileKeys, fc.string({ maxLength: 8 }));
	return valid.chain((event) => {
		const keys = Object.keys(event);
		return fc.oneof(
			fc.tuple(fc.constantFrom(...keys), oddValue).map(([key, value]) => ({ ...event, [key]: value })),
			fc.subarray(keys).map((keep) => Object.fromEntries(keep.map((key) => [key, event[key]]))),
			fc.tuple(extraKey, oddValue).map(([key, value]) => {
				const copy: IDataObject = { ...event };
				Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
				return JSON.parse(JSON.stringify(copy)) as unknown;
			}),
			fc.constant(JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(event).slice(1)}`) as unknown),
		);
	});
}

/**
 * Bodies that are not a valid delivery at all. `size: 'max'` lets lengths range up to their maximum:
 * fast-check's default size keeps them to about ten.
 */
export const malformedBody: fc.Arbitrary<Delivery> = fc.oneof(
	fc.string({ maxLength: 200, size: 'max' }).map((text) => ({ rawBody: text, headers: { 'content-type': 'application/json' } })),
	fc.json().map((json) => ({ rawBody: json.slice(0, Math.max(1, json.length - 1)), headers: { 'content-type': 'application/json' } })),
	fc.uint8Array({ maxLength: 200, size: 'max' }).map((bytes) => ({ rawBody: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream' } })),
	fc.constant({ rawBody: '', headers: { 'content-type': 'application/json' } }),
	fc.jsonValue().map((value) => ({ body: value, headers: { 'content-type': 'text/plain' } })),
	fc.dictionary(fc.oneof(hostileKeys, fc.string({ maxLength: 10 })), fc.string({ maxLength: 30, size: 'max' }), { maxKeys: 20, size: 'max' }).map((fields) => ({
		body: fields,
		rawBody: new URLSearchParams(fields).toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
	})),
	fc.jsonValue().map((value) => ({ body: value, headers: { 'content-type': 'application/xml' } })),
	// Deeper than any vendor nests, and deeper than recursive code survives: parsed by n8n all the same.
	fc.integer({ min: 5_000, max: 50_000 }).map((depth) => ({
		rawBody: `${'['.repeat(depth)}${']'.repeat(depth)}`,
		headers: { 'content-type': 'application/json' },
	})),
);

/** Every object reachable from the items has an ordinary prototype, and Object.prototype is untouched. */
export function noPollutedPrototype(items: IDataObject[] | undefined): boolean {
	if (({} as IDataObject).polluted !== undefined) return false;
	const stack: unknown[] = [...(items ?? [])];
	let visited = 0;
	while (stack.length > 0 && visited++ < 5_000) {
		const value = stack.pop();
		if (typeof value !== 'object' || value === null) continue;
		const prototype = Object.getPrototypeOf(value) as unknown;
		if (Array.isArray(value)) {
			if (prototype !== Array.prototype) return false;
			stack.push(...value);
		} else {
			if (prototype !== Object.prototype && prototype !== null) return false;
			stack.push(...Object.values(value));
		}
	}
	return true;
}

const DEEP = '\u0000deep\u0000';

/**
 * Puts a value nested `depth` levels deep where the placeholder stands in a delivery's JSON. The JSON is
 * written as text: JSON.stringify gives up long before n8n's JSON.parse does.
 */
function deepen(delivery: Delivery, depth: number): Delivery {
	const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
	const placeholder = JSON.stringify(DEEP);
	const swap = (text: string) => text.split(placeholder).join(deep);
	const type = delivery.headers?.['content-type'] ?? 'application/json';
	if (type.startsWith('application/x-www-form-urlencoded') && isPlainRecord(delivery.body)) {
		const fields = Object.fromEntries(Object.entries(delivery.body).map(([name, value]) => [name, typeof value === 'string' ? swap(value) : value]));
		return { ...delivery, body: fields, rawBody: new URLSearchParams(fields as Record<string, string>).toString() };
	}
	const raw = typeof delivery.rawBody === 'string' ? delivery.rawBody : JSON.stringify(delivery.body);
	return { ...delivery, body: undefined, rawBody: swap(raw) };
}

const isPlainRecord = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

interface Figures {
	properties: number;
	cases: number;
	failures: number;
}

/** Runs one property, prints its case count when asked to, and fails the test with fast-check's report. */
async function holds<T>(
	trigger: string,
	figures: Figures,
	title: string,
	arbitrary: fc.Arbitrary<T>,
	predicate: (value: T) => Promise<boolean>,
	runs = RUNS,
): Promise<void> {
	const details = await fc.check(fc.asyncProperty(arbitrary, predicate), { numRuns: runs, seed: SEED });
	const failures = details.failed ? 1 : 0;
	figures.properties++;
	figures.cases += details.numRuns;
	figures.failures += failures;
	if (REPORT) {
		process.stdout.write(`fuzz | ${trigger} | ${title} | ${details.numRuns} cases | ${failures} failures | seed ${details.seed}\n`);
	}
	if (details.failed) throw new Error(await fc.asyncDefaultReportMessage(details));
}

/** Vendor-specific properties use this, so that they are counted and reported like the shared ones. */
export type PropertyRunner = <T>(title: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<boolean>, runs?: number) => Promise<void>;

/** Defines the fuzz properties for one trigger as jest tests. */
export function fuzzTrigger(target: FuzzTarget): void {
	const batchSize = target.batchSize ?? 20;
	const allowed = new Set(target.allowedStatuses);
	const figures: Figures = { properties: 0, cases: 0, failures: 0 };
	const property: PropertyRunner = (title, arbitrary, predicate, runs) =>
		holds(target.name, figures, title, arbitrary, predicate, runs);
	const run = (delivery: Delivery, setup = target.setup()) => deliver(target.node, setup, delivery);
	const answerOk = (result: Observed, authentic: boolean) =>
		allowed.has(result.status ?? 200) && (target.checkAnswer?.(result, authentic) ?? true);
	const encoding = fc.constantFrom(...target.encodings);

	describe(`${target.name}: fuzzing (${RUNS} cases per property)`, () => {
		afterAll(() => {
			if (REPORT) {
				process.stdout.write(
					`fuzz | ${target.name} | total | ${figures.properties} properties | ${figures.cases} cases | ${figures.failures} failures\n`,
				);
			}
		});

		it('never throws on malformed bodies, and answers only allowed statuses', async () => {
			await property('malformed bodies', malformedBody, async (body) => {
				const result = await run(target.authenticate(body));
				// A malformed body may still decode into something valid-looking; its items must be clean.
				return answerOk(result, true) && noPollutedPrototype(result.items);
			});
		});

		it('emits every valid event of a mixed batch exactly once, no invalid one, and nothing again on a resend', async () => {
			const half = Math.max(1, Math.floor(batchSize / 2));
			const batch = fc.tuple(
				encoding,
				fc.uniqueArray(target.validEvent, { selector: target.uniqueBy, maxLength: half }),
				fc.array(fc.oneof(target.invalidEvent, mutate(target.validEvent)), { maxLength: half }),
				fc.infiniteStream(fc.boolean()),
			);
			await property('mixed batches', batch, async ([how, validEvents, others, coin]) => {
				const mixed: unknown[] = [...validEvents];
				// A mutated event that is still valid and keyed like one of the valid events (an id differing only in
				// case, say) is that event again: whichever comes first is emitted. Such pairs are left out here.
				const validKeys = new Set(validEvents.map((event) => target.uniqueBy(event)));
				const keyedLikeValid = (other: unknown) => {
					if (!target.accepts(onTheWire(other))) return false;
					try {
						return validKeys.has(target.uniqueBy(other as IDataObject));
					} catch {
						return false;
					}
				};
				const distinct = others.filter((other) => !keyedLikeValid(other));
				for (const other of distinct) mixed.splice(coin.next().value ? 0 : mixed.length, 0, other);
				const sent = mixed.slice(0, how.maxEvents ?? mixed.length);
				const valid = validEvents.filter((event) => sent.includes(event));
				const setup = target.setup();
				const result = await run(target.authenticate(how.wrap(sent)), setup);
				if (!answerOk(result, true) || !noPollutedPrototype(result.items)) return false;
				const items = result.items ?? [];
				// Events are judged as they arrive (Infinity, say, arrives as null).
				const wire = new Map(sent.map((event) => [event, onTheWire(event)]));
				const validWire = valid.map((event) => wire.get(event));
				// Each valid event comes out once; anything else that comes out is an event the schema accepts.
				const once = validWire.every((event) => items.filter((item) => target.itemMatches(item, event)).length === 1);
				const accepted = [...wire.values()].filter((event) => target.accepts(event));
				const noInvalid = items.every((item) => accepted.some((event) => target.itemMatches(item, event)));
				if (!once || !noInvalid || items.length > accepted.length) return false;
				// The vendor resends the same delivery: nothing is emitted twice.
				const resent = sent.map((event) => (valid.includes(event as IDataObject) && target.resend ? target.resend(event as IDataObject) : event));
				const again = await run(target.authenticate(how.wrap(resent)), setup);
				return answerOk(again, true) && (again.items ?? []).every((item) => !validWire.some((event) => target.itemMatches(item, event)));
			});
		});

		it('emits nothing from a batch of invalid events', async () => {
			const batch = fc.tuple(encoding, fc.array(target.invalidEvent, { minLength: 1, maxLength: batchSize, size: 'max' }));
			await property('invalid batches', batch, async ([how, events]) => {
				const sent = events.slice(0, how.maxEvents ?? events.length);
				// The generator itself is checked: an "invalid" event the schema accepts is a test bug.
				if (sent.some((event) => target.accepts(onTheWire(event)))) return false;
				const result = await run(target.authenticate(how.wrap(sent)));
				return result.items === undefined && answerOk(result, true);
			});
		});

		it('never emits for a forged or missing proof of origin', async () => {
			const cases = fc.tuple(encoding, fc.constantFrom(...target.forgeries), fc.array(target.validEvent, { minLength: 1, maxLength: 3 }));
			await property('forged callers', cases, async ([how, forgery, events]) => {
				const sent = events.slice(0, how.maxEvents ?? events.length);
				const result = await run(forgery.apply(target.authenticate(how.wrap(sent))), forgery.setup?.() ?? target.setup());
				return result.items === undefined && answerOk(result, false);
			});
		});

		it('never emits an item with a polluted prototype', async () => {
			await property('hostile keys', fc.tuple(encoding, target.validEvent, fc.boolean()), async ([how, event, alsoNested]) => {
				const nestedToo = alsoNested ? '"details":{"__proto__":{"polluted":true},"list":[{"__proto__":{"polluted":true}}]},' : '';
				const hostile = JSON.parse(
					`{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${nestedToo}${JSON.stringify(event).slice(1)}`,
				) as unknown;
				const result = await run(target.authenticate(how.wrap([hostile])));
				return noPollutedPrototype(result.items) && answerOk(result, true);
			});
		});

		it('never throws on events nested deeper than any vendor nests', async () => {
			const cases = fc.tuple(
				encoding,
				fc.oneof(target.validEvent, mutate(target.validEvent)).filter(isPlainRecord),
				// Mostly just past the kit's bound; now and then past the call stack (about 10,000 frames).
				fc.oneof({ arbitrary: fc.integer({ min: 1_001, max: 2_000 }), weight: 4 }, { arbitrary: fc.integer({ min: 11_000, max: 12_000 }), weight: 1 }),
			);
			await property('deep nesting', cases, async ([how, event, depth]) => {
				// Read with JSON.parse and built without recursion, as n8n reads a body: any depth arrives.
				const result = await run(target.authenticate(deepen(how.wrap([{ ...event, nested: DEEP }]), depth)));
				return answerOk(result, true) && noPollutedPrototype(result.items);
			});
		});

		it('with request metadata on, no item holds a secret or a polluted prototype, whatever the query and headers', async () => {
			const name = fc.oneof(hostileKeys, fc.constantFrom('token', 'x-api-key', 'cookie', 'authorization', 'x-signature', 'signature'), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/));
			const value = fc.oneof(fc.string({ maxLength: 12 }), fc.array(fc.string({ maxLength: 6 }), { minLength: 2, maxLength: 3 }));
			const cases = fc.tuple(encoding, target.validEvent, fc.array(fc.tuple(name, value), { maxLength: 6 }), fc.array(fc.tuple(name, fc.string({ maxLength: 12 })), { maxLength: 6 }));
			await property('request metadata', cases, async ([how, event, queryPairs, headerPairs]) => {
				const delivery = target.authenticate(how.wrap([event]));
				// Own "__proto__" keys, as a parsed query string can hold them; the delivery's own values win.
				const query = JSON.parse(JSON.stringify(Object.fromEntries(queryPairs)).replace(/^\{/, `{"__proto__":["a","b"],`).replace(',}', '}')) as IDataObject;
				const headers = Object.fromEntries(headerPairs) as Record<string, string>;
				const setup = target.setup();
				const options = { ...(setup.parameters?.options as IDataObject | undefined), includeRequestMetadata: true };
				const result = await run(
					{ ...delivery, query: Object.assign(query, delivery.query), headers: { ...headers, ...delivery.headers } },
					{ ...setup, parameters: { ...setup.parameters, options } },
				);
				const shown = JSON.stringify([result.items ?? [], result.body ?? null]);
				return answerOk(result, true) && noPollutedPrototype(result.items) && (target.secrets ?? []).every((secret) => !shown.includes(secret));
			});
		});

		if (target.limit) {
			const { events: most, status } = target.limit;
			it(`refuses a delivery of more than ${most} events with ${status}, and emits none of them`, async () => {
				const batchEncodings = target.encodings.filter((candidate) => candidate.maxEvents === undefined || candidate.maxEvents > 1);
				const cases = fc.tuple(fc.constantFrom(...batchEncodings), target.validEvent, fc.integer({ min: most + 1, max: most + 20 }));
				await property(
					'over the vendor maximum',
					cases,
					async ([how, event, count]) => {
						const result = await run(target.authenticate(how.wrap(Array.from({ length: count }, () => event))));
						return result.status === status && result.items === undefined && answerOk(result, true);
					},
				);
			});
		}

		target.more?.(property);
	});
}
