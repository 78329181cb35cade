#!/usr/bin/env node
// `npm start`: a local n8n with this package installed from its packed tarball, a published demo workflow per
// trigger, and the simulator command that sends each one a realistic event. Ctrl-C stops everything.
// Options: --port N (default 5678), --user-folder DIR (keep n8n's data there between runs), --verbose (n8n's log
// on the console). N8N_VERSION picks the n8n release.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { deployWorkflow, launch, log, OWNER, productionUrl, REPO_ROOT, stopOnSignals } from './n8n/index.mjs';
import { sleep } from './n8n/util.mjs';
import { startMock } from './n8n/mocks.mjs';
import { perVendor } from './vendors.mjs';

// Demo secrets: n8n listens on 127.0.0.1 only, and these are printed anyway so the commands can use them.
const TOKEN = 'demo-webhook-token-3d9f61';
const PRODEGE_SECRET = 'demo-prodege-secret-5c2a';
const tokenCredential = (name) => ({ webhookSharedSecretApi: { name, data: { secret: TOKEN, location: 'query', name: 'token' } } });

/**
 * One demo per vendor of vendors.json, by id: the credentials its example workflow gets, the mock API it needs (if
 * any), and the simulator arguments that send it a realistic delivery.
 */
const VENDOR_DEMOS = {
	personaclick: {
		credentials: tokenCredential('Personaclick webhook token'),
		simulate: ['personaclick', 'all', '--count', '11', '--secret', TOKEN],
	},
	optimizely: {
		mock: 'optimizely',
		// The mock API is plain http on localhost, which the trigger refuses unless told it is a test.
		parameters: { options: { allowInsecureUrl: true } },
		simulate: ['optimizely', 'open', '--count', '4', '--batch', '2'],
	},
	qixol: {
		credentials: tokenCredential('Qixol Promo webhook token'),
		simulate: ['qixol', 'Promotion.Created', '--format', 'xml', '--secret', TOKEN],
	},
	sendpulse: {
		credentials: tokenCredential('SendPulse webhook token'),
		simulate: ['sendpulse', 'automation', '--count', '2', '--batch', '2', '--secret', TOKEN],
	},
	prodege: {
		credentials: { prodegeApi: { name: 'Prodege account', data: { apik: 'demo-apik', secretKey: PRODEGE_SECRET, environment: 'production' } } },
		simulate: ['prodege', 'all', '--count', '2', '--secret', PRODEGE_SECRET],
	},
};
const DEMOS = perVendor(VENDOR_DEMOS, 'scripts/start.mjs').map(([vendor, demo]) => ({ node: vendor.node, example: vendor.example, ...demo }));

const { values: args } = parseArgs({
	options: {
		port: { type: 'string' },
		'user-folder': { type: 'string' },
		verbose: { type: 'boolean' },
		help: { type: 'boolean', short: 'h' },
	},
});
if (args.help) {
	process.stdout.write('Usage: npm start [-- --port 5678] [--user-folder DIR] [--verbose]\n');
	process.exit(0);
}
const port = Number(args.port ?? process.env.N8N_PORT ?? 5678);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
	process.stderr.write(`start: --port must be a port number, not "${args.port}"\n`);
	process.exit(2);
}

const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
const withParameters = (workflow, parameters = {}) => ({
	...workflow,
	nodes: workflow.nodes.map((node) => (node.webhookId ? { ...node, parameters: { ...node.parameters, ...parameters } } : node)),
});

async function existingWorkflowNames(api) {
	const answer = await api.public('GET', '/workflows?limit=250');
	return new Set(answer.status === 200 ? answer.data.data.map((workflow) => workflow.name) : []);
}

/** Creates a demo's credentials and publishes its workflow; returns what to print, or why it was left out. */
async function deployDemo(api, demo, mocks, existing) {
	const workflow = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', demo.example), 'utf8'));
	const command = (url, auth = []) => {
		const [vendor, event, ...rest] = demo.simulate;
		return ['npm', 'run', 'simulate', '--', vendor, event, '--url', url, ...rest, ...auth].map(quote).join(' ');
	};
	if (existing.has(workflow.name)) {
		// Kept from an earlier run with --user-folder: left as it was, at the URL the example fixes.
		const url = productionUrl(api.baseUrl, workflow);
		if (demo.mock) return { name: workflow.name, skipped: `kept from an earlier run, but its mock API is gone: delete the workflow and restart to recreate it` };
		return { name: workflow.name, url, command: command(url), note: 'kept from an earlier run, as it was left' };
	}
	const credentials = {};
	const wanted = { ...demo.credentials };
	if (demo.mock) {
		if (!mocks[demo.mock]) return { name: workflow.name, skipped: `needs the ${demo.mock} mock API, which did not start` };
		const { type, data } = mocks[demo.mock].credential;
		wanted[type] = { name: `${workflow.name.replace(/^Demo: /, '')} (mock API)`, data };
	}
	for (const [type, { name, data }] of Object.entries(wanted)) {
		const created = await api.createCredential({ name, type, data });
		credentials[type] = { id: created.id, name: created.name };
	}
	const deployed = await deployWorkflow(api, withParameters(workflow, demo.parameters), { credentials, keepWebhookIds: true });
	// A trigger that registers itself may finish doing so a moment after n8n serves its URL.
	let auth = [];
	for (let tries = 0; demo.mock && auth.length === 0 && tries < 40; tries++) {
		auth = mocks[demo.mock].deliveryAuth(deployed.url);
		if (auth.length === 0) await sleep(250);
	}
	return { name: workflow.name, url: deployed.url, command: command(deployed.url, auth) };
}

const started = Date.now();
const mocks = {};
let harness;
const stopAll = async () => {
	await harness?.stop();
	await Promise.allSettled(Object.values(mocks).map((mock) => mock.stop()));
};
stopOnSignals(stopAll);

try {
	harness = await launch({
		port,
		userFolder: args['user-folder'],
		keepUserFolder: Boolean(args['user-folder']),
		echo: args.verbose === true,
	});
	const built = new Set(harness.pkg.built.nodes.map((node) => node.name));
	const demos = DEMOS.filter((demo) => built.has(demo.node));
	for (const name of new Set(demos.map((demo) => demo.mock).filter(Boolean))) {
		const mock = await startMock(name);
		if (mock) mocks[name] = mock;
	}
	const existing = await existingWorkflowNames(harness.api);
	const results = [];
	for (const demo of demos) {
		try {
			results.push(await deployDemo(harness.api, demo, mocks, existing));
		} catch (error) {
			results.push({ name: demo.example, skipped: `could not be published: ${error.message}` });
		}
	}
	const notBuilt = DEMOS.filter((demo) => !built.has(demo.node)).map((demo) => demo.node);

	const lines = [
		'',
		`n8n ${harness.server.version} is running at ${harness.server.baseUrl}  (ready in ${Math.round((Date.now() - started) / 1000)} s)`,
		`  sign in: ${OWNER.email} / ${OWNER.password}`,
		`  data:    ${harness.server.userFolder}${args['user-folder'] ? '' : ' (temporary: removed on exit; keep it with --user-folder DIR)'}`,
		`  log:     ${harness.server.logFile}`,
		'',
		'Demo workflows:',
	];
	for (const result of results) {
		lines.push(`  ${result.name}${result.note ? ` (${result.note})` : ''}`);
		if (result.skipped) lines.push(`    left out: ${result.skipped}`);
		else lines.push(`    production URL: ${result.url}`, `    send events:    ${result.command}`);
	}
	if (notBuilt.length > 0) lines.push(`  Not built yet, so no demo: ${notBuilt.join(', ')}`);
	lines.push(
		'',
		'Executions appear under each workflow in the editor. A command run twice sends the same events, which the',
		'triggers drop as resends: add --offset 1, 2, … for new ones. Press Ctrl-C to stop n8n and the mock APIs.',
		'',
	);
	process.stdout.write(lines.join('\n'));
} catch (error) {
	log(`npm start failed: ${error.message}`);
	await stopAll();
	process.exit(1);
}

// Stay up until Ctrl-C; if n8n dies on its own, say so and stop the rest.
const watch = setInterval(async () => {
	if (!harness.server.exited) return;
	clearInterval(watch);
	log(`n8n stopped unexpectedly (${harness.server.exited}). Its log: ${harness.server.logFile}`);
	await stopAll();
	process.exit(1);
}, 1000);
