/**
 * Runs an action node's execute(), or a trigger's lifecycle methods, the way n8n calls them: in n8n-core's
 * own ExecuteContext, HookContext and LoadOptionsContext (see n8nCore.ts), with the request helpers going
 * over real HTTP (see n8nHttp.ts) to local mock servers.
 */
import { ExecuteContext, HookContext, LoadOptionsContext } from 'n8n-core';
import {
	createEmptyRunExecutionData,
	NodeApiError,
	type JsonObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IHttpRequestOptions,
	type IWebhookData,
	type Workflow,
} from 'n8n-workflow';

import { type CredentialStore, httpRequest, httpRequestWithAuthentication, type RequestLog } from './n8nHttp';
import { additionalDataWith, registerServices, workflowWith } from './n8nCore';

export interface Logged {
	level: string;
	message: string;
}

export interface ContextSetup {
	/** Parameters, either the same for every item or one object per item. */
	parameters: IDataObject | IDataObject[];
	credentials?: Record<string, CredentialStore>;
	continueOnFail?: boolean;
	log?: RequestLog[];
	logs?: Logged[];
}

/**
 * n8n keeps one set of parameters per node; what differs per item is an expression. Per-item parameters
 * become one expression each that picks the item's value.
 */
function nodeParameters(setup: ContextSetup): INodeParameters {
	if (!Array.isArray(setup.parameters)) return setup.parameters as INodeParameters;
	const all = setup.parameters;
	const merged: INodeParameters = {};
	for (const name of new Set(all.flatMap((parameters) => Object.keys(parameters)))) {
		const values = all.map((parameters) => parameters[name]);
		const same = values.every((value) => JSON.stringify(value) === JSON.stringify(values[0]));
		merged[name] = same ? (values[0] as INodeParameters[string]) : `={{ ${JSON.stringify(values)}[$itemIndex] }}`;
	}
	return merged;
}

function contextParts(node: INodeType, setup: ContextSetup, extra: { staticData?: IDataObject; webhookUrl?: string } = {}) {
	registerServices();
	// n8n makes a trigger's webhook URL from its base URL, the node's webhook id and the webhook's path.
	const url = extra.webhookUrl === undefined ? undefined : /^(.*)\/([^/]+)\/([^/]+)$/.exec(extra.webhookUrl);
	const { workflow, node: workflowNode } = workflowWith({
		nodeType: node,
		nodeName: 'Node',
		parameters: nodeParameters(setup),
		credentialTypes: Object.keys(setup.credentials ?? {}),
		workflowId: 'workflow-1',
		staticData: extra.staticData,
		continueOnFail: setup.continueOnFail,
		webhookId: url?.[2],
	});
	const additionalData = additionalDataWith(
		{
			decrypted: (type) => setup.credentials?.[type]?.data,
			properties: (type) => setup.credentials?.[type]?.type.properties ?? [],
		},
		url ? { webhookBaseUrl: url[1], webhookTestBaseUrl: url[1] } : {},
	);
	return { workflow, workflowNode, additionalData };
}

/**
 * Gives a real context the test's request helpers and logger.
 *
 * n8n-core's httpRequestWithAuthentication hands the credential work (resolving a credential type's
 * `authenticate` expressions, running `preAuthentication` and saving its token) to the credentials helper
 * of n8n's server package, which cannot be built without that server; n8nHttp.ts stands in for it and
 * records each request, so both request helpers stay those stand-ins.
 * n8n's logger is one service for the whole process: each context here writes to its test's list.
 */
function withTestParts<T extends object>(context: T, setup: ContextSetup, node: INode): T {
	Object.assign((context as { helpers: object }).helpers, {
		httpRequest: (options: IHttpRequestOptions) => httpRequest(options, setup.log),
		// As in n8n, a failure reaches the node wrapped in a NodeApiError (status in httpCode, the
		// request error as cause); plain httpRequest throws the request error itself.
		httpRequestWithAuthentication: async (type: string, options: IHttpRequestOptions) => {
			// n8n's own checks first: the node declares the type, shows it, and has one set.
			await (context as unknown as IHookFunctions).getCredentials(type);
			const store = setup.credentials![type];
			try {
				return await httpRequestWithAuthentication(store, options, setup.log);
			} catch (error) {
				throw new NodeApiError(node, error as JsonObject);
			}
		},
	});
	const log = (level: string) => (message: string) => setup.logs?.push({ level, message });
	Object.defineProperty(context, 'logger', {
		value: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
	});
	return context;
}

/** Runs execute() over the given input items (one empty item by default). */
export async function runAction(
	node: INodeType,
	setup: ContextSetup,
	input: INodeExecutionData[] = [{ json: {} }],
): Promise<INodeExecutionData[][]> {
	const { workflow, workflowNode, additionalData } = contextParts(node, setup);
	const context = new ExecuteContext(
		workflow,
		workflowNode,
		additionalData,
		'manual',
		createEmptyRunExecutionData(),
		0,
		input,
		{ main: [input] },
		{ node: workflowNode, data: { main: [input] }, source: null },
		[],
	);
	const result = await node.execute!.call(withTestParts(context, setup, workflowNode) as IExecuteFunctions);
	return result as INodeExecutionData[][];
}

export interface HookSetup extends ContextSetup {
	webhookUrl: string;
	staticData: IDataObject;
	activationMode?: 'init' | 'create' | 'update' | 'activate' | 'manual' | 'leadershipChange';
}

function webhookDataOf(workflow: Workflow, node: INode, nodeType: INodeType, isTest: boolean): IWebhookData | undefined {
	const webhookDescription = nodeType.description.webhooks?.[0];
	if (!webhookDescription) return undefined;
	return {
		httpMethod: webhookDescription.httpMethod,
		node: node.name,
		path: String(webhookDescription.path),
		webhookDescription,
		workflowId: workflow.id,
		isTest,
	} as IWebhookData;
}

/** A node type with an empty description: n8nCore.ts declares for it what the test gives. */
const madeUpNode = { description: {} } as INodeType;

/** A lifecycle context on the given trigger: checkExists, create and delete see this. */
export function hookContext(setup: HookSetup, nodeType: INodeType = madeUpNode): IHookFunctions {
	const { workflow, workflowNode, additionalData } = contextParts(nodeType, setup, {
		staticData: setup.staticData,
		webhookUrl: setup.webhookUrl,
	});
	const activation = setup.activationMode ?? 'activate';
	// n8n activates a workflow in trigger mode, and registers a test webhook in manual mode.
	const mode = activation === 'manual' ? 'manual' : 'trigger';
	const context = new HookContext(
		workflow,
		workflowNode,
		additionalData,
		mode,
		activation,
		webhookDataOf(workflow, workflowNode, nodeType, activation === 'manual'),
	);
	return withTestParts(context, setup, workflowNode);
}

/** Runs one of a trigger's webhookMethods.default lifecycle methods. */
export async function runLifecycle(
	node: INodeType,
	method: 'checkExists' | 'create' | 'delete',
	setup: HookSetup,
): Promise<boolean> {
	const methods = node.webhookMethods?.default;
	if (!methods) throw new Error(`${node.description.name} has no webhookMethods.default`);
	return methods[method].call(hookContext(setup, node));
}

/**
 * A loadOptions context, for dropdowns loaded from a vendor API, on the node whose dropdown it is (without
 * one, on a made-up node declaring the given parameters and credentials).
 */
export function loadOptionsContext(setup: ContextSetup, node: INodeType = madeUpNode): ILoadOptionsFunctions {
	const { workflow, workflowNode, additionalData } = contextParts(node, setup);
	// The editor sends the node's parameters as they stand.
	additionalData.currentNodeParameters = workflowNode.parameters;
	const context = new LoadOptionsContext(workflow, workflowNode, additionalData, 'parameters');
	return withTestParts(context, setup, workflowNode);
}
