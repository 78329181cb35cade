/**
 * The error a self-registering trigger throws when it cannot register its webhooks at the vendor. n8n 2.x
 * publishes in the background and shows the user only an activation error's message (the editor's "Workflow
 * could not be published" notice, the publication status), never its description. So the message carries
 * everything: what failed, why, and what to do.
 */
import { NodeApiError, NodeOperationError, type IHookFunctions } from 'n8n-workflow';

/** The end of a registration failure's message: at publish, and when the editor listens for a test event. */
export const REPUBLISH_ADVICE = 'No events arrive until the workflow is published again with this fixed.';
export const RELISTEN_ADVICE = 'Fix this, then listen for a test event again.';

/** A description that is a request library's own words ("fetch failed …"), not advice: left where it is. */
const LOW_LEVEL = /fetch failed|Request failed with status code|\[object Object\]|\bundefined\b/;

const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/**
 * `error`, as a NodeApiError or NodeOperationError whose message reads "`what`: why. `outcome` What to do."
 * The description (advice, or the vendor's own words) is folded into the message, where n8n 2.x shows it.
 * An error already framed is returned as is.
 */
export function registrationFailure(
	ctx: IHookFunctions,
	what: string,
	error: unknown,
	outcome?: string,
): NodeApiError | NodeOperationError {
	const failure =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error instanceof Error ? error.message : String(error));
	const advice = ctx.getActivationMode() === 'manual' ? RELISTEN_ADVICE : REPUBLISH_ADVICE;
	if (failure.message.endsWith(advice)) return failure;
	const parts = [sentence(`${what}: ${failure.message}`)];
	const description = typeof failure.description === 'string' ? failure.description.trim() : '';
	const fold = description !== '' && !LOW_LEVEL.test(description);
	if (fold && !failure.message.includes(description)) parts.push(sentence(description));
	if (outcome) parts.push(sentence(outcome));
	parts.push(advice);
	failure.message = parts.join(' ');
	if (fold) failure.description = undefined;
	return failure;
}

/** Runs one step of a registration (n8n's checkExists or create); its failure is thrown as `registrationFailure`. */
export async function whileRegistering<T>(ctx: IHookFunctions, what: () => string, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		throw registrationFailure(ctx, what(), error);
	}
}
