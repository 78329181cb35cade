#!/usr/bin/env node
// In-process cost of the trigger pipeline per event, against the floor: JSON.parse of the same bytes.
// Compiles the package into a temp folder, calls each trigger's webhook() as n8n does (with the body
// already parsed, as n8n hands it over), and prints ns per event (median of runs, with min-max) and the
// ratio to JSON.parse: each trigger in a process of its own, then all of them in one; what the caller's
// check and the dedupe window cost a single Personaclick delivery; then the dedupe window's retained heap
// after 1 million events.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { vendors } from './vendors.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1];
// A child measures one trigger in a process of its own, from the package the parent compiled.
const childAt = process.argv.indexOf('--child');
const child = childAt === -1 ? undefined : { out: process.argv[childAt + 1], vendor: process.argv[childAt + 2] };
const out = child ? child.out : mkdtempSync(join(tmpdir(), 'nvw-bench-'));
if (!child) execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
// Resolve n8n-workflow, zod and luxon from the project, as n8n resolves them from its own node_modules.
const require = createRequire(join(root, 'package.json'));
process.env.NODE_PATH = join(root, 'node_modules');
require('node:module').Module._initPaths();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The functions n8n hands webhook() as `this`, reading the delivery in `slot.delivery`. n8n builds one per
 * call; building it is n8n's cost, not the pipeline's (about 1 µs here, most of a single event's floor), so
 * one context serves a whole run and the loop moves the slot to the next delivery.
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
		// As in n8n: the workflow and mode name the trigger's dedupe window across calls.
		getWorkflow: () => ({ id: slot.workflowId, name: 'Bench', active: true }),
		getMode: () => 'webhook',
		logger: { warn() {}, debug() {}, info() {}, error() {} },
	};
}

/** One delivery through webhook(), with a context of its own, as n8n calls it. */
const callOnce = (node, delivery, staticData, workflowId) => node.webhook.call(context({ delivery, staticData, workflowId }));

/** Time `fn` over `iterations` calls; returns ns per call. */
async function time(iterations, fn) {
	const start = process.hrtime.bigint();
	for (let i = 0; i < iterations; i++) await fn(i);
	return Number(process.hrtime.bigint() - start) / iterations;
}

const runs = quick ? 3 : 7;
const eventsPerRun = quick ? 20_000 : 100_000;

/** A trigger's node, from the compiled package. */
const nodeOf = (vendor) => new (require(join(out, vendor.nodeFile))[vendor.className])();

/**
 * One run of prepared deliveries through webhook(), with one n8n-style context, on a workflow of its own (a run
 * sends the same events as the others, which a shared dedupe window would drop); returns ns per delivery.
 */
function timePipeline(node, vendor, prepared, workflowId) {
	const slot = { delivery: prepared[0], staticData: vendor.staticData ? vendor.staticData() : {}, workflowId };
	const call = context(slot);
	return time(prepared.length, (i) => {
		slot.delivery = prepared[i];
		return node.webhook.call(call);
	});
}

/** Rows of ns per event for one trigger, single events and 100-event batches. */
async function measure(vendor) {
	const rows = [];
	const node = nodeOf(vendor);
	for (const batch of [1, 100]) {
		// Distinct events in every delivery, so the dedupe window does real work. Deliveries are
		// prepared up front so only the pipeline is timed. n8n hands webhook() a fresh parsed body each
		// time, so each run parses its own copies.
		const deliveries = Math.max(1, Math.floor(eventsPerRun / batch));
		const prepared = Array.from({ length: deliveries }, (_, i) => vendor.delivery(batch, i));
		// A benchmark of refusals would measure nothing: check that a delivery is taken and emits its events.
		const probe = await callOnce(node, vendor.delivery(batch, deliveries + 1), vendor.staticData ? vendor.staticData() : {}, `${vendor.name} probe ${batch}`);
		const emitted = probe.workflowData?.[0]?.length ?? 0;
		if (emitted !== batch) throw new Error(`${vendor.name}: a ${batch}-event delivery emitted ${emitted} items`);
		const pipeline = [];
		const parse = [];
		const fullParse = [];
		for (let run = 0; run < runs; run++) {
			pipeline.push((await timePipeline(node, vendor, prepared, `${vendor.name} ${batch} ${run}`)) / batch);
			parse.push((await time(deliveries, (i) => JSON.parse(prepared[i].rawBody))) / batch);
			if (vendor.fullParse) fullParse.push((await time(deliveries, (i) => vendor.fullParse(prepared[i].rawBody))) / batch);
		}
		const p = median(pipeline);
		const j = median(parse);
		rows.push({
			vendor: vendor.name,
			batch,
			'pipeline ns/event': Math.round(p),
			'min-max': `${Math.round(Math.min(...pipeline))}-${Math.round(Math.max(...pipeline))}`,
			'JSON.parse ns/event': Math.round(j),
			ratio: +(p / j).toFixed(2),
			...(vendor.fullParse && {
				'with the data string parsed ns/event': Math.round(median(fullParse)),
				'ratio to that': +(p / median(fullParse)).toFixed(2),
			}),
		});
	}
	return rows;
}

/**
 * Single deliveries of one trigger with parts of the pipeline switched off through its parameters (the caller's
 * check, the dedupe window), in rounds that rotate the order: what each part costs a delivery.
 */
async function measureParts(vendor) {
	const node = nodeOf(vendor);
	const windowOff = (parameters) => ({ ...parameters, options: { ...parameters.options, dedupeWindow: 0 } });
	const variants = {
		'as configured': (parameters) => parameters,
		'authentication none': (parameters) => ({ ...parameters, authentication: 'none' }),
		'dedupe window 0': windowOff,
		'both': (parameters) => ({ ...windowOff(parameters), authentication: 'none' }),
	};
	const names = Object.keys(variants);
	const base = Array.from({ length: eventsPerRun }, (_, i) => vendor.delivery(1, i));
	// Every variant, the floor included, reaches its deliveries through copies of the delivery objects made in one
	// go (bodies and buffers are shared): reached through the originals, which lie among their bodies and buffers
	// in memory, the same deliveries cost the pipeline and JSON.parse a quarter more.
	const prepared = Object.fromEntries(names.map((name) => [name, base.map((delivery) => ({ ...delivery, parameters: variants[name](delivery.parameters) }))]));
	const parsed = base.map((delivery) => ({ ...delivery }));
	const times = Object.fromEntries([...names, 'JSON.parse'].map((name) => [name, []]));
	for (let run = 0; run < runs; run++) {
		for (const name of [...names.slice(run % names.length), ...names.slice(0, run % names.length)]) {
			times[name].push(await timePipeline(node, vendor, prepared[name], `${vendor.name} parts ${name} ${run}`));
		}
		times['JSON.parse'].push(await time(eventsPerRun, (i) => JSON.parse(parsed[i].rawBody)));
	}
	const floor = median(times['JSON.parse']);
	return names.map((name) => ({ 'switched off': name, 'ns/delivery': Math.round(median(times[name])), 'ratio to JSON.parse': +(median(times[name]) / floor).toFixed(2) }));
}

const chosen = vendors(out).filter((v) => (child ? v.name === child.vendor : !only || v.name.toLowerCase().startsWith(only.toLowerCase())));
if (child) {
	const rows = process.argv.includes('--parts') ? await measureParts(chosen[0]) : await measure(chosen[0]);
	process.stdout.write(`${JSON.stringify(rows)}\n`);
	process.exit(0);
}
for (const vendor of chosen) {
	if (!existsSync(join(out, vendor.nodeFile))) throw new Error(`${vendor.name}: not built (${vendor.nodeFile})`);
}

// Each trigger in a process of its own, as in an n8n that runs one of them: the kit's code is then compiled
// for that vendor alone. Then all five in one process, one after the other, as in an n8n that runs them all:
// the kit's functions then see every vendor's shapes, which costs the later ones.
console.log('Each trigger in a process of its own:');
const alone = [];
for (const vendor of chosen) {
	const args = [fileURLToPath(import.meta.url), '--child', out, vendor.name, ...(quick ? ['--quick'] : [])];
	alone.push(...JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })));
}
console.table(alone);
console.log('The same triggers in one process, one after the other:');
const rows = [];
for (const vendor of chosen) rows.push(...(await measure(vendor)));
console.table(rows);

// What a single delivery's guarantees cost: Personaclick's, in a process of its own.
const personaclick = chosen.find((vendor) => vendor.name === 'Personaclick');
if (personaclick) {
	console.log('A single Personaclick delivery with parts switched off, in a process of its own:');
	const args = [fileURLToPath(import.meta.url), '--child', out, personaclick.name, '--parts', ...(quick ? ['--quick'] : [])];
	console.table(JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })));
}

// Retained memory of the dedupe window at its default size (10,000 keys), measured after 100k and after
// 1M events through the Personaclick pipeline: once the window is full it must not grow. The window's
// look-up table is typed arrays, outside V8's heap, so those count too (arrayBuffers).
{
	const v8 = await import('node:v8');
	const vm = await import('node:vm');
	v8.setFlagsFromString('--expose-gc');
	const gc = vm.runInNewContext('gc');
	const personaclick = vendors(out).find((v) => v.name === 'Personaclick');
	const node = nodeOf(personaclick);
	const staticData = {};
	// Data only: V8 keeps compiling the pipeline for a while (100 KB of machine code between the two marks),
	// and its code spaces are part of heapUsed.
	const retainedNow = () => {
		gc();
		gc();
		const code = v8
			.getHeapSpaceStatistics()
			.filter((space) => space.space_name.startsWith('code'))
			.reduce((total, space) => total + space.space_used_size, 0);
		const { heapUsed, arrayBuffers } = process.memoryUsage();
		return heapUsed - code + arrayBuffers;
	};
	// Warm up first on a window of its own, so that what the pipeline keeps besides the window is in the base.
	const warmUp = {};
	for (let seq = 0; seq < 10_000; seq++) await callOnce(node, personaclick.delivery(100, 1e7 + seq), warmUp, "bench-warm-up");
	const base = retainedNow();
	const marks = quick ? [100_000, 300_000] : [100_000, 1_000_000];
	// Each mark is the median of three samples 20,000 events apart, ending at the mark: what the window holds
	// at one instant depends on how long ago it was last written (at most once a second), by up to a tenth.
	const samplesAt = (mark) => [mark - 40_000, mark - 20_000, mark];
	const retained = {};
	const started = Date.now();
	let sent = 0;
	for (const mark of marks) {
		const samples = [];
		for (const sample of samplesAt(mark)) {
			for (; sent < sample; sent += 100) {
				// Warm-up: the window is full after 10,000 events, and reaches its working size once it has been left
				// in static data (at most once a second) and the copy there has aged. So the first second is let pass
				// once it is full; the 100,000-event mark comes after that, the growth measured is the steady state's.
				if (sent === 10_000 && Date.now() - started < 1_100) await new Promise((resolve) => setTimeout(resolve, 1_100 - (Date.now() - started)));
				await callOnce(node, personaclick.delivery(100, sent / 100), staticData, 'bench-workflow');
			}
			samples.push(retainedNow() - base);
		}
		retained[mark] = median(samples);
	}
	const [first, last] = marks;
	console.table({
		[`after ${first.toLocaleString('en')} events`]: { 'retained memory (MB)': +(retained[first] / 1e6).toFixed(2) },
		[`after ${last.toLocaleString('en')} events`]: { 'retained memory (MB)': +(retained[last] / 1e6).toFixed(2) },
		growth: { 'retained memory (MB)': `${(((retained[last] - retained[first]) / retained[first]) * 100).toFixed(1)}%` },
	});
}
