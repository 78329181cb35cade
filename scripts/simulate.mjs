#!/usr/bin/env node
// Sends realistic vendor webhook deliveries, built from the vendors' published examples, to one URL.
// Usage: npm run simulate -- <vendor> <event> --url <url> [options]   (npm run simulate -- --help)

import { commandLine } from './cli.mjs';
import { LIMITS, planDeliveries, planEvents, sendAll, targetUrl } from './simulator/deliver.mjs';
import { VENDORS, findVendor, selectExamples } from './simulator/vendors.mjs';

const HELP = `Usage: npm run simulate -- <vendor> <event> --url <webhook url> [options]

Sends deliveries built from the vendor's published examples, authenticated as the vendor does, and prints
each answer's status and body. Sends only to --url.

  <vendor>              ${Object.keys(VENDORS).join(', ')}
  <event>               an example name, a prefix of names (personaclick import_products), or "all".
                        npm run simulate -- <vendor> --list shows them.
  --url URL             the trigger's webhook URL (production /webhook/... or test /webhook-test/...)
  --count N             events to send (default 1, at most ${LIMITS.maxCount}); past the examples, ids are fresh
  --batch N             events per delivery, for vendors that batch (Optimizely, SendPulse, Prodege)
  --duplicate-rate R    share of events (0 to 1) that are resends of an event already sent
  --secret S            Personaclick, Qixol, SendPulse: the token appended as ?token=S (see --secret-name,
                        --secret-header). Prodege: the partner secret that signs the delivery.
  --secret-name NAME    query parameter carrying the secret (default token)
  --secret-header NAME  send the secret in this header instead of the query
  --user U --password P basic auth (Optimizely, or any trigger set to basic auth)
  --format F            Prodege: form (default) or json. Qixol: json (default) or xml.
  --data-array          Prodege: send data as an array even for one event
  --concurrency N       deliveries in flight at once (default 1, at most ${LIMITS.maxConcurrency})
  --timeout SECONDS     stop starting deliveries after this long (default 120)
  --seed N              seed for the resend choices (default 1)
  --offset N            start ids N rounds on, so this run's events differ from an earlier run's (which a
                        trigger would drop as resends); 0 sends the examples exactly as published
  --dry-run             print the deliveries instead of sending them
  --json                print one JSON summary on stdout instead of lines
`;

function short(body) {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

const { args, positionals, fail, number } = commandLine({
	name: 'simulate',
	rerun: 'npm run simulate --',
	help: HELP,
	allowPositionals: true,
	options: {
		url: { type: 'string' },
		count: { type: 'string' },
		batch: { type: 'string' },
		'duplicate-rate': { type: 'string' },
		secret: { type: 'string' },
		'secret-name': { type: 'string' },
		'secret-header': { type: 'string' },
		user: { type: 'string' },
		password: { type: 'string' },
		format: { type: 'string' },
		'data-array': { type: 'boolean' },
		concurrency: { type: 'string' },
		timeout: { type: 'string' },
		seed: { type: 'string' },
		offset: { type: 'string' },
		'dry-run': { type: 'boolean' },
		json: { type: 'boolean' },
		list: { type: 'boolean' },
	},
});
if (positionals.length === 0) {
	process.stdout.write(HELP);
	process.exit(2);
}

const vendor = findVendor(positionals[0]);
if (!vendor) fail(`unknown vendor "${positionals[0]}". Known: ${Object.keys(VENDORS).join(', ')}`);
if (args.list) {
	process.stdout.write(`${vendor.title} events (${vendor.auth}):\n  ${Object.keys(vendor.events).join('\n  ')}\n`);
	process.exit(0);
}
const names = selectExamples(vendor, positionals[1]);
if (names.length === 0) fail(`${vendor.title} has no event "${positionals[1]}". Known: ${Object.keys(vendor.events).join(', ')}, all`);

const count = number(args.count, 'count', { min: 1, max: LIMITS.maxCount }) ?? 1;
const batch = number(args.batch, 'batch', { min: 1, max: vendor.maxBatch }) ?? 1;
const duplicateRate = number(args['duplicate-rate'], 'duplicate-rate', { min: 0, max: 1, integer: false }) ?? 0;
const concurrency = number(args.concurrency, 'concurrency', { min: 1, max: LIMITS.maxConcurrency }) ?? 1;
const timeoutMs = (number(args.timeout, 'timeout', { min: 1, max: 3600 }) ?? 120) * 1000;
const seed = number(args.seed, 'seed', { min: 0, max: 2 ** 32 - 1 }) ?? 1;
const offset = number(args.offset, 'offset', { min: 0, max: 1_000_000 }) ?? 0;
const formats = { prodege: ['form', 'json'], qixol: ['json', 'xml'] }[vendor.name] ?? ['json'];
const format = args.format ?? formats[0];
if (!formats.includes(format)) fail(`${vendor.title} sends ${formats.join(' or ')}, not "${format}"`);
if (!args['dry-run']) {
	if (!args.url) fail('--url is required: the webhook URL to send to');
	let url;
	try {
		url = new URL(args.url);
	} catch {
		fail(`--url "${args.url}" is not a URL`);
	}
	if (!['http:', 'https:'].includes(url.protocol)) fail('--url must be http or https');
}

const options = {
	batch,
	format,
	secret: args.secret,
	secretName: args['secret-name'],
	secretHeader: args['secret-header'],
	user: args.user,
	password: args.password,
	dataArray: args['data-array'] === true,
};
const events = planEvents(vendor, names, { count, duplicateRate, seed, offset });
const deliveries = planDeliveries(vendor, events, options);

if (args['dry-run']) {
	const shown = deliveries.map(({ events: sent, ...request }) => ({
		url: args.url ? targetUrl(args.url, request.query).href : undefined,
		events: sent,
		headers: request.headers,
		body: request.body,
	}));
	process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
	process.exit(0);
}

const describe = (sent) => sent.map(({ name, duplicate }) => (duplicate ? `${name} (resend)` : name)).join(', ');
if (!args.json) {
	process.stdout.write(`Sending ${events.length} ${vendor.title} event(s) in ${deliveries.length} deliveries to ${args.url}\n`);
}
const answers = await sendAll(args.url, deliveries, {
	concurrency,
	timeoutMs,
	onAnswer(index, delivery, answer) {
		if (args.json) return;
		const status = answer.status === 0 ? `no answer: ${answer.error}` : String(answer.status);
		process.stdout.write(`#${index + 1} [${describe(delivery.events)}] → ${status} (${answer.ms} ms) ${answer.status ? short(answer.body) : ''}\n`);
	},
});

const sent = answers.filter(Boolean);
const byStatus = {};
for (const answer of sent) byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
const unanswered = sent.filter((answer) => answer.status === 0).length;
const skipped = deliveries.length - sent.length;
if (args.json) {
	const report = deliveries.map((delivery, index) => ({ events: delivery.events, ...(answers[index] ?? { skipped: true }) }));
	process.stdout.write(`${JSON.stringify({ vendor: vendor.name, url: args.url, byStatus, skipped, deliveries: report })}\n`);
} else {
	const statuses = Object.entries(byStatus).map(([status, n]) => `${status === '0' ? 'no answer' : status} ×${n}`).join(', ');
	process.stdout.write(`Done: ${sent.length} deliveries, ${statuses || 'nothing sent'}${skipped ? `; ${skipped} not sent (--timeout reached)` : ''}\n`);
	if (unanswered) process.stdout.write(`Some deliveries got no answer: is n8n running, and is the workflow published at ${args.url}?\n`);
}
process.exit(unanswered || skipped ? 1 : 0);
