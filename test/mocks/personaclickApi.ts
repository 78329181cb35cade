/**
 * A local stand-in for the Personaclick REST API, on 127.0.0.1, for tests and demos. It implements the calls the
 * Personaclick node makes, with the documented contract and refusals:
 * - `/import/products` PUT (add or update), PATCH (these in stock, all others out), DELETE (these out of stock);
 *   `/import/categories` POST (overwrite) and PUT (update); `/import/audience`; `/import/suppressed`. Keys in the
 *   JSON body; 204 when queued (200 for audience and suppressed, as REES46 answers), 400 for a wrong shop ID or
 *   secret, 429 past 40 import requests a minute (the window is configurable), 413 past 32 MB.
 * - `/segments/add` and `/segments/remove`, form-encoded; `GET /segments/get` and `GET /segments/includes`, keys
 *   in the query. 403 without the secret, 401 with a wrong one, 400 for an unknown shop, 404 for an unknown
 *   segment; adding to a dynamic segment is refused with 403.
 * - A request with `webhook` gets, once its job has run, a POST of `{"status":"success"}` to that URL, or
 *   `{"status":"error","message":…}` when a product lacks a required field (Personaclick reports a failed job so).
 * Error bodies are this mock's own (Personaclick documents only the statuses); a refused key is quoted back.
 *
 * Usage: `const api = await startPersonaclickMock(); … api.url …; await api.stop();`. Node built-ins only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

export const MOCK_SHOP_ID = 'mock-shop-4d2a';
export const MOCK_SHOP_SECRET = 'mock-shop-secret-9b7e3c1f';

export interface MockSegment {
	id: string;
	type: 'static' | 'dynamic';
	/** Emails and phones in the segment. */
	members: Set<string>;
}

export interface MockRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	contentType: string;
	/** The body as parsed (JSON or form); undefined when none. */
	body: Record<string, unknown> | undefined;
	bytes: number;
	status: number;
	/** When it arrived, ms since the epoch. */
	at: number;
}

export interface MockCallback {
	url: string;
	body: { status: string; message?: string };
	/** How the receiver answered; undefined when it could not be reached. */
	status?: number;
}

export interface QueuedFailure {
	status: number;
	pathPrefix?: string;
	body?: unknown;
	headers?: Record<string, string>;
	times?: number;
}

export interface PersonaclickMockOptions {
	shopId?: string;
	shopSecret?: string;
	segments?: Array<{ id: string; type: 'static' | 'dynamic'; members?: string[] }>;
	/** Import requests allowed per window (Personaclick: 40 a minute). */
	rateLimit?: number;
	rateWindowMs?: number;
	/** Largest body, in bytes (Personaclick: 32 MB). */
	maxBytes?: number;
	/** How long a job runs before its webhook is called. */
	jobMs?: number;
	port?: number;
}

export interface PersonaclickMock {
	url: string;
	shopId: string;
	shopSecret: string;
	requests: MockRequest[];
	/** The catalogue as the imports left it. */
	products: Map<string, Record<string, unknown>>;
	/** Availability set by PATCH and DELETE (and by `available` on PUT). */
	availability: Map<string, boolean>;
	categories: Map<string, Record<string, unknown>>;
	audience: Array<Record<string, unknown>>;
	suppressed: Set<string>;
	segments: MockSegment[];
	callbacks: MockCallback[];
	/** Resolves when every webhook call started so far has ended. */
	callbacksSettled(): Promise<void>;
	failNext(failure: QueuedFailure): void;
	credentialData(): { shopId: string; shopSecret: string; baseUrl: string };
	stop(): Promise<void>;
}

const PRODUCT_FIELDS: Array<[string, string]> = [
	['id', 'an ID'],
	['available', 'an availability'],
	['name', 'a name'],
	['price', 'a price'],
	['url', 'a link'],
	['picture', 'a picture link'],
	['categories', 'categories'],
	['currency', 'a currency'],
];

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'tooLarge'> {
	return new Promise((resolve, reject) => {
		let size = 0;
		let tooLarge = false;
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > max) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? 'tooLarge' : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function parseBody(text: string, contentType: string): Record<string, unknown> | undefined | 'malformed' {
	if (!text) return undefined;
	if (contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
	try {
		const parsed = JSON.parse(text) as unknown;
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'malformed';
	} catch {
		return 'malformed';
	}
}

const idOf = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

export async function startPersonaclickMock(options: PersonaclickMockOptions = {}): Promise<PersonaclickMock> {
	const shopId = options.shopId ?? MOCK_SHOP_ID;
	const shopSecret = options.shopSecret ?? MOCK_SHOP_SECRET;
	const rateLimit = options.rateLimit ?? 40;
	const rateWindowMs = options.rateWindowMs ?? 60_000;
	const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
	const jobMs = options.jobMs ?? 20;
	const requests: MockRequest[] = [];
	const failures: QueuedFailure[] = [];
	const importTimes: number[] = [];
	const pending = new Set<Promise<void>>();
	const state = {
		products: new Map<string, Record<string, unknown>>(),
		availability: new Map<string, boolean>(),
		categories: new Map<string, Record<string, unknown>>(),
		audience: [] as Array<Record<string, unknown>>,
		suppressed: new Set<string>(),
		segments: (options.segments ?? [
			{ id: '101', type: 'static' as const },
			{ id: '102', type: 'static' as const, members: ['known@example.com', '+15550001111'] },
			{ id: '201', type: 'dynamic' as const },
		]).map((segment) => ({ id: segment.id, type: segment.type, members: new Set(segment.members ?? []) })),
		callbacks: [] as MockCallback[],
	};

	/** Runs the job, then tells its webhook how it ended. */
	function finish(webhook: unknown, job: () => string | undefined): void {
		const outcome = job();
		if (typeof webhook !== 'string' || !webhook) return;
		const body = outcome ? { status: 'error', message: outcome } : { status: 'success' };
		const callback: MockCallback = { url: webhook, body };
		state.callbacks.push(callback);
		const delivery = (async () => {
			await new Promise((resolve) => setTimeout(resolve, jobMs));
			try {
				const answer = await fetch(webhook, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
					signal: AbortSignal.timeout(10_000),
				});
				callback.status = answer.status;
				await answer.arrayBuffer();
			} catch {
				callback.status = undefined;
			}
		})();
		pending.add(delivery);
		void delivery.finally(() => pending.delete(delivery));
	}

	function importProducts(method: string, items: unknown[]): string | undefined {
		if (method === 'PUT') {
			for (const item of items) {
				const product = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
				const id = idOf(product.id) ?? '(no ID)';
				const missing = PRODUCT_FIELDS.find(([field]) => product[field] === undefined || product[field] === '');
				if (missing) return `Product ID ${id} doesn't have ${missing[1]}.`;
			}
			for (const item of items as Array<Record<string, unknown>>) {
				state.products.set(String(item.id), item);
				state.availability.set(String(item.id), item.available === true);
			}
			return undefined;
		}
		const ids = items.map(idOf).filter((id): id is string => id !== undefined);
		if (method === 'PATCH') {
			const inStock = new Set(ids);
			for (const id of new Set([...state.products.keys(), ...state.availability.keys()])) state.availability.set(id, inStock.has(id));
			for (const id of ids) state.availability.set(id, true);
		} else {
			for (const id of ids) state.availability.set(id, false);
		}
		return undefined;
	}

	type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

	function handleImport(method: string, path: string, body: Record<string, unknown>): Answer {
		// Quotes what it was sent, as vendors' refusals often do: the node must redact it.
		if (body.shop_id !== shopId || body.shop_secret !== shopSecret) {
			return { status: 400, body: { message: `Invalid shop_id or shop_secret: ${String(body.shop_id)} / ${String(body.shop_secret)}` } };
		}
		const now = Date.now();
		while (importTimes.length > 0 && importTimes[0] <= now - rateWindowMs) importTimes.shift();
		if (importTimes.length >= rateLimit) {
			const retryAfter = Math.max(1, Math.ceil((importTimes[0] + rateWindowMs - now) / 1000));
			return { status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': String(retryAfter) } };
		}
		if (path === '/import/products' && ['PUT', 'PATCH', 'DELETE'].includes(method)) {
			if (!Array.isArray(body.items)) return { status: 400, body: { message: 'items must be a list' } };
			importTimes.push(now);
			const items = body.items;
			finish(body.webhook, () => importProducts(method, items));
			return { status: 204 };
		}
		if (path === '/import/categories' && (method === 'POST' || method === 'PUT')) {
			if (!Array.isArray(body.categories)) return { status: 400, body: { message: 'categories must be a list' } };
			importTimes.push(now);
			const categories = body.categories as Array<Record<string, unknown>>;
			finish(body.webhook, () => {
				if (method === 'POST') state.categories.clear();
				for (const category of categories) state.categories.set(String(category.id), category);
				return undefined;
			});
			return { status: 204 };
		}
		if (path === '/import/audience' && method === 'POST') {
			if (!Array.isArray(body.audience)) return { status: 400, body: { message: 'audience must be a list' } };
			importTimes.push(now);
			const segment = state.segments.find((candidate) => candidate.id === idOf(body.segment_id));
			for (const contact of body.audience as Array<Record<string, unknown>>) {
				state.audience.push({ ...contact, ...(body.segment_id === undefined ? {} : { segment_id: body.segment_id }) });
				for (const key of [contact.email, contact.phone]) if (segment && typeof key === 'string') segment.members.add(key);
			}
			return { status: 200, body: { status: 'ok' } };
		}
		if (path === '/import/suppressed' && method === 'POST') {
			const audience = body.audience;
			if (!Array.isArray(audience) || audience.some((entry) => typeof (entry as { email?: unknown })?.email !== 'string')) {
				return { status: 400, body: { message: 'audience must be a list of {email}' } };
			}
			importTimes.push(now);
			for (const entry of audience as Array<{ email: string }>) state.suppressed.add(entry.email);
			return { status: 200, body: { status: 'ok' } };
		}
		return { status: 405, body: { message: 'Method not allowed' } };
	}

	function handleSegments(method: string, path: string, fields: Record<string, unknown>): Answer {
		if (fields.shop_secret === undefined || fields.shop_secret === '') return { status: 403, body: { message: 'shop_secret is required' } };
		if (fields.shop_id !== shopId) return { status: 400, body: { message: 'Shop not found' } };
		if (fields.shop_secret !== shopSecret) return { status: 401, body: { message: `Wrong shop_secret ${String(fields.shop_secret)}` } };
		if (path === '/segments/get' && method === 'GET') return { status: 200, body: state.segments.map(({ id, type }) => ({ id: Number(id), type })) };
		const segment = state.segments.find((candidate) => candidate.id === idOf(fields.segment_id));
		if (!segment) return { status: 404, body: { message: 'Segment not found' } };
		const key = typeof fields.email === 'string' && fields.email ? fields.email : typeof fields.phone === 'string' && fields.phone ? fields.phone : undefined;
		if (!key) return { status: 400, body: { message: 'email or phone is required' } };
		if (path === '/segments/includes' && method === 'GET') return { status: 200, body: segment.members.has(key) };
		if ((path === '/segments/add' || path === '/segments/remove') && method === 'POST') {
			if (segment.type !== 'static') return { status: 403, body: { message: 'Only static segments can be changed' } };
			if (path === '/segments/add') segment.members.add(key);
			else segment.members.delete(key);
			return { status: 200, body: { status: 'success' } };
		}
		return { status: 405, body: { message: 'Method not allowed' } };
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = req.method ?? 'GET';
		const contentType = String(req.headers['content-type'] ?? '');
		const raw = await readBody(req, maxBytes);
		const record: MockRequest = {
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			contentType,
			body: undefined,
			bytes: raw === 'tooLarge' ? maxBytes + 1 : raw.length,
			status: 0,
			at: Date.now(),
		};
		requests.push(record);
		const reply = ({ status, body, headers }: Answer) => {
			record.status = status;
			res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(headers ?? {}) });
			res.end(body === undefined ? undefined : JSON.stringify(body));
		};
		if (raw === 'tooLarge') return reply({ status: 413, body: { message: 'Request body is larger than 32 MB' } });
		const parsed = parseBody(raw.toString('utf8'), contentType);
		if (parsed === 'malformed') return reply({ status: 400, body: { message: 'Malformed body' } });
		record.body = parsed;
		const failure = failures.find((candidate) => !candidate.pathPrefix || url.pathname.startsWith(candidate.pathPrefix));
		if (failure) {
			failure.times = (failure.times ?? 1) - 1;
			if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
			return reply({ status: failure.status, body: failure.body ?? { message: `Mock failure ${failure.status}` }, headers: failure.headers });
		}
		if (url.pathname.startsWith('/import/')) return reply(handleImport(method, url.pathname, parsed ?? {}));
		if (url.pathname.startsWith('/segments/')) {
			const fields = method === 'GET' ? record.query : (parsed ?? {});
			if (method !== 'GET' && !contentType.includes('application/x-www-form-urlencoded')) {
				return reply({ status: 400, body: { message: 'Send the segment calls form-encoded' } });
			}
			return reply(handleSegments(method, url.pathname, fields));
		}
		reply({ status: 404, body: { message: 'Not found' } });
	}

	const server: Server = createServer((req, res) => {
		handle(req, res).catch(() => {
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		url,
		shopId,
		shopSecret,
		requests,
		...state,
		async callbacksSettled() {
			for (let round = 0; round < 20 && pending.size > 0; round++) await Promise.allSettled([...pending]);
		},
		failNext(failure) {
			failures.push({ times: 1, ...failure });
		},
		credentialData: () => ({ shopId, shopSecret, baseUrl: url }),
		async stop() {
			await Promise.allSettled([...pending]);
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}
