/**
 * The pieces the helpers need to run a node in n8n-core's own contexts (WebhookContext, HookContext,
 * ExecuteContext, LoadOptionsContext): the services n8n-core takes from its DI container, a Workflow
 * holding the one node under test, and the additional data n8n's server would hand a context.
 *
 * n8n-core is pinned to the n8n line the end-to-end suite runs, so parameter defaults and display
 * rules, credential checks, continueOnFail, input and static data behave here as they do in n8n. What
 * stays a stand-in, and why, is said where it is made: the logger and instance settings (below), the
 * credentials helper (additionalDataWith), the webhook request and response (webhook.ts), and the
 * request helpers of action and lifecycle contexts (execute.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeCredentials,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export interface Logged {
	level: string;
	message: string;
}

/** Where the logger writes during one call: each call's lines go to that call's list, even when calls overlap. */
const logSink = new AsyncLocalStorage<Logged[] | undefined>();

let registered = false;

/**
 * n8n-core reads its logger and instance settings from the container. The real InstanceSettings reads and
 * writes n8n's settings file under the user's home and the real Logger needs n8n's config and winston
 * set up by the server; both are stood in for with the few members the contexts use.
 */
export function registerServices(): void {
	if (registered) return;
	registered = true;
	const write = (level: string) => (message: unknown) => {
		logSink.getStore()?.push({ level, message: String(message) });
	};
	const logger = {
		debug: write('debug'),
		info: write('info'),
		warn: write('warn'),
		error: write('error'),
		scoped() {
			return logger;
		},
	};
	Container.set(Logger, logger as unknown as Logger);
	Container.set(InstanceSettings, {
		instanceId: 'test-instance',
		hmacSignatureSecret: 'test-hmac-secret',
		n8nFolder: '/nonexistent',
	} as unknown as InstanceSettings);
}

/** Runs `fn` with n8n's logger writing to `logs` (or nowhere). */
export function withLogs<T>(logs: Logged[] | undefined, fn: () => T): T {
	return logSink.run(logs, fn);
}

/** The one node type n8n would find for the node under test. */
export function nodeTypesOf(nodeType: INodeType): INodeTypes {
	return {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	} as INodeTypes;
}

/**
 * The kit's tests run made-up vendors whose description is empty, which n8n could not load. Such a node
 * gets a description that declares each parameter and credential it is given, always shown, so n8n keeps
 * them as given.
 */
function loadable(nodeType: INodeType, parameters: INodeParameters, credentialTypes: string[]): INodeType {
	if (Array.isArray(nodeType.description?.properties)) return nodeType;
	const properties = Object.keys(parameters).map((name) => ({ displayName: name, name, type: 'json' as const, default: '' }));
	const description = {
		displayName: 'Made-up',
		name: 'madeUp',
		group: ['trigger'],
		version: 1,
		description: '',
		defaults: { name: 'Made-up' },
		inputs: [],
		outputs: ['main'],
		...(nodeType.description as object),
		properties,
		credentials: credentialTypes.map((name) => ({ name, required: true })),
	} as unknown as INodeType['description'];
	return Object.assign(Object.create(nodeType) as INodeType, { description });
}

export interface WorkflowSetup {
	nodeType: INodeType;
	parameters: INodeParameters;
	/** The credential types set on the node; each is referenced by an id of the same name. */
	credentialTypes?: string[];
	workflowId: string;
	nodeId?: string;
	nodeName?: string;
	/** The node's own static data object (n8n's `node:<name>` entry); mutations show in it. */
	staticData?: IDataObject;
	continueOnFail?: boolean;
	webhookId?: string;
}

/** A one-node workflow as n8n would load it: the Workflow fills in parameter defaults and drops hidden ones. */
export function workflowWith(setup: WorkflowSetup): { workflow: Workflow; node: INode } {
	const nodeName = setup.nodeName ?? 'Trigger';
	const credentials: INodeCredentials = {};
	for (const type of setup.credentialTypes ?? []) credentials[type] = { id: type, name: type };
	const nodeType = loadable(setup.nodeType, setup.parameters, setup.credentialTypes ?? []);
	const description = nodeType.description;
	const node: INode = {
		id: setup.nodeId ?? 'node-1',
		name: nodeName,
		type: description.name,
		typeVersion: Array.isArray(description.version) ? Math.max(...description.version) : description.version,
		position: [0, 0],
		parameters: setup.parameters,
		...(setup.credentialTypes?.length && { credentials }),
		...(setup.continueOnFail && { onError: 'continueRegularOutput' as const }),
		...(setup.webhookId && { webhookId: setup.webhookId }),
	};
	const workflow = new Workflow({
		id: setup.workflowId,
		name: 'Test',
		active: true,
		nodes: [node],
		connections: {},
		nodeTypes: nodeTypesOf(nodeType),
		staticData: setup.staticData ? { [`node:${nodeName}`]: setup.staticData } : {},
		settings: {},
	});
	return { workflow, node: workflow.getNode(nodeName)! };
}

export interface CredentialsSource {
	/** The decrypted data of a credential type, as n8n's credentials store would give it. */
	decrypted(type: string): ICredentialDataDecryptedObject | undefined;
	/** n8n's server applies a credential type's `authenticate` to a request; see execute.ts. */
	authenticate?: IWorkflowExecuteAdditionalData['credentialsHelper']['authenticate'];
	preAuthentication?: IWorkflowExecuteAdditionalData['credentialsHelper']['preAuthentication'];
	properties?: IWorkflowExecuteAdditionalData['credentialsHelper']['getCredentialsProperties'];
}

/**
 * The additional data n8n's server hands a context. Its credentials helper lives in n8n's server package
 * (decryption, the credentials database), so it is stood in for: it gives the test's credentials.
 */
export function additionalDataWith(
	source: CredentialsSource,
	extra: Partial<IWorkflowExecuteAdditionalData> = {},
): IWorkflowExecuteAdditionalData {
	const credentialsHelper = {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		getDecrypted: async (_additionalData: unknown, _nodeCredentials: unknown, type: string) => {
			const data = source.decrypted(type);
			if (!data) throw new Error(`Credential "${type}" does not exist`);
			return data;
		},
		getCredentialsProperties: (type: string) => source.properties?.(type) ?? [],
		authenticate: async (...args: Parameters<NonNullable<CredentialsSource['authenticate']>>) =>
			source.authenticate ? await source.authenticate(...args) : args[2],
		preAuthentication: async (...args: Parameters<NonNullable<CredentialsSource['preAuthentication']>>) =>
			source.preAuthentication ? await source.preAuthentication(...args) : undefined,
		updateCredentials: async () => {},
		updateCredentialsOauthTokenData: async () => {},
		getCredentials: async () => {
			throw new Error('Not available in tests');
		},
	};
	return {
		credentialsHelper,
		executionId: 'test-execution',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		...extra,
	} as unknown as IWorkflowExecuteAdditionalData;
}

export type { WorkflowExecuteMode };
