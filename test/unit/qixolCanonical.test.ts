import { readFileSync } from 'fs';
import { join } from 'path';

import {
	type CanonicalRecord,
	canonicalJson,
	canonicalXml,
	parseListElements,
} from '../../nodes/QixolPromo/canonical';
import { QixolPayload, jsonPayload, qixolEventKey, qixolEventName, qixolEventSchema } from '../../nodes/QixolPromo/events';
import { parseXmlLikeN8n } from './qixolSupport';

describe('canonical form of Qixol payloads', () => {
	it('lower-cases JSON keys at every depth and turns scalars into text', () => {
		expect(canonicalJson({ PromotionId: 7, Basket: { IsConfirmed: true, Lines: [{ Qty: 2.5 }] }, Note: null })).toEqual({
			promotionid: '7',
			basket: { isconfirmed: 'true', lines: [{ qty: '2.5' }] },
			note: null,
		});
	});

	it('keeps both fields when JSON keys differ only in case', () => {
		expect(canonicalJson({ Id: 1, id: 2 })).toEqual({ Id: '1', id: '2' });
		expect(canonicalJson({ id: 1, ID: 2 })).toEqual({ id: '1', ID: '2' });
	});

	it('keeps fields named like Object.prototype\'s members as fields of their own', () => {
		const canonical = canonicalJson({ Constructor: 1, toString: 'x', HasOwnProperty: true, Id: 4 }) as Record<string, unknown>;
		expect(Object.entries(canonical)).toEqual([['constructor', '1'], ['tostring', 'x'], ['hasownproperty', 'true'], ['id', '4']]);
	});

	it('stores a "__proto__" field as a field, never as a prototype', () => {
		const fromJson = canonicalJson(JSON.parse('{"__proto__":{"polluted":"yes"},"a":1}')) as Record<string, unknown>;

		expect(Object.keys(fromJson)).toEqual(['__proto__', 'a']);
		expect(Object.getPrototypeOf(fromJson)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('unwraps the XML root, drops namespace declarations and reads nil elements as null', async () => {
		const parsed = await parseXmlLikeN8n(
			'<Event xmlns="urn:x" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Name i:nil="true"/><Code>A1</Code><Blank/></Event>',
		);

		expect(canonicalXml(parsed)).toEqual({ name: null, code: 'A1', blank: '' });
	});

	it('keeps attributes other than namespace declarations, under "$", with the text under "_"', async () => {
		const parsed = await parseXmlLikeN8n('<Event><Amount Currency="GBP">9.99</Amount><Tag xmlns="urn:x">a</Tag></Event>');

		expect(canonicalXml(parsed)).toEqual({ amount: { $: { currency: 'GBP' }, _: '9.99' }, tag: 'a' });
	});

	it('turns an element holding only a repeated tag into the list, but not the root', async () => {
		const list = await parseXmlLikeN8n('<Event><Codes><C>a</C><C>b</C></Codes></Event>');
		const root = await parseXmlLikeN8n('<Event><C>a</C><C>b</C></Event>');
		const nested = await parseXmlLikeN8n('<Event><Promo><Tags><T>a</T><T>b</T></Tags></Promo></Event>');

		expect(canonicalXml(list)).toEqual({ codes: ['a', 'b'] });
		expect(canonicalXml(root)).toEqual({ c: ['a', 'b'] });
		// The list inside <Promo> does not turn <Promo> itself into a list.
		expect(canonicalXml(nested)).toEqual({ promo: { tags: ['a', 'b'] } });
	});

	it('makes named list elements lists of one or none', async () => {
		const listElements = parseListElements('Codes, a:Lines');
		const one = await parseXmlLikeN8n('<Event><Codes><C>a</C></Codes><Lines><L><Sku>1</Sku></L></Lines><Other><O>x</O></Other></Event>');
		const none = await parseXmlLikeN8n('<Event><Codes/><Lines></Lines></Event>');

		expect(listElements).toEqual(new Set(['codes', 'lines']));
		expect(canonicalXml(one, { listElements })).toEqual({ codes: ['a'], lines: [{ sku: '1' }], other: { o: 'x' } });
		expect(canonicalXml(none, { listElements })).toEqual({ codes: [], lines: [] });
	});

	it('says why a root gives no event', async () => {
		expect(canonicalXml(await parseXmlLikeN8n('<Event>just text</Event>'))).toBe('the XML root element <event> holds text, not fields');
		expect(canonicalXml({})).toBe('the XML body has 0 root elements, not one');
	});
});

describe('Qixol event names, schema and key', () => {
	it('matches event names without regard to case or punctuation', () => {
		expect(qixolEventName('couponcodes.reservedactivated')).toBe('CouponCodes.ReservedActivated');
		expect(qixolEventName('Promotion-Starting-In-Period')).toBe('Promotion.StartingInPeriod');
		expect(qixolEventName('Promotion.Started')).toBeUndefined();
		// Longer than any real name: read the same way, without being remembered.
		expect(qixolEventName(`Promotion${'_'.repeat(100)}Created`)).toBe('Promotion.Created');
		expect(qixolEventName(`Promotion.Created${'x'.repeat(100)}`)).toBeUndefined();
	});

	it('refuses an event that is not an object, or has no field', () => {
		for (const candidate of ['text', ['a'], {}, null]) {
			const result = qixolEventSchema.safeParse(jsonPayload(candidate));
			expect(result.success).toBe(false);
		}
	});

	it('accepts an object that names no event: the item as sent, the canonical form beside it', () => {
		const result = qixolEventSchema.safeParse(jsonPayload({ PromotionId: 1, Anything: { Nested: [true] } }));

		expect(result).toEqual({
			success: true,
			data: { item: { PromotionId: 1, Anything: { Nested: [true] } }, fields: { promotionid: '1', anything: { nested: ['true'] } } },
		});
	});

	it('accepts an event name it does not list, as sent, and reads a listed one in the list\'s spelling', () => {
		const unlisted = qixolEventSchema.safeParse(jsonPayload({ EventName: 'Promotion.Archived', PromotionId: 1 }));
		const listed = qixolEventSchema.safeParse(jsonPayload({ WebhookEvent: 'promotion_created', PromotionId: 1 }));

		expect(unlisted).toMatchObject({ success: true, data: { named: 'Promotion.Archived' } });
		expect(listed).toMatchObject({ success: true, data: { named: 'Promotion.Created' } });
	});

	it('reads an XML root element as the event name only when it is a listed event', () => {
		const named = (root: string) => qixolEventSchema.safeParse(new QixolPayload({ promotionid: '1' }, { promotionid: '1' }, root));

		expect(named('promotion.endinginperiod')).toMatchObject({ data: { named: 'Promotion.EndingInPeriod', item: { xmlRoot: 'promotion.endinginperiod' } } });
		expect(named('webhook').success && named('webhook').data).not.toHaveProperty('named');
	});

	it('builds the key from the event name, the ids in order, and a digest of the whole payload', () => {
		const fields = { promotionid: '8', companyid: '3', name: 'x', blankid: '' };
		const key = qixolEventKey('Promotion.Updated', fields);

		expect(key).toMatch(/^Promotion\.Updated\|companyid=3\|promotionid=8\|payload:[\w-]{12}$/);
		expect(qixolEventKey('Promotion.Updated', { ...fields, name: 'y' })).not.toBe(key);
		expect(qixolEventKey('Promotion.Updated', { name: 'x', blankid: '', companyid: '3', promotionid: '8' })).toBe(key);
	});

	it('lists any number of ids in order of their names, whatever order they came in', () => {
		const ids = { promotionid: '1', basketid: '2', zoneid: '3', companyid: '4', customerid: '5' };
		const reversed = Object.fromEntries(Object.entries(ids).reverse());

		for (const fields of [ids, reversed]) {
			expect(qixolEventKey('Promotion.Updated', fields)).toMatch(
				/^Promotion\.Updated\|basketid=2\|companyid=4\|customerid=5\|promotionid=1\|zoneid=3\|payload:[\w-]{12}$/,
			);
		}
	});

	it('gives the key the Qixol Promo Trigger page shows for its example, the same in every build', () => {
		const readme = readFileSync(join(__dirname, '../../docs/nodes/qixolPromoTrigger.md'), 'utf8');
		const shown = /"eventKey": "(Promotion\.Updated\|promotionid=8001\|payload:[\w-]{12})"/.exec(readme)?.[1];
		const { canonical } = JSON.parse(readFileSync(join(__dirname, '../fixtures/qixol/Promotion.Updated.json'), 'utf8')) as { canonical: CanonicalRecord };

		// Pinned: keys must not change for the same event when items changed shape.
		expect(shown).toBe('Promotion.Updated|promotionid=8001|payload:_03mtTLIgh9q');
		expect(qixolEventKey('Promotion.Updated', canonical)).toBe(shown);
	});

	it('gives the same payload a different key under each event name, as when the name comes from the URL', () => {
		const fields = { promotionid: '8', name: 'x' };
		const names = ['Promotion.Updated', 'Promotion.Created', 'Promotion.Deleted', 'unknown'] as const;
		const keys = names.map((name) => qixolEventKey(name, fields));

		expect(new Set(keys).size).toBe(names.length);
	});
});
