#!/usr/bin/env node
// The end-to-end half of `npm run bench`: one real n8n on 127.0.0.1 (SQLite) with the packed package, the same
// Optimizely Campaign deliveries sent to our trigger and to n8n's own Webhook node, bare and followed by Split
// Out + Filter. Rounds alternate the variants, rotating their order, and wait for every execution to finish
// before the next variant's round, so one variant's backlog never loads another's. Prints requests/s, events/s,
// answer latency, executions and n8n's memory, ratios taken pair by pair within each round, and n8n's own cost
// per execution (the bare Webhook node's); writes the figures as JSON and the events/s plot as SVG. With
// --compare REV, an earlier commit's build runs beside this one in the same n8n and the same rounds. Nothing
// here passes or fails on timing.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { commandLine } from '../scripts/cli.mjs';
import { LOADS, deployLoad, logDigest, planLoad, residentMb, sampleMemory, sendLoad, summariseAnswers } from '../scripts/load-kit.mjs';
import { DEFAULT_N8N_VERSION, buildAndPack, deployWorkflow, launch, log, stopOnSignals } from '../scripts/n8n/index.mjs';
import { sleep } from '../scripts/n8n/util.mjs';
import { DEFAULT_SVG, writeEventsPlot } from './plot.mjs';

/** Characters per key in the trigger's dedupe window (HASH_LENGTH in nodes/shared/dedupe.ts). */
const HASH_LENGTH = 12;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_JSON = join(ROOT, 'bench', 'results', 'latest-e2e.json');
const BATCHES = [1, 10, 50, 100];
/** The name the --compare build is installed under, beside this one: its node types are `<name>.<node>`. */
const PREVIOUS_PACKAGE = 'n8n-nodes-vendor-webhooks-previous';

const HELP = `Usage: node bench/e2e.mjs [options]   (or: npm run bench -- --only e2e [options])

Starts n8n ${DEFAULT_N8N_VERSION} (SQLite) on 127.0.0.1 with the packed package and sends the same Optimizely Campaign
deliveries (distinct events, batches of 1, 10, 50 and 100) to workflows that answer at once:
  ours       Optimizely Campaign Trigger, default options (dedupe window of 10,000 keys, in static data)
  window0    Optimizely Campaign Trigger with the dedupe window set to 0 (no dedupe across deliveries)
  bare       n8n's Webhook node, POST, answering when received
  split      Webhook -> Split Out (body) -> Filter (type is open or click)
  previous   with --compare REV: the same trigger from commit REV's build (installed beside this one)
The full run adds Prodege single events: our trigger against Webhook -> Code checking the SHA-256 signature.
n8n's cost per execution is the bare Webhook node's wall time per execution at its measured rate (1 / req/s).

  --compare REV         also build commit REV, install it as ${PREVIOUS_PACKAGE} and add the variant
                        previous (the same trigger from that build), rotated with the others in every round

  --quick               2 rounds, fewer deliveries, batches of 1 and 100 only, no Prodege (about 2 minutes)
  --rounds N            rounds per batch size (default 8; 2 with --quick)
  --deliveries N        deliveries per variant per round, for every batch size (default depends on the size)
  --batches LIST        batch sizes (default ${BATCHES.join(',')}; 1,100 with --quick)
  --concurrency N       deliveries in flight (default 4)
  --engine E            N8N_EXPRESSION_ENGINE: legacy (default, as npm run test:load) or vm (n8n 2.41's default)
  --prodege / --no-prodege   include the Prodege comparison (default: on in the full run, off with --quick)
  --no-fill             do not fill our trigger's dedupe window before measuring (default: filled, so that it is
                        measured at its steady size, as in production)
  --window N            our trigger's dedupe window (default: the node's default, 10,000 keys)
  --timeout MINUTES     the whole run's budget (default 10; 2.6 with --quick); rounds that do not fit are left out
  --json FILE           where to write the figures (default bench/results/latest-e2e.json)
  --svg FILE            where to write the plot (default docs/benchmarks/events-per-second.svg)
`;

const { args, fail, number, choice } = commandLine({
	name: 'bench/e2e',
	rerun: 'node bench/e2e.mjs',
	help: HELP,
	options: {
		quick: { type: 'boolean' },
		rounds: { type: 'string' },
		deliveries: { type: 'string' },
		batches: { type: 'string' },
		concurrency: { type: 'string' },
		engine: { type: 'string' },
		prodege: { type: 'boolean' },
		'no-prodege': { type: 'boolean' },
		'no-fill': { type: 'boolean' },
		window: { type: 'string' },
		compare: { type: 'string' },
		timeout: { type: 'string' },
		json: { type: 'string' },
		svg: { type: 'string' },
	},
});

const quick = Boolean(args.quick);
const rounds = number(args.rounds, 'rounds', { min: 1, max: 50 }) ?? (quick ? 2 : 8);
const concurrency = number(args.concurrency, 'concurrency', { min: 1, max: 64 }) ?? 4;
// --quick keeps the two sizes the share and the targets are given for.
const batches = args.batches ? args.batches.split(',').map((b) => number(b.trim(), 'batches', { min: 1, max: 100 })) : quick ? [1, 100] : BATCHES;
const fixedDeliveries = number(args.deliveries, 'deliveries', { min: 1, max: 2000 });
const engine = choice('engine', ['legacy', 'vm']);
const withProdege = args['no-prodege'] ? false : (args.prodege ?? !quick);
const fillWindow = !args['no-fill'];
const windowSize = number(args.window, 'window', { min: 1, max: 100_000 });
const budgetMinutes = args.timeout === undefined ? (quick ? 2.6 : 10) : Number(args.timeout);
if (!(budgetMinutes > 0 && budgetMinutes <= 120)) fail(`--timeout must be from 0 to 120 minutes; got "${args.timeout}"`);
const compareRev = args.compare;
if (compareRev !== undefined && !/^[\w./^~-]{1,100}$/.test(compareRev)) fail(`--compare takes a commit; got "${compareRev}"`);
const jsonFile = args.json ?? DEFAULT_JSON;
const svgFile = args.svg ?? DEFAULT_SVG;

/**
 * Deliveries per variant per round. At about 25 deliveries/s on single events and 900-2,200 events/s on
 * batches (2 cores), each variant's round lasts about 1 s (--quick) or 3-5 s (full): long enough to be more
 * than noise, short enough for the budget.
 */
function deliveriesPerRound(batch) {
	if (fixedDeliveries) return fixedDeliveries;
	const table = quick ? { 1: 24, 10: 16, 50: 12, 100: 10 } : { 1: 100, 10: 80, 50: 40, 100: 30 };
	return table[batch] ?? Math.max(10, Math.round(2000 / batch));
}

const began = Date.now();
const left = () => began + budgetMinutes * 60_000 - Date.now();
const seconds = (ms) => Math.round(ms / 100) / 10;

// ---------------------------------------------------------------------------------------------------------
// Workflows

const OPTIMIZELY = LOADS.optimizely;
/** The partner secret of the load test's Prodege credential, which the Code node checks against too. */
const PRODEGE_SECRET = LOADS.prodege.credentials.prodegeApi.data.secretKey;
/** The event types our trigger subscribes to, and the Filter keeps: the same choice on both sides. */
const EVENT_TYPES = OPTIMIZELY.events;

/** n8n's Webhook node. Its URL is /webhook/<path>; a path of `<id>/webhook` makes it the one deployWorkflow polls. */
function webhookNode() {
	const webhookId = randomUUID();
	return {
		parameters: { httpMethod: 'POST', path: `${webhookId}/webhook`, responseMode: 'onReceived', options: {} },
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId,
	};
}

function chain(name, nodes) {
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { name, nodes: nodes.map((node, i) => ({ ...node, position: [i * 240, 0] })), connections, settings: { executionOrder: 'v1' } };
}

const splitOutNode = {
	parameters: { fieldToSplitOut: 'body', include: 'noOtherFields', options: {} },
	name: 'Split Out',
	type: 'n8n-nodes-base.splitOut',
	typeVersion: 1,
};

/** Keeps the events whose type is one of EVENT_TYPES, as our trigger's Events parameter does. */
const filterNode = {
	parameters: {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: EVENT_TYPES.map((type) => ({
				id: randomUUID(),
				leftValue: '={{ $json.type }}',
				rightValue: type,
				operator: { type: 'string', operation: 'equals' },
			})),
			combinator: 'or',
		},
		options: {},
	},
	name: 'Filter',
	type: 'n8n-nodes-base.filter',
	typeVersion: 2.2,
};

/**
 * Prodege's recipe (nodes/Prodege/signing.ts) by hand: base64url(SHA-256(secret + ":" + the form fields but the
 * signature, as key=value sorted by key and joined by ":")), compared in constant time; then the events.
 */
const PRODEGE_CODE = `const crypto = require('crypto');
const secret = ${JSON.stringify(PRODEGE_SECRET)};
const out = [];
for (const item of $input.all()) {
	const fields = item.json.body || {};
	const toSign = Object.keys(fields)
		.filter((key) => key !== 'signature')
		.sort()
		.map((key) => key + '=' + fields[key])
		.join(':');
	const expected = Buffer.from(crypto.createHash('sha256').update(secret + ':' + toSign, 'utf8').digest('base64url'));
	const given = Buffer.from(String(fields.signature || ''));
	if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new Error('Prodege signature does not match');
	const data = JSON.parse(fields.data);
	for (const event of Array.isArray(data) ? data : [data]) out.push({ json: event });
}
return out;`;

const codeNode = { parameters: { jsCode: PRODEGE_CODE }, name: 'Check Signature', type: 'n8n-nodes-base.code', typeVersion: 2 };

/** A workflow made of n8n nodes only, published; deliveries keep their headers. */
async function deployPlain(api, key, nodes) {
	const deployed = await deployWorkflow(api, chain(`Bench: ${VARIANTS[key].label}`, nodes), { keepWebhookIds: true });
	return { key, workflowId: deployed.id, url: deployed.url, lastId: 0, headers: (headers) => headers, stop: async () => {} };
}

/**
 * Our trigger from the load test's deployment (its example workflow, registered at the mock Optimizely API,
 * which hands back the generated basic-auth pair), with nothing after it. Each deployment has its own pair.
 */
async function deployOptimizely(api, key, options, packageName) {
	const load = { ...OPTIMIZELY, parameters: { options: { allowInsecureUrl: true, ...options } } };
	const deployed = await deployLoad(api, 'optimizely', load, { name: `Bench: ${VARIANTS[key].label}`, removeDuplicates: false, packageName });
	const authorization = `Basic ${Buffer.from(`${deployed.auth.user}:${deployed.auth.password}`).toString('base64')}`;
	return { key, workflowId: deployed.workflowId, url: deployed.url, auth: deployed.auth, lastId: 0, headers: (headers) => ({ ...headers, authorization }), stop: deployed.stop };
}

async function deployProdege(api, key) {
	const deployed = await deployLoad(api, 'prodege', LOADS.prodege, { name: `Bench: ${VARIANTS[key].label}`, removeDuplicates: false });
	return { key, workflowId: deployed.workflowId, url: deployed.url, lastId: 0, headers: (headers) => headers, stop: deployed.stop };
}

/** `plot`: drawn in the SVG; `group`: which deliveries it gets. */
const VARIANTS = {
	ours: {
		label: 'Optimizely Campaign Trigger',
		group: 'optimizely',
		plot: true,
		deploy: (api) => deployOptimizely(api, 'ours', windowSize === undefined ? {} : { dedupeWindow: windowSize }),
	},
	previous: {
		label: `Optimizely Campaign Trigger, build ${compareRev}`,
		group: 'optimizely',
		plot: true,
		deploy: (api) => deployOptimizely(api, 'previous', windowSize === undefined ? {} : { dedupeWindow: windowSize }, PREVIOUS_PACKAGE),
	},
	window0: {
		label: 'Optimizely Campaign Trigger, dedupe window 0',
		group: 'optimizely',
		plot: true,
		deploy: (api) => deployOptimizely(api, 'window0', { dedupeWindow: 0 }),
	},
	bare: { label: 'Webhook (bare)', group: 'optimizely', plot: true, deploy: (api) => deployPlain(api, 'bare', [webhookNode()]) },
	split: {
		label: 'Webhook + Split Out + Filter',
		group: 'optimizely',
		plot: true,
		deploy: (api) => deployPlain(api, 'split', [webhookNode(), splitOutNode, filterNode]),
	},
	prodege: { label: 'Prodege Trigger', group: 'prodege', deploy: (api) => deployProdege(api, 'prodege') },
	code: { label: 'Webhook + Code (signature check)', group: 'prodege', deploy: (api) => deployPlain(api, 'code', [webhookNode(), codeNode]) },
};

/** Pair-by-pair ratios: numerator and denominator variants, the figure, and the issue's target if it has one. */
const RATIOS = [
	{ name: 'ours/bare req/s', of: 'ours', to: 'bare', figure: 'reqPerS', target: (batch) => (batch === 1 ? '>= 0.95' : batch === 100 ? '>= 1.0' : undefined) },
	{ name: 'ours/split events/s', of: 'ours', to: 'split', figure: 'eventsPerS', target: (batch) => (batch === 100 ? '>= 2' : undefined) },
	{ name: 'ours/bare p99', of: 'ours', to: 'bare', figure: 'p99', target: () => '<= 1.1' },
	{ name: 'window0/bare req/s', of: 'window0', to: 'bare', figure: 'reqPerS' },
	{ name: 'window0/split events/s', of: 'window0', to: 'split', figure: 'eventsPerS' },
	{ name: 'window0/bare p99', of: 'window0', to: 'bare', figure: 'p99' },
	{ name: 'ours/window0 req/s', of: 'ours', to: 'window0', figure: 'reqPerS' },
	{ name: 'ours/bare answers/s', of: 'ours', to: 'bare', figure: 'answerReqPerS' },
	{ name: 'ours/previous req/s', of: 'ours', to: 'previous', figure: 'reqPerS' },
	{ name: 'ours/previous events/s', of: 'ours', to: 'previous', figure: 'eventsPerS' },
	{ name: 'ours/previous p99', of: 'ours', to: 'previous', figure: 'p99' },
	{ name: 'prodege/code req/s', of: 'prodege', to: 'code', figure: 'reqPerS' },
	{ name: 'prodege/code p99', of: 'prodege', to: 'code', figure: 'p99' },
];

// ---------------------------------------------------------------------------------------------------------
// Measuring

/** n8n and its task runner (the Code node runs there), found through /proc. */
function n8nPids(pid) {
	const pids = [pid];
	for (let i = 0; i < pids.length && i < 32; i++) {
		try {
			const children = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim();
			if (children) pids.push(...children.split(/\s+/).map(Number));
		} catch {
			// gone, or no /proc children: count what was found
		}
	}
	return pids;
}

const UNFINISHED = new Set(['new', 'running', 'waiting', 'unknown']);

/**
 * The workflow's executions with an id above `afterId`, newest first, paging only as far back as needed.
 * n8n's public API leaves out executions still running, so what it lists has finished.
 */
async function executionsAfter(api, workflowId, afterId) {
	const found = [];
	let cursor;
	for (let page = 0; page < 100; page++) {
		const query = new URLSearchParams({ workflowId: String(workflowId), limit: '250' });
		if (cursor) query.set('cursor', cursor);
		const answer = await api.public('GET', `/executions?${query}`);
		if (answer.status !== 200) throw new Error(`Listing executions of workflow ${workflowId} answered ${answer.status}`);
		let reachedOlder = false;
		for (const execution of answer.data.data) {
			if (Number(execution.id) > afterId) found.push(execution);
			else reachedOlder = true;
		}
		cursor = answer.data.nextCursor;
		if (reachedOlder || !cursor) break;
	}
	return found.filter((execution) => !UNFINISHED.has(execution.status));
}

/**
 * Waits until `expected` executions after `afterId` have finished, polling every 200 ms; gives up after
 * `timeoutMs`, or when none finishes for `stallMs`.
 */
async function settle(api, target, expected, { timeoutMs, stallMs = 20_000, pollMs = 200 }) {
	const start = Date.now();
	let count = -1;
	let progressAt = Date.now();
	let executions = [];
	for (;;) {
		executions = await executionsAfter(api, target.workflowId, target.lastId);
		if (executions.length !== count) {
			count = executions.length;
			progressAt = Date.now();
		}
		const settled = executions.length >= expected;
		if (settled || Date.now() - start > timeoutMs || Date.now() - progressAt > stallMs) {
			const byStatus = {};
			for (const execution of executions) byStatus[execution.status] = (byStatus[execution.status] ?? 0) + 1;
			const stopped = executions.map((execution) => Date.parse(execution.stoppedAt)).filter(Number.isFinite);
			target.lastId = Math.max(target.lastId, ...executions.map((execution) => Number(execution.id)));
			return { settled, count: executions.length, byStatus, lastStoppedAt: stopped.length ? Math.max(...stopped) : undefined, waitedMs: Date.now() - start };
		}
		await sleep(pollMs);
	}
}

/** One variant's round: send, then wait for its executions. */
async function measure(context, target, deliveries, batch, { inFlight = concurrency, pollMs } = {}) {
	const { api, server } = context;
	const prepared = deliveries.map((delivery) => ({ ...delivery, headers: target.headers(delivery.headers) }));
	const memory = sampleMemory(n8nPids(server.pid), 500);
	const start = Date.now();
	const sent = await sendLoad([target.url], prepared, { concurrency: inFlight, timeoutMs: Math.max(5000, Math.min(120_000, left() - 15_000)) });
	const sendEnd = start + sent.ms;
	const answers = summariseAnswers(sent.answers, prepared.length);
	const ok = sent.answers.filter((answer) => answer && answer.status >= 200 && answer.status < 300).length;
	const settled = await settle(api, target, ok, { timeoutMs: Math.max(5000, Math.min(120_000, left() - 5000)), pollMs });
	const rss = memory.stop();
	const events = ok * batch;
	// A variant that answers before n8n has stored its execution can answer faster than n8n executes: the
	// round lasts until the last execution has finished, and the rates are taken over that.
	const wallMs = Math.max(sent.ms, (settled.lastStoppedAt ?? sendEnd) - start);
	return {
		answered: ok,
		planned: prepared.length,
		byStatus: answers.byStatus,
		firstError: answers.firstError,
		events,
		sendMs: sent.ms,
		wallMs,
		reqPerS: ok / (wallMs / 1000),
		eventsPerS: events / (wallMs / 1000),
		answerReqPerS: ok / (sent.ms / 1000),
		p50: answers.ms.p50,
		p99: answers.ms.p99,
		executions: settled.count,
		executionsByStatus: settled.byStatus,
		settled: settled.settled,
		// How long n8n went on executing after the last answer: a backlog the answer rate does not show.
		drainMs: settled.lastStoppedAt ? Math.max(0, settled.lastStoppedAt - sendEnd) : undefined,
		rssPeakMb: rss.peakMb,
	};
}

/**
 * Fresh events for every plan: `offset` moves the simulator's ids past every earlier plan's. Optimizely
 * deliveries carry our trigger's basic-auth pair; the Webhook variants get it too, so every variant gets the
 * same bytes (the window-0 trigger swaps in its own pair, of the same length).
 */
const offsets = { optimizely: 1000, prodege: 1000 };
function plan(group, batch, count) {
	const load = LOADS[group];
	const events = count * batch;
	const planned = planLoad(group, load, { count: events, duplicateRate: 0, seed: 1, batch, offset: offsets[group], auth: group === 'optimizely' ? targets.ours.auth : {} });
	offsets[group] += Math.ceil(events / (group === 'optimizely' ? EVENT_TYPES.length : 1)) + 10;
	return planned.deliveries.map(({ body, headers, query }) => ({ body, headers, query }));
}

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);
const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const spread = (values) => (values.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length } : undefined);

async function runGroup(context, { keys, batch, perRound, roundsWanted, rows }) {
	for (let round = 0; round < roundsWanted; round++) {
		// A round of every variant must fit in what is left, with room for the report.
		const estimate = context.roundEstimateMs.get(`${keys[0]}:${batch}`) ?? 0;
		if (left() < estimate + 20_000) {
			log(`Out of time budget: batch ${batch}, rounds ${round + 1}-${roundsWanted} left out`);
			break;
		}
		const roundStart = Date.now();
		const deliveries = plan(VARIANTS[keys[0]].group, batch, perRound);
		const order = rotate(keys, round);
		const line = [];
		for (const [position, key] of order.entries()) {
			const figures = await measure(context, context.targets[key], deliveries, batch);
			rows.push({ variant: key, batch, round, position, ...figures });
			line.push(`${key} ${Math.round(figures.reqPerS)} req/s ${Math.round(figures.eventsPerS)} ev/s p99 ${figures.p99} ms${figures.settled ? '' : ' (unsettled)'}`);
		}
		context.roundEstimateMs.set(`${keys[0]}:${batch}`, Date.now() - roundStart);
		log(`batch ${batch}, round ${round + 1}/${roundsWanted} (${seconds(Date.now() - roundStart)} s): ${line.join('; ')}`);
	}
}

/** Warms every variant up (JIT, caches, the first SQLite pages), then fills our window to its steady size. */
async function warmUp(context, keys) {
	for (const key of keys) {
		const group = VARIANTS[key].group;
		await measure(context, context.targets[key], plan(group, group === 'optimizely' ? 10 : 1, quick ? 4 : 10), group === 'optimizely' ? 10 : 1);
	}
	if (!fillWindow || !context.targets.ours) return undefined;
	// The previous build's window is filled the same way, so both carry a full window's static data.
	const fills = {};
	for (const key of ['ours', 'previous'].filter((k) => context.targets[k])) fills[key] = await fillOne(context, key);
	return fills;
}

/** Sends 100-event deliveries to `key`, one execution at a time, until its window is full or time is up. */
async function fillOne(context, key) {
	// 10,000 keys is the default window; once full, every delivery's save writes all of it. n8n reads a
	// workflow's static data when a request arrives and writes all of it back after the trigger has answered,
	// so a delivery that arrives before the previous one's write overwrites its keys: the window fills only
	// when each delivery waits for the previous execution to finish.
	const fillStart = Date.now();
	const deadline = fillStart + (quick ? 10_000 : 60_000);
	let events = 0;
	for (let i = 0; i < 100 && Date.now() < deadline; i++) {
		const one = await measure(context, context.targets[key], plan('optimizely', 100, 1), 100, { inFlight: 1, pollMs: 25 });
		events += one.events;
	}
	const window = await staticDataOf(context.api, context.targets[key].workflowId).catch(() => undefined);
	const fill = { events, ms: Date.now() - fillStart, eventsPerS: events / ((Date.now() - fillStart) / 1000), ...window };
	log(`Filled ${key}'s dedupe window: ${fill.events} events in ${seconds(fill.ms)} s, one execution at a time; ${fill.keys ?? 'uncounted'} keys, static data ${fill.staticDataKb} kB`);
	return fill;
}

function summarise(rows) {
	const summary = [];
	const groups = new Map();
	for (const row of rows) {
		const key = `${row.variant}:${row.batch}`;
		if (!groups.has(key)) groups.set(key, []);
		groups.get(key).push(row);
	}
	for (const list of groups.values()) {
		const { variant, batch } = list[0];
		summary.push({
			variant,
			batch,
			rounds: list.length,
			reqPerS: spread(list.map((r) => r.reqPerS)),
			answerReqPerS: spread(list.map((r) => r.answerReqPerS)),
			eventsPerS: spread(list.map((r) => r.eventsPerS)),
			p50: spread(list.map((r) => r.p50)),
			p99: spread(list.map((r) => r.p99)),
			answered: list.reduce((sum, r) => sum + r.answered, 0),
			planned: list.reduce((sum, r) => sum + r.planned, 0),
			executions: list.reduce((sum, r) => sum + r.executions, 0),
			unsettledRounds: list.filter((r) => !r.settled).length,
			drainMs: spread(list.map((r) => r.drainMs).filter((v) => v !== undefined)),
			rssPeakMb: Math.max(...list.map((r) => r.rssPeakMb)),
		});
	}
	return summary;
}

/** Each ratio per round (both variants measured in that round), then median and min-max over rounds. */
function ratios(rows) {
	const out = [];
	const batchesSeen = [...new Set(rows.map((r) => r.batch))].sort((a, b) => a - b);
	for (const ratio of RATIOS) {
		for (const batch of batchesSeen) {
			const values = [];
			for (const round of new Set(rows.filter((r) => r.batch === batch).map((r) => r.round))) {
				const of = rows.find((r) => r.batch === batch && r.round === round && r.variant === ratio.of);
				const to = rows.find((r) => r.batch === batch && r.round === round && r.variant === ratio.to);
				if (of && to && to[ratio.figure] > 0) values.push(of[ratio.figure] / to[ratio.figure]);
			}
			if (values.length) out.push({ name: ratio.name, batch, ...spread(values), target: ratio.target?.(batch) });
		}
	}
	return out;
}

/**
 * n8n's own cost per execution: the bare Webhook node's wall time per execution at its measured rate, per round,
 * in ms. n8n runs an execution's work on one event loop, so at full load this is the loop's time per execution,
 * the same loop webhook() runs on; with more than one core busy it is below n8n's CPU time per execution, which
 * makes the kit's share read high rather than low.
 */
function n8nCost(rows) {
	const out = {};
	for (const batch of [...new Set(rows.map((r) => r.batch))]) {
		const values = rows.filter((r) => r.variant === 'bare' && r.batch === batch && r.reqPerS > 0).map((r) => 1000 / r.reqPerS);
		if (values.length) out[batch] = spread(values);
	}
	return out;
}

/** Whether a ratio's median meets its target ('>= 2', '<= 1.1'). */
function meets(ratio) {
	const [op, bound] = ratio.target.split(' ');
	return op === '>=' ? ratio.median >= Number(bound) : ratio.median <= Number(bound);
}

function table(header, rows) {
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
	const line = (cells) => cells.map((cell, column) => String(cell).padStart(widths[column])).join('  ');
	return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fmt = (value, digits = 0) => (value === undefined ? '-' : value.toFixed(digits));
const range = (s, digits = 0) => (s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}-${fmt(s.max, digits)})` : '-');

function report(results) {
	const lines = [
		'',
		`End to end: n8n ${results.n8nVersion}, SQLite, ${results.engine} expression engine, ${results.cpus} CPUs, concurrency ${results.concurrency}, ` +
			`${results.rounds} rounds per batch size${results.quick ? ' (--quick)' : ''}; every workflow answers when received`,
		'',
		table(
			['variant', 'batch', 'rounds', 'req/s median (min-max)', 'events/s median (min-max)', 'answers/s', 'p50 ms', 'p99 ms', 'answered', 'executions', 'drain ms', 'RSS MB'],
			results.summary.map((s) => [
				s.variant,
				s.batch,
				s.rounds,
				range(s.reqPerS, 1),
				range(s.eventsPerS),
				fmt(s.answerReqPerS?.median, 1),
				fmt(s.p50?.median),
				fmt(s.p99?.median),
				`${s.answered}/${s.planned}`,
				`${s.executions}${s.unsettledRounds ? ` (${s.unsettledRounds} unsettled)` : ''}`,
				fmt(s.drainMs?.median),
				s.rssPeakMb,
			]),
		),
		'',
		"  req/s, events/s: answered deliveries and their events over the round's wall time, from the first request until the",
		'  last answer or the last execution finished, whichever is later; answers/s: deliveries over the time to answer them only;',
		'  p50/p99: answer latency at the client, median over rounds; drain: how long executions went on after the last answer;',
		'  RSS: peak resident memory of n8n and its task runner during the rounds.',
		'',
		'Ratios, pair by pair within each round: median (min-max). Targets are from the issue, for reading, not enforced.',
		'',
		table(
			['ratio', 'batch', 'median', 'min-max', 'rounds', 'target'],
			results.ratios.map((r) => [r.name, r.batch, fmt(r.median, 2), `${fmt(r.min, 2)}-${fmt(r.max, 2)}`, r.n, r.target ? `${r.target} ${meets(r) ? 'met' : 'missed'}` : '']),
		),
		'',
		'End-to-end targets:',
		...results.ratios.filter((r) => r.target).map((r) => `  ${r.name}, batch ${r.batch}: ${fmt(r.median, 2)} (${fmt(r.min, 2)}-${fmt(r.max, 2)}), target ${r.target}: ${meets(r) ? 'met' : 'MISSED'}`),
		'',
		"n8n's own cost per execution (the bare Webhook node's wall time per execution at its measured rate), ms:",
		...Object.entries(results.n8nCost).map(([batch, s]) => `  batch ${batch}: ${range(s, 2)}`),
	];
	if (results.compare) {
		const pairs = results.ratios.filter((r) => r.name.startsWith('ours/previous'));
		lines.push('', `This build against ${results.compare.rev} (${results.compare.packageName}), pair by pair within each round:`);
		for (const r of pairs) lines.push(`  ${r.name}, batch ${r.batch}: ${fmt(r.median, 2)} (${fmt(r.min, 2)}-${fmt(r.max, 2)}), ${r.n} rounds`);
	}
	if (results.window) lines.push('', `Our trigger's static data at the end: ${results.window.staticDataKb} kB (dedupe window ${results.window.keys} keys).`);
	for (const [key, fill] of Object.entries(results.fill ?? {})) {
		lines.push(
			`Before measuring, ${fill.events} events were sent to ${key} one execution at a time (${Math.round(fill.eventsPerS)} events/s), ` +
				`leaving ${fill.keys ?? 'an uncounted number of'} keys and ${fill.staticDataKb} kB of static data.`,
		);
	}
	if (results.digest?.length) lines.push("Most frequent errors in n8n's log:", ...results.digest.map(({ count, line }) => `  ${count} x ${line}`));
	lines.push(`Wall time ${seconds(results.wallMs)} s (n8n ready after ${seconds(results.readyMs)} s).`, '');
	return lines.join('\n');
}

/** Our trigger's static data (the registration and the dedupe window), as n8n stored it. */
async function staticDataOf(api, workflowId) {
	const answer = await api.public('GET', `/workflows/${workflowId}`);
	const data = answer.data?.staticData;
	if (!data) return undefined;
	const text = typeof data === 'string' ? data : JSON.stringify(data);
	const parsed = typeof data === 'string' ? JSON.parse(data) : data;
	// The window keeps one fixed-width hash per key, in one text (nodes/shared/dedupe.ts).
	const windows = Object.values(parsed)
		.map((node) => (typeof node?.dedupe?.keys === 'string' ? node.dedupe.keys.length / HASH_LENGTH : undefined))
		.filter(Number.isFinite);
	// An earlier build's window may be kept in another shape: its keys are then not counted.
	return { staticDataKb: Math.round(Buffer.byteLength(text) / 1024), keys: windows[0] };
}

// ---------------------------------------------------------------------------------------------------------
// Run

let harness;
const targets = {};
const previousDir = compareRev === undefined ? undefined : mkdtempSync(join(tmpdir(), 'nvw-bench-previous-'));
const stopAll = async () => {
	for (const target of Object.values(targets)) await target.stop().catch(() => {});
	if (harness) await harness.stop();
	if (previousDir) rmSync(previousDir, { recursive: true, force: true });
};
stopOnSignals(stopAll);

const rows = [];
let results;
let exitCode = 0;
try {
	// The earlier build, packed under another name so that both install side by side in one n8n.
	const previous = compareRev === undefined ? undefined : await buildAndPack(previousDir, { rev: compareRev, name: PREVIOUS_PACKAGE });
	harness = await launch({
		alsoInstall: previous ? [previous.tarball] : [],
		version: process.env.N8N_VERSION,
		env: {
			EXECUTIONS_DATA_PRUNE: 'false',
			N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'warn',
			N8N_EXPRESSION_ENGINE: engine,
			// The Code node's signature check needs crypto.
			NODE_FUNCTION_ALLOW_BUILTIN: 'crypto',
		},
	});
	const readyMs = Date.now() - began;
	const context = { api: harness.api, server: harness.server, targets, roundEstimateMs: new Map() };
	const optimizelyKeys = ['ours', ...(previous ? ['previous'] : []), 'window0', 'bare', 'split'];
	const prodegeKeys = withProdege ? ['prodege', 'code'] : [];
	for (const key of [...optimizelyKeys, ...prodegeKeys]) targets[key] = await VARIANTS[key].deploy(harness.api);
	log(`n8n ready in ${seconds(readyMs)} s; ${Object.keys(targets).length} workflows published; warming up`);
	const fill = await warmUp(context, Object.keys(targets));
	for (const batch of batches) {
		await runGroup(context, { keys: optimizelyKeys, batch, perRound: deliveriesPerRound(batch), roundsWanted: rounds, rows });
	}
	if (withProdege) await runGroup(context, { keys: prodegeKeys, batch: 1, perRound: deliveriesPerRound(1), roundsWanted: rounds, rows });
	const window = await staticDataOf(harness.api, targets.ours.workflowId).catch(() => undefined);
	results = {
		n8nVersion: harness.server.version,
		engine,
		quick,
		cpus: cpus().length,
		concurrency,
		rounds,
		batches,
		deliveriesPerRound: Object.fromEntries(batches.map((b) => [b, deliveriesPerRound(b)])),
		variants: Object.keys(targets).map((key) => ({ key, label: VARIANTS[key].label, plot: Boolean(VARIANTS[key].plot) })),
		readyMs,
		fill,
		window,
		finalRssMb: n8nPids(harness.server.pid).reduce((sum, pid) => sum + (residentMb(pid) ?? 0), 0),
		compare: previous ? { rev: compareRev, packageName: PREVIOUS_PACKAGE, version: previous.manifest.version } : undefined,
		n8nCost: n8nCost(rows),
		summary: summarise(rows),
		ratios: ratios(rows),
		rows,
	};
} catch (error) {
	log(`bench/e2e failed: ${error.stack ?? error.message}`);
	exitCode = 1;
} finally {
	const logFile = harness?.server.logFile;
	if (harness) await harness.server.stop();
	const digest = logFile ? logDigest(logFile) : [];
	await stopAll();
	if (results) results.digest = digest;
}

if (results) {
	results.wallMs = Date.now() - began;
	mkdirSync(dirname(jsonFile), { recursive: true });
	writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
	const svg = writeEventsPlot(results, svgFile);
	process.stdout.write(report(results));
	process.stdout.write(`Figures: ${jsonFile}\nPlot: ${svg}\n`);
}
process.exit(exitCode);
