/**
 * A local mock of the Optimizely Campaign REST API, over real HTTP on 127.0.0.1: webhooks, recipients,
 * unsubscribes, the blocklist, transactional mail and smart campaigns. It implements the documented
 * endpoints with their errors, records every request, and injects faults on demand. A transactional mail
 * that reaches "sent" is delivered as a `sent` event to the client's activated `sent` webhooks, as the
 * vendor would.
 *
 * It uses only Node built-ins and erasable TypeScript, so scripts can start it as well as tests:
 *
 *   const mock = await startOptimizelyMock();
 *   // credential: apiUser mock.user, apiPassword mock.password, clientId mock.clientId, baseUrl mock.baseUrl
 *   await mock.close();
 *
 * Faults (`mock.inject`): a status (500, 503, 429 with Retry-After, anything), a hang (no answer until the
 * client gives up), a connection reset, or a 200 whose body is not valid JSON. Each applies to matching
 * requests, `times` times, either before the request is carried out or after (the change is made, and
 * then the answer is lost).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';

/** Written out here rather than imported from the node, so the mock states the vendor's facts on its own. */
export const CREATABLE_TYPES = [
	'open',
	'click',
	'sent',
	'bounce',
	'unsubscribe',
	'spamcomplaint',
	'singleoptin',
	'confirmedoptin',
	'doubleoptin',
	'blocklist',
	'archive',
	'filteredbyblocklist',
];

/** Types whose test events the verify endpoint can send. */
const VERIFIABLE_TYPES = ['open', 'click', 'sent', 'bounce', 'unsubscribe', 'spamcomplaint'];

export type MockAuthentication =
	| { type: 'none' }
	| { type: 'basicAuth'; userName: string; password: string }
	| { type: 'keyAuth'; key: string; passphrase: string };

export interface StoredWebhook {
	id: number;
	clientId: string;
	/** As created; answers spell "archive" as "archived". */
	type: string;
	status: 'created' | 'activated' | 'deactivated' | 'deleted' | 'suspended';
	format: string;
	targetUrl: string;
	authentication: MockAuthentication;
	created: string;
	modified: string;
}

export type Fault =
	| { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
	| { kind: 'hang' }
	| { kind: 'reset' }
	| { kind: 'malformed' };

export interface FaultRule {
	fault: Fault;
	/** Only requests with this method (any when left out). */
	method?: string;
	/** Only requests whose path (after /rest/{clientId}) matches. */
	path?: RegExp;
	/** How many matching requests get the fault; 1 when left out. */
	times?: number;
	/** How many matching requests pass untouched before the fault applies; 0 when left out. */
	skip?: number;
	/** Fail before the request is carried out (default), or carry it out and then fail the answer. */
	phase?: 'before' | 'after';
}

export interface RecordedRequest {
	method: string;
	/** The path after /rest/{clientId}, such as /webhooks/12/activate. */
	path: string;
	clientId: string;
	query: Record<string, string>;
	/** Parsed form fields of a form-encoded request (a repeated field keeps its last value). */
	form?: Record<string, string>;
	/** The parsed body of a JSON request. */
	json?: unknown;
	status: number;
	fault?: Fault['kind'];
}

export interface OptimizelyMockOptions {
	clientId?: string;
	/** A second client the API user may see; its webhooks answer 409 through the first client. */
	otherClientId?: string;
	user?: string;
	password?: string;
	/** Refuse target URLs that are not https (the real API's stance is not documented). */
	requireHttps?: boolean;
	/** A per-client limit on webhooks (the real limit is not documented). */
	maxWebhooks?: number;
	/** How long verify waits for the target URL. */
	verifyTimeoutMs?: number;
	port?: number;
	/** The client's recipient lists (the API offers no list call to the node, so ids are typed in). */
	recipientListIds?: string[];
	/** Opt-in processes by id: single, confirmed or double (a double opt-in recipient stays invisible). */
	optinProcesses?: Record<string, 'single' | 'confirmed' | 'double'>;
	/** The client's transactional mailings. */
	transactionalMailIds?: string[];
	/** Bounces at which a recipient can no longer be added or mailed. */
	bounceLimit?: number;
	/** How long a transactional mail takes from enqueued to its final status; Infinity keeps it enqueued. */
	mailSendMs?: number;
}

export const MEDIA_TYPES = ['EMAIL', 'FAX', 'SMS', 'LETTER', 'PUSH', 'PRINT'];

export interface StoredRecipient {
	id: string;
	address: string;
	data: Record<string, string>;
	created: string;
	modified: string;
	optInMailId?: string;
	/** Added through a double opt-in not yet confirmed: the API does not show it. */
	pending: boolean;
}

export type CampaignStatus = 'invalid' | 'activationRequired' | 'activated' | 'canceled' | 'paused' | 'running' | 'finished';

export interface StoredMessage {
	mailingId: number;
	nodeId: string;
	name: string;
	mediaType: string;
	status: CampaignStatus;
	created: string;
	modified: string;
}

export interface StoredCampaign {
	id: number;
	name: string;
	description: string;
	status: CampaignStatus;
	type: 'regular' | 'event' | 'confirmation';
	mediaType: string;
	folderId?: number;
	created: string;
	modified: string;
	started?: string;
	finished?: string;
	messages: StoredMessage[];
}

export interface StoredMail {
	mailId: string;
	clientId: string;
	transactionalMailId: string;
	recipientId: string;
	address: string;
	recipientListId: string;
	data: Record<string, string>;
	sentAt: number;
	/** The status the mail ends in: sent, or why it was not. */
	outcome: string;
}

/** An event the mock delivered to a webhook's target URL, and how the target answered. */
export interface Delivery {
	url: string;
	events: Array<Record<string, unknown>>;
	status: number;
}

/** A request body as the handler read it: the form's fields in order, or parsed JSON. */
interface Body {
	params?: URLSearchParams;
	json?: unknown;
	isJson: boolean;
}

interface Answer {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

const json = (status: number, body?: unknown, headers?: Record<string, string>): Answer => ({ status, body, headers });
const problem = (status: number, message: string): Answer => json(status, { status, message });

function sampleEvent(webhook: StoredWebhook, mailingId: string, index: number): Record<string, unknown> {
	const created = Date.now() - index;
	const base: Record<string, unknown> = {
		type: webhook.type,
		clientId: Number(webhook.clientId),
		mailingId: Number(mailingId),
		created,
		recipientId: `verify-${index}@example.com`,
		mailId: `VERIFY-${webhook.id}-${index}`,
		userListId: 1,
		mediaTypesToAddresses: { EMAIL: `verify-${index}@example.com` },
		attempt: 1,
	};
	if (!['open', 'click'].includes(webhook.type)) base.id = `verify-${webhook.id}-${created}-${index}`;
	if (webhook.type === 'bounce') Object.assign(base, { category: 'softbounce', reason: 'other', thresholdExceeded: false });
	if (webhook.type === 'click') Object.assign(base, { link: 'https://example.com/', linkId: 7 });
	return base;
}

export class OptimizelyMock {
	readonly clientId: string;
	readonly otherClientId: string;
	readonly user: string;
	readonly password: string;
	readonly requests: RecordedRequest[] = [];
	baseUrl = '';

	private readonly store = new Map<number, StoredWebhook>();
	private readonly faults: Array<FaultRule & { left: number; toSkip: number }> = [];
	private readonly sockets = new Set<Socket>();
	private readonly server: Server;
	private nextId = 9_100_000_001;
	private readonly options: OptimizelyMockOptions;

	/** Recipients by list, then by recipient id. */
	readonly recipientLists = new Map<string, Map<string, StoredRecipient>>();
	readonly blocklist: Array<{ pattern: string; reason?: string; created: string }> = [];
	/** "recipientId|mediaType|listId", each "" when not given (what Optimizely applies then is not documented). */
	readonly unsubscribes = new Set<string>();
	/** Bounces per address, for the bounce limit. */
	readonly bounces = new Map<string, number>();
	readonly mails = new Map<string, StoredMail>();
	readonly campaigns = new Map<number, StoredCampaign>();
	readonly deliveries: Delivery[] = [];
	/** How long a transactional mail takes to reach its final status; tests may change it. */
	mailSendMs: number;
	private readonly timers = new Set<ReturnType<typeof setTimeout>>();
	private nextMail = 1;
	/** Stops deliveries still retrying when the mock closes. */
	private closed = false;

	constructor(options: OptimizelyMockOptions = {}) {
		this.options = options;
		this.clientId = options.clientId ?? '100000001';
		this.otherClientId = options.otherClientId ?? '100000002';
		this.user = options.user ?? 'api-user@example.com';
		this.password = options.password ?? 'mock-api-password-7d1e';
		this.mailSendMs = options.mailSendMs ?? 200;
		this.resetMarketing();
		this.server = createServer((req, res) => {
			void this.handle(req, res);
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	async listen(port = this.options.port ?? 0): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/rest`;
		return this;
	}

	/** The credential data for the Optimizely Campaign API credential. */
	credential(overrides: Partial<Record<'apiUser' | 'apiPassword' | 'clientId' | 'baseUrl', string>> = {}) {
		return { apiUser: this.user, apiPassword: this.password, clientId: this.clientId, baseUrl: this.baseUrl, ...overrides };
	}

	inject(rule: FaultRule): void {
		this.faults.push({ ...rule, left: rule.times ?? 1, toSkip: rule.skip ?? 0 });
	}

	clearFaults(): void {
		this.faults.length = 0;
	}

	/** The webhooks of a client (deleted ones are gone), oldest first. */
	webhooks(clientId = this.clientId): StoredWebhook[] {
		return [...this.store.values()].filter((webhook) => webhook.clientId === clientId);
	}

	/** Adds a webhook directly, as if created elsewhere (another client, an app connection). */
	seed(webhook: Partial<StoredWebhook> & Pick<StoredWebhook, 'type' | 'targetUrl'>): StoredWebhook {
		const now = new Date().toISOString();
		const stored: StoredWebhook = {
			id: this.nextId++,
			clientId: this.clientId,
			status: 'created',
			format: 'json',
			authentication: { type: 'none' },
			created: now,
			modified: now,
			...webhook,
		};
		this.store.set(stored.id, stored);
		return stored;
	}

	reset(): void {
		this.store.clear();
		this.requests.length = 0;
		this.clearFaults();
		this.resetMarketing();
	}

	private resetMarketing(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.recipientLists.clear();
		for (const id of this.options.recipientListIds ?? ['200000001', '200000002']) this.recipientLists.set(id, new Map());
		this.blocklist.length = 0;
		this.unsubscribes.clear();
		this.bounces.clear();
		this.mails.clear();
		this.campaigns.clear();
		this.deliveries.length = 0;
		this.mailSendMs = this.options.mailSendMs ?? 200;
	}

	/** Puts a recipient in a list directly, as if added elsewhere. */
	seedRecipient(listId: string, recipient: Partial<StoredRecipient> & Pick<StoredRecipient, 'id'>): StoredRecipient {
		const now = new Date().toISOString();
		const stored: StoredRecipient = { address: recipient.id, data: {}, created: now, modified: now, pending: false, ...recipient };
		this.recipientLists.get(listId)?.set(stored.id, stored);
		return stored;
	}

	/** Adds a smart campaign with its messages, as if built in the Optimizely Campaign editor. */
	seedCampaign(campaign: Partial<Omit<StoredCampaign, 'messages'>> & { messages?: Array<Partial<StoredMessage>> }): StoredCampaign {
		const now = new Date().toISOString();
		const id = campaign.id ?? this.nextId++;
		const stored: StoredCampaign = {
			name: `Campaign ${id}`,
			description: '',
			status: 'activated',
			type: 'regular',
			mediaType: 'email',
			created: now,
			modified: now,
			...campaign,
			id,
			messages: (campaign.messages ?? []).map((message) => {
				const mailingId = message.mailingId ?? this.nextId++;
				return { name: `Message ${mailingId}`, mediaType: 'EMAIL', status: 'activated', nodeId: `node-${mailingId}`, created: now, modified: now, ...message, mailingId };
			}),
		};
		this.campaigns.set(stored.id, stored);
		return stored;
	}

	/** Recipients of a list that the API shows or holds (pending ones included). */
	recipients(listId: string): StoredRecipient[] {
		return [...(this.recipientLists.get(listId)?.values() ?? [])];
	}

	async close(): Promise<void> {
		this.closed = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private takeFault(method: string, path: string): FaultRule | undefined {
		const rule = this.faults.find(
			(candidate) =>
				candidate.left > 0 && (!candidate.method || candidate.method === method) && (!candidate.path || candidate.path.test(path)),
		);
		if (!rule) return undefined;
		if (rule.toSkip > 0) {
			rule.toSkip--;
			return undefined;
		}
		rule.left--;
		if (rule.left === 0) this.faults.splice(this.faults.indexOf(rule), 1);
		return rule;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = req.method ?? 'GET';
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		const match = /^\/rest\/([^/]+)(\/.*)?$/.exec(url.pathname);
		const clientId = match?.[1] ?? '';
		const path = match?.[2] ?? '';
		const query = Object.fromEntries(url.searchParams.entries());
		const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
		const params = isForm ? new URLSearchParams(raw) : undefined;
		const form = params ? Object.fromEntries(params.entries()) : undefined;
		const isJson = (req.headers['content-type'] ?? '').startsWith('application/json');
		let body: unknown;
		if (isJson) {
			try {
				body = JSON.parse(raw) as unknown;
			} catch {
				body = undefined;
			}
		}
		const record: RecordedRequest = { method, path, clientId, query, form, ...(isJson ? { json: body } : {}), status: 0 };
		this.requests.push(record);

		const rule = this.takeFault(method, path);
		if (rule && rule.phase !== 'after') return this.fail(rule.fault, record, res);
		const answer = match ? await this.route(req, method, clientId, path, query, raw, form, { params, json: body, isJson }) : problem(404, 'Not found');
		if (rule) return this.fail(rule.fault, record, res);
		record.status = answer.status;
		res.writeHead(answer.status, {
			...(answer.body === undefined ? {} : { 'Content-Type': 'application/json' }),
			...answer.headers,
		});
		res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
	}

	private fail(fault: Fault, record: RecordedRequest, res: ServerResponse): void {
		record.fault = fault.kind;
		switch (fault.kind) {
			case 'hang':
				// Never answer; the socket is destroyed when the client gives up or the mock closes.
				return;
			case 'reset':
				record.status = 0;
				res.socket?.resetAndDestroy();
				return;
			case 'malformed':
				record.status = 200;
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end('{"id": 1, "type": "op');
				return;
			default: {
				record.status = fault.status;
				const headers: Record<string, string> = { 'Content-Type': 'application/json' };
				if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
				res.writeHead(fault.status, headers);
				res.end(JSON.stringify(fault.body ?? { status: fault.status, message: `Injected fault ${fault.status}` }));
			}
		}
	}

	private authorised(req: IncomingMessage): boolean {
		const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
		if (!match) return false;
		const decoded = Buffer.from(match[1], 'base64').toString('utf8');
		return decoded === `${this.user}:${this.password}`;
	}

	private view(webhook: StoredWebhook): Record<string, unknown> {
		const { clientId: _clientId, authentication, ...rest } = webhook;
		return { ...rest, type: webhook.type === 'archive' ? 'archived' : webhook.type, authentication: { type: authentication.type } };
	}

	private async route(
		req: IncomingMessage,
		method: string,
		clientId: string,
		path: string,
		query: Record<string, string>,
		raw: string,
		form: Record<string, string> | undefined,
		body: Body = { isJson: false },
	): Promise<Answer> {
		if (!this.authorised(req)) {
			return json(401, { status: 401, message: 'Unauthorized' }, { 'WWW-Authenticate': 'Basic realm="Optimizely Campaign"' });
		}
		if (clientId !== this.clientId && clientId !== this.otherClientId) {
			return problem(403, `The API user has no access to client ${clientId}`);
		}
		if (method === 'GET' && path === '/users/authenticated') return json(200, { userName: this.user, clientId: Number(clientId) });
		if (!path.startsWith('/webhooks')) return this.marketing(method, clientId, path, query, form, body);
		if (path === '/webhooks') {
			if (method === 'GET') return this.list(clientId, query);
			if (method === 'POST') return this.create(clientId, form, raw);
			return problem(405, 'Method not allowed');
		}
		const item = /^\/webhooks\/(\d+)(\/(activate|deactivate|verify))?$/.exec(path);
		if (!item) return problem(404, 'Not found');
		const webhook = this.store.get(Number(item[1]));
		if (!webhook) return problem(404, `Webhook ${item[1]} not found`);
		if (webhook.clientId !== clientId) return problem(409, `Webhook ${item[1]} is not assigned to client ${clientId}`);
		const action = item[3];
		if (!action && method === 'PUT') return this.update(webhook, form, raw);
		if (!action && method === 'DELETE') {
			if (webhook.status === 'activated') return problem(400, 'Webhook is still activated. Deactivate it before deleting it.');
			this.store.delete(webhook.id);
			return json(204);
		}
		if (action === 'activate' && method === 'POST') {
			if (webhook.status === 'activated') return problem(400, 'Webhook is already activated');
			return this.touch(webhook, 'activated');
		}
		if (action === 'deactivate' && method === 'POST') {
			if (webhook.status !== 'activated') return problem(400, 'Webhook is not activated');
			return this.touch(webhook, 'deactivated');
		}
		if (action === 'verify' && method === 'GET') return this.verify(webhook, query);
		return problem(405, 'Method not allowed');
	}

	private touch(webhook: StoredWebhook, status: StoredWebhook['status']): Answer {
		webhook.status = status;
		webhook.modified = new Date().toISOString();
		return json(200, this.view(webhook));
	}

	private list(clientId: string, query: Record<string, string>): Answer {
		const offset = query.offset === undefined ? 0 : Number(query.offset);
		const limit = query.limit === undefined ? 100 : Number(query.limit);
		const sort = (query.sort ?? 'CREATED').toUpperCase();
		const direction = (query.direction ?? 'DESC').toUpperCase();
		if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
			return problem(400, 'offset must be 0 or more and limit from 1 to 1000');
		}
		if (!['CREATED', 'MODIFIED', 'ID', 'TYPE'].includes(sort) || !['ASC', 'DESC'].includes(direction)) {
			return problem(400, `Cannot sort by ${sort} ${direction}`);
		}
		const key = (webhook: StoredWebhook): string | number =>
			sort === 'TYPE' ? webhook.type : sort === 'MODIFIED' ? webhook.modified : webhook.id;
		const sorted = this.webhooks(clientId).sort((a, b) => {
			const order = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id;
			return direction === 'ASC' ? order : -order;
		});
		return json(200, sorted.slice(offset, offset + limit).map((webhook) => this.view(webhook)));
	}

	/** Checks create and update fields; returns the refusal, or the parsed authentication. */
	private validate(form: Record<string, string> | undefined, raw: string, current?: StoredWebhook): Answer | MockAuthentication {
		if (!form) return problem(415, `Send application/x-www-form-urlencoded, not ${raw.trim().startsWith('{') ? 'JSON' : 'this'}`);
		let target: URL | undefined;
		try {
			target = new URL(form.targetUrl ?? '');
		} catch {
			target = undefined;
		}
		if (!target || !['http:', 'https:'].includes(target.protocol) || (this.options.requireHttps && target.protocol !== 'https:')) {
			return problem(400, 'Wrong url');
		}
		if (!CREATABLE_TYPES.includes(form.type ?? '')) return problem(400, 'Wrong type');
		if (form.format !== 'json') return problem(400, 'Wrong format');
		if (form.authentication === undefined) {
			if (form.basicAuthUsername) return { type: 'basicAuth', userName: form.basicAuthUsername, password: form.basicAuthPassword ?? '' };
			return current?.authentication ?? { type: 'none' };
		}
		let parsed: Record<string, unknown>;
		try {
			parsed = JSON.parse(form.authentication) as Record<string, unknown>;
		} catch {
			return problem(400, 'authentication is not a JSON string');
		}
		const filled = (...names: string[]) => names.every((name) => typeof parsed[name] === 'string' && parsed[name] !== '');
		if (parsed.type === 'none') return { type: 'none' };
		if (parsed.type === 'basicAuth' && filled('userName', 'password')) {
			return { type: 'basicAuth', userName: parsed.userName as string, password: parsed.password as string };
		}
		if (parsed.type === 'keyAuth' && filled('key', 'passphrase')) {
			return { type: 'keyAuth', key: parsed.key as string, passphrase: parsed.passphrase as string };
		}
		return problem(400, 'Wrong authentication');
	}

	private create(clientId: string, form: Record<string, string> | undefined, raw: string): Answer {
		const checked = this.validate(form, raw);
		if ('status' in checked) return checked;
		if (this.options.maxWebhooks !== undefined && this.webhooks(clientId).length >= this.options.maxWebhooks) {
			return problem(400, 'The webhook limit of this client is reached');
		}
		const webhook = this.seed({ clientId, type: form!.type, targetUrl: form!.targetUrl, authentication: checked });
		return json(201, this.view(webhook));
	}

	private update(webhook: StoredWebhook, form: Record<string, string> | undefined, raw: string): Answer {
		const checked = this.validate(form, raw, webhook);
		if ('status' in checked) return checked;
		Object.assign(webhook, { type: form!.type, targetUrl: form!.targetUrl, authentication: checked });
		return this.touch(webhook, webhook.status);
	}

	/** Sends test events of the webhook's type to its target URL, with its authentication, and reports the answer. */
	private async verify(webhook: StoredWebhook, query: Record<string, string>): Promise<Answer> {
		const numberOfEvents = query.numberOfEvents === undefined ? 1 : Number(query.numberOfEvents);
		if (!/^\d+$/.test(query.mailingId ?? '')) return problem(400, 'mailingId is required');
		if (!Number.isInteger(numberOfEvents) || numberOfEvents < 1 || numberOfEvents > 100) {
			return problem(400, 'numberOfEvents must be from 1 to 100');
		}
		if (!VERIFIABLE_TYPES.includes(webhook.type)) return problem(400, `Webhooks of type ${webhook.type} cannot be verified`);
		const events = Array.from({ length: numberOfEvents }, (_, index) => sampleEvent(webhook, query.mailingId, index));
		const headers: Record<string, string> = { 'Content-Type': 'application/json' };
		const auth = webhook.authentication;
		if (auth.type === 'basicAuth') headers.Authorization = `Basic ${Buffer.from(`${auth.userName}:${auth.password}`).toString('base64')}`;
		if (auth.type === 'keyAuth') headers[auth.key] = auth.passphrase;
		let httpStatusCode = 0;
		let responseBody = '';
		try {
			const response = await fetch(webhook.targetUrl, {
				method: 'POST',
				headers,
				body: JSON.stringify(events),
				signal: AbortSignal.timeout(this.options.verifyTimeoutMs ?? 3000),
			});
			httpStatusCode = response.status;
			responseBody = await response.text();
		} catch (error) {
			responseBody = (error as Error).message;
		}
		return json(200, [{ id: webhook.id, httpStatusCode, responseBody, numberOfEvents, targetUrl: webhook.targetUrl }]);
	}
	// ---- Recipients, unsubscribes, blocklist, transactional mail, smart campaigns ----------------------

	private marketing(
		method: string,
		clientId: string,
		path: string,
		query: Record<string, string>,
		form: Record<string, string> | undefined,
		body: Body,
	): Answer | Promise<Answer> {
		const route = `${method} ${path}`;
		let m: RegExpExecArray | null;
		if ((m = /^(POST|PUT) \/recipients\/(\d+)$/.exec(route))) {
			return m[1] === 'POST' ? this.addRecipient(m[2], form) : this.addRecipients(m[2], body);
		}
		if ((m = /^(GET|POST|DELETE) \/recipients\/(\d+)\/([^/]+)$/.exec(route))) {
			const recipientId = decodeURIComponent(m[3]);
			if (m[1] === 'POST') return this.updateRecipient(clientId, m[2], recipientId, form);
			const list = this.recipientLists.get(m[2]);
			const recipient = list?.get(recipientId);
			if (!list || !recipient || recipient.pending) return problem(404, `Recipient ${recipientId} not found in recipient list ${m[2]}`);
			if (m[1] === 'DELETE') {
				list.delete(recipientId);
				return json(204);
			}
			return json(200, this.recipientView(recipient, query));
		}
		if (route === 'POST /unsubscribes') return this.unsubscribe(form, body.params);
		if (route === 'DELETE /unsubscribes') return this.resubscribe(query);
		if (route === 'POST /blacklistentries') {
			if (!form) return problem(415, 'Send application/x-www-form-urlencoded');
			if (!form.entry) return problem(400, 'entry is required');
			const now = new Date().toISOString();
			const entry = { pattern: form.entry, reason: form.reason, created: now };
			this.blocklist.push(entry);
			return json(201, { mailingGroupId: Number(clientId), pattern: entry.pattern, reason: entry.reason, created: now, modified: now });
		}
		if (route === 'GET /blacklistentries/blacklisted') {
			if (!query.address) return problem(400, 'address is required');
			const entry = this.blocklisted(query.address);
			return json(200, entry ? { blacklisted: true, pattern: entry.pattern } : { blacklisted: false });
		}
		if ((m = /^POST \/transactionalmail\/(\d+)\/send$/.exec(route))) return this.sendMail(clientId, m[1], form);
		if (route === 'GET /transactionalmail/status') {
			if (!query.mailId) return problem(400, 'mailId is required');
			const mail = this.mails.get(query.mailId);
			if (!mail) return problem(404, `Mail ${query.mailId} not found`);
			return json(200, { sendStatus: this.sendStatus(mail), mailId: mail.mailId });
		}
		if (route === 'GET /smartcampaigns') return this.listCampaigns(query);
		if ((m = /^POST \/smartcampaigns\/(\d+)\/(start|pause|stop)$/.exec(route))) return this.switchCampaign(Number(m[1]), m[2]);
		if ((m = /^POST \/smartcampaigns\/(\d+)\/messages\/(\d+)\/(start|pause|stop)$/.exec(route))) {
			return this.switchMessage(Number(m[1]), Number(m[2]), m[3]);
		}
		return problem(404, 'Not found');
	}

	private dataFields(form: Record<string, string>): Record<string, string> {
		return Object.fromEntries(
			Object.entries(form)
				.filter(([key]) => key.startsWith('data.') && key.length > 5)
				.map(([key, value]) => [key.slice(5), value]),
		);
	}

	private blocklisted(address: string): { pattern: string } | undefined {
		const matches = (pattern: string) => {
			// * any run of characters, ? one character; \* and \? are literal.
			const source = pattern
				.split(/(\\[*?]|[*?])/)
				.map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(/^\\/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
				.join('');
			return new RegExp(`^${source}$`, 'i').test(address);
		};
		return this.blocklist.find((entry) => matches(entry.pattern));
	}

	private unsubscribed(recipientId: string, listId: string): boolean {
		return [...this.unsubscribes].some((key) => {
			const [id, mediaType, list] = key.split('|');
			return id === recipientId && mediaType === 'EMAIL' && (list === '' || list === listId);
		});
	}

	/** Why a recipient cannot be added or mailed: the 409 causes the API documents, but "exists". */
	private refusal(recipientId: string, address: string, listId: string): string | undefined {
		if (this.blocklisted(address) || this.blocklisted(recipientId)) return `Recipient ${recipientId} is blacklisted`;
		if ((this.bounces.get(address) ?? 0) >= (this.options.bounceLimit ?? 5)) return `Recipient ${recipientId} has exceeded the bounce limit`;
		if (this.unsubscribed(recipientId, listId)) return `Recipient ${recipientId} has unsubscribed`;
		return undefined;
	}

	private optinKind(id: string | number | undefined): 'single' | 'confirmed' | 'double' | 'unknown' | undefined {
		if (id === undefined || id === '') return undefined;
		const processes = this.options.optinProcesses ?? { '300000001': 'single', '300000002': 'confirmed', '300000003': 'double' };
		return processes[String(id)] ?? 'unknown';
	}

	private newMailId(): string {
		return `MAIL-${(this.nextMail++).toString(36).toUpperCase()}-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
	}

	private keep(listId: string, id: string, address: string, data: Record<string, string>, pending: boolean, optInMailId?: string): StoredRecipient {
		const now = new Date().toISOString();
		const recipient: StoredRecipient = { id, address, data, created: now, modified: now, pending, ...(optInMailId ? { optInMailId } : {}) };
		this.recipientLists.get(listId)!.set(id, recipient);
		return recipient;
	}

	private addRecipient(listId: string, form: Record<string, string> | undefined): Answer {
		if (!form) return problem(415, 'Send application/x-www-form-urlencoded');
		if (!this.recipientLists.has(listId)) return problem(400, `Recipient list ${listId} is not assigned to this client`);
		const recipientId = form.recipientId ?? '';
		if (!recipientId) return problem(400, 'recipientId is required');
		const kind = this.optinKind(form.optinProcessId);
		if (kind === 'unknown') return problem(400, `Opt-in process ${form.optinProcessId} does not exist`);
		const address = form.address || recipientId;
		const refused = this.refusal(recipientId, address, listId);
		if (refused) return problem(409, refused);
		if (this.recipientLists.get(listId)!.has(recipientId)) return problem(409, `Recipient ${recipientId} already exists in recipient list ${listId}`);
		const optIn = kind === 'double' || kind === 'confirmed';
		const optInMailId = optIn && form.returnOptInMailId === 'true' ? this.newMailId() : undefined;
		const recipient = this.keep(listId, recipientId, address, this.dataFields(form), kind === 'double', optInMailId);
		const { id, created, modified } = recipient;
		return json(kind === 'double' ? 202 : 201, { id, created, modified, ...(optInMailId ? { optInMailId } : {}) });
	}

	private addRecipients(listId: string, body: Body): Answer {
		if (!body.isJson) return problem(415, 'Send application/json');
		const request = body.json as { recipients?: unknown; optinProcessId?: unknown } | undefined;
		if (!this.recipientLists.has(listId)) return problem(400, `Recipient list ${listId} is not assigned to this client`);
		if (!request || !Array.isArray(request.recipients)) return problem(400, 'recipients is required');
		const kind = this.optinKind(request.optinProcessId as string | number | undefined);
		if (kind === 'unknown' || kind === 'double') return problem(409, `Opt-in process ${String(request.optinProcessId)} is not suitable for adding recipients`);
		const failedIds: string[] = [];
		let count = 0;
		for (const entry of request.recipients as Array<{ id?: unknown; address?: unknown; data?: unknown }>) {
			const id = typeof entry?.id === 'string' ? entry.id : '';
			const address = typeof entry?.address === 'string' && entry.address ? entry.address : id;
			if (!id || this.refusal(id, address, listId) || this.recipientLists.get(listId)!.has(id)) {
				failedIds.push(id);
				continue;
			}
			const data = entry.data && typeof entry.data === 'object' ? (entry.data as Record<string, string>) : {};
			this.keep(listId, id, address, Object.fromEntries(Object.entries(data).map(([key, value]) => [key, String(value)])), false);
			count++;
		}
		return json(200, { count, failedIds });
	}

	private updateRecipient(clientId: string, listId: string, recipientId: string, form: Record<string, string> | undefined): Answer {
		if (!form) return problem(415, 'Send application/x-www-form-urlencoded');
		if (!this.recipientLists.has(listId)) return problem(409, `Recipient list ${listId} is not assigned to client ${clientId}`);
		const recipient = this.recipientLists.get(listId)!.get(recipientId);
		if (!recipient || recipient.pending) return problem(404, `Recipient ${recipientId} not found in recipient list ${listId}`);
		const mode = form.mode ?? 'set';
		if (!['set', 'prepend', 'append'].includes(mode)) return problem(400, `Unknown mode ${mode}`);
		for (const [field, value] of Object.entries(this.dataFields(form))) {
			const current = recipient.data[field] ?? '';
			recipient.data[field] = mode === 'prepend' ? value + current : mode === 'append' ? current + value : value;
		}
		recipient.modified = new Date().toISOString();
		const { id, created, modified } = recipient;
		return json(200, { id, created, modified });
	}

	/** Attribute values come back under `data`, as they are sent; the documented answer does not show where they go. */
	private recipientView(recipient: StoredRecipient, query: Record<string, string>): Record<string, unknown> {
		const { id, created, modified, optInMailId } = recipient;
		const view: Record<string, unknown> = { id, created, modified, ...(optInMailId ? { optInMailId } : {}) };
		const names = (query.attributeNames ?? '').split(',').map((name) => name.trim()).filter(Boolean);
		if (names.length > 0) view.data = Object.fromEntries(names.filter((name) => name in recipient.data).map((name) => [name, recipient.data[name]]));
		return view;
	}

	private ids(form: Record<string, string>, params: URLSearchParams | undefined, name: string): string[] {
		const values = [...(params?.getAll(name) ?? []), ...(params?.getAll(`${name}[]`) ?? [])];
		if (values.length === 0 && form[name]) values.push(form[name]);
		return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
	}

	private unsubscribe(form: Record<string, string> | undefined, params: URLSearchParams | undefined): Answer {
		if (!form) return problem(415, 'Send application/x-www-form-urlencoded');
		const recipientIds = this.ids(form, params, 'recipientIds');
		const mailIds = this.ids(form, params, 'mailIds');
		if (recipientIds.length + mailIds.length === 0) return problem(400, 'recipientIds or mailIds is required');
		if (recipientIds.length + mailIds.length > 5000) return problem(400, 'At most 5000 IDs at a time');
		const mediaType = form.mediaType ?? '';
		if (form.mediaType !== undefined && !MEDIA_TYPES.includes(mediaType)) return problem(400, `Unknown media type ${mediaType}`);
		const listId = form.recipientListId ?? '';
		const successfulIds: string[] = [];
		const unsuccessfulIds: string[] = [];
		for (const id of recipientIds) {
			this.unsubscribes.add(`${id}|${mediaType}|${listId}`);
			successfulIds.push(id);
		}
		for (const mailId of mailIds) {
			const mail = this.mails.get(mailId);
			if (!mail) {
				unsuccessfulIds.push(mailId);
				continue;
			}
			this.unsubscribes.add(`${mail.recipientId}|${mediaType}|${listId}`);
			successfulIds.push(mailId);
		}
		return json(200, { successfulIds, unsuccessfulIds });
	}

	private resubscribe(query: Record<string, string>): Answer {
		const ids = (query.recipientIds ?? '').split(',').map((id) => id.trim()).filter(Boolean);
		if (ids.length === 0) return problem(400, 'recipientIds is required');
		const mediaType = query.mediaType ?? '';
		const listId = query.recipientListId ?? '';
		const keys = ids.map((id) => `${id}|${mediaType}|${listId}`).filter((key) => this.unsubscribes.has(key));
		if (keys.length === 0) return problem(404, `No unsubscribe found for ${ids.join(', ')}`);
		for (const key of keys) this.unsubscribes.delete(key);
		return json(204);
	}

	private sendMail(clientId: string, transactionalMailId: string, form: Record<string, string> | undefined): Answer {
		if (!form) return problem(415, 'Send application/x-www-form-urlencoded');
		if (!(this.options.transactionalMailIds ?? ['400000001']).includes(transactionalMailId)) {
			return problem(404, `Transactional mail ${transactionalMailId} not found`);
		}
		const { recipientId, recipientListId } = form;
		if (!recipientId || !recipientListId) return problem(400, 'recipientId and recipientListId are required');
		const list = this.recipientLists.get(recipientListId);
		if (!list) return problem(400, `Recipient list ${recipientListId} is not assigned to transactional mail ${transactionalMailId}`);
		const data = this.dataFields(form);
		const address = data.email || list.get(recipientId)?.address || recipientId;
		if (!list.has(recipientId)) this.keep(recipientListId, recipientId, address, data, false);
		const outcome = this.blocklisted(address)
			? 'blacklisted'
			: (this.bounces.get(address) ?? 0) >= (this.options.bounceLimit ?? 5)
				? 'too_many_bounces'
				: this.unsubscribed(recipientId, recipientListId)
					? 'unsubscribed'
					: 'sent';
		const mail: StoredMail = { mailId: this.newMailId(), clientId, transactionalMailId, recipientId, address, recipientListId, data, sentAt: Date.now(), outcome };
		this.mails.set(mail.mailId, mail);
		if (outcome === 'sent' && Number.isFinite(this.mailSendMs)) {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				void this.deliverSent(mail);
			}, this.mailSendMs);
			this.timers.add(timer);
		}
		return json(202, { mailId: mail.mailId });
	}

	private sendStatus(mail: StoredMail): string {
		const elapsed = Date.now() - mail.sentAt;
		if (!Number.isFinite(this.mailSendMs) || elapsed < this.mailSendMs / 2) return 'enqueued';
		return elapsed < this.mailSendMs ? 'sending' : mail.outcome;
	}

	/** Posts the `sent` event to each activated `sent` webhook of the client, retrying as the vendor does (here 1 s apart, 5 tries). */
	private async deliverSent(mail: StoredMail): Promise<void> {
		const targets = this.webhooks(mail.clientId).filter((webhook) => webhook.type === 'sent' && webhook.status === 'activated');
		for (const webhook of targets) {
			const event: Record<string, unknown> = {
				mailingType: 'transactional',
				type: 'sent',
				id: `${mail.mailId}-sent`,
				mailingId: Number(mail.transactionalMailId),
				mediaType: 'EMAIL',
				created: Date.now(),
				mailId: mail.mailId,
				mediaTypesToAddresses: { EMAIL: mail.address },
				userListId: Number(mail.recipientListId),
				recipientId: mail.recipientId,
				clientId: Number(mail.clientId),
				attempt: 1,
			};
			const headers: Record<string, string> = { 'Content-Type': 'application/json' };
			const auth = webhook.authentication;
			if (auth.type === 'basicAuth') headers.Authorization = `Basic ${Buffer.from(`${auth.userName}:${auth.password}`).toString('base64')}`;
			if (auth.type === 'keyAuth') headers[auth.key] = auth.passphrase;
			for (let attempt = 1; attempt <= 5 && !this.closed; attempt++) {
				event.attempt = attempt;
				let status = 0;
				try {
					const response = await fetch(webhook.targetUrl, { method: 'POST', headers, body: JSON.stringify([event]), signal: AbortSignal.timeout(5000) });
					status = response.status;
					await response.text();
				} catch {
					status = 0;
				}
				this.deliveries.push({ url: webhook.targetUrl, events: [{ ...event }], status });
				if (status === 200) break;
				await new Promise((resolve) => setTimeout(resolve, 1000));
			}
		}
	}

	private campaignView(campaign: StoredCampaign): Record<string, unknown> {
		const { messages: _messages, mediaType: _mediaType, folderId: _folderId, ...rest } = campaign;
		return { ...rest, mailingGroupId: Number(this.clientId) };
	}

	private listCampaigns(query: Record<string, string>): Answer {
		const offset = query.offset === undefined ? 0 : Number(query.offset);
		const limit = query.limit === undefined ? 100 : Number(query.limit);
		if (!Number.isInteger(limit) || limit < 1 || limit >= 10_000 || !Number.isInteger(offset) || offset < 0) {
			return problem(400, 'Invalid limit: it must be less than 10000');
		}
		const sort = query.sort ?? 'created';
		const direction = (query.direction ?? 'ASC').toUpperCase();
		if (!['id', 'name', 'description', 'status', 'created', 'modified', 'started', 'finished'].includes(sort)) return problem(400, `Cannot sort by ${sort}`);
		const found = [...this.campaigns.values()]
			.filter((campaign) => !query.status || campaign.status === query.status)
			.filter((campaign) => !query.mediaType || campaign.mediaType === query.mediaType)
			.filter((campaign) => !query.folderId || String(campaign.folderId) === query.folderId)
			.sort((a, b) => {
				const key = sort as keyof StoredCampaign;
				const [x, y] = [String(a[key] ?? ''), String(b[key] ?? '')];
				const order = sort === 'id' ? a.id - b.id : x < y ? -1 : x > y ? 1 : a.id - b.id;
				return direction === 'DESC' ? -order : order;
			});
		const elements = found.slice(offset, offset + limit).map((campaign) => this.campaignView(campaign));
		return json(200, { elements, count: elements.length, offset, limit });
	}

	private switchCampaign(id: number, action: string): Answer {
		const campaign = this.campaigns.get(id);
		if (!campaign) return problem(404, `Smart campaign ${id} not found`);
		const now = new Date().toISOString();
		if (action === 'start') {
			if (!['activationRequired', 'activated', 'paused'].includes(campaign.status)) {
				return problem(409, `Smart campaign ${id} cannot be started: it must be in status "Activation required", "New" or "Sending paused"`);
			}
			Object.assign(campaign, { status: 'running', started: campaign.started ?? now });
		} else if (action === 'pause') {
			if (campaign.status !== 'running') return problem(409, `Smart campaign ${id} cannot be paused: it must have started and be sending`);
			campaign.status = 'paused';
		} else {
			if (!['running', 'paused'].includes(campaign.status)) return problem(409, `Smart campaign ${id} cannot be cancelled: it has not started`);
			Object.assign(campaign, { status: 'canceled', finished: now });
		}
		campaign.modified = now;
		return json(200, this.campaignView(campaign));
	}

	private switchMessage(campaignId: number, mailingId: number, action: string): Answer {
		const campaign = this.campaigns.get(campaignId);
		const message = campaign?.messages.find((candidate) => candidate.mailingId === mailingId);
		if (!campaign || !message) return problem(404, `Mailing ${mailingId} not found in smart campaign ${campaignId}`);
		const allowed: Record<string, CampaignStatus[]> = { start: ['activated', 'paused'], pause: ['running'], stop: ['running', 'paused'] };
		if (!allowed[action].includes(campaign.status)) {
			return problem(409, `Mailing ${mailingId} cannot be ${action === 'stop' ? 'stopped' : `${action}d`}: smart campaign ${campaignId} is ${campaign.status}`);
		}
		message.status = action === 'start' ? 'running' : action === 'pause' ? 'paused' : 'canceled';
		message.modified = new Date().toISOString();
		return json(200, { ...message });
	}

}

export async function startOptimizelyMock(options: OptimizelyMockOptions = {}): Promise<OptimizelyMock> {
	return await new OptimizelyMock(options).listen();
}
