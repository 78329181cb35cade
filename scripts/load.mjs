#!/usr/bin/env node
// `npm run test:load`: load with retries against one real n8n process on 127.0.0.1. Per trigger, 10,000
// deliveries at concurrency 50, 20 % of them vendor-style repeats, into a workflow Trigger → Remove Duplicates;
// then the items counted from n8n's executions, the answers, and n8n's health. `--quick` sends 1,000 per
// trigger. CI does not run this: see RELIABILITY.md for the wall times.
import { copyFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
	LIMITS,
	LOADS,
	countItems,
	deployLoad,
	figuresTable,
	healthCheck,
	log,
	logDigest,
	planLoad,
	residentMb,
	sampleMemory,
	seconds,
	sendLoad,
	settleExecutions,
	summariseAnswers,
} from './load-kit.mjs';
import { DEFAULT_N8N_VERSION, launch, stopOnSignals } from './n8n/index.mjs';

const HELP = `Usage: npm run test:load -- [options]

Starts a real n8n (${DEFAULT_N8N_VERSION} unless N8N_VERSION says otherwise) on 127.0.0.1 with the packed package,
publishes a workflow Trigger → Remove Duplicates per trigger, sends vendor-style deliveries with repeats, and
counts what n8n's executions emitted. By default n8n runs one production execution at a time
(N8N_CONCURRENCY_PRODUCTION_LIMIT=1), which Remove Duplicates needs to be exact; --parallel measures n8n's default.

  --quick               1,000 deliveries per trigger instead of 10,000
  --count N             deliveries per trigger (at most ${LIMITS.maxCount}; default 10000)
  --concurrency N       deliveries in flight (default 50, at most ${LIMITS.maxConcurrency})
  --duplicate-rate R    share of deliveries that resend an earlier event (default 0.2)
  --batch N             events per delivery for vendors that batch (default 1)
  --vendors LIST        comma-separated: ${Object.keys(LOADS).join(',')} (default all)
  --seed N              seed for the repeats (default 1)
  --parallel            run executions in parallel, n8n's default (no production concurrency limit)
  --engine E            n8n's expression engine, N8N_EXPRESSION_ENGINE: vm (n8n 2.41's default) or legacy
  --timeout MINUTES     the whole run's budget (default 240, 45 with --quick); every phase is bounded within it
  --json FILE           also write every figure to FILE
  --keep-log FILE       copy n8n's log to FILE before its folder is removed
`;

const { values: args } = parseArgs({
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
		'keep-log': { type: 'string' },
		help: { type: 'boolean', short: 'h' },
	},
});
if (args.help) {
	process.stdout.write(HELP);
	process.exit(0);
}

function fail(message) {
	process.stderr.write(`test:load: ${message}\nRun "npm run test:load -- --help" for usage.\n`);
	process.exit(2);
}
function number(value, name, fallback, { min, max, integer = true }) {
	if (value === undefined) return fallback;
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) fail(`--${name} must be from ${min} to ${max}; got "${value}"`);
	return parsed;
}

const count = number(args.count, 'count', args.quick ? 1000 : 10_000, { min: 1, max: LIMITS.maxCount });
const concurrency = number(args.concurrency, 'concurrency', 50, { min: 1, max: LIMITS.maxConcurrency });
const duplicateRate = number(args['duplicate-rate'], 'duplicate-rate', 0.2, { min: 0, max: 0.9, integer: false });
const batch = number(args.batch, 'batch', 1, { min: 1, max: 100 });
const seed = number(args.seed, 'seed', 1, { min: 0, max: 2 ** 32 - 1 });
const budgetMs = number(args.timeout, 'timeout', args.quick ? 45 : 240, { min: 1, max: 600 }) * 60_000;
const engine = args.engine;
if (engine !== undefined && !['vm', 'legacy'].includes(engine)) fail(`--engine must be vm or legacy; got "${engine}"`);
const serial = !args.parallel;
const vendors = (args.vendors ?? Object.keys(LOADS).join(',')).split(',').map((name) => name.trim()).filter(Boolean);
for (const vendor of vendors) if (!LOADS[vendor]) fail(`unknown vendor "${vendor}"; known: ${Object.keys(LOADS).join(', ')}`);

const began = Date.now();
const left = () => began + budgetMs - Date.now();
let harness;
let digest = [];
const deployments = [];
const stopAll = async () => {
	await Promise.allSettled(deployments.map((deployed) => deployed.stop()));
	if (harness) {
		await harness.server.stop();
		digest = logDigest(harness.server.logFile);
		if (args['keep-log']) copyFileSync(harness.server.logFile, args['keep-log']);
		await harness.stop();
	}
};
stopOnSignals(stopAll);

const results = [];
let final;
let exitCode = 0;
try {
	const env = {
		// Counting needs every execution kept: n8n prunes beyond 10,000 by default.
		EXECUTIONS_DATA_PRUNE: 'false',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'warn',
		...(engine ? { N8N_EXPRESSION_ENGINE: engine } : {}),
		...(serial ? { N8N_CONCURRENCY_PRODUCTION_LIMIT: '1' } : {}),
	};
	harness = await launch({ version: process.env.N8N_VERSION, env });
	const { api, server } = harness;
	const pids = () => [server.pid];
	log(
		`n8n ${server.version} ready in ${seconds(Date.now() - began)} s; ${count} deliveries per trigger at concurrency ${concurrency}, ` +
			`${Math.round(duplicateRate * 100)} % repeats; executions ${serial ? 'one at a time' : 'in parallel'}; expression engine ${engine ?? 'n8n default'}`,
	);
	for (const vendor of vendors) {
		const load = LOADS[vendor];
		if (left() < 120_000) {
			log(`Out of time budget: ${load.title} left out`);
			continue;
		}
		const deployed = await deployLoad(api, vendor, load);
		deployments.push(deployed);
		const plan = planLoad(vendor, load, { count, duplicateRate, seed, batch, auth: deployed.auth });
		log(`${load.title}: ${plan.deliveries.length} deliveries (${plan.unique} unique events, ${plan.repeats} repeats) to ${deployed.url}`);
		const memory = sampleMemory(pids());
		let lastReport = Date.now();
		const sendStart = Date.now();
		const sent = await sendLoad([deployed.url], plan.deliveries, {
			concurrency,
			timeoutMs: Math.max(10_000, Math.min(left() - 60_000, 90 * 60_000)),
			onProgress(done) {
				if (Date.now() - lastReport < 30_000) return;
				lastReport = Date.now();
				log(`${load.title}: ${done}/${plan.deliveries.length} answered (${Math.round(done / ((Date.now() - sendStart) / 1000))}/s), n8n ${residentMb(server.pid)} MB`);
			},
		});
		const answers = summariseAnswers(sent.answers, plan.deliveries.length);
		log(`${load.title}: sent in ${seconds(sent.ms)} s (${Math.round(answers.sent / (sent.ms / 1000))}/s); answers ${JSON.stringify(answers.byStatus)}; waiting for executions to finish`);
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
		result.health = await healthCheck(api, [server.baseUrl], deployed, vendor, load, { auth: deployed.auth, executionsBefore: counted.executions });
		results.push(result);
		log(
			`${load.title}: ${counted.executions} executions (${JSON.stringify(counted.byStatus)}); trigger emitted ${counted.trigger.items} items for ${plan.unique} unique events ` +
				`(${counted.trigger.duplicates} repeats slipped through, ${counted.trigger.lost} lost); after Remove Duplicates ${counted.recipe.items} ` +
				`(${counted.recipe.duplicates} repeats, ${counted.recipe.lost} lost); peak memory ${rss.peakMb} MB; healthy: ${result.health.healthy}`,
		);
		await deployed.stop();
	}
	final = { alive: !server.exited, rssMb: residentMb(server.pid) };
} catch (error) {
	log(`test:load failed: ${error.stack ?? error.message}`);
	exitCode = 1;
} finally {
	await stopAll();
}

const wallMs = Date.now() - began;
const settings = `${count} deliveries per trigger, concurrency ${concurrency}, ${Math.round(duplicateRate * 100)} % repeats, executions ${serial ? 'one at a time (N8N_CONCURRENCY_PRODUCTION_LIMIT=1)' : 'in parallel (n8n default)'}, expression engine ${engine ?? 'n8n default (vm)'}`;
if (results.length > 0) {
	process.stdout.write(
		[
			'',
			`Load with retries, one n8n process (n8n ${harness?.server.version ?? '?'}, SQLite; ${settings})`,
			'',
			figuresTable(results),
			'',
			'  slipped: items beyond the first of their event (repeats that got through); lost: unique events never emitted;',
			'  RD: after the Remove Duplicates node on {{ $json.eventKey }}; rate/s: deliveries answered per second.',
			`  Peak n8n memory ${Math.max(...results.map((r) => r.memoryMb.peak))} MB; n8n alive at the end: ${final?.alive ?? false}; wall time ${seconds(wallMs)} s`,
			...(digest.length ? ['  Most frequent errors in n8n\'s log:', ...digest.map(({ count: n, line }) => `    ${n} × ${line}`)] : []),
			'',
		].join('\n'),
	);
}
const problems = [];
for (const r of results) {
	if (r.answers.serverErrors > 0) problems.push(`${r.title}: ${r.answers.serverErrors} answers were 5xx (first: ${r.answers.firstError})`);
	if (r.answers.unanswered > 0 || r.answers.notSent > 0) problems.push(`${r.title}: ${r.answers.unanswered} deliveries unanswered, ${r.answers.notSent} not sent`);
	if (!r.settled.settled) problems.push(`${r.title}: executions did not settle (${r.settled.unfinished} unfinished)`);
	if (r.count.trigger.lost > 0) problems.push(`${r.title}: ${r.count.trigger.lost} unique events never emitted by the trigger`);
	if (serial && !r.count.recipe.exact) problems.push(`${r.title}: after Remove Duplicates ${r.count.recipe.items} items for ${r.unique} unique events (${r.count.recipe.duplicates} repeats, ${r.count.recipe.lost} lost)`);
	if (!r.health.healthy) problems.push(`${r.title}: n8n unhealthy after the load (${JSON.stringify(r.health)})`);
}
if (results.length < vendors.length) problems.push(`${vendors.length - results.length} trigger(s) not loaded`);
if (args.json) {
	const report = { mode: 'single', n8nVersion: harness?.server.version, count, concurrency, duplicateRate, batch, seed, serial, engine: engine ?? 'default', wallMs, final, digest, results, problems };
	writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
}
if (problems.length > 0) {
	process.stdout.write(`Not as promised:\n  ${problems.join('\n  ')}\n`);
	exitCode ||= 1;
} else if (exitCode === 0) {
	process.stdout.write(
		serial
			? 'Every promise held: zero 5xx, no event lost, exactly once after Remove Duplicates, n8n healthy.\n'
			: 'Zero 5xx, no event lost by the trigger, n8n healthy. Executions ran in parallel, so Remove Duplicates was measured, not required to be exact.\n',
	);
}
process.exit(exitCode);
