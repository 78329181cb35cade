import fc from 'fast-check';

import { prodegeSignature } from '../../nodes/Prodege/signing';

const parameterName = fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name !== 'signature');
const parameters = fc.dictionary(parameterName, fc.string({ maxLength: 40 }), { minKeys: 1, maxKeys: 8 });
const secret = fc.string({ minLength: 1, maxLength: 64 });

describe('prodegeSignature', () => {
	it("matches the known-answer vector from Prodege's Link Signing page", () => {
		expect(
			prodegeSignature('abcdef123456', {
				a_variable: '12345',
				b_variable: '54321',
				c_variable: '1ab2c3d4e5',
				d_variable: '5e4d3c2b1a',
			}),
		).toBe('4E-yZ3M3AjthWeVFNeAK3LYbXbVMbZKUbpt4Iudf3qw');
	});

	it('gives the same answer whatever order the parameters arrive in', () => {
		fc.assert(
			fc.property(secret, parameters, fc.integer(), (key, params, seed) => {
				const entries = Object.entries(params);
				// A deterministic shuffle driven by the seed.
				const shuffled = entries
					.map((entry, index) => ({ entry, rank: Math.sin(seed + index) }))
					.sort((a, b) => a.rank - b.rank)
					.map(({ entry }) => entry);
				expect(prodegeSignature(key, Object.fromEntries(shuffled))).toBe(prodegeSignature(key, params));
			}),
		);
	});

	it('changes when any one value changes', () => {
		fc.assert(
			fc.property(secret, parameters, fc.nat(), fc.string({ minLength: 1, maxLength: 5 }), (key, params, pick, extra) => {
				const names = Object.keys(params);
				const name = names[pick % names.length];
				const changed = { ...params, [name]: params[name] + extra };
				expect(prodegeSignature(key, changed)).not.toBe(prodegeSignature(key, params));
			}),
		);
	});

	it('changes when the secret changes', () => {
		fc.assert(
			fc.property(secret, secret, parameters, (a, b, params) => {
				fc.pre(a !== b);
				expect(prodegeSignature(a, params)).not.toBe(prodegeSignature(b, params));
			}),
		);
	});

	it('leaves the signature parameter out of what is signed', () => {
		fc.assert(
			fc.property(secret, parameters, fc.string(), (key, params, signature) => {
				expect(prodegeSignature(key, { ...params, signature })).toBe(prodegeSignature(key, params));
			}),
		);
	});

	it('is 43 characters of the URL-safe base64 alphabet, without padding', () => {
		fc.assert(
			fc.property(secret, parameters, (key, params) => {
				expect(prodegeSignature(key, params)).toMatch(/^[A-Za-z0-9_-]{43}$/);
			}),
		);
	});

	it('signs values raw, not URL-encoded, and hashes the secret and the string as UTF-8', () => {
		// Computed apart from this code, with Python's hashlib: sha256("clé:url=https://x.test/?a=1&b=%20 ü").
		expect(prodegeSignature('clé', { url: 'https://x.test/?a=1&b=%20 ü' })).toBe(
			'B4w2e5NWhaCzlH6agtr70vFiIiUIAb5U61suEjsdN4o',
		);
	});
});
