#!/usr/bin/env node
// `npm run bench`: the in-process half (bench/inprocess.mjs: the kit's cost per delivery), then the end-to-end
// half in a real n8n (bench/e2e.mjs: against n8n's Webhook node, and n8n's own cost per execution), within one
// budget: 3.5 minutes with --quick, 15 without. Then the kit's cost as a share of n8n's, both from this run.
// Nothing here passes or fails on timing; the exit code says only whether both halves ran.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, 'results');

const HELP = `Usage: npm run bench -- [--quick] [--only inprocess|e2e] [end-to-end options]

  --quick            both halves shortened: about 3.5 minutes in all, n8n's start included (default: up to 15)
  --only HALF        run one half: inprocess or e2e (the kit's share of n8n's cost needs both)
Other options go to the end-to-end half (node bench/e2e.mjs --help lists them), for example --compare 4126452.
Figures: bench/results/latest-inprocess.json, bench/results/latest-e2e.json; plot: docs/benchmarks/events-per-second.svg.
`;

/** The ceilings on the kit's share of n8n's cost per execution, by events per delivery. */
const SHARE_TARGETS = { 1: 2, 100: 5 };

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
	process.stdout.write(HELP);
	process.exit(0);
}
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : argv[onlyAt + 1];
if (onlyAt !== -1 && !['inprocess', 'e2e'].includes(only)) {
	process.stderr.write(`bench: --only takes inprocess or e2e; got "${only ?? ''}"\n`);
	process.exit(2);
}
const e2eArgs = argv.filter((arg, i) => arg !== '--quick' && (onlyAt === -1 || (i !== onlyAt && i !== onlyAt + 1)));
const e2eJson = e2eArgs.includes('--json') ? e2eArgs[e2eArgs.indexOf('--json') + 1] : join(RESULTS, 'latest-e2e.json');
const inprocessJson = join(RESULTS, 'latest-inprocess.json');

const budgetMs = (quick ? 3.5 : 15) * 60_000;
// The end-to-end half needs n8n's start (20-40 s), a build of --compare's commit, and a few rounds.
const e2eFloorMs = (quick ? 2 : 5) * 60_000;
const e2eCeilingMs = (quick ? 2.6 : 10) * 60_000;
const began = Date.now();

/** Runs a child to its end (bounded by `limitMs`), its output passed through; resolves to its exit code. */
function runChild(script, args, limitMs) {
	return new Promise((resolve) => {
		const start = Date.now();
		const child = spawn(process.execPath, [join(HERE, script), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
		// SIGINT lets bench/e2e.mjs stop the n8n it started.
		const timer = setTimeout(() => {
			process.stderr.write(`bench: ${script} ran past ${Math.round(limitMs / 1000)} s; stopping it\n`);
			child.kill('SIGINT');
			setTimeout(() => child.kill('SIGKILL'), 40_000).unref();
		}, limitMs);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code ?? (signal ? 1 : 0), ms: Date.now() - start });
		});
	});
}

/** A half's JSON if this run wrote it. */
function fromThisRun(file) {
	if (!existsSync(file) || statSync(file).mtimeMs < began) return undefined;
	return JSON.parse(readFileSync(file, 'utf8'));
}

/** Per trigger and batch size: the kit's µs per delivery over n8n's µs per execution (the bare Webhook node's). */
function shareLines(inprocess, e2e) {
	const lines = ["The kit's cost per delivery as a share of n8n's own cost per execution (both from this run):"];
	for (const row of inprocess.rows) {
		const n8n = e2e.n8nCost?.[row.batch];
		const target = SHARE_TARGETS[row.batch];
		if (!n8n) {
			lines.push(`  ${row.vendor}, batch ${row.batch}: no n8n figure for this batch size (run the end-to-end half with it)`);
			continue;
		}
		const share = (row.usPerDelivery / (n8n.median * 1000)) * 100;
		const verdict = target === undefined ? '' : `, target <= ${target} %: ${share <= target ? 'met' : 'MISSED'}`;
		lines.push(`  ${row.vendor}, batch ${row.batch}: ${share.toFixed(2)} % (kit ${row.usPerDelivery.toFixed(1)} µs / n8n ${n8n.median.toFixed(2)} ms)${verdict}`);
	}
	return lines;
}

const seconds = (ms) => Math.round(ms / 100) / 10;
const walls = {};
let failed = false;

if (only !== 'e2e') {
	process.stdout.write(`== In process${quick ? ' (--quick)' : ''}\n`);
	const inprocess = await runChild('inprocess.mjs', [...(quick ? ['--quick'] : []), '--json', inprocessJson], budgetMs - e2eFloorMs);
	walls.inprocess = inprocess.ms;
	failed ||= inprocess.code !== 0;
}

if (only !== 'inprocess') {
	const leftMs = budgetMs - (Date.now() - began);
	const e2eBudgetMs = Math.min(e2eCeilingMs, Math.max(e2eFloorMs, leftMs - 15_000));
	process.stdout.write(`\n== End to end in a real n8n${quick ? ' (--quick)' : ''}, budget ${seconds(e2eBudgetMs)} s\n`);
	const timeout = e2eArgs.includes('--timeout') ? [] : ['--timeout', String(e2eBudgetMs / 60_000)];
	const e2e = await runChild('e2e.mjs', [...(quick ? ['--quick'] : []), ...timeout, ...e2eArgs], e2eBudgetMs + 60_000);
	walls.e2e = e2e.ms;
	failed ||= e2e.code !== 0;
}

process.stdout.write('\n== Share\n');
if (only === 'inprocess') {
	process.stdout.write("The kit's share of n8n's cost per execution needs the end-to-end half (n8n's own cost, measured in the same run): run without --only.\n");
} else if (only === 'e2e') {
	process.stdout.write("The kit's share of n8n's cost per execution needs the in-process half (the kit's cost, measured in the same run): run without --only.\n");
} else {
	const inprocess = fromThisRun(inprocessJson);
	const e2e = fromThisRun(e2eJson);
	if (!inprocess || !e2e) process.stdout.write(`The share needs both halves' figures from this run; missing: ${[!inprocess && 'in process', !e2e && 'end to end'].filter(Boolean).join(', ')}.\n`);
	else process.stdout.write(`${shareLines(inprocess, e2e).join('\n')}\n`);
}

const parts = Object.entries(walls).map(([half, ms]) => `${half} ${seconds(ms)} s`);
process.stdout.write(`\nbench: wall time ${seconds(Date.now() - began)} s (${parts.join(', ')})\n`);
process.exit(failed ? 1 : 0);
