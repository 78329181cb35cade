// Load with retries against a real n8n, shared by `npm run test:load` (one n8n process) and `npm run test:queue`
// (n8n queue mode): per trigger, a workflow Trigger → Remove Duplicates, vendor-style deliveries with repeats
// sent at a set concurrency, and the count of what n8n's executions emitted.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';


import { commandLine } from './cli.mjs';
import { REPO_ROOT, deployWorkflow, log } from './n8n/index.mjs';
import { startMock } from './n8n/mocks.mjs';
import { sleep } from './n8n/util.mjs';
import { planDeliveries, planEvents, targetUrl } from './simulator/deliver.mjs';
import { findVendor, selectExamples } from './simulator/vendors.mjs';
import { perVendor } from './vendors.mjs';

export const LIMITS = { maxCount: 10_000, maxConcurrency: 200, requestTimeoutMs: 30_000 };

// Load secrets: n8n listens on 127.0.0.1 only.
const TOKEN = 'load-webhook-token-7be0c4';
const PRODEGE_SECRET = 'load-prodege-secret-91d3';
const tokenCredential = (name) => ({ webhookSharedSecretApi: { name, data: { secret: TOKEN, location: 'query', name: 'token' } } });

/**
 * One load per vendor of vendors.json, by id: the examples the simulator sends, the credentials, the mock API it
 * registers with (if any), and how deliveries are encoded and authenticated. Its title and example workflow come
 * from the list. Optimizely resends with `attempt` + 1 and Prodege resends identical deliveries
 * (scripts/simulator/vendors.mjs).
 */
const VENDOR_LOADS = {
	personaclick: {
		events: 'all',
		credentials: tokenCredential('Personaclick load token'),
		encode: { secret: TOKEN },
	},
	optimizely: {
		// The example workflow subscribes to these two types.
		events: ['open', 'click'],
		mock: 'optimizely',
		parameters: { options: { allowInsecureUrl: true } },
		encode: {},
	},
	qixol: {
		events: 'all',
		credentials: tokenCredential('Qixol Promo load token'),
		encode: { secret: TOKEN, format: 'json' },
	},
	sendpulse: {
		events: ['automation'],
		credentials: tokenCredential('SendPulse load token'),
		encode: { secret: TOKEN },
	},
	prodege: {
		events: 'all',
		credentials: { prodegeApi: { name: 'Prodege load account', data: { apik: 'load-apik', secretKey: PRODEGE_SECRET, environment: 'production' } } },
		encode: { secret: PRODEGE_SECRET, format: 'form' },
	},
};

export const LOADS = Object.fromEntries(
	perVendor(VENDOR_LOADS, 'scripts/load-kit.mjs').map(([vendor, load]) => [vendor.id, { title: vendor.title, example: vendor.example, ...load }]),
);

/**
 * The options `npm run test:load` and `npm run test:queue` share, parsed and checked (scripts/cli.mjs): `--help`
 * prints `help`, a bad value prints why and exits with 2. `options` adds a command's own; `number` checks them
 * the same way.
 */
export function loadArguments({ command, help, options = {}, minutes }) {
	const { args, fail, number, choice } = commandLine({
		name: command,
		rerun: `npm run ${command} --`,
		help,
		options: {
			quick: { type: 'boolean' },
			count: { type: 'string' },
			concurrency: { type: 'string' },
			'duplicate-rate': { type: 'string' },
			batch: { type: 'string' },
			vendors: { type: 'string' },
			seed: { type: 'string' },
			parallel: { type: 'boolean' },
			engine: { type: 'string' },
			timeout: { type: 'string' },
			json: { type: 'string' },
			...options,
		},
	});
	// n8n 2.41's default engine (vm) evaluates expressions in isolated-vm; on 2 cores it held 10 deliveries/s, grew
	// to 8.6 GB and left one SQLite n8n unable to save executions (RELIABILITY.md). The legacy engine is n8n's own
	// alternative, and is what lets this load measure the triggers rather than the expression engine.
	const engine = choice('engine', ['legacy', 'vm']);
	const vendors = (args.vendors ?? Object.keys(LOADS).join(',')).split(',').map((name) => name.trim()).filter(Boolean);
	for (const vendor of vendors) if (!LOADS[vendor]) fail(`unknown vendor "${vendor}"; known: ${Object.keys(LOADS).join(', ')}`);
	return {
		args,
		number,
		count: number(args.count, 'count', { min: 1, max: LIMITS.maxCount }) ?? (args.quick ? 1000 : 10_000),
		concurrency: number(args.concurrency, 'concurrency', { min: 1, max: LIMITS.maxConcurrency }) ?? 50,
		duplicateRate: number(args['duplicate-rate'], 'duplicate-rate', { min: 0, max: 0.9, integer: false }) ?? 0.2,
		batch: number(args.batch, 'batch', { min: 1, max: 100 }) ?? 1,
		seed: number(args.seed, 'seed', { min: 0, max: 2 ** 32 - 1 }) ?? 1,
		budgetMs: (number(args.timeout, 'timeout', { min: 1, max: 600 }) ?? (args.quick ? minutes.quick : minutes.full)) * 60_000,
		engine,
		serial: !args.parallel,
		vendors,
	};
}

export const TRIGGER = 'Trigger';
export const REMOVE_DUPLICATES = 'Remove Duplicates';
const RECIPE_EXAMPLE = 'personaclick-trigger-remove-duplicates.json';

function readExample(file) {
	return JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8'));
}

/**
 * The load workflow: the example's trigger, followed by the Remove Duplicates node of the documented recipe
 * (examples/personaclick-trigger-remove-duplicates.json). One run gives both figures: the trigger's items are
 * what the static-data window let through, Remove Duplicates' items are what the recipe lets through.
 */
export function loadWorkflow(name, load, { removeDuplicates = true, packageName } = {}) {
	const example = readExample(load.example);
	const trigger = structuredClone(example.nodes.find((node) => node.webhookId !== undefined));
	// The same node from a package installed under another name (the benchmark's previous build).
	if (packageName) trigger.type = `${packageName}.${trigger.type.split('.').pop()}`;
	trigger.name = TRIGGER;
	trigger.position = [0, 0];
	trigger.parameters = { ...trigger.parameters, ...(load.parameters ?? {}) };
	const nodes = [trigger];
	const connections = {};
	if (removeDuplicates) {
		const recipe = readExample(RECIPE_EXAMPLE).nodes.find((node) => node.type === 'n8n-nodes-base.removeDuplicates');
		nodes.push({ ...structuredClone(recipe), name: REMOVE_DUPLICATES, position: [240, 0] });
		connections[TRIGGER] = { main: [[{ node: REMOVE_DUPLICATES, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/**
 * Creates the load's credentials and mock API, publishes its workflow, and returns { url, workflowId, basicAuth,
 * stop }. `api` is the main n8n's API; `webhookBase` the base URL the trigger's webhook is served at, if not the
 * main's; `packageName` takes the trigger from a package installed under that name.
 */
export async function deployLoad(api, vendor, load, { name, removeDuplicates = true, webhookBaseUrl, packageName } = {}) {
	let mock;
	const credentials = {};
	const wanted = { ...load.credentials };
	if (load.mock) {
		mock = await startMock(load.mock);
		if (!mock) throw new Error(`The ${load.mock} mock API did not start`);
		wanted[mock.credential.type] = { name: `${load.title} load (mock API)`, data: mock.credential.data };
	}
	try {
		for (const [type, { name: credentialName, data }] of Object.entries(wanted)) {
			const created = await api.createCredential({ name: credentialName, type, data });
			credentials[type] = { id: created.id, name: created.name };
		}
		const workflow = loadWorkflow(name ?? `Load: ${load.title}`, load, { removeDuplicates, packageName });
		const deployed = await deployWorkflow(api, workflow, { credentials, webhookBaseUrl });
		// A trigger that registers itself at the vendor generates the basic-auth pair deliveries must carry.
		let auth = {};
		for (let tries = 0; mock && !auth.user && tries < 80; tries++) {
			const args = mock.deliveryAuth(deployed.url);
			if (args.length === 4) auth = { user: args[1], password: args[3] };
			else await sleep(250);
		}
		if (mock && !auth.user) throw new Error(`${load.title}: the trigger did not register its webhook at the mock API`);
		return { vendor, workflowId: deployed.id, url: deployed.url, path: new URL(deployed.url).pathname, auth, stop: async () => mock?.stop() };
	} catch (error) {
		await mock?.stop();
		throw error;
	}
}

/** Adds `n` × 2³² to a hex id, keeping its length: ids of different examples that share a prefix stay apart. */
function spreadHex(id, n) {
	if (n === 0 || typeof id !== 'string' || !/^[0-9a-f]+$/i.test(id)) return id;
	const value = (BigInt(`0x${id}`) + (BigInt(n) << 32n)) % (1n << BigInt(4 * id.length));
	return value.toString(16).padStart(id.length, '0');
}

/**
 * The simulator's fresh Prodege ids overwrite the id's last hex digits with the round number, so the two
 * examples (…c7cb, …c7d0) give the same id from round 16 on: a 10,000-event load would hold only 3,716
 * distinct events for 7,944 planned. The load spreads the round above the digits where the examples differ.
 */
const DISTINCT_IDS = {
	prodege: (vendor) => ({ ...vendor, fresh: (example, n) => ({ ...vendor.fresh(example, 0), event_id: spreadHex(example.event_id, n) }) }),
};

/**
 * The deliveries of one load: `count` events (20 % vendor-style repeats by default), one event per delivery
 * unless `batch` says otherwise, encoded and authenticated as the vendor sends them.
 */
export function planLoad(vendorName, load, { count, duplicateRate, seed, batch = 1, auth = {}, offset = 0 }) {
	const found = findVendor(vendorName);
	const vendor = DISTINCT_IDS[vendorName] ? DISTINCT_IDS[vendorName](found) : found;
	const names = load.events === 'all' ? selectExamples(vendor, 'all') : load.events;
	const events = planEvents(vendor, names, { count, duplicateRate, seed, offset });
	const deliveries = planDeliveries(vendor, events, { batch, ...load.encode, ...auth });
	return { events, deliveries, unique: events.filter((event) => !event.duplicate).length, repeats: events.filter((event) => event.duplicate).length };
}

/**
 * Sends `deliveries` with at most `concurrency` in flight, delivery i to `urls[i % urls.length]`, and stops
 * starting new ones after `timeoutMs`. A keep-alive agent, as a vendor's sender would use.
 */
export async function sendLoad(urls, deliveries, { concurrency, timeoutMs, resendUnanswered = 0, onProgress = () => {} }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const deadline = Date.now() + timeoutMs;
	const answers = new Array(deliveries.length);
	const began = Date.now();
	let next = 0;
	let done = 0;
	const sendOne = (index) =>
		new Promise((resolve) => {
			const delivery = deliveries[index];
			const target = targetUrl(urls[index % urls.length], delivery.query);
			const started = Date.now();
			const request = http.request(
				target,
				{ method: 'POST', agent, headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) }, timeout: LIMITS.requestTimeoutMs },
				(response) => {
					const chunks = [];
					response.on('data', (chunk) => chunks.push(chunk));
					response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, 500), ms: Date.now() - started }));
					response.on('error', (error) => resolve({ status: 0, error: error.message, ms: Date.now() - started }));
				},
			);
			request.on('timeout', () => request.destroy(new Error(`no answer within ${LIMITS.requestTimeoutMs / 1000} s`)));
			request.on('error', (error) => resolve({ status: 0, error: error.message, ms: Date.now() - started }));
			request.end(delivery.body);
		});
	async function worker() {
		while (next < deliveries.length && Date.now() < deadline) {
			const index = next++;
			answers[index] = await sendOne(index);
			done++;
			onProgress(done);
		}
	}
	try {
		await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, deliveries.length)) }, worker));
		// A vendor whose request got no answer (a reset connection, a timeout) sends it again; so does this,
		// `resendUnanswered` times at most, and each answer records how many sends it took.
		for (let round = 1; round <= resendUnanswered && Date.now() < deadline; round++) {
			const unanswered = answers.flatMap((answer, index) => (answer?.status === 0 ? [index] : []));
			for (const index of unanswered) {
				if (Date.now() >= deadline) break;
				const first = answers[index];
				answers[index] = { ...(await sendOne(index)), resends: round, firstError: first.firstError ?? first.error };
			}
		}
	} finally {
		agent.destroy();
	}
	return { answers, ms: Date.now() - began };
}

/** Answers by status, plus the 5xx, unanswered and not-sent counts, and latency percentiles. */
export function summariseAnswers(answers, planned) {
	const sent = answers.filter(Boolean);
	const byStatus = {};
	for (const answer of sent) byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
	const times = sent.map((answer) => answer.ms).sort((a, b) => a - b);
	const at = (q) => (times.length ? times[Math.min(times.length - 1, Math.floor(q * times.length))] : 0);
	const errors = sent.filter((answer) => answer.status >= 500 || answer.status === 0);
	return {
		sent: sent.length,
		notSent: planned - sent.length,
		byStatus,
		serverErrors: sent.filter((answer) => answer.status >= 500).length,
		unanswered: sent.filter((answer) => answer.status === 0).length,
		nonSuccess: sent.filter((answer) => answer.status < 200 || answer.status >= 300).length,
		resent: sent.filter((answer) => answer.resends).length,
		resentAfter: [...new Set(sent.filter((answer) => answer.resends).map((answer) => answer.firstError))].slice(0, 3),
		firstError: errors[0] ? `${errors[0].status || 'no answer'} ${errors[0].error ?? errors[0].body ?? ''}`.trim() : undefined,
		ms: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: times.at(-1) ?? 0 },
	};
}

/** Every execution of a workflow, newest first, paging through the public API (250 at a time, bounded). */
export async function listExecutions(api, workflowId, { includeData = false, maxPages = 400 } = {}) {
	const all = [];
	let cursor;
	for (let page = 0; page < maxPages; page++) {
		const query = new URLSearchParams({ workflowId: String(workflowId), limit: '250', includeData: String(includeData) });
		if (cursor) query.set('cursor', cursor);
		const answer = await api.public('GET', `/executions?${query}`);
		if (answer.status !== 200) throw new Error(`Listing executions of workflow ${workflowId} answered ${answer.status}: ${JSON.stringify(answer.data).slice(0, 300)}`);
		all.push(...answer.data.data);
		cursor = answer.data.nextCursor;
		if (!cursor) break;
	}
	return all;
}

const UNFINISHED = new Set(['new', 'running', 'waiting', 'unknown']);

/**
 * Waits until every execution of the workflow has finished and their number has stayed the same for
 * `quietMs`: executions are saved after n8n answers, and in queue mode after a worker takes them. Bounded by
 * `timeoutMs`, and given up as stalled when no execution finishes (nor appears) for `stallMs`: an execution
 * n8n never finishes holds the others behind it when they run one at a time.
 */
export async function settleExecutions(api, workflowId, { timeoutMs, quietMs = 4000, stallMs = 300_000, onPoll = () => {} }) {
	const deadline = Date.now() + timeoutMs;
	let last = -1;
	let stableSince = Date.now();
	let lastProgress = Date.now();
	let lastFinished = -1;
	let executions = [];
	while (Date.now() < deadline) {
		executions = await listExecutions(api, workflowId);
		const unfinished = executions.filter((execution) => UNFINISHED.has(execution.status)).length;
		const finished = executions.length - unfinished;
		onPoll(executions.length, unfinished);
		if (finished !== lastFinished || executions.length !== last) lastProgress = Date.now();
		lastFinished = finished;
		if (executions.length !== last || unfinished > 0) {
			last = executions.length;
			stableSince = Date.now();
		} else if (Date.now() - stableSince >= quietMs) {
			return { settled: true, count: executions.length, unfinished: 0 };
		}
		if (unfinished > 0 && Date.now() - lastProgress >= stallMs) {
			return { settled: false, stalled: true, count: executions.length, unfinished };
		}
		await sleep(3000);
	}
	const unfinished = executions.filter((execution) => UNFINISHED.has(execution.status)).length;
	return { settled: false, count: executions.length, unfinished };
}

function outputOf(execution, node) {
	const run = execution.data?.resultData?.runData?.[node]?.[0];
	return (run?.data?.main?.[0] ?? []).map((item) => item.json);
}

function tally(keys, unique) {
	const counts = new Map();
	for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
	const distinct = counts.size;
	return {
		items: keys.length,
		distinct,
		// Items beyond the first of their event: repeats that got through.
		duplicates: keys.length - distinct,
		// Unique events that never came out at all.
		lost: Math.max(0, unique - distinct),
		exact: keys.length === unique && distinct === unique,
	};
}

/**
 * Reads every execution with its data and counts, by `eventKey`, the items the trigger emitted (the
 * static-data window's result) and those Remove Duplicates let through (the recipe's result).
 */
export async function countItems(api, workflowId, unique) {
	const executions = await listExecutions(api, workflowId, { includeData: true });
	const byStatus = {};
	for (const execution of executions) byStatus[execution.status] = (byStatus[execution.status] ?? 0) + 1;
	const triggerKeys = [];
	const recipeKeys = [];
	const errors = [];
	for (const execution of executions) {
		for (const item of outputOf(execution, TRIGGER)) triggerKeys.push(String(item.eventKey));
		for (const item of outputOf(execution, REMOVE_DUPLICATES)) recipeKeys.push(String(item.eventKey));
		const error = execution.data?.resultData?.error;
		if (error && errors.length < 3) errors.push(`${error.message ?? ''} ${error.description ?? ''}`.trim());
	}
	return { executions: executions.length, byStatus, errors, trigger: tally(triggerKeys, unique), recipe: tally(recipeKeys, unique) };
}

/**
 * What n8n logged that matters under load: the most frequent error lines over `files` (one log or several),
 * counted by their first 200 characters.
 */
export function logDigest(files, top = 6) {
	const interesting = /timeout|problem saving|not ready|constraint|error|failed|heap|memory|stalled/i;
	const boring = /getaddrinfo|api\.n8n\.io|Strapi|system task run failed|Python task runner|deprecat|default for this variable|Could not sweep|reconcile background/i;
	const counts = new Map();
	for (const file of [files].flat()) {
		let text = '';
		try {
			text = readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n')) {
			const trimmed = line.trim();
			if (!trimmed || trimmed.startsWith('at ') || !interesting.test(trimmed) || boring.test(trimmed)) continue;
			const key = trimmed.slice(0, 200);
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}
	}
	return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([line, count]) => ({ count, line }));
}

/** Resident memory of a process and its children (n8n and its task runner), in MB, from /proc. */
export function residentMb(pid) {
	try {
		const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
		return Math.round(kb / 1024);
	} catch {
		return undefined;
	}
}

/** Samples the resident memory of `pids` every `everyMs` until stopped; returns the peak and the samples (MB). */
export function sampleMemory(pids, everyMs = 5000) {
	const samples = [];
	const take = () => samples.push(pids.reduce((sum, pid) => sum + (residentMb(pid) ?? 0), 0));
	take();
	const timer = setInterval(take, everyMs);
	timer.unref();
	return {
		stop() {
			clearInterval(timer);
			take();
			return { peakMb: Math.max(...samples), lastMb: samples.at(-1), samples };
		},
	};
}

/**
 * n8n is healthy: every readiness URL answers 200, and one fresh event after the load, sent to `canaryUrl`,
 * is answered 200 and starts exactly one execution.
 */
export async function healthCheck(api, { readinessUrls, canaryUrl, deployed, vendor, load, auth, executionsBefore }) {
	const readiness = [];
	for (const url of readinessUrls) {
		try {
			const answer = await fetch(url, { signal: AbortSignal.timeout(5000) });
			readiness.push(answer.status);
		} catch {
			readiness.push(0);
		}
	}
	const { deliveries } = planLoad(vendor, load, { count: 1, duplicateRate: 0, seed: 1, auth, offset: 500_000 });
	const { answers } = await sendLoad([canaryUrl], deliveries, { concurrency: 1, timeoutMs: 30_000 });
	const settled = await settleExecutions(api, deployed.workflowId, { timeoutMs: 60_000, quietMs: 1500 });
	const canary = { status: answers[0]?.status ?? 0, newExecutions: settled.count - executionsBefore };
	const healthy = readiness.every((status) => status === 200) && canary.status === 200 && canary.newExecutions === 1;
	return { healthy, readiness, canary };
}

/**
 * One trigger's load from start to figures: publish its workflow, send the deliveries (delivery i to
 * `targets[i % targets.length]`, each a base URL serving production webhooks), wait for the executions, count
 * their items, check health. Every wait is bounded by `left()`, the run's remaining budget.
 */
export async function runVendorLoad({ api, vendor, count, concurrency, duplicateRate, seed, batch, targets, readinessUrls, pids, left }) {
	const load = LOADS[vendor];
	const deployed = await deployLoad(api, vendor, load, { webhookBaseUrl: targets[0] });
	try {
		const plan = planLoad(vendor, load, { count, duplicateRate, seed, batch, auth: deployed.auth });
		const urls = targets.map((base) => `${base}${deployed.path}`);
		log(`${load.title}: ${plan.deliveries.length} deliveries (${plan.unique} unique events, ${plan.repeats} repeats) to ${urls.join(' and ')}`);
		const memory = sampleMemory(pids());
		let lastReport = Date.now();
		const sendStart = Date.now();
		const sent = await sendLoad(urls, plan.deliveries, {
			concurrency,
			resendUnanswered: 3,
			timeoutMs: Math.max(10_000, Math.min(left() - 60_000, 90 * 60_000)),
			onProgress(done) {
				if (Date.now() - lastReport < 30_000) return;
				lastReport = Date.now();
				const rate = Math.round(done / ((Date.now() - sendStart) / 1000));
				log(`${load.title}: ${done}/${plan.deliveries.length} answered (${rate}/s); n8n ${pids().reduce((sum, pid) => sum + (residentMb(pid) ?? 0), 0)} MB`);
			},
		});
		const answers = summariseAnswers(sent.answers, plan.deliveries.length);
		const resent = answers.resent ? `; ${answers.resent} sent again after no answer (${answers.resentAfter.join(', ')}), as the vendor would` : '';
		log(`${load.title}: sent in ${seconds(sent.ms)} s (${Math.round(answers.sent / (sent.ms / 1000))}/s); answers ${JSON.stringify(answers.byStatus)}${resent}; waiting for executions to finish`);
		const settleStart = Date.now();
		const settled = await settleExecutions(api, deployed.workflowId, {
			timeoutMs: Math.max(30_000, Math.min(left() - 30_000, 45 * 60_000)),
			onPoll(total, unfinished) {
				if (!unfinished || Date.now() - lastReport < 30_000) return;
				lastReport = Date.now();
				log(`${load.title}: ${total} executions, ${unfinished} unfinished`);
			},
		});
		const settleMs = Date.now() - settleStart;
		const rss = memory.stop();
		const countStart = Date.now();
		const counted = await countItems(api, deployed.workflowId, plan.unique);
		const result = {
			vendor,
			title: load.title,
			deliveries: plan.deliveries.length,
			events: plan.events.length,
			unique: plan.unique,
			repeats: plan.repeats,
			answers,
			sendMs: sent.ms,
			settleMs,
			settled,
			countMs: Date.now() - countStart,
			count: counted,
			memoryMb: { peak: rss.peakMb, last: rss.lastMb },
		};
		result.health = await healthCheck(api, {
			readinessUrls,
			canaryUrl: urls.at(-1),
			deployed,
			vendor,
			load,
			auth: deployed.auth,
			executionsBefore: counted.executions,
		});
		log(
			`${load.title}: ${counted.executions} executions (${JSON.stringify(counted.byStatus)}); trigger emitted ${counted.trigger.items} items for ${plan.unique} unique events ` +
				`(${counted.trigger.duplicates} repeats slipped through, ${counted.trigger.lost} lost); after Remove Duplicates ${counted.recipe.items} ` +
				`(${counted.recipe.duplicates} repeats, ${counted.recipe.lost} lost); peak memory ${rss.peakMb} MB; healthy: ${result.health.healthy}`,
		);
		return result;
	} finally {
		await deployed.stop();
	}
}

/** What did not hold, one line each. `exactRecipe`: Remove Duplicates must be exact (executions one at a time). */
export function problemsOf(results, { vendors, exactRecipe }) {
	const problems = [];
	for (const r of results) {
		if (r.answers.serverErrors > 0) problems.push(`${r.title}: ${r.answers.serverErrors} answers were 5xx (first: ${r.answers.firstError})`);
		if (r.answers.unanswered > 0 || r.answers.notSent > 0) problems.push(`${r.title}: ${r.answers.unanswered} deliveries unanswered, ${r.answers.notSent} not sent`);
		if (!r.settled.settled) {
			problems.push(`${r.title}: executions did not settle (${r.settled.unfinished} unfinished${r.settled.stalled ? ', none finished for 5 minutes' : ''})`);
		}
		if (r.count.trigger.lost > 0) {
			const how = r.answers.nonSuccess === 0 ? ', though every delivery was answered 2xx (accepted, then lost)' : '';
			problems.push(`${r.title}: ${r.count.trigger.lost} unique events are in no execution${how}`);
		}
		if (exactRecipe && !r.count.recipe.exact) {
			problems.push(`${r.title}: after Remove Duplicates ${r.count.recipe.items} items for ${r.unique} unique events (${r.count.recipe.duplicates} repeats, ${r.count.recipe.lost} lost)`);
		}
		if (!r.health.healthy) problems.push(`${r.title}: n8n unhealthy after the load (${JSON.stringify(r.health)})`);
	}
	if (results.length < vendors.length) problems.push(`${vendors.length - results.length} trigger(s) not loaded`);
	return problems;
}

/** The printed report: settings, the table, memory, wall time, n8n's most frequent errors, and the verdict. */
export function report({ heading, results, problems, exactRecipe, alive, wallMs, digest }) {
	const lines = [''];
	if (results.length > 0) {
		lines.push(
			heading,
			'',
			figuresTable(results),
			'',
			'  slipped: items beyond the first of their event (repeats that got through); lost: unique events never emitted;',
			'  RD: after the Remove Duplicates node on {{ $json.eventKey }}; rate/s: deliveries answered per second;',
			'  sent again: deliveries that got no answer (a reset connection, a timeout) and were sent again, as vendors do (3 tries at most).',
			`  Peak n8n memory ${Math.max(...results.map((r) => r.memoryMb.peak))} MB; n8n alive at the end: ${alive}; wall time ${seconds(wallMs)} s`,
		);
		if (digest.length) lines.push("  Most frequent errors in n8n's logs:", ...digest.map(({ count, line }) => `    ${count} × ${line}`));
		lines.push('');
	}
	if (problems.length > 0) lines.push(`Not as promised:\n  ${problems.join('\n  ')}`);
	else if (exactRecipe) lines.push('Every promise held: zero 5xx, no event lost, exactly once after Remove Duplicates, n8n healthy.');
	else lines.push('Zero 5xx, no event lost by the trigger, n8n healthy. Executions ran in parallel: Remove Duplicates was measured, not required to be exact.');
	return `${lines.join('\n')}\n`;
}

/** Seconds with one decimal. */
export const seconds = (ms) => Math.round(ms / 100) / 10;

/** A fixed-width table of the figures, one row per trigger. */
export function figuresTable(results) {
	const header = ['trigger', 'deliveries', 'unique', 'repeats', '5xx', 'sent again', 'no answer', 'executions', 'trigger items', 'slipped', 'lost', 'after RD', 'RD slipped', 'RD lost', 'send s', 'rate/s', 'settle s'];
	const rows = results.map((r) => [
		r.title,
		r.deliveries,
		r.unique,
		r.repeats,
		r.answers.serverErrors,
		r.answers.resent ?? 0,
		r.answers.unanswered,
		r.count.executions,
		r.count.trigger.items,
		r.count.trigger.duplicates,
		r.count.trigger.lost,
		r.count.recipe.items,
		r.count.recipe.duplicates,
		r.count.recipe.lost,
		seconds(r.sendMs),
		Math.round(r.answers.sent / (r.sendMs / 1000)),
		seconds(r.settleMs),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
	const line = (cells) => cells.map((cell, column) => String(cell).padStart(widths[column])).join('  ');
	return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export { log };
