import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeParameters,
	INodeType,
	IWebhookData,
	IWebhookResponseData,
} from 'n8n-workflow';

import { additionalDataWith, registerServices, withLogs, workflowWith } from './n8nCore';

/** One HTTP delivery, as a vendor would send it. */
export interface Delivery {
	/** The body as n8n would have parsed it. Defaults to JSON.parse(rawBody) for JSON. */
	body?: unknown;
	/** The bytes on the wire. Defaults to JSON.stringify(body). */
	rawBody?: string | Buffer;
	headers?: Record<string, string>;
	query?: IDataObject;
	remoteAddress?: string;
}

export interface NodeSetup {
	parameters?: IDataObject;
	credentials?: Record<string, IDataObject>;
	/** The node's static data; pass the same object to later deliveries to share the dedupe window. */
	staticData?: IDataObject;
	/** Workflow, node and mode, as n8n names them; without it, a workflow of its own per static data object. */
	scope?: { workflowId: string; nodeId: string; mode: 'webhook' | 'manual' };
}

export interface Observed {
	/** The HTTP answer, or undefined when n8n would answer only after the workflow ends. */
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
	/** The items that start an execution, or undefined when no execution starts. */
	items?: IDataObject[];
	logs: Array<{ level: string; message: string }>;
	raw: IWebhookResponseData;
}

/**
 * A workflow per static data object: n8n keeps static data per workflow, and the triggers name their
 * dedupe window by workflow, node and mode, so deliveries sharing static data share a workflow.
 */
const workflowIds = new WeakMap<IDataObject, string>();
let workflows = 0;
function workflowIdOf(staticData: IDataObject): string {
	let id = workflowIds.get(staticData);
	if (!id) workflowIds.set(staticData, (id = `workflow-${++workflows}`));
	return id;
}

class FakeResponse {
	statusCode = 200;
	headers: Record<string, string> = {};
	body: unknown;
	sent = false;
	status(code: number) {
		this.statusCode = code;
		return this;
	}
	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}
	json(body: unknown) {
		this.body = body;
		this.sent = true;
		return this;
	}
	send(body: unknown) {
		this.body = body;
		this.sent = true;
		return this;
	}
	end() {
		this.sent = true;
		return this;
	}
}

/**
 * Calls a trigger's webhook() the way n8n does, and reports what the caller and the workflow would
 * observe: the HTTP answer, and the items an execution would start with.
 */
export async function deliver(node: INodeType, setup: NodeSetup, delivery: Delivery): Promise<Observed> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(delivery.headers ?? {})) headers[name.toLowerCase()] = value;
	const isJson = delivery.body !== undefined || typeof delivery.rawBody === 'string';
	if (!headers['content-type'] && isJson) headers['content-type'] = 'application/json';
	const rawBody =
		delivery.rawBody === undefined
			? Buffer.from(delivery.body === undefined ? '' : JSON.stringify(delivery.body))
			: Buffer.from(delivery.rawBody);
	let body = delivery.body;
	if (body === undefined && headers['content-type']?.startsWith('application/json')) {
		try {
			body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			body = {};
		}
	}
	const res = new FakeResponse();
	const logs: Observed['logs'] = [];
	const staticData = setup.staticData ?? {};
	const scope = setup.scope ?? { workflowId: workflowIdOf(staticData), nodeId: 'node-1', mode: 'webhook' as const };

	registerServices();
	const { workflow, node: workflowNode } = workflowWith({
		nodeType: node,
		parameters: (setup.parameters ?? {}) as INodeParameters,
		credentialTypes: Object.keys(setup.credentials ?? {}),
		workflowId: scope.workflowId,
		nodeId: scope.nodeId,
		staticData,
	});
	// The request and response are express objects made by n8n's webhook server, which parses the body
	// and keeps the bytes as rawBody before it calls the node; they cannot be made without that server.
	const request = {
		rawBody,
		body: body ?? {},
		headers,
		query: delivery.query ?? {},
		params: {},
		method: 'POST',
		socket: { remoteAddress: delivery.remoteAddress ?? '127.0.0.1' },
	};
	const additionalData = additionalDataWith(
		{ decrypted: (type) => setup.credentials?.[type] as ICredentialDataDecryptedObject | undefined },
		{ httpRequest: request as never, httpResponse: res as never },
	);
	const webhookDescription = node.description.webhooks?.[0] ?? { name: 'default', httpMethod: 'POST', path: 'webhook' };
	const context = new WebhookContext(
		workflow,
		workflowNode,
		additionalData,
		scope.mode,
		{
			httpMethod: 'POST',
			node: workflowNode.name,
			path: webhookDescription.path as string,
			webhookDescription,
			workflowId: scope.workflowId,
			workflowExecuteAdditionalData: additionalData,
		} as IWebhookData,
		[],
		null,
	);

	const raw = await withLogs(logs, () => node.webhook!.call(context));
	const items = raw.workflowData ? raw.workflowData[0].map((item) => item.json) : undefined;
	if (res.sent) return { status: res.statusCode, body: res.body, headers: res.headers, items, logs, raw };
	if (!raw.workflowData) {
		return { status: 200, body: raw.webhookResponse ?? { message: 'Webhook call received' }, headers: res.headers, items, logs, raw };
	}
	return { status: undefined, body: undefined, headers: res.headers, items, logs, raw };
}

export function basicAuthHeader(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
