#!/usr/bin/env node
// `npm run test:queue`: the load of `npm run test:load` against n8n's distributed mode on 127.0.0.1: PostgreSQL
// and Redis (installed from Debian packages if missing), n8n main, 2 `n8n webhook` processes and 1 `n8n worker`,
// each with the packed package installed. Deliveries go alternately to the two webhook processes, as a balancer
// would send them. Everything it starts is stopped at the end, on failure and on Ctrl-C.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';

import { LIMITS, LOADS, loadArguments, log, logDigest, problemsOf, report, runVendorLoad, seconds } from './load-kit.mjs';
import { DEFAULT_N8N_VERSION, launchQueue } from './n8n/index.mjs';

const HELP = `Usage: npm run test:queue -- [options]

Starts n8n ${DEFAULT_N8N_VERSION} in queue mode on 127.0.0.1 (PostgreSQL, Redis, main, 2 webhook processes, 1 worker;
PostgreSQL and Redis are installed with apt-get if missing), publishes a workflow Trigger → Remove Duplicates per
trigger, sends vendor-style deliveries with repeats alternately to both webhook processes, and counts what the
executions emitted. By default the worker runs one execution at a time (--concurrency=1), which Remove
Duplicates needs to be exact; --parallel gives it n8n's default of 10.

  --quick               1,000 deliveries per trigger instead of 10,000
  --count N             deliveries per trigger (at most ${LIMITS.maxCount}; default 10000)
  --concurrency N       deliveries in flight (default 50, at most ${LIMITS.maxConcurrency})
  --duplicate-rate R    share of deliveries that resend an earlier event (default 0.2)
  --batch N             events per delivery for vendors that batch (default 1)
  --vendors LIST        comma-separated: ${Object.keys(LOADS).join(',')} (default all)
  --seed N              seed for the repeats (default 1)
  --parallel            the worker runs 10 executions at once (n8n worker's default) instead of 1
  --webhooks N          webhook processes (default 2)
  --engine E            n8n's expression engine, N8N_EXPRESSION_ENGINE: legacy (default here) or vm (n8n 2.41's
                        default, which costs about 0.1 s of CPU per delivery on 2 cores: see RELIABILITY.md)
  --timeout MINUTES     the whole run's budget (default 300, 60 with --quick); every phase is bounded within it
  --json FILE           also write every figure to FILE
  --keep-logs DIR       copy every process's log into DIR before the folders are removed
`;

const { args, number, count, concurrency, duplicateRate, batch, seed, budgetMs, engine, serial, vendors } = loadArguments({
	command: 'test:queue',
	help: HELP,
	options: { webhooks: { type: 'string' }, 'keep-logs': { type: 'string' } },
	minutes: { quick: 60, full: 300 },
});
const webhookCount = number(args.webhooks, 'webhooks', { min: 1, max: 4 }) ?? 2;
const workerConcurrency = serial ? 1 : 10;

const began = Date.now();
const left = () => began + budgetMs - Date.now();
let cluster;
let digest = [];
const processes = () => (cluster ? [cluster.main, ...cluster.webhooks, ...cluster.workers] : []);
const stopAll = async () => {
	if (!cluster) return;
	// Logs are read once the processes have stopped, before their folders go.
	for (const handle of [...cluster.webhooks, ...cluster.workers, cluster.main]) await handle.stop();
	digest = logDigest(processes().map((handle) => handle.logFile));
	if (args['keep-logs']) {
		// Keeping the logs must never cost the report: a log that cannot be copied is named, and the run goes on.
		const keep = (from, name) => {
			try {
				mkdirSync(args['keep-logs'], { recursive: true });
				copyFileSync(from, `${args['keep-logs']}/${name}`);
			} catch (error) {
				log(`Could not keep ${from}: ${error.message}`);
			}
		};
		for (const handle of processes()) keep(handle.logFile, `${handle.userFolder.split('/').pop()}.log`);
		keep(cluster.postgres.logFile, 'postgres.log');
	}
	await cluster.stop();
};

const results = [];
let final;
let exitCode = 0;
try {
	const env = {
		EXECUTIONS_DATA_PRUNE: 'false',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'warn',
		N8N_EXPRESSION_ENGINE: engine,
	};
	cluster = await launchQueue({ version: process.env.N8N_VERSION, webhooks: webhookCount, workers: 1, workerConcurrency, env });
	const { api, main, webhooks, workers } = cluster;
	log(
		`Queue mode ready in ${seconds(Date.now() - began)} s; ${count} deliveries per trigger at concurrency ${concurrency}, ${Math.round(duplicateRate * 100)} % repeats, ` +
			`alternately to ${webhooks.length} webhook processes; worker concurrency ${workerConcurrency}; expression engine ${engine}`,
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
				targets: webhooks.map((handle) => handle.baseUrl),
				readinessUrls: [...[main, ...webhooks].map((handle) => `${handle.baseUrl}/healthz/readiness`), ...workers.map((handle) => `${handle.baseUrl}/healthz/readiness`)],
				pids: cluster.pids,
				left,
			}),
		);
	}
	final = { alive: processes().every((handle) => !handle.exited), exited: processes().filter((handle) => handle.exited).map((handle) => handle.userFolder.split('/').pop()) };
} catch (error) {
	log(`test:queue failed: ${error.stack ?? error.message}`);
	exitCode = 1;
} finally {
	await stopAll();
}

const wallMs = Date.now() - began;
const settings =
	`${count} deliveries per trigger alternately to ${webhookCount} webhook processes, concurrency ${concurrency}, ${Math.round(duplicateRate * 100)} % repeats, ` +
	`1 worker at concurrency ${workerConcurrency}${serial ? ' (one execution at a time)' : ' (n8n default)'}, expression engine ${engine}`;
const problems = problemsOf(results, { vendors, exactRecipe: serial });
if (final && !final.alive) problems.push(`n8n processes exited during the run: ${final.exited.join(', ')}`);
process.stdout.write(
	report({
		heading: `Load with retries, n8n queue mode (n8n ${cluster?.n8n.version ?? '?'}, PostgreSQL, Redis; ${settings})`,
		results,
		problems,
		exactRecipe: serial,
		alive: final?.alive ?? false,
		wallMs,
		digest,
	}),
);
if (args.json) {
	const figures = { mode: 'queue', n8nVersion: cluster?.n8n.version, count, concurrency, duplicateRate, batch, seed, serial, workerConcurrency, webhooks: webhookCount, engine, wallMs, final, digest, results, problems };
	writeFileSync(args.json, `${JSON.stringify(figures, null, 2)}\n`);
}
process.exit(problems.length > 0 ? 1 : exitCode);
