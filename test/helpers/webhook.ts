import type {
	IDataObject,
	INodeType,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

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
	/** Workflow, node and mode, as n8n names them; without it the context offers no workflow, as in older n8n. */
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
	const log = (level: string) => (message: string) => logs.push({ level, message });
	const parameters = setup.parameters ?? {};
	const staticData = setup.staticData ?? {};

	const context = {
		getRequestObject: () => ({ rawBody, socket: { remoteAddress: delivery.remoteAddress ?? '127.0.0.1' }, headers }),
		getResponseObject: () => res,
		getHeaderData: () => headers,
		getQueryData: () => delivery.query ?? {},
		getBodyData: () => (body ?? {}) as IDataObject,
		getNodeParameter: (name: string, fallback?: unknown) => {
			if (name in parameters) return parameters[name];
			if (fallback === undefined) throw new Error(`Could not get parameter "${name}"`);
			return fallback;
		},
		getCredentials: async (type: string) => {
			const credential = setup.credentials?.[type];
			if (!credential) throw new Error(`Node does not have any credentials set for "${type}"`);
			return credential;
		},
		getWorkflowStaticData: () => staticData,
		getNode: () => ({ id: setup.scope?.nodeId, name: 'Trigger', type: 'test', typeVersion: 1, parameters }),
		...(setup.scope && {
			getWorkflow: () => ({ id: setup.scope?.workflowId, name: 'Test', active: true }),
			getMode: () => setup.scope?.mode,
		}),
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
	} as unknown as IWebhookFunctions;

	const raw = await node.webhook!.call(context);
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
