/**
 * A local stand-in for the SendPulse REST API, on 127.0.0.1, for tests and demos. It implements what the
 * SendPulse nodes call: the client-credentials token endpoint (tokens expire, on a clock tests can move),
 * the email-service webhook endpoints, the mailing lists (address books) and their emails, and Automation 360
 * events, by name with a token or at an event's own URL (`/events/id/...`) without one. An accepted event
 * can start a flow whose "Send webhook" step posts to a URL the test sets, as SendPulse would. More than 10
 * API calls within a second are refused with 429, SendPulse's documented limit. Tests can queue failures
 * (401, 429, 5xx, or no answer at all) to see how the nodes cope.
 *
 * The success shapes follow the answers third-party SDKs record for SendPulse. SendPulse publishes no error
 * bodies for these endpoints, so the error bodies here are this mock's own, and so are its refusals of an
 * unknown mailing list, event URL or email.
 *
 * Usage: `const api = await startSendPulseMock(); … api.url …; await api.stop();`. It uses Node's built-ins
 * only and no CommonJS globals, so a script can transpile this one file to an ES module and import it.
 */
import { randomBytes } from 'crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

export const MOCK_CLIENT_ID = 'mock-client-id';
export const MOCK_CLIENT_SECRET = 'mock-client-secret-7c1e9b';

/** The email-service actions the mock accepts, as the nodes register them. */
export const MOCK_ACTIONS = [
	'delivered',
	'open',
	'redirect',
	'unsubscribe',
	'spam',
	'soft_bounces',
	'hard_bounces',
	'new_emails',
	'task_status_update',
] as const;

export interface MockWebhook {
	id: number;
	user_id: number;
	url: string;
	action: string;
}

export interface MockMailingList {
	id: string;
	name: string;
	all_email_qty: string;
	active_email_qty: string;
	inactive_email_qty: string;
	creationdate: string;
	status: string;
	status_explain: string;
}

export interface MockRequest {
	method: string;
	path: string;
	/** The bearer token sent, if any. */
	token?: string;
	status: number;
	/** The decoded body, for calls that carry one. */
	body?: Record<string, unknown>;
}

/** One address in a mailing list, as the mock keeps it. */
export interface MockListEmail {
	email: string;
	variables: Record<string, unknown>;
	/** `active`, `unsubscribed`, or `pending` while a double opt-in waits for confirmation. */
	status: 'active' | 'unsubscribed' | 'pending';
}

/** An Automation 360 event the mock accepted. */
export interface MockEvent {
	/** `name` for `POST /events/name/{name}` with a token, `url` for the event's own URL. */
	via: 'name' | 'url';
	/** The event name, or the id in the event's URL. */
	event: string;
	body: Record<string, unknown>;
}

/** What the flow's "Send webhook" step did after an event. */
export interface MockFlowDelivery {
	status?: number;
	error?: string;
	body: unknown[];
}

export interface QueuedFailure {
	status: number;
	/** Only requests whose path starts with this fail; every request by default. */
	pathPrefix?: string;
	body?: unknown;
	headers?: Record<string, string>;
	/** How many matching requests fail (1 by default). */
	times?: number;
	/** Never answer, instead of answering with the status: the client must give up by itself. */
	hang?: boolean;
}

export interface SendPulseMockOptions {
	clientId?: string;
	clientSecret?: string;
	/** Token lifetime in seconds; SendPulse's is 3600. */
	tokenLifetime?: number;
	/** Mailing lists to serve; three small ones by default. */
	mailingLists?: MockMailingList[];
	/** Webhooks the account already has. */
	webhooks?: Array<Omit<MockWebhook, 'id' | 'user_id'>>;
	/** The ids of the event URLs Events Manager shows; one by default (see `eventUrl`). */
	eventIds?: string[];
	/** API calls allowed in any one second (the token endpoint aside); 10, as SendPulse documents; 0 for no limit. */
	rateLimitPerSecond?: number;
	port?: number;
}

export interface SendPulseMock {
	/** The base URL, e.g. http://127.0.0.1:43121, for the credential's Base URL. */
	url: string;
	clientId: string;
	clientSecret: string;
	/** The account's webhooks, live: tests may read and change them. */
	webhooks: MockWebhook[];
	mailingLists: MockMailingList[];
	/** The addresses in each mailing list, by list id, live. */
	listEmails: Map<string, Map<string, MockListEmail>>;
	/** Automation 360 events accepted, in order. */
	events: MockEvent[];
	/** The "Send webhook" deliveries made after events (once each has been answered or failed). */
	flowDeliveries: MockFlowDelivery[];
	/** The URL of an event as Events Manager shows it (`/events/id/...`), for the first event id. */
	eventUrl: string;
	/**
	 * After each accepted event, post an Automation 360 "Send webhook" body to `url`, as a flow whose first step
	 * is that action would (undefined: start no flow).
	 */
	startFlowOnEvent(url: string | undefined, flow?: { automationId?: number; title?: string }): void;
	requests: MockRequest[];
	/** How many tokens the token endpoint has issued. */
	tokensIssued(): number;
	/** Moves the mock's clock, so tokens expire without waiting. */
	advanceTime(seconds: number): void;
	/** Makes the next matching requests fail with the given status. */
	failNext(failure: QueuedFailure): void;
	/** Credential data for the SendPulse API credential, pointing at this mock (no token yet: n8n fetches one). */
	credentialData(): { clientId: string; clientSecret: string; baseUrl: string };
	stop(): Promise<void>;
}

const USER_ID = 7043663;
const MAX_BODY = 1024 * 1024;
const DEFAULT_EVENT_ID = '7a41c3e2d9f04b6b8d1e5f20c3a9b7e1/8102113';
/** The fields of an event body that are not the event's variables. */
const EVENT_FIELDS = new Set(['email', 'phone', 'automation_id']);

const isEmail = (value: unknown): value is string => typeof value === 'string' && /^[^@\s]+@[^@\s]+$/.test(value);
const isRecord = (value: unknown): value is Record<string, unknown> => Boolean(value) && typeof value === 'object' && !Array.isArray(value);

/** "YYYY-MM-DD HH:mm:ss", as Automation 360 writes execution_date (UTC here). */
function executionDate(at: number): string {
	return new Date(at).toISOString().slice(0, 19).replace('T', ' ');
}

/** Why an event body is refused, or undefined when it is accepted. */
function eventProblem(body: Record<string, unknown>): string | undefined {
	const email = body.email;
	const phone = body.phone;
	if ((email === undefined || email === '') && (phone === undefined || phone === '')) return 'Give email or phone';
	if (email !== undefined && typeof email !== 'string') return 'email must be a string';
	if (phone !== undefined && typeof phone !== 'string') return 'phone must be a string';
	if (body.automation_id !== undefined && typeof body.automation_id !== 'number') return 'automation_id must be a number';
	return undefined;
}

export function defaultMailingLists(count = 3): MockMailingList[] {
	return Array.from({ length: count }, (_, index) => ({
		id: String(490686 + index),
		name: ['Newsletter', 'Customers', 'Webinar leads'][index] ?? `List ${index + 1}`,
		all_email_qty: String(10 * (index + 1)),
		active_email_qty: String(9 * (index + 1)),
		inactive_email_qty: String(index + 1),
		creationdate: '2024-03-01 10:00:00',
		status: '0',
		status_explain: 'Active',
	}));
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let size = 0;
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY) {
				reject(new Error('body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function parseBody(text: string, contentType: string | undefined): Record<string, unknown> {
	if (!text) return {};
	if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
		const fields: Record<string, unknown> = {};
		for (const [name, value] of new URLSearchParams(text)) {
			if (name.endsWith('[]')) ((fields[name.slice(0, -2)] ??= []) as string[]).push(value);
			else fields[name] = value;
		}
		return fields;
	}
	const parsed = JSON.parse(text) as unknown;
	return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

export async function startSendPulseMock(options: SendPulseMockOptions = {}): Promise<SendPulseMock> {
	const clientId = options.clientId ?? MOCK_CLIENT_ID;
	const clientSecret = options.clientSecret ?? MOCK_CLIENT_SECRET;
	const lifetime = options.tokenLifetime ?? 3600;
	const tokens = new Map<string, number>();
	const failures: Array<Required<Pick<QueuedFailure, 'status' | 'times'>> & QueuedFailure> = [];
	let issued = 0;
	let clockOffset = 0;
	let nextId = 162240;
	const now = () => Date.now() + clockOffset;

	const webhooks: MockWebhook[] = (options.webhooks ?? []).map((webhook) => ({ ...webhook, id: ++nextId, user_id: USER_ID }));
	const mailingLists = options.mailingLists ?? defaultMailingLists();
	const listEmails = new Map<string, Map<string, MockListEmail>>(mailingLists.map((list) => [list.id, new Map()]));
	const eventIds = new Set(options.eventIds ?? [DEFAULT_EVENT_ID]);
	const events: MockEvent[] = [];
	const flowDeliveries: MockFlowDelivery[] = [];
	let flow: { url: string; automationId: number; title: string } | undefined;
	const rateLimit = options.rateLimitPerSecond ?? 10;
	const recentCalls: number[] = [];
	const requests: MockRequest[] = [];

	/** Whether this call is one too many in the last second. */
	function overRateLimit(): boolean {
		if (rateLimit <= 0) return false;
		const at = Date.now();
		while (recentCalls.length > 0 && recentCalls[0] <= at - 1000) recentCalls.shift();
		recentCalls.push(at);
		return recentCalls.length > rateLimit;
	}

	/** The "Send webhook" step of a flow the event started: one delivery, answered or not, recorded. */
	function runFlow(body: Record<string, unknown>) {
		if (!flow) return;
		const variables = Object.entries(body)
			.filter(([name]) => !EVENT_FIELDS.has(name))
			.map(([name, value]) => ({ [name]: value }));
		const delivery = [
			{
				automation_id: String(body.automation_id ?? flow.automationId),
				title: flow.title,
				execution_date: executionDate(Date.now()),
				email: typeof body.email === 'string' ? body.email : '',
				phone: typeof body.phone === 'string' ? body.phone : '',
				variables,
			},
		];
		const record: MockFlowDelivery = { body: delivery };
		fetch(flow.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(delivery), signal: AbortSignal.timeout(10_000) })
			.then((response) => {
				record.status = response.status;
				return response.text();
			})
			.catch((error: unknown) => {
				record.error = error instanceof Error ? error.message : String(error);
			})
			.finally(() => flowDeliveries.push(record));
	}

	/** The list a `/addressbooks/{id}/...` call names, or undefined after answering 404. */
	function listOf(res: ServerResponse, id: string): Map<string, MockListEmail> | undefined {
		const list = listEmails.get(id);
		if (!list) reply(res, 404, { result: false, message: `Mailing list ${id} not found` });
		return list;
	}

	/** The `emails` field as a list of addresses (strings, or objects with `email`), or why it cannot be. */
	function addressesOf(body: Record<string, unknown>): string[] | string {
		const emails = body.emails;
		if (!Array.isArray(emails) || emails.length === 0) return 'emails must be a non-empty list';
		const addresses = emails.map((entry) => (isRecord(entry) ? entry.email : entry));
		const bad = addresses.find((address) => !isEmail(address));
		return bad === undefined ? (addresses as string[]) : `Not an email address: ${JSON.stringify(bad)}`;
	}

	function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
		res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	}

	function takeFailure(path: string): QueuedFailure | undefined {
		const index = failures.findIndex((failure) => !failure.pathPrefix || path.startsWith(failure.pathPrefix));
		if (index === -1) return undefined;
		const failure = failures[index];
		failure.times -= 1;
		if (failure.times <= 0) failures.splice(index, 1);
		return failure;
	}

	async function handle(req: IncomingMessage, res: ServerResponse, seen: { body?: Record<string, unknown> }): Promise<number> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname.replace(/\/+$/, '') || '/';
		const method = req.method ?? 'GET';
		const text = await readBody(req);
		let body: Record<string, unknown>;
		try {
			body = parseBody(text, req.headers['content-type']);
		} catch {
			reply(res, 400, { success: false, message: 'Body is not valid JSON' });
			return 400;
		}
		// The token request's body holds the client secret: it is not kept.
		if (text && path !== '/oauth/access_token') seen.body = body;

		if (path !== '/oauth/access_token' && overRateLimit()) {
			reply(res, 429, { result: false, message: 'Too many requests: at most 10 a second' }, { 'Retry-After': '1' });
			return 429;
		}

		const failure = takeFailure(path);
		if (failure?.hang) return new Promise<number>(() => undefined);
		if (failure) {
			const fallback =
				failure.status === 429
					? { success: false, message: 'Too many requests' }
					: { success: false, message: `Mock failure ${failure.status}` };
			const headers = failure.status === 429 ? { 'Retry-After': '30', ...failure.headers } : (failure.headers ?? {});
			reply(res, failure.status, failure.body ?? fallback, headers);
			return failure.status;
		}

		if (method === 'POST' && path === '/oauth/access_token') {
			if (body.grant_type !== 'client_credentials') {
				reply(res, 400, { error: 'unsupported_grant_type', error_description: 'Use grant_type client_credentials' });
				return 400;
			}
			if (body.client_id !== clientId || body.client_secret !== clientSecret) {
				reply(res, 401, { error: 'invalid_client', error_description: 'The client credentials are invalid' });
				return 401;
			}
			const token = randomBytes(16).toString('hex');
			tokens.set(token, now() + lifetime * 1000);
			issued += 1;
			reply(res, 200, { access_token: token, token_type: 'Bearer', expires_in: lifetime });
			return 200;
		}

		// An event's own URL needs no token: the id in it is what Events Manager hands out.
		const byUrl = /^\/events\/id\/(.+)$/.exec(path);
		if (byUrl && method === 'POST') {
			const id = decodeURIComponent(byUrl[1]);
			if (!eventIds.has(id)) {
				reply(res, 404, { result: false, message: 'Event not found' });
				return 404;
			}
			const problem = eventProblem(body);
			if (problem) {
				reply(res, 400, { result: false, message: problem });
				return 400;
			}
			events.push({ via: 'url', event: id, body });
			runFlow(body);
			reply(res, 200, { result: true });
			return 200;
		}

		const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
		const expiry = bearer ? tokens.get(bearer) : undefined;
		if (!bearer || expiry === undefined || expiry <= now()) {
			reply(res, 401, { error: 'invalid_token', error_description: bearer ? 'The access token has expired or is unknown' : 'No access token was sent' });
			return 401;
		}

		if (path === '/v2/email-service/webhook' && method === 'GET') {
			reply(res, 200, { success: true, data: webhooks });
			return 200;
		}
		if (path === '/v2/email-service/webhook' && method === 'POST') {
			const actions = body.actions;
			const target = typeof body.url === 'string' ? body.url : '';
			if (!/^https?:\/\/[^/]+/i.test(target)) {
				reply(res, 400, { success: false, message: 'The url field must be an http(s) URL' });
				return 400;
			}
			if (!Array.isArray(actions) || actions.length === 0 || actions.some((action) => !(MOCK_ACTIONS as readonly unknown[]).includes(action))) {
				reply(res, 400, { success: false, message: `The actions field must list some of: ${MOCK_ACTIONS.join(', ')}` });
				return 400;
			}
			const created = (actions as string[]).map((action) => ({ user_id: USER_ID, url: target, id: ++nextId, action }));
			webhooks.push(...created);
			reply(res, 200, { success: true, data: created });
			return 200;
		}
		const one = /^\/v2\/email-service\/webhook\/([^/]+)$/.exec(path);
		if (one) {
			const index = webhooks.findIndex((webhook) => String(webhook.id) === decodeURIComponent(one[1]));
			if (index === -1) {
				reply(res, 404, { success: false, message: 'Webhook not found' });
				return 404;
			}
			if (method === 'GET') {
				reply(res, 200, { success: true, data: webhooks[index] });
				return 200;
			}
			if (method === 'PUT') {
				if (typeof body.url !== 'string' || !/^https?:\/\//i.test(body.url)) {
					reply(res, 400, { success: false, message: 'The url field must be an http(s) URL' });
					return 400;
				}
				webhooks[index].url = body.url;
				reply(res, 200, { success: true, data: [true] });
				return 200;
			}
			if (method === 'DELETE') {
				webhooks.splice(index, 1);
				reply(res, 200, { success: true });
				return 200;
			}
		}
		const byName = /^\/events\/name\/([^/]+)$/.exec(path);
		if (byName && method === 'POST') {
			const problem = eventProblem(body);
			if (problem) {
				reply(res, 400, { result: false, message: problem });
				return 400;
			}
			events.push({ via: 'name', event: decodeURIComponent(byName[1]), body });
			runFlow(body);
			reply(res, 200, { result: true });
			return 200;
		}
		const book = /^\/addressbooks\/([^/]+)\/emails(?:\/(variable|unsubscribe))?$/.exec(path);
		if (book) {
			const list = listOf(res, decodeURIComponent(book[1]));
			if (!list) return 404;
			const call = `${method} ${book[2] ?? ''}`;
			if (call === 'POST ') {
				const addresses = addressesOf(body);
				if (typeof addresses === 'string') {
					reply(res, 400, { result: false, message: addresses });
					return 400;
				}
				const doubleOptIn = body.confirmation !== undefined;
				if (doubleOptIn && (body.confirmation !== 'force' || !isEmail(body.sender_email))) {
					reply(res, 400, { result: false, message: 'Double opt-in needs confirmation "force" and a sender_email' });
					return 400;
				}
				(body.emails as unknown[]).forEach((entry, index) => {
					const variables = isRecord(entry) && isRecord(entry.variables) ? entry.variables : {};
					const known = list.get(addresses[index]);
					list.set(addresses[index], { email: addresses[index], variables: { ...known?.variables, ...variables }, status: doubleOptIn ? 'pending' : 'active' });
				});
				reply(res, 200, { result: true });
				return 200;
			}
			if (call === 'DELETE ' || call === 'POST unsubscribe') {
				const addresses = addressesOf(body);
				if (typeof addresses === 'string') {
					reply(res, 400, { result: false, message: addresses });
					return 400;
				}
				for (const address of addresses) {
					const known = list.get(address);
					if (method === 'DELETE') list.delete(address);
					else if (known) known.status = 'unsubscribed';
				}
				reply(res, 200, { result: true });
				return 200;
			}
			if (call === 'POST variable') {
				const variables = body.variables;
				const valid = Array.isArray(variables) && variables.length > 0 && variables.every((entry) => isRecord(entry) && typeof entry.name === 'string' && entry.name !== '' && 'value' in entry);
				if (!isEmail(body.email) || !valid) {
					reply(res, 400, { result: false, message: 'Give email and variables as a list of {name, value}' });
					return 400;
				}
				const known = list.get(body.email);
				if (!known) {
					reply(res, 400, { result: false, message: 'Email is not in the mailing list' });
					return 400;
				}
				for (const { name, value } of variables as Array<{ name: string; value: unknown }>) known.variables[name] = value;
				reply(res, 200, { result: true });
				return 200;
			}
		}
		if (path === '/addressbooks' && method === 'GET') {
			const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1), 100);
			const offset = Math.max(Number(url.searchParams.get('offset') ?? 0) || 0, 0);
			reply(res, 200, mailingLists.slice(offset, offset + limit));
			return 200;
		}
		reply(res, 404, { success: false, message: `No route for ${method} ${path}` });
		return 404;
	}

	const server: Server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
		const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
		const seen: { body?: Record<string, unknown> } = {};
		handle(req, res, seen)
			.then((status) => requests.push({ method: req.method ?? 'GET', path, token, status, ...seen }))
			.catch(() => {
				if (!res.headersSent) reply(res, 500, { success: false, message: 'Mock error' });
				requests.push({ method: req.method ?? 'GET', path, token, status: 500 });
			});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const base = `http://127.0.0.1:${port}`;

	return {
		url: base,
		clientId,
		clientSecret,
		webhooks,
		mailingLists,
		listEmails,
		events,
		flowDeliveries,
		eventUrl: `${base}/events/id/${[...eventIds][0] ?? DEFAULT_EVENT_ID}`,
		startFlowOnEvent: (url, settings = {}) => {
			flow = url === undefined ? undefined : { url, automationId: settings.automationId ?? 123456789, title: settings.title ?? 'Welcome flow' };
		},
		requests,
		tokensIssued: () => issued,
		advanceTime: (seconds) => {
			clockOffset += seconds * 1000;
		},
		failNext: (failure) => failures.push({ ...failure, times: failure.times ?? 1 }),
		credentialData: () => ({ clientId, clientSecret, baseUrl: base }),
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
