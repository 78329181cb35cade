import * as crypto from 'crypto';

import { safeEqual, verifySignature } from '../../../nodes/shared/secure';

jest.mock('crypto', () => {
	const actual = jest.requireActual<typeof import('crypto')>('crypto');
	return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

describe('secret comparison', () => {
	it('tells equal from different values, whatever their lengths', () => {
		expect(safeEqual('s3cret-value', 's3cret-value')).toBe(true);
		expect(safeEqual('s3cret-value', 's3cret-valuE')).toBe(false);
		expect(safeEqual('short', 'a much longer value')).toBe(false);
		expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
	});

	it('compares with crypto.timingSafeEqual', () => {
		const spy = crypto.timingSafeEqual as jest.Mock;
		spy.mockClear();
		safeEqual('a', 'b');
		expect(spy).toHaveBeenCalledTimes(1);
	});
});

describe('signature verification', () => {
	it('accepts the matching signature', () => {
		expect(verifySignature('abc', () => 'abc')).toEqual({ ok: true });
	});

	it('says why it fails, and never throws', () => {
		expect(verifySignature(undefined, () => 'abc')).toEqual({ ok: false, reason: 'the signature is missing' });
		expect(verifySignature('', () => 'abc')).toEqual({ ok: false, reason: 'the signature is missing' });
		expect(verifySignature(['abc'], () => 'abc')).toEqual({ ok: false, reason: 'the signature is missing' });
		expect(verifySignature('abd', () => 'abc')).toEqual({ ok: false, reason: 'the signature does not match' });
		expect(
			verifySignature('abc', () => {
				throw new Error('no data');
			}),
		).toEqual({ ok: false, reason: 'the signature could not be computed: no data' });
	});
});
