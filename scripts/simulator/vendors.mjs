// How each vendor delivers its events: which examples exist, how a fresh event differs from the example, how a
// batch goes on the wire, and how the vendor proves who it is.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { perVendor } from '../vendors.mjs';

const examples = (vendor) => JSON.parse(readFileSync(new URL(`./examples/${vendor}.json`, import.meta.url), 'utf8')).events;

const clone = (value) => JSON.parse(JSON.stringify(value));

/** Adds `n` to a numeric id, keeping a string a string: fresh ids that still look like the vendor's. */
function bump(value, n) {
	if (n === 0 || value === undefined || value === null) return value;
	if (typeof value === 'number') return value + n;
	return /^\d+$/.test(value) ? String(BigInt(value) + BigInt(n)) : value;
}

/** Replaces the tail of a hex-ish id with `n` in hex, keeping its length. */
function rehex(value, n) {
	if (n === 0 || typeof value !== 'string') return value;
	const suffix = n.toString(16);
	return value.slice(0, Math.max(0, value.length - suffix.length)) + suffix;
}

function basicAuthHeader(options) {
	if (options.user === undefined && options.password === undefined) return {};
	const token = Buffer.from(`${options.user ?? ''}:${options.password ?? ''}`).toString('base64');
	return { authorization: `Basic ${token}` };
}

/** A shared secret as the URL the user gave the vendor carries it: `?token=…`, or in a header with --secret-header. */
function sharedSecret(options) {
	if (options.secret === undefined) return { query: {}, headers: {} };
	if (options.secretHeader) return { query: {}, headers: { [options.secretHeader.toLowerCase()]: options.secret } };
	return { query: { [options.secretName ?? 'token']: options.secret }, headers: {} };
}

function json(body, extraHeaders = {}) {
	return { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...extraHeaders } };
}

function withSecretAndBasicAuth(request, options) {
	const secret = sharedSecret(options);
	return { ...request, query: secret.query, headers: { ...request.headers, ...secret.headers, ...basicAuthHeader(options) } };
}

/**
 * Prodege's documented signing recipe: base64url(SHA-256(secret + ":" + the parameters as key=value, sorted by
 * key, joined by ":")), the signature itself left out. A plain hash, not an HMAC.
 */
export function prodegeSignature(secret, parameters) {
	const toSign = Object.keys(parameters)
		.filter((key) => key !== 'signature')
		.sort()
		.map((key) => `${key}=${parameters[key]}`)
		.join(':');
	return createHash('sha256').update(`${secret}:${toSign}`, 'utf8').digest('base64url');
}

function xmlEscape(text) {
	return String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}

function toXml(name, value) {
	if (Array.isArray(value)) return value.map((entry) => toXml(name, entry)).join('');
	if (value !== null && typeof value === 'object') {
		return `<${name}>${Object.entries(value).map(([key, inner]) => toXml(key, inner)).join('')}</${name}>`;
	}
	return `<${name}>${value === null || value === undefined ? '' : xmlEscape(value)}</${name}>`;
}

/**
 * Each vendor of vendors.json, by id: `events` (name → example), `fresh(example, n)` for the n-th distinct event
 * (n = 0 is the example as published), `redeliver(event)` for a resend, `maxBatch`, and `encode(events, options)`
 * for one delivery.
 */
const BUILDERS = {
	personaclick: {
		events: examples('personaclick'),
		auth: 'shared secret in the query (--secret, --secret-name, --secret-header) or basic auth (--user, --password)',
		maxBatch: 1,
		fresh(example, n) {
			const event = clone(example);
			for (const field of ['task_id', 'segment_id', 'item_id', 'bulk_campaign_id']) {
				if (field in event) event[field] = bump(event[field], n);
			}
			return event;
		},
		encode: ([event], options) => withSecretAndBasicAuth(json(event), options),
	},
	optimizely: {
		events: examples('optimizely'),
		auth: 'basic auth (--user, --password), as set on the webhook at Optimizely',
		maxBatch: 100,
		fresh(example, n) {
			const event = clone(example);
			event.attempt = 1;
			event.created = bump(event.created, n * 1000);
			if ('id' in event) event.id = rehex(event.id, n);
			return event;
		},
		// Optimizely retries every 10 s, counting up `attempt`.
		redeliver: (event) => ({ ...event, attempt: (event.attempt ?? 1) + 1 }),
		encode: (events, options) => withSecretAndBasicAuth(json(events), options),
	},
	prodege: {
		events: examples('prodege'),
		auth: 'signature over the form fields with the partner secret (--secret); --format form (default) or json',
		maxBatch: 100,
		fresh(example, n) {
			const event = clone(example);
			event.event_id = rehex(event.event_id, n);
			return event;
		},
		encode(events, options) {
			const data = JSON.stringify(events.length === 1 && !options.dataArray ? events[0] : events);
			const parameters = { data };
			if (options.secret !== undefined) parameters.signature = prodegeSignature(options.secret, { data });
			if (options.format === 'json') return { ...json(parameters, basicAuthHeader(options)), query: {} };
			return {
				body: new URLSearchParams(parameters).toString(),
				headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicAuthHeader(options) },
				query: {},
			};
		},
	},
	qixol: {
		events: examples('qixol'),
		auth: 'none documented; a shared secret in the query (--secret) or basic auth (--user, --password) if you set one',
		maxBatch: 1,
		fresh(example, n) {
			const event = clone(example);
			for (const field of ['PromotionId', 'ImportId']) if (field in event) event[field] = bump(event[field], n);
			return event;
		},
		encode([event], options) {
			if (options.format === 'xml') {
				const request = {
					body: `<?xml version="1.0" encoding="utf-8"?>${toXml('Webhook', event)}`,
					headers: { 'content-type': 'application/xml' },
				};
				return withSecretAndBasicAuth(request, options);
			}
			return withSecretAndBasicAuth(json(event), options);
		},
	},
	sendpulse: {
		events: examples('sendpulse'),
		auth: 'none documented; a shared secret in the query (--secret) or basic auth (--user, --password) if you set one',
		maxBatch: 500,
		fresh(example, n) {
			const event = clone(example);
			if (n === 0) return event;
			if (event.email) event.email = event.email.replace('@', `+${n}@`);
			// SMTP events: a fresh message to a fresh recipient.
			if (typeof event.recipient === 'string') event.recipient = event.recipient.replace('@', `+${n}@`);
			if (event.message_id !== undefined) event.message_id = bump(event.message_id, n);
			if (event.execution_date) {
				const at = new Date(`${event.execution_date.replace(' ', 'T')}Z`).getTime() + n * 1000;
				event.execution_date = new Date(at).toISOString().slice(0, 19).replace('T', ' ');
			}
			if (event.timestamp !== undefined) event.timestamp = bump(event.timestamp, n);
			return event;
		},
		encode: (events, options) => withSecretAndBasicAuth(json(events), options),
	},
};

/** The same, in the list's order, each with its title from the list. */
export const VENDORS = Object.fromEntries(
	perVendor(BUILDERS, 'scripts/simulator/vendors.mjs').map(([vendor, builder]) => [vendor.id, { title: vendor.title, ...builder }]),
);

/** Vendor names as typed on the command line, with a few obvious aliases. */
export function findVendor(name) {
	const key = String(name ?? '').toLowerCase().replace(/[^a-z]/g, '');
	const alias = { optimizelycampaign: 'optimizely', qixolpromo: 'qixol', personaclicktrigger: 'personaclick' }[key] ?? key;
	return VENDORS[alias] ? { name: alias, ...VENDORS[alias] } : undefined;
}

/** The examples an event argument selects: an exact name, a prefix (`import_products`), or `all`. */
export function selectExamples(vendor, event) {
	const names = Object.keys(vendor.events);
	if (!event || event === 'all') return names;
	if (names.includes(event)) return [event];
	const prefixed = names.filter((name) => name.startsWith(`${event}.`));
	return prefixed;
}
