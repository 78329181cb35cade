// Talks to a running n8n: owner setup, login and API key over the internal REST API (as the editor does), then
// workflows, credentials and executions over the public API.
import { randomUUID } from 'node:crypto';

import { log, waitFor } from './util.mjs';

export const OWNER = {
	email: 'owner@example.com',
	firstName: 'Local',
	lastName: 'Owner',
	password: 'Local-owner-1',
};

async function call(url, { method = 'GET', headers = {}, body, timeoutMs = 30_000 } = {}) {
	const response = await fetch(url, {
		method,
		headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await response.text();
	let data = text;
	try {
		data = text ? JSON.parse(text) : undefined;
	} catch {
		// not JSON
	}
	return { status: response.status, data, headers: response.headers };
}

function expectOk(what, answer, okStatuses = [200, 201]) {
	if (!okStatuses.includes(answer.status)) {
		throw new Error(`${what} failed: HTTP ${answer.status} ${typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data)}`);
	}
	return answer.data;
}

export class N8nApi {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.browserId = randomUUID();
		this.cookie = undefined;
		this.apiKey = undefined;
	}

	/** The internal REST API, with the login cookie. */
	rest(method, path, body) {
		const headers = { 'browser-id': this.browserId, ...(this.cookie ? { cookie: this.cookie } : {}) };
		return call(`${this.baseUrl}${path}`, { method, headers, body });
	}

	/** The public API (/api/v1), with the API key. */
	public(method, path, body) {
		return call(`${this.baseUrl}/api/v1${path}`, { method, headers: { 'x-n8n-api-key': this.apiKey }, body });
	}

	/** Creates the owner (first start of a user folder only), logs in, and creates an API key with every scope. */
	async signIn(owner = OWNER) {
		const setup = await this.rest('POST', '/rest/owner/setup', owner);
		if (setup.status !== 200 && setup.status !== 400) expectOk('Owner setup', setup);
		// `email` for 1.x, `emailOrLdapLoginId` for 2.x; each ignores the other.
		const login = await this.rest('POST', '/rest/login', { email: owner.email, emailOrLdapLoginId: owner.email, password: owner.password });
		expectOk(`Login as ${owner.email}`, login);
		const cookie = login.headers.getSetCookie().find((line) => line.startsWith('n8n-auth='));
		if (!cookie) throw new Error('Login answered without an n8n-auth cookie');
		this.cookie = cookie.split(';')[0];
		const scopes = await this.rest('GET', '/rest/api-keys/scopes');
		const request = { label: `local ${new Date().toISOString().slice(0, 19)}`, expiresAt: null };
		if (scopes.status === 200) request.scopes = scopes.data.data;
		const key = expectOk('Creating an API key', await this.rest('POST', '/rest/api-keys', request)).data;
		this.apiKey = key.rawApiKey ?? key.apiKey;
		if (!this.apiKey) throw new Error('n8n created an API key but did not return it');
		return this;
	}

	/** Node type descriptions, as the editor loads them. */
	async nodeTypes() {
		return expectOk('Listing node types', await this.rest('GET', '/types/nodes.json'));
	}

	async credentialTypes() {
		return expectOk('Listing credential types', await this.rest('GET', '/types/credentials.json'));
	}

	async createCredential({ name, type, data }) {
		let answer = await this.public('POST', '/credentials', { name, type, data });
		// n8n 1.x adds "Allowed HTTP Request Domains" to credentials that authenticate requests, and its public API
		// then wants `allowedDomains` unless that choice is given.
		if (answer.status === 400 && /allowedDomains/.test(JSON.stringify(answer.data))) {
			answer = await this.public('POST', '/credentials', { name, type, data: { ...data, allowedHttpRequestDomains: 'all' } });
		}
		return expectOk(`Creating credential "${name}"`, answer);
	}

	async createWorkflow(workflow) {
		const { name, nodes, connections, settings } = workflow;
		return expectOk(`Creating workflow "${name}"`, await this.public('POST', '/workflows', { name, nodes, connections, settings: settings ?? {} }));
	}

	/** Publishes (2.x) or activates (1.x) a workflow. */
	async publish(id) {
		let answer = await this.public('POST', `/workflows/${id}/publish`);
		if (answer.status === 404 || answer.status === 405) answer = await this.public('POST', `/workflows/${id}/activate`);
		return expectOk(`Publishing workflow ${id}`, answer);
	}
}

/**
 * Credential references in an exported workflow are matched by credential type to the ids in `credentials`
 * (type → {id, name}). Triggers get a fresh `webhookId` unless `keepWebhookIds`, so that several copies of one
 * example can be published side by side; the production URL follows from it.
 */
export function prepareWorkflow(workflow, credentials = {}, { keepWebhookIds = false } = {}) {
	const nodes = workflow.nodes.map((node) => {
		const copy = structuredClone(node);
		for (const type of Object.keys(copy.credentials ?? {})) {
			if (credentials[type]) copy.credentials[type] = credentials[type];
			else delete copy.credentials[type];
		}
		if (copy.webhookId !== undefined && !(keepWebhookIds && copy.webhookId)) copy.webhookId = randomUUID();
		return copy;
	});
	return { ...workflow, nodes };
}

/** The production URL of the first webhook trigger in a workflow whose webhook path is `path`. */
export function productionUrl(baseUrl, workflow, path = 'webhook') {
	const trigger = workflow.nodes.find((node) => node.webhookId);
	if (!trigger) throw new Error(`Workflow "${workflow.name}" has no webhook trigger`);
	return `${baseUrl}/webhook/${trigger.webhookId}/${path}`;
}

/**
 * Creates and publishes a workflow, then waits until its production URL is registered: registration finishes a
 * moment after publishing. A GET to a POST-only webhook answers "not registered for GET" once it exists, and
 * "not registered" before; neither starts an execution. In queue mode, `webhookBaseUrl` is where production
 * webhooks are served (a webhook process) when it is not the main process's URL.
 */
export async function deployWorkflow(api, workflow, { credentials, keepWebhookIds, timeoutMs = 30_000, webhookBaseUrl = api.baseUrl } = {}) {
	const prepared = prepareWorkflow(workflow, credentials, { keepWebhookIds });
	const created = await api.createWorkflow(prepared);
	await api.publish(created.id);
	const url = productionUrl(webhookBaseUrl, prepared);
	await waitFor(
		`the production webhook of "${prepared.name}" to be registered`,
		async () => {
			const answer = await fetch(url, { signal: AbortSignal.timeout(3000) });
			const text = await answer.text();
			return answer.status !== 404 || /not registered for GET/i.test(text);
		},
		{ timeoutMs, intervalMs: 200 },
	);
	log(`Published "${prepared.name}" (workflow ${created.id}): ${url}`);
	return { id: created.id, name: prepared.name, url, workflow: prepared };
}

