import { readFileSync } from 'fs';
import { join } from 'path';

import fc from 'fast-check';
import { DateTime } from 'luxon';

import { kindOf, prodegeEventSchema, splitData, UPDATE_REASONS } from '../../nodes/Prodege/events';
import { jsonMemberTexts } from '../../nodes/Prodege/received';
import { pacificToUtc } from '../../nodes/Prodege/time';

const HOUR_MS = 60 * 60 * 1000;
const pacific = (ms: number) => DateTime.fromMillis(ms, { zone: 'America/Los_Angeles' }).toFormat('yyyy-MM-dd HH:mm:ss');
const utc = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' }).toISO({ suppressMilliseconds: true });

describe('pacificToUtc', () => {
	it('gives back the instant a Pacific clock showed, or the earlier one when the clock showed that time twice', () => {
		const from = Date.UTC(2000, 0, 1);
		const to = Date.UTC(2037, 11, 31);
		fc.assert(
			fc.property(fc.integer({ min: from / 1000, max: to / 1000 }), (seconds) => {
				const instant = seconds * 1000;
				const shown = pacific(instant);
				const repeated = pacific(instant - HOUR_MS) === shown;
				expect(pacificToUtc(shown)).toBe(utc(repeated ? instant - HOUR_MS : instant));
			}),
			{ numRuns: 2000 },
		);
	});

	it('writes the instant whole for any year it reads, early or late', () => {
		expect(pacificToUtc('2024-06-01 12:00:00')).toBe('2024-06-01T19:00:00Z');
		expect(pacificToUtc('9999-12-31 23:00:00')).toBe(new Date(Date.UTC(9999, 11, 31, 23) + 8 * HOUR_MS).toISOString().replace('.000Z', 'Z'));
		expect(pacificToUtc('9999-12-31 23:00:00')).toMatch(/^\+010000-01-01T07:00:00Z$/);
		expect(pacificToUtc('0050-06-01 12:00:00')).toMatch(/^0050-06-01T\d{2}:\d{2}:\d{2}Z$/);
	});

	it('checks every second of both 2024 switches against the rule', () => {
		// 10 March 2024 02:00 PST does not exist; 3 November 2024 01:00–01:59 happens twice.
		expect(pacificToUtc('2024-03-10 02:00:00')).toBe('2024-03-10T10:00:00Z');
		expect(pacificToUtc('2024-03-10 02:59:59')).toBe('2024-03-10T10:59:59Z');
		expect(pacificToUtc('2024-11-03 00:59:59')).toBe('2024-11-03T07:59:59Z');
		expect(pacificToUtc('2024-11-03 01:00:00')).toBe('2024-11-03T08:00:00Z');
		expect(pacificToUtc('2024-11-03 01:59:59')).toBe('2024-11-03T08:59:59Z');
	});

	it.each([
		['2023-02-29 10:00:00', 'no 29 February in 2023'],
		['2023-01-01 24:00:00', 'hour 24'],
		['2023-01-01 12:60:00', 'minute 60'],
		['2023-01-01T12:00:00', 'ISO separator'],
		['2023-01-01 12:00', 'no seconds'],
		['2023-01-01 12:00:00 PST', 'a zone suffix'],
		['', 'empty'],
	])('refuses %s (%s)', (text) => {
		expect(pacificToUtc(text)).toBeUndefined();
	});
});

describe('the Prodege event schema', () => {
	const seed = {
		event_id: '644b075404443f2a3c77c7cb',
		event_time: '2023-04-27 16:37:56',
		status: 'PAUSED',
		update_reason: 158,
		project_id: 29303649,
	};

	it('turns numeric strings into numbers for project_id and update_reason', () => {
		const parsed = prodegeEventSchema.parse({ ...seed, project_id: '29303649', update_reason: '158' });
		expect(parsed.project_id).toBe(29303649);
		expect(parsed.update_reason).toBe(158);
	});

	it.each([
		[{ project_id: 'P-1' }, 'project_id: must be a whole number'],
		[{ project_id: -1 }, 'project_id: must be a whole number'],
		[{ project_id: 1.5 }, 'project_id: must be a whole number'],
		[{ project_id: 2 ** 60 }, 'project_id: must be a whole number'],
		[{ event_id: '644b075404443f2a3c77c7cg' }, 'event_id: must be 24 hexadecimal characters'],
		[{ status: 42 }, 'status: must be text'],
		[{ status: null }, 'status: must be text'],
		[{ update_reason: '161a' }, 'update_reason: must be a whole number'],
		[{ update_reason: -161 }, 'update_reason: must be a whole number'],
		[{ event_time: '2023-04-27' }, 'event_time: must be a real date and time as YYYY-MM-DD HH:mm:ss'],
		[{ required_cpi: true }, 'required_cpi: must be text or a number'],
	])('refuses %j', (change, message) => {
		const parsed = prodegeEventSchema.safeParse({ ...seed, ...change });
		expect(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
			message,
		]);
	});

	it('accepts every documented status and update reason, and describes each reason', () => {
		for (const status of ['LIVE', 'PAUSED', 'PENDING_COMPLETE', 'COMPLETE', 'INVOICED', 'DELETED']) {
			for (const code of [113, 156, 158, 160, 207, 209, 222, 244, 902, 903, 999]) {
				const parsed = prodegeEventSchema.parse({ ...seed, status, update_reason: code });
				expect(parsed.update_reason_description).toBe(UPDATE_REASONS[String(code)]);
			}
		}
		expect(Object.keys(UPDATE_REASONS)).toHaveLength(11);
	});

	it('accepts any other status and any whole-number reason, as sent, described by the description sent', () => {
		const parsed = prodegeEventSchema.parse({ ...seed, status: 'paused', update_reason: '161', description: 'NEW_REASON' });
		expect(parsed).toMatchObject({ status: 'paused', update_reason: 161, update_reason_description: 'NEW_REASON', update_reason_listed: false });
		expect(prodegeEventSchema.parse({ ...seed, update_reason: 0 })).toMatchObject({ update_reason_description: null, update_reason_listed: false });
		expect(prodegeEventSchema.parse(seed)).toMatchObject({ update_reason_listed: true });
	});

	it('keeps the optional notes, turns a numeric required_cpi into text, and allows nulls', () => {
		const parsed = prodegeEventSchema.parse({
			...seed,
			update_reason: 160,
			required_cpi: 2.75,
			rejection_note: null,
			reconciliation_note: 'Counts agreed',
		});
		expect(parsed).toMatchObject({ required_cpi: '2.75', rejection_note: null, reconciliation_note: 'Counts agreed' });
	});
});

describe('the Real Time Pricing event schema', () => {
	// The vendor's example, as the fixture keeps it byte for byte.
	const example = JSON.parse(readFileSync(join(__dirname, '../fixtures/prodege/real-time-pricing.json'), 'utf8')) as Record<string, unknown>;

	it('keeps the example as sent and adds event_time_utc', () => {
		expect(prodegeEventSchema.parse(example)).toEqual({ ...example, event_time_utc: '2023-02-06T21:42:01Z' });
	});

	it('keeps an unlisted project_status, and absent or null optional fields as sent', () => {
		const { max_cpi: _max, ...rest } = example;
		expect(prodegeEventSchema.parse({ ...rest, project_status: 'THROTTLED', bid_ir: null })).toMatchObject({ project_status: 'THROTTLED', bid_ir: null });
	});

	it.each([
		[{ project_status: 7 }, 'project_status: must be text'],
		[{ actual_median_loi: '1 min' }, 'actual_median_loi: must be a number'],
		[{ avg_cpi: [] }, 'avg_cpi: must be text or a number'],
		[{ project_id: undefined }, 'project_id: must be a whole number'],
	])('refuses %j', (change, message) => {
		const parsed = prodegeEventSchema.safeParse({ ...example, ...change });
		expect(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([message]);
	});

	it.each([
		[{ status: 'LIVE' }, 'projectStatusUpdate'],
		[{ update_reason: 1 }, 'projectStatusUpdate'],
		[{ status: 'LIVE', project_status: 'LIVE', max_cpi: '1' }, 'projectStatusUpdate'],
		[{ project_status: 'LIVE' }, 'realTimePricing'],
		[{ max_cpi: '1' }, 'realTimePricing'],
		[{ event_id: 'x' }, undefined],
		[[{ status: 'LIVE' }], undefined],
		['text', undefined],
	])('tells %j apart as %s', (value, kind) => {
		expect(kindOf(value)).toBe(kind);
	});
});

describe('splitData', () => {
	it.each([
		[{ data: { a: 1 } }, [{ a: 1 }]],
		[{ data: [{ a: 1 }, { b: 2 }] }, [{ a: 1 }, { b: 2 }]],
		[{ data: '{"a":1}' }, [{ a: 1 }]],
		[{ data: '[{"a":1}]' }, [{ a: 1 }]],
		[{ data: [] }, []],
	])('reads %j', (payload, events) => {
		expect(splitData(payload)).toEqual(events);
	});

	it.each([
		[[{ a: 1 }], 'the body has no data parameter'],
		[{ events: [] }, 'the body has no data parameter'],
		[{ data: '{' }, 'the data parameter is not valid JSON'],
		[{ data: '"text"' }, 'the data parameter is neither an event nor a list of events'],
		[{ data: null }, 'the data parameter is neither an event nor a list of events'],
	])('refuses %j', (payload, reason) => {
		expect(splitData(payload)).toBe(reason);
	});
});

describe('jsonMemberTexts', () => {
	it('gives the exact text of each member, however the JSON is laid out', () => {
		const members = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 6 });
		fc.assert(
			fc.property(members, fc.constantFrom(undefined, 1, 2, '\t'), (object, indent) => {
				const text = JSON.stringify(object, null, indent);
				const parsed = JSON.parse(text) as Record<string, unknown>;
				const texts = jsonMemberTexts(text);
				expect(texts).toBeDefined();
				expect([...texts!.keys()].sort()).toEqual(Object.keys(parsed).sort());
				for (const [key, valueText] of texts!) {
					expect(JSON.parse(valueText)).toEqual(parsed[key]);
					expect(text).toContain(valueText);
				}
			}),
			{ numRuns: 300 },
		);
	});

	it('keeps the bytes of a value as sent, where re-serialising would change them', () => {
		const text = '{ "data" : [ {"a": 1.50, "b": "\\u00e9"} ] , "signature":"x"}';
		expect(jsonMemberTexts(text)?.get('data')).toBe('[ {"a": 1.50, "b": "\\u00e9"} ]');
	});

	it('takes the last of two members with the same name, as JSON.parse does', () => {
		expect(jsonMemberTexts('{"data":1,"data":[2]}')?.get('data')).toBe('[2]');
	});

	it.each(['[1,2]', '"text"', '{"a" 1}', '{"a":1', ''])('is undefined for %j', (text) => {
		expect(jsonMemberTexts(text)).toBeUndefined();
	});
});
