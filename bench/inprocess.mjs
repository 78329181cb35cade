#!/usr/bin/env node
// The in-process half of `npm run bench`: what the kit costs per delivery. Compiles the package into a temp
// folder and calls each trigger's webhook() as n8n does (body already parsed, request, static data,
// credentials), with single events and 100-event batches of fresh events, so authentication, decoding,
// validation, filtering and the dedupe window all do their work. Prints µs per delivery (median of runs, with
// min-max) and writes them as JSON for bench/run.mjs, which sets them against n8n's own cost per execution.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { vendors } from './vendors.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
	process.stdout.write('Usage: node bench/inprocess.mjs [--quick] [--only VENDOR] [--json FILE]\n');
	process.exit(0);
}
const quick = argv.includes('--quick');
const valueOf = (flag) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const only = valueOf('--only');
const jsonFile = valueOf('--json') ?? join(root, 'bench', 'results', 'latest-inprocess.json');

export const BATCHES = [1, 100];
const runs = quick ? 3 : 5;
// Events per run, and a time bound per run: the slowest trigger stops at the bound, with thousands of calls.
const eventsPerRun = quick ? 20_000 : 50_000;
const runLimitMs = quick ? 1_000 : 2_000;

const began = Date.now();
const out = mkdtempSync(join(tmpdir(), 'nvw-bench-'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
// Resolve n8n-workflow, zod and luxon from the project, as n8n resolves them from its own node_modules.
const require = createRequire(join(root, 'package.json'));
process.env.NODE_PATH = join(root, 'node_modules');
require('node:module').Module._initPaths();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The functions n8n hands webhook() as `this`, reading the delivery in `slot.delivery`. n8n builds one per call;
 * that is n8n's cost, counted in its half, so one context serves a run and the loop moves the slot along.
 */
function context(slot) {
	const res = { status() { return this; }, setHeader() { return this; }, json() { return this; }, send() { return this; }, end() { return this; } };
	const node = { id: 'bench-trigger', name: 'Trigger' };
	const request = { rawBody: undefined, socket: { remoteAddress: '127.0.0.1' } };
	return {
		getRequestObject: () => {
			request.rawBody = slot.delivery.rawBody;
			return request;
		},
		getResponseObject: () => res,
		getHeaderData: () => slot.delivery.headers,
		getQueryData: () => slot.delivery.query,
		getBodyData: () => slot.delivery.body,
		getNodeParameter: (name, fallback) => (name in slot.delivery.parameters ? slot.delivery.parameters[name] : fallback),
		getCredentials: async (type) => slot.delivery.credentials[type],
		getWorkflowStaticData: () => slot.staticData,
		getNode: () => node,
		// As in n8n: the workflow names the trigger's dedupe window across calls.
		getWorkflow: () => ({ id: slot.workflowId, name: 'Bench', active: true }),
		getMode: () => 'webhook',
		logger: { warn() {}, debug() {}, info() {}, error() {} },
	};
}

/** One run of prepared deliveries on a workflow of its own (runs send the same events); µs per delivery. */
async function timeRun(node, vendor, prepared, workflowId) {
	const slot = { delivery: prepared[0], staticData: vendor.staticData ? vendor.staticData() : {}, workflowId };
	const call = context(slot);
	const deadline = Date.now() + runLimitMs;
	const start = process.hrtime.bigint();
	let done = 0;
	for (; done < prepared.length && (done % 256 !== 0 || Date.now() < deadline); done++) {
		slot.delivery = prepared[done];
		await node.webhook.call(call);
	}
	return Number(process.hrtime.bigint() - start) / done / 1000;
}

/** A trigger's figures for one batch size. */
async function measure(vendor, batch) {
	const node = new (require(join(out, vendor.nodeFile))[vendor.className])();
	const deliveries = Math.max(1, Math.floor(eventsPerRun / batch));
	// Prepared up front, so only webhook() is timed; every delivery carries new events.
	const prepared = Array.from({ length: deliveries }, (_, i) => vendor.delivery(batch, i));
	// A benchmark of refusals would measure nothing: a delivery must be taken and emit its events.
	const probe = await node.webhook.call(context({ delivery: vendor.delivery(batch, deliveries + 1), staticData: vendor.staticData ? vendor.staticData() : {}, workflowId: `probe ${vendor.name} ${batch}` }));
	const emitted = probe.workflowData?.[0]?.length ?? 0;
	if (emitted !== batch) throw new Error(`${vendor.name}: a ${batch}-event delivery emitted ${emitted} items`);
	const times = [];
	for (let run = 0; run < runs; run++) times.push(await timeRun(node, vendor, prepared, `${vendor.name} ${batch} ${run}`));
	return { vendor: vendor.name, batch, usPerDelivery: median(times), min: Math.min(...times), max: Math.max(...times), runs };
}

const chosen = vendors(out).filter((v) => !only || v.name.toLowerCase().startsWith(only.toLowerCase()));
if (chosen.length === 0) throw new Error(`no vendor matches "${only}"`);
// One process for all five, as in an n8n that runs them all: the kit's shared functions see every vendor's shapes.
const rows = [];
for (const vendor of chosen) for (const batch of BATCHES) rows.push(await measure(vendor, batch));

const fixed = (value) => +value.toFixed(1);
console.log(`Kit cost per delivery through webhook(), µs: median of ${runs} runs (min-max), Node ${process.version}`);
console.table(rows.map((r) => ({ trigger: r.vendor, batch: r.batch, 'µs/delivery': fixed(r.usPerDelivery), 'min-max': `${fixed(r.min)}-${fixed(r.max)}`, 'µs/event': fixed(r.usPerDelivery / r.batch) })));
mkdirSync(dirname(jsonFile), { recursive: true });
writeFileSync(jsonFile, `${JSON.stringify({ quick, node: process.version, wallMs: Date.now() - began, rows }, null, 2)}\n`);
console.log(`Figures: ${jsonFile}`);
