import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface BuiltNode {
	file: string;
	name: string;
	type: string;
	displayName: string;
	trigger: boolean;
	webhook: boolean;
	usableAsTool: boolean;
}

/** What globalSetup started and built. */
export interface E2eState {
	/** The harness's control server: POST /restart restarts n8n. */
	controlUrl: string;
	baseUrl: string;
	n8nVersion: string;
	nodeVersion: string;
	apiKey: string;
	cookie: string;
	browserId: string;
	logFile: string;
	packageName: string;
	packageFolder: string;
	built: {
		name: string;
		version: string;
		nodes: BuiltNode[];
		credentials: Array<{ file: string; name: string; displayName: string }>;
	};
	missing: string[];
}

export function e2eState(): E2eState {
	const file = process.env.N8N_E2E_STATE;
	if (!file) throw new Error('N8N_E2E_STATE is not set: run the suite with "npm run test:e2e", which starts n8n first');
	return JSON.parse(readFileSync(file, 'utf8')) as E2eState;
}

export type Json = Record<string, unknown>;

export interface Workflow {
	name: string;
	nodes: Array<Json & { name: string; type: string; parameters: Json; webhookId?: string; credentials?: Record<string, { id: string; name: string }> }>;
	connections: Json;
	settings?: Json;
}

export interface Execution {
	id: string;
	status: string;
	mode: string;
	finished: boolean;
	data?: { resultData?: { runData?: Record<string, Array<{ data?: { main?: Array<Array<{ json: Json }> | null> } }>>; error?: Json } };
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Polls `read` until `done` accepts its value or `timeoutMs` passes, and returns the last value either way, for
 * the test to assert on. For effects n8n finishes after it has answered (vendor registration, saved executions).
 */
export async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let value = await read();
	while (!done(value) && Date.now() < deadline) {
		await sleep(250);
		value = await read();
	}
	return value;
}

/** A major version of n8n: 2.x publishes workflows, 1.x activates them. */
export const n8nMajor = () => Number(e2eState().n8nVersion.split('.')[0]);

export function loadExample(file: string): Workflow {
	return JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as Workflow;
}

/** A copy of a workflow with the first trigger's parameters changed and a fresh name and webhook id. */
export function variant(workflow: Workflow, name: string, parameters: Json = {}): Workflow {
	const copy = structuredClone(workflow);
	copy.name = name;
	const trigger = copy.nodes.find((node) => node.webhookId !== undefined);
	if (!trigger) throw new Error(`${workflow.name} has no webhook trigger`);
	trigger.parameters = { ...trigger.parameters, ...parameters };
	trigger.webhookId = randomUUID();
	return copy;
}

export class N8n {
	readonly state = e2eState();

	async request(method: string, path: string, body?: unknown, auth: 'apiKey' | 'cookie' = 'apiKey') {
		const headers: Record<string, string> =
			auth === 'apiKey'
				? { 'x-n8n-api-key': this.state.apiKey }
				: { cookie: this.state.cookie, 'browser-id': this.state.browserId };
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${this.state.baseUrl}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
		return text ? (JSON.parse(text) as unknown) : undefined;
	}

	/** Stops n8n and starts it again on the same data, as a server reboot would; resolves once it serves. */
	async restart() {
		const answer = await fetch(`${this.state.controlUrl}/restart`, { method: 'POST', signal: AbortSignal.timeout(240_000) });
		if (!answer.ok) throw new Error(`Restarting n8n failed: ${await answer.text()}`);
	}

	/** Runs a saved workflow once with `n8n execute`, as a manual run; returns the run's data. */
	async execute(workflowId: string): Promise<Execution> {
		const answer = await fetch(`${this.state.controlUrl}/execute/${workflowId}`, { method: 'POST', signal: AbortSignal.timeout(180_000) });
		const output = await answer.text();
		if (!answer.ok) throw new Error(`n8n execute failed: ${output}`);
		// The run's JSON (indented by two) follows whatever n8n logged first, and may be followed by more log
		// lines; its closing brace is the first line that is only "}".
		const start = output.search(/^\{/m);
		const end = output.slice(start).search(/^\}\s*$/m);
		return JSON.parse(output.slice(start, end < 0 ? undefined : start + end + 1)) as Execution;
	}

	/** Creates a workflow without publishing it (for workflows started by hand). */
	async create(workflow: Workflow): Promise<string> {
		const { name, nodes, connections, settings } = workflow;
		return ((await this.request('POST', '/api/v1/workflows', { name, nodes, connections, settings: settings ?? {} })) as { id: string }).id;
	}

	async nodeTypes(): Promise<Array<{ name: string; displayName: string }>> {
		return (await this.request('GET', '/types/nodes.json', undefined, 'cookie')) as Array<{ name: string; displayName: string }>;
	}

	async credentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		return (await this.request('GET', '/types/credentials.json', undefined, 'cookie')) as Array<{ name: string; displayName: string }>;
	}

	async createCredential(name: string, type: string, data: Json): Promise<{ id: string; name: string }> {
		let created: { id: string; name: string };
		try {
			created = (await this.request('POST', '/api/v1/credentials', { name, type, data })) as typeof created;
		} catch (error) {
			// n8n 1.x adds "Allowed HTTP Request Domains" to credentials that authenticate requests, and its public
			// API then wants `allowedDomains` unless that choice is given.
			if (!/allowedDomains/.test((error as Error).message)) throw error;
			const withDomains = { ...data, allowedHttpRequestDomains: 'all' };
			created = (await this.request('POST', '/api/v1/credentials', { name, type, data: withDomains })) as typeof created;
		}
		return { id: created.id, name: created.name };
	}

	/**
	 * Creates and publishes a workflow, then waits until n8n serves its production URL. The trigger gets exactly
	 * `credentials` (type → id and name).
	 */
	async deploy(workflow: Workflow, credentials: Record<string, { id: string; name: string }> = {}) {
		const nodes = workflow.nodes.map((node) => (node.webhookId === undefined ? node : { ...node, credentials }));
		const { id } = (await this.request('POST', '/api/v1/workflows', {
			name: workflow.name,
			nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? {},
		})) as { id: string };
		await this.publish(id);
		const trigger = nodes.find((node) => node.webhookId);
		const url = `${this.state.baseUrl}/webhook/${trigger?.webhookId}/webhook`;
		await this.waitUntilRegistered(url);
		return { id, url };
	}

	async publish(id: string) {
		await this.request('POST', `/api/v1/workflows/${id}/${n8nMajor() >= 2 ? 'publish' : 'activate'}`);
	}

	async unpublish(id: string) {
		await this.request('POST', `/api/v1/workflows/${id}/${n8nMajor() >= 2 ? 'unpublish' : 'deactivate'}`);
	}

	/** Registration finishes a moment after publishing; a GET to a POST webhook tells whether it exists yet. */
	async waitUntilRegistered(url: string, timeoutMs = 20_000) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const answer = await fetch(url, { signal: AbortSignal.timeout(3000) });
			const text = await answer.text();
			if (answer.status !== 404 || /not registered for GET/i.test(text)) return;
			await sleep(200);
		}
		throw new Error(`${url} was not registered within ${timeoutMs / 1000} s of publishing`);
	}

	async executions(workflowId: string): Promise<Execution[]> {
		const query = new URLSearchParams({ workflowId, includeData: 'true', limit: '250' });
		const page = (await this.request('GET', `/api/v1/executions?${query}`)) as { data: Execution[] };
		return page.data.sort((a, b) => Number(a.id) - Number(b.id));
	}

	/**
	 * Waits until the workflow has `count` finished executions, then a little longer to be sure no more come.
	 * Executions are saved after n8n answers, so "none" is only known after that settling time.
	 */
	async settledExecutions(workflowId: string, count: number, { timeoutMs = 20_000, settleMs = 1_500 } = {}) {
		const deadline = Date.now() + timeoutMs;
		let executions = await this.executions(workflowId);
		while (Date.now() < deadline && (executions.length < count || executions.some((e) => e.status === 'running' || e.status === 'new'))) {
			await sleep(250);
			executions = await this.executions(workflowId);
		}
		await sleep(settleMs);
		return this.executions(workflowId);
	}
}

/** The items a node emitted in an execution (first run, main output 0). */
export function itemsOf(execution: Execution, nodeName: string): Json[] {
	const run = execution.data?.resultData?.runData?.[nodeName]?.[0];
	return (run?.data?.main?.[0] ?? []).map((item) => item.json);
}

export interface Answer {
	status: number;
	body: unknown;
	events: Array<{ name: string; duplicate: boolean }>;
	error?: string;
}

/** Runs the event simulator, as a user would, and returns each delivery's answer. */
export function simulate(vendor: string, event: string, url: string, args: string[] = []): Answer[] {
	const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'simulate.mjs'), vendor, event, '--url', url, '--json', ...args], {
		encoding: 'utf8',
		timeout: 120_000,
	});
	if (run.status !== 0 && !run.stdout) throw new Error(`simulate ${vendor} ${event} failed: ${run.stderr}`);
	return (JSON.parse(run.stdout) as { deliveries: Answer[] }).deliveries;
}

/** A raw POST, for what no vendor would send (broken bodies, wrong secrets). */
export async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
	const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * `describe` for a node that is built, `describe.skip` with a visible message for one that is not yet: the
 * package lists nodes that other work has still to add.
 */
export function describeBuilt(nodeName: string, title: string, suite: () => void) {
	const built = e2eState().built.nodes.some((node) => node.name === nodeName);
	if (!built) {
		process.stderr.write(`e2e: skipping "${title}": ${nodeName} is not built in this package yet\n`);
		describe.skip(`${title} (not built yet)`, suite);
		return;
	}
	describe(title, suite);
}

/** The vendor examples the simulator sends, by event name. */
export function simulatorExamples(vendor: string): Record<string, Json> {
	return (JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'simulator', 'examples', `${vendor}.json`), 'utf8')) as { events: Record<string, Json> }).events;
}

/** A workflow whose trigger feeds a node that always fails, for "answer when the last node finishes". */
export function failingAfter(workflow: Workflow, name: string, parameters: Json = {}): Workflow {
	const copy = variant(workflow, name, parameters);
	const trigger = copy.nodes.find((node) => node.webhookId !== undefined);
	copy.nodes = [
		...copy.nodes.filter((node) => node === trigger),
		{ parameters: { errorMessage: 'Downstream system unavailable' }, name: 'Fail', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, position: [240, 0] },
	];
	copy.connections = { [trigger!.name]: { main: [[{ node: 'Fail', type: 'main', index: 0 }]] } };
	return copy;
}
