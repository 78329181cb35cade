import { ENVELOPE_BYTES, batchRecords, listOf, productSchema, recordBytes, valueAt } from '../../nodes/Personaclick/records';

const sourced = (count: number, itemIndex: number, size = 10) =>
	Array.from({ length: count }, (_, n) => ({ record: { id: `${itemIndex}-${n}`, pad: 'x'.repeat(size) }, itemIndex }));

describe('Personaclick records: batching under the item and size limits', () => {
	it('keeps 5,000 records a request by default, in order, naming the input items of each', () => {
		const records = [...sourced(4000, 0), ...sourced(3000, 1), ...sourced(3001, 2)];
		const batches = batchRecords(records);
		expect(batches.map((batch) => batch.records.length)).toEqual([5000, 5000, 1]);
		expect(batches.map((batch) => batch.itemIndexes)).toEqual([[0, 1], [1, 2], [2]]);
		expect(batches.flatMap((batch) => batch.records)).toEqual(records);
	});

	it('starts a new request before the body would pass the size limit, envelope included', () => {
		const records = sourced(10, 0, 1000);
		const one = recordBytes(records[0].record);
		const maxBytes = ENVELOPE_BYTES + one * 3;
		const batches = batchRecords(records, 5000, maxBytes);
		expect(batches.map((batch) => batch.records.length)).toEqual([3, 3, 3, 1]);
		for (const batch of batches) {
			const body = JSON.stringify({ shop_id: 'x', shop_secret: 'y', webhook: 'https://n8n.example.com/webhook/a/webhook', items: batch.records.map((r) => r.record) });
			expect(Buffer.byteLength(body)).toBeLessThanOrEqual(maxBytes);
		}
	});

	it('counts bytes, not characters: multi-byte names fill a request sooner', () => {
		const records = Array.from({ length: 4 }, (_, n) => ({ record: { id: String(n), name: 'велосипед'.repeat(50) }, itemIndex: 0 }));
		const one = recordBytes(records[0].record);
		expect(one).toBeGreaterThan(JSON.stringify(records[0].record).length);
		expect(batchRecords(records, 5000, ENVELOPE_BYTES + one * 2).map((batch) => batch.records.length)).toEqual([2, 2]);
	});
});

describe('Personaclick records: reading input', () => {
	it('reads a dot path, and nothing from an inherited property', () => {
		expect(valueAt({ data: { items: [1] } }, 'data.items')).toEqual([1]);
		expect(valueAt({ data: {} }, 'data.items')).toBeUndefined();
		expect(valueAt({}, 'constructor')).toBeUndefined();
	});

	it('splits comma-separated IDs and keeps lists', () => {
		expect(listOf(' 12, ,140 ')).toEqual(['12', '140']);
		expect(listOf([12, '140'])).toEqual(['12', '140']);
		expect(listOf(undefined)).toEqual([]);
	});

	it('checks a product: text prices become numbers, the documented lengths hold, unknown fields pass', () => {
		const product = { id: 7, available: 'true', name: 'Bike', price: '12.50', url: 'u', picture: 'p', categories: [3], currency: 'USD', params: [{ a: 1 }] };
		expect(productSchema.parse(product)).toEqual({ ...product, id: '7', available: true, price: 12.5, categories: ['3'] });
		expect(productSchema.safeParse({ ...product, id: 'x'.repeat(65) }).success).toBe(false);
		expect(productSchema.safeParse({ ...product, name: 'x'.repeat(256) }).success).toBe(false);
		expect(productSchema.safeParse({ ...product, price: 'cheap' }).success).toBe(false);
		expect(productSchema.safeParse({ ...product, categories: [] }).success).toBe(false);
	});
});
