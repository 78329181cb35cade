/**
 * A local mock of the Optimizely Campaign webhook REST API, over real HTTP on 127.0.0.1. It implements
 * the documented endpoints with their errors, records every request, and injects faults on demand.
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
	/** Parsed form fields of a create or update. */
	form?: Record<string, string>;
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

	constructor(options: OptimizelyMockOptions = {}) {
		this.options = options;
		this.clientId = options.clientId ?? '100000001';
		this.otherClientId = options.otherClientId ?? '100000002';
		this.user = options.user ?? 'api-user@example.com';
		this.password = options.password ?? 'mock-api-password-7d1e';
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
	}

	async close(): Promise<void> {
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
		const form = isForm ? Object.fromEntries(new URLSearchParams(raw).entries()) : undefined;
		const record: RecordedRequest = { method, path, clientId, query, form, status: 0 };
		this.requests.push(record);

		const rule = this.takeFault(method, path);
		if (rule && rule.phase !== 'after') return this.fail(rule.fault, record, res);
		const answer = match ? await this.route(req, method, clientId, path, query, raw, form) : problem(404, 'Not found');
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
	): Promise<Answer> {
		if (!this.authorised(req)) {
			return json(401, { status: 401, message: 'Unauthorized' }, { 'WWW-Authenticate': 'Basic realm="Optimizely Campaign"' });
		}
		if (clientId !== this.clientId && clientId !== this.otherClientId) {
			return problem(403, `The API user has no access to client ${clientId}`);
		}
		if (method === 'GET' && path === '/users/authenticated') return json(200, { userName: this.user, clientId: Number(clientId) });
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
}

export async function startOptimizelyMock(options: OptimizelyMockOptions = {}): Promise<OptimizelyMock> {
	return await new OptimizelyMock(options).listen();
}
