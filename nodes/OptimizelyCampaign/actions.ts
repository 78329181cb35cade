/**
 * The operations of the Optimizely Campaign node beyond webhooks: recipients, unsubscribes, the blocklist,
 * transactional mail and smart campaigns. Each reads its parameters, checks them before anything is sent,
 * and calls api.ts.
 */
import {
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { asNodeError, errorItemJson } from '../shared';
import {
	type CampaignAction,
	type NewRecipient,
	type RequestPolicy,
	type SmartCampaign,
	type UpdateMode,
	CAMPAIGN_PAGE_SIZE,
	MAX_UNSUBSCRIBE_IDS,
	addBlocklistEntry,
	addRecipient,
	addRecipients,
	addUnsubscribes,
	checkBlocklist,
	collectSmartCampaigns,
	deleteRecipient,
	getRecipient,
	getSendStatus,
	isFinalSendStatus,
	listSmartCampaigns,
	policy,
	removeUnsubscribes,
	sendTransactionalMail,
	switchSmartCampaign,
	switchSmartCampaignMessage,
	updateRecipient,
} from './api';

export function text(ctx: IExecuteFunctions, name: string, i: number): string {
	const value = ctx.getNodeParameter(name, i, '') as unknown;
	return (typeof value === 'string' || typeof value === 'number' ? String(value) : '').trim();
}

/** A parameter that must hold a number (the API's list, mailing and campaign IDs are 64-bit integers). */
function numericId(ctx: IExecuteFunctions, value: string, label: string, i: number): string {
	if (!/^\d+$/.test(value)) {
		throw new NodeOperationError(ctx.getNode(), `The ${label} must be a number, not "${value}"`, { itemIndex: i });
	}
	return value;
}

function required(ctx: IExecuteFunctions, name: string, label: string, i: number): string {
	const value = text(ctx, name, i);
	if (!value) throw new NodeOperationError(ctx.getNode(), `Enter the ${label}`, { itemIndex: i });
	return value;
}

function commaList(value: string): string[] {
	return [...new Set(value.split(',').map((part) => part.trim()).filter(Boolean))];
}

/** The key/value pairs of an Attributes (or Personalization Fields) collection, by name. */
function attributes(ctx: IExecuteFunctions, i: number): Record<string, string> {
	const raw = ctx.getNodeParameter('attributes', i, {}) as { attribute?: Array<{ name?: unknown; value?: unknown }> };
	const data: Record<string, string> = {};
	for (const pair of raw.attribute ?? []) {
		const name = typeof pair.name === 'string' ? pair.name.trim() : '';
		if (!name) throw new NodeOperationError(ctx.getNode(), 'Every attribute needs a name: the internal name of a recipient list field', { itemIndex: i });
		const value = pair.value;
		data[name] = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
	}
	return data;
}

interface Options {
	timeout?: number;
	address?: string;
	optinProcessId?: string;
	returnOptInMailId?: boolean;
	attributeNames?: string;
	includeOptinData?: boolean;
	batchSize?: number;
	recipientListId?: string;
	reason?: string;
	pollIntervalSeconds?: number;
}

function optionsOf(ctx: IExecuteFunctions, i: number): { options: Options; how: RequestPolicy } {
	const options = ctx.getNodeParameter('options', i, {}) as Options;
	// Retry On Fail in the node settings repeats failed calls; here only rate limits are waited out.
	return { options, how: policy(options.timeout, 0) };
}

function optionalId(ctx: IExecuteFunctions, value: string | undefined, label: string, i: number): string | undefined {
	const trimmed = (value ?? '').trim();
	return trimmed ? numericId(ctx, trimmed, label, i) : undefined;
}

// ---- Recipient ---------------------------------------------------------------------------------------

async function recipient(ctx: IExecuteFunctions, operation: string, i: number): Promise<IDataObject[]> {
	const { options, how } = optionsOf(ctx, i);
	const listId = numericId(ctx, required(ctx, 'recipientListId', 'recipient list ID', i), 'recipient list ID', i);
	const recipientId = required(ctx, 'recipientId', 'recipient ID', i);
	const ref = { listId, recipientId };
	switch (operation) {
		case 'add': {
			const { status, value } = await addRecipient(
				ctx,
				listId,
				{
					recipientId,
					address: options.address?.trim() || undefined,
					data: attributes(ctx, i),
					optinProcessId: optionalId(ctx, options.optinProcessId, 'opt-in process ID', i),
					returnOptInMailId: options.returnOptInMailId === true,
				},
				how,
			);
			// 202: added, but hidden until the recipient confirms a double opt-in.
			return [{ ...value, id: value?.id ?? recipientId, recipientListId: listId, pendingOptIn: status === 202 }];
		}
		case 'update': {
			const data = attributes(ctx, i);
			if (Object.keys(data).length === 0) {
				throw new NodeOperationError(ctx.getNode(), 'Add at least one attribute to update', { itemIndex: i });
			}
			const mode = ctx.getNodeParameter('mode', i, 'set') as UpdateMode;
			const value = await updateRecipient(ctx, ref, { data, mode }, how);
			return [{ ...value, id: value?.id ?? recipientId, recipientListId: listId, mode }];
		}
		case 'get': {
			const value = await getRecipient(
				ctx,
				ref,
				{ attributeNames: commaList(options.attributeNames ?? ''), includeOptinData: options.includeOptinData === true },
				how,
			);
			return [{ ...value, recipientListId: listId }];
		}
		case 'delete':
			await deleteRecipient(ctx, ref, how);
			return [{ id: recipientId, recipientListId: listId, deleted: true }];
		default:
			throw unsupported(ctx, operation, i);
	}
}

interface Pending {
	itemIndex: number;
	recipient: NewRecipient;
}

/**
 * Add Many: every input item is one recipient; items for the same list and opt-in process go together in
 * bulk calls of Batch Size. One item per call comes out, paired with the items it carried.
 */
export async function addManyRecipients(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	const fail = (error: unknown, itemIndexes: number[]) => {
		const failure = asNodeError(ctx, error, itemIndexes[0]);
		if (!ctx.continueOnFail()) throw failure;
		for (const item of itemIndexes) output.push({ json: errorItemJson(failure), pairedItem: { item } });
	};
	const groups = new Map<string, { listId: string; optinProcessId?: string; how: RequestPolicy; batchSize: number; members: Pending[] }>();
	const count = ctx.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			const { options, how } = optionsOf(ctx, i);
			const listId = numericId(ctx, required(ctx, 'recipientListId', 'recipient list ID', i), 'recipient list ID', i);
			const optinProcessId = optionalId(ctx, options.optinProcessId, 'opt-in process ID', i);
			const recipient: NewRecipient = {
				recipientId: required(ctx, 'recipientId', 'recipient ID', i),
				address: options.address?.trim() || undefined,
				data: attributes(ctx, i),
			};
			const key = `${listId}|${optinProcessId ?? ''}`;
			const batchSize = Math.max(1, Math.floor(Number(options.batchSize) || 1000));
			const group = groups.get(key) ?? { listId, optinProcessId, how, batchSize, members: [] };
			group.members.push({ itemIndex: i, recipient });
			groups.set(key, group);
		} catch (error) {
			fail(error, [i]);
		}
	}
	for (const group of groups.values()) {
		for (let start = 0; start < group.members.length; start += group.batchSize) {
			const batch = group.members.slice(start, start + group.batchSize);
			const itemIndexes = batch.map((member) => member.itemIndex);
			try {
				const recipients = batch.map((member) => member.recipient);
				const answer = await addRecipients(ctx, group.listId, { recipients, optinProcessId: group.optinProcessId }, group.how);
				output.push({
					json: {
						...answer,
						recipientListId: group.listId,
						recipientIds: recipients.map((entry) => entry.recipientId),
					},
					pairedItem: itemIndexes.map((item) => ({ item })),
				});
			} catch (error) {
				fail(error, itemIndexes);
			}
		}
	}
	return [output];
}

// ---- Unsubscribe, Blocklist ------------------------------------------------------------------------

function mediaTypeOf(ctx: IExecuteFunctions, i: number): string | undefined {
	const mediaType = ctx.getNodeParameter('mediaType', i, 'EMAIL') as string;
	return mediaType === 'none' ? undefined : mediaType;
}

function idList(ctx: IExecuteFunctions, name: string, label: string, i: number): string[] {
	const ids = commaList(text(ctx, name, i));
	if (ids.length === 0) throw new NodeOperationError(ctx.getNode(), `Enter at least one ${label}`, { itemIndex: i });
	if (ids.length > MAX_UNSUBSCRIBE_IDS) {
		throw new NodeOperationError(ctx.getNode(), `At most ${MAX_UNSUBSCRIBE_IDS} ${label}s at a time, not ${ids.length}`, {
			itemIndex: i,
			description: 'Split them over several items.',
		});
	}
	return ids;
}

async function unsubscribe(ctx: IExecuteFunctions, operation: string, i: number): Promise<IDataObject[]> {
	const { options, how } = optionsOf(ctx, i);
	const mediaType = mediaTypeOf(ctx, i);
	const recipientListId = optionalId(ctx, options.recipientListId, 'recipient list ID', i);
	const context = { ...(mediaType ? { mediaType } : {}), ...(recipientListId ? { recipientListId } : {}) };
	if (operation === 'add') {
		const by = ctx.getNodeParameter('unsubscribeBy', i, 'recipientIds') as 'recipientIds' | 'mailIds';
		const ids = idList(ctx, by, by === 'mailIds' ? 'mail ID' : 'recipient ID', i);
		return [{ ...(await addUnsubscribes(ctx, { by, ids, mediaType, recipientListId }, how)), ...context }];
	}
	if (operation === 'remove') {
		const recipientIds = idList(ctx, 'recipientIds', 'recipient ID', i);
		await removeUnsubscribes(ctx, { recipientIds, mediaType, recipientListId }, how);
		return [{ recipientIds, removed: true, ...context }];
	}
	throw unsupported(ctx, operation, i);
}

async function blocklist(ctx: IExecuteFunctions, operation: string, i: number): Promise<IDataObject[]> {
	const { options, how } = optionsOf(ctx, i);
	if (operation === 'add') {
		const pattern = required(ctx, 'entry', 'entry', i);
		const reason = options.reason?.trim() || undefined;
		const entry = await addBlocklistEntry(ctx, { pattern, reason }, how);
		return [{ pattern, ...(reason ? { reason } : {}), ...entry }];
	}
	if (operation === 'check') {
		const address = required(ctx, 'address', 'address', i);
		return [{ address, ...(await checkBlocklist(ctx, address, how)) }];
	}
	throw unsupported(ctx, operation, i);
}

// ---- Transactional Mail ----------------------------------------------------------------------------

/** No more status reads than this, whatever the wait and interval. */
const MAX_POLLS = 600;

/** Status reads are GETs, safe to repeat: a timeout or server error is tried twice more. */
function readPolicy(options: Options): RequestPolicy {
	return policy(options.timeout, 2);
}

/** The mail's status, read again until it is final or the wait allowed has passed. */
async function statusOf(ctx: IExecuteFunctions, mailId: string, i: number, options: Options): Promise<IDataObject> {
	const how = readPolicy(options);
	const wait = ctx.getNodeParameter('waitForFinalStatus', i, false) as boolean;
	const maxWaitMs = Math.min(Math.max(Number(ctx.getNodeParameter('maxWaitSeconds', i, 60)) || 60, 1), 600) * 1000;
	const intervalMs = Math.min(Math.max(Number(options.pollIntervalSeconds) || 5, 1), 60) * 1000;
	const started = Date.now();
	let status = await getSendStatus(ctx, mailId, how);
	for (let polls = 1; wait && !isFinalSendStatus(status.sendStatus) && polls < MAX_POLLS; polls++) {
		const left = maxWaitMs - (Date.now() - started);
		if (left <= 0) break;
		await sleep(Math.min(intervalMs, left));
		status = await getSendStatus(ctx, mailId, how);
	}
	return { ...status, final: isFinalSendStatus(status.sendStatus) };
}

async function transactionalMail(ctx: IExecuteFunctions, operation: string, i: number): Promise<IDataObject[]> {
	const { options, how } = optionsOf(ctx, i);
	if (operation === 'send') {
		const transactionalMailId = numericId(ctx, required(ctx, 'transactionalMailId', 'transactional mail ID', i), 'transactional mail ID', i);
		const recipientListId = numericId(ctx, required(ctx, 'recipientListId', 'recipient list ID', i), 'recipient list ID', i);
		const recipientId = required(ctx, 'recipientId', 'recipient ID', i);
		const { mailId } = await sendTransactionalMail(ctx, { transactionalMailId, recipientListId, recipientId, data: attributes(ctx, i) }, how);
		const sent = { mailId, transactionalMailId, recipientListId, recipientId };
		const wait = ctx.getNodeParameter('waitForFinalStatus', i, false) as boolean;
		if (!wait) return [sent];
		try {
			return [{ ...sent, ...(await statusOf(ctx, mailId, i, options)) }];
		} catch (error) {
			// The mail was accepted: an error item here would invite sending it again. Its mail ID is what Get Status needs.
			const failure = asNodeError(ctx, error, i);
			ctx.logger.warn(`Optimizely Campaign accepted mail ${mailId}, but its status could not be read: ${failure.message}`);
			return [{ ...sent, final: false, statusError: failure.message }];
		}
	}
	if (operation === 'getStatus') {
		return [await statusOf(ctx, required(ctx, 'mailId', 'mail ID', i), i, options)];
	}
	throw unsupported(ctx, operation, i);
}

// ---- Smart Campaign --------------------------------------------------------------------------------

function campaignIdOf(ctx: IExecuteFunctions, i: number): string {
	const value = ctx.getNodeParameter('campaignId', i, '', { extractValue: true }) as unknown;
	const id = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	if (!id) throw new NodeOperationError(ctx.getNode(), 'Pick a smart campaign, or enter its ID', { itemIndex: i });
	return numericId(ctx, id, 'smart campaign ID', i);
}

async function smartCampaign(ctx: IExecuteFunctions, operation: string, i: number): Promise<IDataObject[]> {
	const { how } = optionsOf(ctx, i);
	if (operation === 'getAll') {
		const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
		const limit = returnAll ? Number.POSITIVE_INFINITY : Math.max(1, Number(ctx.getNodeParameter('limit', i, 50)));
		const filters = ctx.getNodeParameter('filters', i, {}) as IDataObject;
		if (filters.folderId !== undefined && filters.folderId !== '') numericId(ctx, String(filters.folderId), 'folder ID', i);
		return await collectSmartCampaigns(ctx, how, limit, filters);
	}
	if (!['start', 'pause', 'stop'].includes(operation)) throw unsupported(ctx, operation, i);
	const campaignId = campaignIdOf(ctx, i);
	return [(await switchSmartCampaign(ctx, campaignId, operation as CampaignAction, how)) ?? { id: campaignId }];
}

async function smartCampaignMessage(ctx: IExecuteFunctions, operation: string, i: number): Promise<IDataObject[]> {
	const { how } = optionsOf(ctx, i);
	if (!['start', 'pause', 'stop'].includes(operation)) throw unsupported(ctx, operation, i);
	const campaignId = campaignIdOf(ctx, i);
	const mailingId = numericId(ctx, required(ctx, 'mailingId', 'message ID', i), 'message ID', i);
	const message = await switchSmartCampaignMessage(ctx, { campaignId, mailingId }, operation as CampaignAction, how);
	return [{ mailingId, ...message, campaignId }];
}

function unsupported(ctx: IExecuteFunctions, operation: string, i: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not supported`, { itemIndex: i });
}

const RESOURCES: Record<string, (ctx: IExecuteFunctions, operation: string, i: number) => Promise<IDataObject[]>> = {
	recipient,
	unsubscribe,
	blocklist,
	transactionalMail,
	smartCampaign,
	smartCampaignMessage,
};

/** Runs one item of any resource but Webhook; undefined when the resource is not one of these. */
export function marketingOperation(resource: string): ((ctx: IExecuteFunctions, operation: string, i: number) => Promise<IDataObject[]>) | undefined {
	return RESOURCES[resource];
}

/** How many campaigns a search typed in the editor looks through: enough for any account, and still bounded. */
export const CAMPAIGN_SEARCH_MAX = 10_000;

function campaignResult(campaign: SmartCampaign): INodeListSearchResult['results'][number] {
	return { name: `${campaign.name ?? campaign.id}${campaign.status ? ` (${campaign.status})` : ''}`, value: String(campaign.id) };
}

/**
 * The smart campaigns for the editor's list, a page at a time. With a filter typed, every campaign (up to
 * CAMPAIGN_SEARCH_MAX) is read and those matching the name or ID are listed: the API has no name search.
 */
export async function searchSmartCampaigns(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const how = policy(undefined, 0);
	const wanted = (filter ?? '').trim().toLowerCase();
	if (wanted) {
		const all = await collectSmartCampaigns(this, how, CAMPAIGN_SEARCH_MAX, { sort: 'name', direction: 'ASC' });
		const results = all.map(campaignResult).filter((result) => result.name.toLowerCase().includes(wanted) || result.value === wanted);
		return { results };
	}
	const offset = Number(paginationToken) || 0;
	const page = await listSmartCampaigns(this, { offset, limit: CAMPAIGN_PAGE_SIZE, sort: 'name', direction: 'ASC' }, how);
	return { results: page.map(campaignResult), paginationToken: page.length === CAMPAIGN_PAGE_SIZE ? String(offset + CAMPAIGN_PAGE_SIZE) : undefined };
}
