/**
 * A fault-injecting HTTP proxy on 127.0.0.1, put in front of a mock vendor API. It forwards every request
 * and, for requests matching a rule, injects a fault: a status (500, 503, 429 with Retry-After…), a hang
 * (no answer until the client gives up), a connection reset, or a 200 whose body is not valid JSON. A
 * fault strikes before the request reaches the vendor (nothing happens there) or after (the vendor carried
 * it out, and its answer is lost). The same faults for every vendor, whatever its mock supports.
 */
import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';

export type Fault =
	| { kind: 'status'; status: number; retryAfter?: string }
	| { kind: 'hang' }
	| { kind: 'reset' }
	| { kind: 'malformed' };

export interface FaultRule {
	fault: Fault;
	method?: string;
	path?: RegExp;
	/** How many matching requests get the fault (1 by default). */
	times?: number;
	/** How many matching requests pass untouched first (0 by default). */
	skip?: number;
	/** Before the request reaches the vendor (default), or after the vendor carried it out. */
	phase?: 'before' | 'after';
}

export interface ProxiedRequest {
	method: string;
	path: string;
	status: number;
	fault?: Fault['kind'];
	/** The Retry-After a status fault was sent with. */
	retryAfter?: string;
}

export class FaultProxy {
	readonly requests: ProxiedRequest[] = [];
	url = '';
	private readonly rules: Array<FaultRule & { left: number; toSkip: number }> = [];
	private readonly sockets = new Set<Socket>();
	private readonly server: Server;
	private readonly upstream: URL;

	constructor(upstream: string) {
		this.upstream = new URL(upstream);
		this.server = createServer((req, res) => {
			void this.handle(req, res);
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	async listen(): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	inject(rule: FaultRule): void {
		this.rules.push({ ...rule, left: rule.times ?? 1, toSkip: rule.skip ?? 0 });
	}

	clear(): void {
		this.rules.length = 0;
	}

	/** How many faults struck so far. */
	get faulted(): number {
		return this.requests.filter((request) => request.fault).length;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private take(method: string, path: string): FaultRule | undefined {
		const rule = this.rules.find((candidate) => candidate.left > 0 && (!candidate.method || candidate.method === method) && (!candidate.path || candidate.path.test(path)));
		if (!rule) return undefined;
		if (rule.toSkip > 0) {
			rule.toSkip--;
			return undefined;
		}
		rule.left--;
		return rule;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const method = req.method ?? 'GET';
		const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
		const record: ProxiedRequest = { method, path, status: 0 };
		this.requests.push(record);
		const rule = this.take(method, path);
		if (rule && rule.phase !== 'after') return this.fail(rule.fault, record, res);
		let answer: { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };
		try {
			answer = await this.pass(req, Buffer.concat(chunks));
		} catch {
			record.status = 502;
			res.writeHead(502).end();
			return;
		}
		if (rule) return this.fail(rule.fault, record, res);
		record.status = answer.status;
		res.writeHead(answer.status, answer.headers);
		res.end(answer.body);
	}

	private pass(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
		return new Promise((resolve, reject) => {
			const outgoing = forward(
				{
					host: this.upstream.hostname,
					port: this.upstream.port,
					method: req.method,
					path: req.url,
					headers: { ...req.headers, host: this.upstream.host },
				},
				(response) => {
					const parts: Buffer[] = [];
					response.on('data', (part: Buffer) => parts.push(part));
					response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(parts) }));
					response.on('error', reject);
				},
			);
			outgoing.on('error', reject);
			outgoing.end(body);
		});
	}

	private fail(fault: Fault, record: ProxiedRequest, res: ServerResponse): void {
		record.fault = fault.kind;
		switch (fault.kind) {
			case 'hang':
				// Never answer: the client gives up, or close() ends the socket.
				return;
			case 'reset':
				res.socket?.resetAndDestroy();
				return;
			case 'malformed':
				record.status = 200;
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end('{"success": true, "data": [{"id": 1, "act');
				return;
			default: {
				record.status = fault.status;
				record.retryAfter = fault.retryAfter;
				const headers: Record<string, string> = { 'Content-Type': 'application/json' };
				if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
				res.writeHead(fault.status, headers);
				res.end(JSON.stringify({ success: false, message: `Injected fault ${fault.status}` }));
			}
		}
	}
}
