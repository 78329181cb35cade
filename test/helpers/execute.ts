/**
 * Runs an action node's execute(), or a trigger's lifecycle methods, the way n8n calls them, with the
 * request helpers going over real HTTP (see n8nHttp.ts) to local mock servers.
 */
import {
	NodeApiError,
	NodeOperationError,
	type JsonObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type IHttpRequestOptions,
} from 'n8n-workflow';

import { type CredentialStore, httpRequest, httpRequestWithAuthentication, type RequestLog } from './n8nHttp';

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

const fakeNode = (parameters: IDataObject) => ({
	id: 'node-1',
	name: 'Node',
	type: 'test',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters,
});

function parameterReader(setup: ContextSetup) {
	return (name: string, itemIndex = 0, fallback?: unknown) => {
		const parameters = Array.isArray(setup.parameters) ? setup.parameters[itemIndex] : setup.parameters;
		// Dotted names read into collections, as n8n does.
		let value: unknown = parameters;
		for (const part of name.split('.')) value = (value as IDataObject | undefined)?.[part];
		if (value !== undefined) return value;
		if (fallback === undefined) throw new Error(`Could not get parameter "${name}"`);
		return fallback;
	};
}

function helpers(setup: ContextSetup) {
	return {
		httpRequest: (options: IHttpRequestOptions) => httpRequest(options, setup.log),
		// As in n8n, a failure reaches the node wrapped in a NodeApiError (status in httpCode, the
		// request error as cause); plain httpRequest throws the request error itself.
		httpRequestWithAuthentication: async (type: string, options: IHttpRequestOptions) => {
			const store = setup.credentials?.[type];
			if (!store) throw new Error(`Node does not have any credentials set for "${type}"`);
			try {
				return await httpRequestWithAuthentication(store, options, setup.log);
			} catch (error) {
				throw new NodeApiError(fakeNode(firstParameters(setup)) as INode, error as JsonObject);
			}
		},
		returnJsonArray: (data: IDataObject | IDataObject[]) =>
			(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
		constructExecutionMetaData: (items: INodeExecutionData[], meta: { itemData: { item: number } }) =>
			items.map((item) => ({ ...item, pairedItem: meta.itemData })),
	};
}

function logger(setup: ContextSetup) {
	const log = (level: string) => (message: string) => setup.logs?.push({ level, message });
	return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

const firstParameters = (setup: ContextSetup) => (Array.isArray(setup.parameters) ? setup.parameters[0] : setup.parameters);

function base(setup: ContextSetup) {
	return {
		getNode: () => fakeNode(firstParameters(setup)),
		getCredentials: async (type: string) => {
			const store = setup.credentials?.[type];
			if (!store) throw new Error(`Node does not have any credentials set for "${type}"`);
			return store.data;
		},
		helpers: helpers(setup),
		logger: logger(setup),
	};
}

/** Runs execute() over the given input items (one empty item by default). */
export async function runAction(
	node: INodeType,
	setup: ContextSetup,
	input: INodeExecutionData[] = [{ json: {} }],
): Promise<INodeExecutionData[][]> {
	const context = {
		...base(setup),
		getInputData: () => input,
		getNodeParameter: parameterReader(setup),
		continueOnFail: () => setup.continueOnFail === true,
	} as unknown as IExecuteFunctions;
	const result = await node.execute!.call(context);
	return result as INodeExecutionData[][];
}

export interface HookSetup extends ContextSetup {
	webhookUrl: string;
	staticData: IDataObject;
	activationMode?: 'init' | 'create' | 'update' | 'activate' | 'manual' | 'leadershipChange';
}

/** A lifecycle context: checkExists, create and delete see this. */
export function hookContext(setup: HookSetup): IHookFunctions {
	const read = parameterReader(setup);
	return {
		...base(setup),
		getNodeParameter: (name: string, fallback?: unknown) => read(name, 0, fallback),
		getNodeWebhookUrl: () => setup.webhookUrl,
		getWorkflowStaticData: () => setup.staticData,
		getActivationMode: () => setup.activationMode ?? 'activate',
		getMode: () => 'trigger',
	} as unknown as IHookFunctions;
}

/** Runs one of a trigger's webhookMethods.default lifecycle methods. */
export async function runLifecycle(
	node: INodeType,
	method: 'checkExists' | 'create' | 'delete',
	setup: HookSetup,
): Promise<boolean> {
	const methods = node.webhookMethods?.default;
	if (!methods) throw new NodeOperationError(fakeNode({}) as INode, 'The node has no webhookMethods.default');
	return methods[method].call(hookContext(setup));
}

/** A loadOptions context, for dropdowns loaded from a vendor API. */
export function loadOptionsContext(setup: ContextSetup): ILoadOptionsFunctions {
	const read = parameterReader(setup);
	return {
		...base(setup),
		getNodeParameter: (name: string, fallback?: unknown) => read(name, 0, fallback),
		getCurrentNodeParameter: (name: string) => read(name, 0, null),
	} as unknown as ILoadOptionsFunctions;
}
