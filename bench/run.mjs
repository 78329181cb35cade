#!/usr/bin/env node
// `npm run bench`: the in-process half (bench/inprocess.mjs), then the end-to-end half in a real n8n
// (bench/e2e.mjs), within one budget: 3 minutes with --quick, 15 without. The end-to-end half gets what the
// in-process half left. Each half's figures are kept as JSON in bench/results/. Nothing here passes or fails
// on timing; the exit code says only whether both halves ran.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, 'results');

const HELP = `Usage: npm run bench -- [--quick] [--only inprocess|e2e] [end-to-end options]

  --quick            both halves shortened: about 3 minutes in all, n8n's start included (default: about 15)
  --only HALF        run one half: inprocess or e2e
Other options go to the end-to-end half (node bench/e2e.mjs --help lists them), for example --engine vm.
Figures: bench/results/latest-inprocess.json, bench/results/latest-e2e.json; plot: docs/benchmarks/events-per-second.svg.
`;

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
const e2eArgs = argv.filter((arg, i) => arg !== '--quick' && i !== onlyAt && i !== onlyAt + 1);

const budgetMs = (quick ? 3 : 15) * 60_000;
// The end-to-end half needs n8n's start (20-40 s) and a few rounds; below this it is not worth starting.
const e2eFloorMs = (quick ? 1.5 : 5) * 60_000;
const e2eCeilingMs = (quick ? 2.2 : 9) * 60_000;
const began = Date.now();

/** Runs a child to its end (bounded by `limitMs`), echoing its output; resolves to its exit code and stdout. */
function runChild(script, args, limitMs) {
	return new Promise((resolve) => {
		const start = Date.now();
		const child = spawn(process.execPath, [join(HERE, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
		let stdout = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			process.stdout.write(chunk);
		});
		// SIGINT lets bench/e2e.mjs stop the n8n it started.
		const timer = setTimeout(() => {
			process.stderr.write(`bench: ${script} ran past ${Math.round(limitMs / 1000)} s; stopping it\n`);
			child.kill('SIGINT');
			setTimeout(() => child.kill('SIGKILL'), 40_000).unref();
		}, limitMs);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code ?? (signal ? 1 : 0), signal, stdout, ms: Date.now() - start });
		});
	});
}

/** console.table output as rows: the first column is the row's label, the others its fields. */
function parseTables(text) {
	const tables = [];
	let header;
	let rows;
	for (const line of text.split('\n')) {
		if (line.startsWith('┌')) {
			header = undefined;
			rows = [];
		} else if (line.startsWith('│') && rows) {
			const cells = line.split('│').slice(1, -1).map((cell) => cell.trim().replace(/^'(.*)'$/, '$1'));
			if (!header) header = cells;
			else rows.push(Object.fromEntries(cells.map((cell, i) => [header[i] || 'row', cell !== '' && !Number.isNaN(Number(cell)) ? Number(cell) : cell])));
		} else if (line.startsWith('└') && rows) {
			tables.push(rows);
			rows = undefined;
		}
	}
	return tables;
}

const seconds = (ms) => Math.round(ms / 100) / 10;
mkdirSync(RESULTS, { recursive: true });
const walls = {};
let failed = false;

if (only !== 'e2e') {
	process.stdout.write(`== In process${quick ? ' (--quick)' : ''}\n`);
	const inprocess = await runChild('inprocess.mjs', quick ? ['--quick'] : [], budgetMs - e2eFloorMs);
	walls.inprocess = inprocess.ms;
	failed ||= inprocess.code !== 0;
	writeFileSync(
		join(RESULTS, 'latest-inprocess.json'),
		`${JSON.stringify({ quick, exitCode: inprocess.code, wallMs: inprocess.ms, tables: parseTables(inprocess.stdout), output: inprocess.stdout }, null, 2)}\n`,
	);
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

const parts = Object.entries(walls).map(([half, ms]) => `${half} ${seconds(ms)} s`);
process.stdout.write(`\nbench: wall time ${seconds(Date.now() - began)} s (${parts.join(', ')})\n`);
process.exit(failed ? 1 : 0);
