#!/usr/bin/env node
// `npm run test:load`: load with retries against one real n8n process on 127.0.0.1. Per trigger, 10,000
// deliveries at concurrency 50, 20 % of them vendor-style repeats, into a workflow Trigger → Remove Duplicates;
// then the items counted from n8n's executions, the answers, and n8n's health. `--quick` sends 1,000 per
// trigger. CI does not run this: see RELIABILITY.md for the wall times.
import { copyFileSync, writeFileSync } from 'node:fs';

import { LIMITS, LOADS, loadArguments, log, logDigest, problemsOf, report, residentMb, runVendorLoad, seconds } from './load-kit.mjs';
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
  --engine E            n8n's expression engine, N8N_EXPRESSION_ENGINE: legacy (default here) or vm (n8n 2.41's
                        default, which costs about 0.1 s of CPU per delivery on 2 cores: see RELIABILITY.md)
  --timeout MINUTES     the whole run's budget (default 240, 45 with --quick); every phase is bounded within it
  --json FILE           also write every figure to FILE
  --keep-log FILE       copy n8n's log to FILE before its folder is removed
`;

const { args, count, concurrency, duplicateRate, batch, seed, budgetMs, engine, serial, vendors } = loadArguments({
	command: 'test:load',
	help: HELP,
	options: { 'keep-log': { type: 'string' } },
	minutes: { quick: 45, full: 240 },
});

const began = Date.now();
const left = () => began + budgetMs - Date.now();
let harness;
let digest = [];
const stopAll = async () => {
	if (harness) {
		await harness.server.stop();
		digest = logDigest(harness.server.logFile);
		if (args['keep-log']) {
			try {
				copyFileSync(harness.server.logFile, args['keep-log']);
			} catch (error) {
				log(`Could not keep n8n's log: ${error.message}`);
			}
		}
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
		N8N_EXPRESSION_ENGINE: engine,
		...(serial ? { N8N_CONCURRENCY_PRODUCTION_LIMIT: '1' } : {}),
	};
	harness = await launch({ version: process.env.N8N_VERSION, env });
	const { api, server } = harness;
	log(
		`n8n ${server.version} ready in ${seconds(Date.now() - began)} s; ${count} deliveries per trigger at concurrency ${concurrency}, ` +
			`${Math.round(duplicateRate * 100)} % repeats; executions ${serial ? 'one at a time' : 'in parallel'}; expression engine ${engine}`,
	);
	for (const vendor of vendors) {
		if (left() < 120_000) {
			log(`Out of time budget: ${LOADS[vendor].title} left out`);
			continue;
		}
		results.push(
			await runVendorLoad({
				api,
				vendor,
				count,
				concurrency,
				duplicateRate,
				seed,
				batch,
				targets: [server.baseUrl],
				readinessUrls: [`${server.baseUrl}/healthz/readiness`],
				pids: () => [server.pid],
				left,
			}),
		);
	}
	final = { alive: !server.exited, rssMb: residentMb(server.pid) };
} catch (error) {
	log(`test:load failed: ${error.stack ?? error.message}`);
	exitCode = 1;
} finally {
	await stopAll();
}

const wallMs = Date.now() - began;
const settings =
	`${count} deliveries per trigger, concurrency ${concurrency}, ${Math.round(duplicateRate * 100)} % repeats, ` +
	`executions ${serial ? 'one at a time (N8N_CONCURRENCY_PRODUCTION_LIMIT=1)' : 'in parallel (n8n default)'}, expression engine ${engine}`;
const problems = problemsOf(results, { vendors, exactRecipe: serial });
process.stdout.write(
	report({
		heading: `Load with retries, one n8n process (n8n ${harness?.server.version ?? '?'}, SQLite; ${settings})`,
		results,
		problems,
		exactRecipe: serial,
		alive: final?.alive ?? false,
		wallMs,
		digest,
	}),
);
if (args.json) {
	const figures = { mode: 'single', n8nVersion: harness?.server.version, count, concurrency, duplicateRate, batch, seed, serial, engine, wallMs, final, digest, results, problems };
	writeFileSync(args.json, `${JSON.stringify(figures, null, 2)}\n`);
}
process.exit(problems.length > 0 ? 1 : exitCode);
