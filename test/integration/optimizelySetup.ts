/** Shared set-up for the Optimizely Campaign tests: the credential store and contexts against the mock. */
import { NodeApiError, NodeOperationError, type IDataObject, type INodeType } from 'n8n-workflow';

import { OptimizelyCampaignApi } from '../../credentials/OptimizelyCampaignApi.credentials';
import { type ContextSetup, type HookSetup, type Logged, runAction } from '../helpers/execute';
import type { CredentialStore, RequestLog } from '../helpers/n8nHttp';
import { OptimizelyMock, type OptimizelyMockOptions } from '../mocks/optimizelyApi';

/** A mock API for the test file: listening before its tests, emptied before each, closed after. */
export function useOptimizelyMock(options?: OptimizelyMockOptions): OptimizelyMock {
	const mock = new OptimizelyMock(options);
	beforeAll(async () => {
		await mock.listen();
	});
	afterAll(async () => {
		await mock.close();
	});
	beforeEach(() => mock.reset());
	return mock;
}

export const PRODUCTION_URL = 'https://n8n.example.com/webhook/4f1c2a9e-opt/webhook';

export function credentials(mock: OptimizelyMock, overrides: IDataObject = {}): Record<string, CredentialStore> {
	return {
		optimizelyCampaignApi: { type: new OptimizelyCampaignApi(), data: { ...mock.credential(), ...overrides } },
	};
}

/** An action-node context; `log` and `logs` collect the requests made and the lines logged. */
export function action(mock: OptimizelyMock, parameters: IDataObject | IDataObject[], extra: Partial<ContextSetup> = {}): ContextSetup & {
	log: RequestLog[];
	logs: Logged[];
} {
	return { parameters, credentials: credentials(mock), log: [], logs: [], ...extra };
}

/** A trigger lifecycle context. Short API timeouts keep injected hangs fast. */
export function hook(
	mock: OptimizelyMock,
	staticData: IDataObject,
	parameters: IDataObject = {},
	webhookUrl = PRODUCTION_URL,
): HookSetup & { log: RequestLog[]; logs: Logged[] } {
	return {
		parameters: { events: ['open', 'sent'], options: { apiTimeout: 300 }, ...parameters },
		credentials: credentials(mock),
		webhookUrl,
		staticData,
		log: [],
		logs: [],
	};
}

/** The mock's webhooks at a URL. */
export function at(mock: OptimizelyMock, url = PRODUCTION_URL) {
	return mock.webhooks().filter((webhook) => webhook.targetUrl === url);
}

/**
 * Runs an action node against the mock: `run` gives the items (JSON), their pairing and the set-up with its
 * request log; `failure` expects the run to fail with n8n's own error and gives it.
 */
export function actionRunner(node: INodeType, mock: OptimizelyMock) {
	const run = async (parameters: IDataObject | IDataObject[], extra: Parameters<typeof action>[2] = {}) => {
		const setup = action(mock, parameters, extra);
		const input = Array.isArray(parameters) ? parameters.map(() => ({ json: {} })) : undefined;
		const [items] = await runAction(node, setup, input);
		return { items: items.map((item) => item.json), paired: items.map((item) => item.pairedItem), setup };
	};
	const failure = async (parameters: IDataObject, extra: Parameters<typeof action>[2] = {}): Promise<NodeApiError | NodeOperationError> => {
		const error = await run(parameters, extra).then(
			() => undefined,
			(thrown: unknown) => thrown,
		);
		expect(error).toBeDefined();
		expect(error instanceof NodeApiError || error instanceof NodeOperationError).toBe(true);
		return error as NodeApiError | NodeOperationError;
	};
	return { run, failure };
}
