import { decodeBody, splitBatch } from '../../../nodes/shared/decode';

describe('decoding bodies', () => {
	it('uses what n8n already parsed from JSON, object or array', () => {
		expect(decodeBody({ body: { a: 1 }, contentType: 'application/json' })).toEqual({ ok: true, payload: { a: 1 }, format: 'json', depth: 1 });
		expect(decodeBody({ body: [{ a: 1 }], contentType: 'application/json; charset=utf-8' })).toMatchObject({
			ok: true,
			payload: [{ a: 1 }],
		});
		expect(decodeBody({ body: [], rawBody: Buffer.from('[]') })).toMatchObject({ ok: true, payload: [] });
	});

	it('reads the media type of a long Content-Type header as of a short one', () => {
		const long = `Application/X-WWW-Form-URLencoded; charset=utf-8; ${'x'.repeat(200)}`;
		expect(decodeBody({ body: { a: '1' }, contentType: long })).toMatchObject({ ok: true, format: 'form', payload: { a: '1' } });
		expect(decodeBody({ body: { a: '1' }, contentType: long.slice(0, 60) })).toMatchObject({ ok: true, format: 'form', payload: { a: '1' } });
	});

	it('parses the raw bytes when n8n did not (text/plain, no content type)', () => {
		expect(decodeBody({ body: {}, rawBody: Buffer.from('{"a":2}'), contentType: 'text/plain' })).toMatchObject({
			ok: true,
			payload: { a: 2 },
		});
		expect(decodeBody({ body: '[1]' })).toMatchObject({ ok: true, payload: [1] });
	});

	it('refuses what is not JSON, and empty bodies, with the reason', () => {
		const broken = decodeBody({ body: {}, rawBody: Buffer.from('{"a":'), contentType: 'application/json' });
		expect(broken).toMatchObject({ ok: false, reason: expect.stringMatching(/^the body is not valid JSON/) });
		expect(decodeBody({ body: {}, rawBody: Buffer.alloc(0) })).toEqual({ ok: false, reason: 'the body is empty' });
		expect(decodeBody({ body: '   ' })).toEqual({ ok: false, reason: 'the body is empty' });
		expect(decodeBody({ body: undefined })).toEqual({ ok: false, reason: 'the body is empty' });
	});

	it('reads form bodies, parsing fields that hold JSON and keeping the fields as received', () => {
		const decoded = decodeBody({
			body: { data: '{"event_id":"x"}', list: '[1,2]', note: '[URGENT] call', n: '5', arr: ['a', 'b'] },
			contentType: 'application/x-www-form-urlencoded',
		});
		expect(decoded).toEqual({
			ok: true,
			format: 'form',
			depth: 2,
			payload: { data: { event_id: 'x' }, list: [1, 2], note: '[URGENT] call', n: '5', arr: 'a' },
			formFields: { data: '{"event_id":"x"}', list: '[1,2]', note: '[URGENT] call', n: '5', arr: 'a' },
		});
	});

	it('parses a form body from the raw bytes when n8n did not, first value winning', () => {
		const decoded = decodeBody({
			body: {},
			rawBody: Buffer.from('a=1&data=%7B%22x%22%3A1%7D&a=2'),
			contentType: 'application/x-www-form-urlencoded',
		});
		expect(decoded).toMatchObject({ ok: true, payload: { a: '1', data: { x: 1 } } });
		expect(decodeBody({ body: {}, contentType: 'application/x-www-form-urlencoded' })).toEqual({
			ok: false,
			reason: 'the form body is empty',
		});
	});

	it('takes XML that n8n parsed, and refuses XML it could not', () => {
		const parsed = { webhook: { eventname: 'Promotion.Created' } };
		expect(decodeBody({ body: parsed, contentType: 'text/xml' })).toEqual({ ok: true, payload: parsed, format: 'xml', depth: 2 });
		expect(decodeBody({ body: parsed, contentType: 'application/soap+xml' })).toMatchObject({ ok: true, format: 'xml' });
		expect(decodeBody({ body: {}, rawBody: Buffer.from('<a>'), contentType: 'application/xml' })).toEqual({
			ok: false,
			reason: 'the XML body is empty or could not be parsed',
		});
	});

	it('splits arrays into events and wraps a single event', () => {
		expect(splitBatch([1, 2])).toEqual([1, 2]);
		expect(splitBatch({ a: 1 })).toEqual([{ a: 1 }]);
	});
});
