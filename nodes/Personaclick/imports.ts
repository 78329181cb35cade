/**
 * The import operations. Unlike the other operations they do not make one call per input item: the records of
 * all input items are gathered and sent in as few requests as Personaclick's limits allow (5,000 records and
 * 32 MB a request, 40 requests a minute). Each output item stands for one request and is paired with the input
 * items whose records it carried; under Continue On Fail, a refused request gives an error item for each of
 * those input items, and an invalid input item gives its own error item. An input item whose list is empty
 * gets an item saying nothing was sent for it.
 */
import { randomUUID } from 'crypto';
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IHttpRequestMethods,
} from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { asNodeError, createPace, errorItemJson } from '../shared';
import { IMPORT_INTERVAL_MS, IMPORT_LIMITS, IMPORT_RETRY, personaclickRequest, queryValues } from './api';
import {
	type Batch,
	type SourcedRecord,
	ENVELOPE_BYTES,
	batchRecords,
	categorySchema,
	contactSchema,
	listOf,
	productRefSchema,
	productSchema,
	recordBytes,
	suppressedSchema,
	valueAt,
} from './records';

export type ImportOperation = 'productImport' | 'productSync' | 'productUnavailable' | 'categoryImport' | 'audienceImport' | 'suppressedImport';

/** The `operation` a callback URL names, as the Personaclick Trigger lists it. */
export type CallbackOperation = 'import_products' | 'import_categories';

interface ImportSpec {
	resource: string;
	operation: string;
	method: IHttpRequestMethods;
	path: string;
	/** The body field that holds the records. */
	key: 'items' | 'categories' | 'audience';
	/** What a record is called in messages. */
	noun: string;
	/** What the request does, for error messages. */
	action: string;
	schema: ZodType<unknown, ZodTypeDef, unknown>;
	/** One record from the node's fields, for an input item. */
	fromFields(ctx: IExecuteFunctions, i: number): unknown;
	/** Body fields besides the records, per input item (records with different ones go in different requests). */
	extra?(ctx: IExecuteFunctions, i: number): IDataObject;
	/** Everything in one request: the call replaces what it leaves out. */
	whole?: { why: string };
	/** Personaclick can post the job's end to a `webhook` URL. */
	callback?: CallbackOperation;
}

/** "category" → "categories", "product ID" → "product IDs". */
const plural = (noun: string): string => (noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`);

function text(ctx: IExecuteFunctions, name: string, i: number): string {
	const value = ctx.getNodeParameter(name, i, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

/** A JSON object parameter, as text or as an object. */
function jsonObject(ctx: IExecuteFunctions, value: unknown, label: string, i: number): IDataObject {
	if (value === undefined || value === null || value === '') return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch {
			throw new NodeOperationError(ctx.getNode(), `${label} is not valid JSON`, { itemIndex: i, description: 'Give one JSON object, such as {"params": []}.' });
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(ctx.getNode(), `${label} must be a JSON object`, { itemIndex: i, description: 'Give one JSON object, such as {"params": []}.' });
	}
	return parsed as IDataObject;
}

/** The collection's fields with values, its JSON field merged in; empty text left out. */
function collected(ctx: IExecuteFunctions, name: string, i: number): IDataObject {
	const { otherFields, ...fields } = ctx.getNodeParameter(name, i, {}) as IDataObject;
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(fields)) if (value !== '' && value !== undefined && value !== null) out[key] = value;
	if (typeof out.tags === 'string') out.tags = listOf(out.tags);
	return { ...jsonObject(ctx, otherFields, 'Other Fields (JSON)', i), ...out };
}

const PRODUCTS = { resource: 'product', path: '/import/products', key: 'items', callback: 'import_products' } as const;

function specOf(ctx: IExecuteFunctions, operation: ImportOperation): ImportSpec {
	switch (operation) {
		case 'productImport':
			return {
				...PRODUCTS,
				operation: 'import',
				method: 'PUT',
				noun: 'product',
				action: 'import products',
				schema: productSchema,
				fromFields: (c, i) => ({
					...collected(c, 'productFields', i),
					id: text(c, 'productId', i),
					available: c.getNodeParameter('available', i, true),
					name: text(c, 'productName', i),
					price: c.getNodeParameter('price', i, 0),
					url: text(c, 'productUrl', i),
					picture: text(c, 'pictureUrl', i),
					categories: listOf(c.getNodeParameter('categoryIds', i, '')),
					currency: text(c, 'currency', i),
				}),
			};
		case 'productSync':
			return {
				...PRODUCTS,
				operation: 'syncAvailability',
				method: 'PATCH',
				noun: 'product ID',
				action: 'sync product availability',
				schema: productRefSchema,
				fromFields: (c, i) => text(c, 'productId', i),
				whole: { why: 'Sync Availability marks every product it leaves out as out of stock' },
			};
		case 'productUnavailable':
			return {
				...PRODUCTS,
				operation: 'markUnavailable',
				method: 'DELETE',
				noun: 'product ID',
				action: 'mark products unavailable',
				schema: productRefSchema,
				fromFields: (c, i) => text(c, 'productId', i),
			};
		case 'categoryImport': {
			const overwrite = ctx.getNodeParameter('categoryMode', 0, 'update') === 'overwrite';
			return {
				resource: 'category',
				operation: 'import',
				method: overwrite ? 'POST' : 'PUT',
				path: '/import/categories',
				key: 'categories',
				noun: 'category',
				action: overwrite ? 'overwrite the categories' : 'update categories',
				schema: categorySchema,
				fromFields: (c, i) => {
					const { parent, ...fields } = collected(c, 'categoryFields', i);
					return { id: text(c, 'categoryId', i), name: text(c, 'categoryName', i), parent: parent ?? null, ...fields };
				},
				whole: overwrite ? { why: 'Overwrite deletes every category it leaves out' } : undefined,
				callback: 'import_categories',
			};
		}
		case 'audienceImport':
			return {
				resource: 'audience',
				operation: 'import',
				method: 'POST',
				path: '/import/audience',
				key: 'audience',
				noun: 'contact',
				action: 'import contacts',
				schema: contactSchema,
				fromFields: (c, i) => {
					const contact = collected(c, 'contactFields', i);
					const email = text(c, 'contactEmail', i);
					const phone = text(c, 'contactPhone', i);
					return { ...contact, ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
				},
				extra: (c, i) => {
					if (c.getNodeParameter('audienceTarget', i, 'all') !== 'segment') return {};
					const segment = String(c.getNodeParameter('segment', i, '', { extractValue: true }) ?? '').trim();
					if (!segment) throw new NodeOperationError(c.getNode(), 'Choose a segment', { itemIndex: i, description: 'Pick a static segment from the list, or enter its ID.' });
					return { segment_id: segment };
				},
			};
		case 'suppressedImport':
			return {
				resource: 'audience',
				operation: 'importSuppressed',
				method: 'POST',
				path: '/import/suppressed',
				key: 'audience',
				noun: 'email',
				action: 'import suppressed addresses',
				schema: suppressedSchema,
				fromFields: (c, i) => text(c, 'contactEmail', i),
			};
	}
}

/** The callback URL: the one given, naming the operation and the job, its other query values kept. */
export function callbackUrl(url: string, operation: CallbackOperation, jobId: string): string {
	const target = new URL(url);
	target.searchParams.set('operation', operation);
	target.searchParams.set('job_id', jobId);
	return target.toString();
}

function notifyUrlOf(ctx: IExecuteFunctions, spec: ImportSpec): string | undefined {
	if (!spec.callback) return undefined;
	const url = text(ctx, 'notifyUrl', 0);
	if (!url) return undefined;
	if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
		// Shown without its query, which may hold a token.
		throw new NodeOperationError(ctx.getNode(), `The Notify URL "${url.split('?')[0]}" is not an http(s) URL`, {
			itemIndex: 0,
			description: 'Paste the Production URL of a Personaclick Trigger, or leave Notify URL empty.',
		});
	}
	return url;
}

/** The records of one input item, validated. */
function recordsOf(ctx: IExecuteFunctions, spec: ImportSpec, i: number): unknown[] {
	const fromList = ctx.getNodeParameter('recordsFrom', i, 'fields') === 'list';
	let raw: unknown[];
	let where: (n: number) => string;
	if (fromList) {
		const field = text(ctx, 'listField', i);
		if (!field) throw new NodeOperationError(ctx.getNode(), 'List Field is empty', { itemIndex: i, description: 'Name the field that holds the list, such as products.' });
		const value = valueAt(ctx.getInputData()[i]?.json, field);
		if (!Array.isArray(value)) {
			throw new NodeOperationError(ctx.getNode(), `Item ${i} has no list in the field "${field}"`, {
				itemIndex: i,
				description: value === undefined ? 'The field is missing. Check List Field against the input.' : `It holds ${typeof value}, not a list.`,
			});
		}
		raw = value;
		where = (n) => `The ${spec.noun} at position ${n} of "${field}" in item ${i}`;
	} else {
		raw = [spec.fromFields(ctx, i)];
		where = () => `The ${spec.noun} of item ${i}`;
	}
	return raw.map((record, n) => {
		const parsed = spec.schema.safeParse(record);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const field = issue?.path.join('.');
			const missing = field && valueAt(record, field) === undefined;
			const problem = missing ? 'is missing' : (issue?.message ?? 'unknown problem');
			throw new NodeOperationError(ctx.getNode(), `${where(n)} is invalid: ${field ? `${field} ` : ''}${problem}`, {
				itemIndex: i,
				description: `Check the ${spec.noun}'s fields; nothing of this item was sent.`,
			});
		}
		if (recordBytes(parsed.data) > IMPORT_LIMITS.maxBytes - ENVELOPE_BYTES) {
			throw new NodeOperationError(ctx.getNode(), `${where(n)} is larger than a Personaclick request may be (32 MB)`, { itemIndex: i });
		}
		return parsed.data;
	});
}

interface Group {
	extra: IDataObject;
	records: SourcedRecord[];
}

export async function runImport(ctx: IExecuteFunctions, operation: ImportOperation): Promise<INodeExecutionData[][]> {
	const spec = specOf(ctx, operation);
	const notifyUrl = notifyUrlOf(ctx, spec);
	const options = ctx.getNodeParameter('options', 0, {}) as { batchSize?: number };
	const batchSize = Math.min(Math.max(Math.floor(options.batchSize ?? IMPORT_LIMITS.maxItems), 1), IMPORT_LIMITS.maxItems);
	const continueOnFail = ctx.continueOnFail();
	const output: INodeExecutionData[] = [];
	const fail = (error: unknown, itemIndex: number) => {
		const failure = asNodeError(ctx, error, itemIndex);
		if (!continueOnFail) throw failure;
		output.push({ json: errorItemJson(failure), pairedItem: { item: itemIndex } });
	};

	// 1. Gather and check every input item's records, by the body fields they share.
	const groups = new Map<string, Group>();
	const invalid: number[] = [];
	const empty: number[] = [];
	const count = ctx.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			const records = recordsOf(ctx, spec, i);
			const extra = spec.extra?.(ctx, i) ?? {};
			const key = JSON.stringify(extra);
			const group = groups.get(key) ?? { extra, records: [] };
			groups.set(key, group);
			for (const record of records) group.records.push({ record, itemIndex: i });
			if (records.length === 0) empty.push(i);
		} catch (error) {
			fail(error, i);
			invalid.push(i);
		}
	}

	// 2. Into requests. A call that replaces what it leaves out is sent whole or not at all: when it cannot be,
	// every valid input item fails with the reason (one error item each under Continue On Fail).
	const refuseWhole = (message: string, description: string): INodeExecutionData[][] => {
		for (let i = 0; i < count; i++) if (!invalid.includes(i)) fail(new NodeOperationError(ctx.getNode(), message, { itemIndex: i, description }), i);
		return [output];
	};
	const planned: Array<Group & Batch> = [];
	for (const group of groups.values()) {
		if (spec.whole) {
			if (invalid.length > 0) {
				return refuseWhole(`${spec.whole.why}, so nothing was sent: item ${invalid.join(', ')} is invalid`, 'Fix the invalid items and run again.');
			}
			const size = group.records.reduce((total, sourced) => total + recordBytes(sourced.record), 0);
			if (size > IMPORT_LIMITS.maxBytes - ENVELOPE_BYTES) {
				return refuseWhole(`The ${plural(spec.noun)} make a request larger than Personaclick takes (32 MB), so nothing was sent`, `${spec.whole.why}, so they cannot be split across requests.`);
			}
			if (group.records.length === 0) {
				return refuseWhole(`No ${plural(spec.noun)} to send`, `${spec.whole.why}: an empty list would leave nothing. Check the input, or List Field.`);
			}
			const itemIndexes = [...new Set(group.records.map((sourced) => sourced.itemIndex))];
			planned.push({ ...group, itemIndexes });
		} else {
			for (const batch of batchRecords(group.records, batchSize)) planned.push({ ...group, ...batch });
		}
	}
	const what = { resource: spec.resource, operation: spec.operation, method: spec.method, endpoint: spec.path };
	for (const item of empty) {
		output.push({ json: { ...what, queued: false, records: 0, reason: `Nothing was sent for this item: its list of ${plural(spec.noun)} is empty` }, pairedItem: { item } });
	}

	// 3. Send, paced under the import rate limit.
	const pace = createPace(IMPORT_INTERVAL_MS);
	const secrets = queryValues(notifyUrl);
	for (const [index, batch] of planned.entries()) {
		const jobId = notifyUrl && spec.callback ? randomUUID() : undefined;
		const body: IDataObject = { ...batch.extra, [spec.key]: batch.records.map((sourced) => sourced.record) as IDataObject[] };
		if (notifyUrl && spec.callback && jobId) body.webhook = callbackUrl(notifyUrl, spec.callback, jobId);
		const pairedItem = batch.itemIndexes.map((item) => ({ item }));
		try {
			await pace();
			await personaclickRequest(ctx, { action: spec.action, method: spec.method, path: spec.path, body, secrets, retry: IMPORT_RETRY, itemIndex: batch.itemIndexes[0] });
		} catch (error) {
			if (!continueOnFail) throw asNodeError(ctx, error, batch.itemIndexes[0]);
			for (const item of batch.itemIndexes) output.push({ json: errorItemJson(asNodeError(ctx, error, item)), pairedItem: { item } });
			continue;
		}
		const json: IDataObject = {
			...what,
			queued: true,
			records: batch.records.length,
			batch: index + 1,
			batches: planned.length,
			...(typeof batch.extra.segment_id === 'string' ? { segmentId: batch.extra.segment_id } : {}),
			...(jobId ? { jobId, callbackOperation: spec.callback } : {}),
		};
		output.push({ json, pairedItem });
	}
	return [output];
}
