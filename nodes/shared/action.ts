/**
 * What every action node does around its calls: one run per input item, its results paired with that item,
 * and under Continue On Fail an error item in place of a failed one; and a pace that keeps a node's calls
 * under a vendor's rate limit.
 */
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

type NodeError = NodeApiError | NodeOperationError;

/** Any failure as n8n's own error, tied to the item it happened on. */
export function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	const failure =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), { itemIndex });
	failure.context.itemIndex = itemIndex;
	return failure;
}

/**
 * The item for a failed call under Continue On Fail: the message, the description, and the vendor's status
 * and body (kit `vendorApiError` keeps them redacted in the error's context).
 */
export function errorItemJson(failure: NodeError): IDataObject {
	const json: IDataObject = { error: failure.message };
	if (failure.description) json.description = failure.description;
	if (typeof failure.context.status === 'number') json.status = failure.context.status;
	if (failure.context.body !== undefined && failure.context.body !== null) json.body = failure.context.body as IDataObject;
	return json;
}

/**
 * Runs `run` for each input item in turn and emits what it returns, paired with the item. A failure stops the
 * node, or with Continue On Fail becomes one error item for that input item.
 */
export async function runEachItem(
	ctx: IExecuteFunctions,
	run: (itemIndex: number) => Promise<IDataObject[]>,
): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	const count = ctx.getInputData().length;
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			for (const json of await run(itemIndex)) output.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			const failure = asNodeError(ctx, error, itemIndex);
			if (!ctx.continueOnFail()) throw failure;
			output.push({ json: errorItemJson(failure), pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}

/**
 * Spaces calls at least `intervalMs` apart, one after another (a vendor's "N requests per second/minute" as 1000/N or 60000/N).
 * One pace per node execution: n8n runs other executions in parallel, so this keeps one execution polite; it
 * cannot promise the account's limit, and a 429 is still retried (kit `withRetries`).
 */
export function createPace(intervalMs: number): () => Promise<void> {
	let next = 0;
	return async () => {
		// Each call takes its slot before waiting, so calls made at once still go one interval apart.
		const slot = Math.max(Date.now(), next);
		next = slot + intervalMs;
		const wait = slot - Date.now();
		if (wait > 0) await sleep(wait);
		// A wait that ran late moves the next slot on, so the next call never follows closer than the interval.
		next = Math.max(next, Date.now() + intervalMs);
	};
}
