/**
 * The records the import calls carry, and how they are grouped into requests. Product fields follow REES46's
 * product import (Personaclick's wiki shows the same call); categories and audience follow REES46 too, and are
 * only partly shown by Personaclick, so unknown fields pass through untouched.
 */
import { z } from 'zod';

import { IMPORT_LIMITS } from './api';

/** Numbers from a PIM or a spreadsheet often arrive as text: "12.50" is read as 12.5. */
const number = z.preprocess(
	(value) => (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value),
	z.number().finite(),
);
const text = z.union([z.string(), z.number().finite()]).transform(String);
const requiredText = text.refine((value) => value.trim().length > 0, { message: 'must not be empty' });
const boolean = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());

export const productIdSchema = requiredText.refine((value) => value.length <= 64, { message: 'must be at most 64 characters' });

/** One product, as `PUT /import/products` takes it; fields beyond the required ones pass through. */
export const productSchema = z
	.object({
		id: productIdSchema,
		available: boolean,
		name: requiredText.refine((value) => value.length <= 255, { message: 'must be at most 255 characters' }),
		price: number,
		url: requiredText,
		picture: requiredText,
		categories: z.array(text).min(1, { message: 'must name at least one category' }),
		currency: requiredText,
	})
	.passthrough();

/** A product to mark as available or unavailable: its ID, or an object holding it. */
export const productRefSchema = z.union([productIdSchema, z.object({ id: productIdSchema }).passthrough().transform((product) => product.id)]);

export const categorySchema = z
	.object({
		id: requiredText,
		name: requiredText,
		parent: z.union([text, z.null()]).optional(),
		url: z.string().optional(),
		alias: z.string().optional(),
	})
	.passthrough();

/** A contact for an audience import: Personaclick needs an email or a phone; REES46 also takes a loyalty or external ID. */
export const contactSchema = z
	.object({
		email: z.string().optional(),
		phone: text.optional(),
		loyalty_id: text.optional(),
		external_id: text.optional(),
	})
	.passthrough()
	.refine((contact) => [contact.email, contact.phone, contact.loyalty_id, contact.external_id].some((value) => value !== undefined && value.trim() !== ''), {
		message: 'needs an email or a phone',
	});

export const suppressedSchema = z.union([
	z.string().min(3).transform((email) => ({ email })),
	z.object({ email: z.string().min(3) }).passthrough(),
]);

/** A record and the input item it came from. */
export interface SourcedRecord {
	record: unknown;
	itemIndex: number;
}

export interface Batch {
	records: SourcedRecord[];
	/** The input items whose records are in this batch, in order, once each. */
	itemIndexes: number[];
}

/** The size a record adds to a JSON body: its text and a comma. */
export const recordBytes = (record: unknown): number => Buffer.byteLength(JSON.stringify(record), 'utf8') + 1;

/** Room kept for the rest of the body: keys, the callback URL, brackets. */
export const ENVELOPE_BYTES = 16 * 1024;

/**
 * Groups records, in order, into requests of at most `maxItems` records and `maxBytes` bytes. A record
 * too large for any request is the caller's to refuse first.
 */
export function batchRecords(records: SourcedRecord[], maxItems: number = IMPORT_LIMITS.maxItems, maxBytes: number = IMPORT_LIMITS.maxBytes): Batch[] {
	const batches: Batch[] = [];
	let current: Batch | undefined;
	let size = 0;
	for (const sourced of records) {
		const bytes = recordBytes(sourced.record);
		if (!current || current.records.length >= maxItems || size + bytes > maxBytes - ENVELOPE_BYTES) {
			current = { records: [], itemIndexes: [] };
			batches.push(current);
			size = 0;
		}
		current.records.push(sourced);
		size += bytes;
		if (!current.itemIndexes.includes(sourced.itemIndex)) current.itemIndexes.push(sourced.itemIndex);
	}
	return batches;
}

/** The value at a dot path in an item's JSON ("data.products"), or undefined. */
export function valueAt(json: unknown, path: string): unknown {
	let value: unknown = json;
	for (const key of path.split('.').filter(Boolean)) {
		if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/** "A, B ,C" or a list, as a list of non-empty strings. */
export function listOf(value: unknown): string[] {
	const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : value === undefined || value === null ? [] : [value];
	return parts.map((part) => (typeof part === 'string' ? part.trim() : String(part))).filter((part) => part !== '');
}
