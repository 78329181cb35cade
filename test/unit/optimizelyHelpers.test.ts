/** Small pure pieces of the Optimizely Campaign nodes: URL acceptance, Retry-After, dedupe keys. */
import { retryAfterMs } from '../../nodes/shared';
import { optimizelyEventKey, optimizelyEventSchema } from '../../nodes/OptimizelyCampaign/events';
import { urlProblem } from '../../nodes/OptimizelyCampaign/registration';

describe('which webhook URLs Optimizely Campaign can deliver to', () => {
	it.each([
		'https://n8n.example.com/webhook/abc/webhook',
		'https://n8n.example.com:443/webhook/abc/webhook',
		'https://203.0.113.7/webhook/abc/webhook',
	])('accepts %s', (url) => {
		expect(urlProblem(url)).toBeUndefined();
	});

	it.each([
		['http://n8n.example.com/webhook/x', 'it uses http, not HTTPS'],
		['https://n8n.example.com:5678/webhook/x', 'it uses port 5678, not 443'],
		['https://localhost/webhook/x', 'its host localhost is this machine or a private network'],
		['https://app.localhost/webhook/x', 'its host app.localhost is this machine or a private network'],
		['https://127.0.0.1/webhook/x', 'its host 127.0.0.1 is this machine or a private network'],
		['https://10.1.2.3/webhook/x', 'its host 10.1.2.3 is this machine or a private network'],
		['https://192.168.1.20/webhook/x', 'its host 192.168.1.20 is this machine or a private network'],
		['https://[::1]/webhook/x', 'its host ::1 is this machine or a private network'],
		['https://n8n/webhook/x', 'its host n8n is not a public domain name'],
		['not a url', 'it is not a valid URL'],
	])('refuses %s: %s', (url, reason) => {
		expect(urlProblem(url)).toBe(reason);
	});
});

describe('Retry-After', () => {
	it('reads delta seconds and HTTP dates', () => {
		expect(retryAfterMs('2')).toBe(2000);
		expect(retryAfterMs(' 0 ')).toBe(0);
		const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
		expect(retryAfterMs('Wed, 21 Oct 2026 07:28:05 GMT', now)).toBe(5000);
		expect(retryAfterMs('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0);
	});

	it('ignores what it cannot read', () => {
		expect(retryAfterMs(undefined)).toBeUndefined();
		expect(retryAfterMs('')).toBeUndefined();
		expect(retryAfterMs('soon')).toBeUndefined();
	});
});

describe('dedupe keys', () => {
	const key = (event: unknown) => optimizelyEventKey(optimizelyEventSchema.parse(event));

	it('ignore the attempt', () => {
		expect(key({ type: 'sent', id: 'a1', created: 1, attempt: 1 })).toBe(key({ type: 'sent', id: 'a1', created: 1, attempt: 9 }));
		expect(key({ type: 'click', mailId: 'm', recipientId: 'r', created: 5, attempt: 1 })).toBe(
			key({ type: 'click', mailId: 'm', recipientId: 'r', created: 5, attempt: 4 }),
		);
	});

	it('use the whole event, keys in any order, for an undocumented type without identifying fields', () => {
		const first = key({ type: 'blocklist', recipientId: 'r', extra: { b: 1, a: 2 }, attempt: 1 });
		const again = key({ extra: { a: 2, b: 1 }, attempt: 3, recipientId: 'r', type: 'blocklist' });
		expect(first).toBe(again);
		expect(first).toBe('blocklist|{"extra":{"a":2,"b":1},"recipientId":"r","type":"blocklist"}');
		expect(key({ type: 'blocklist', recipientId: 'other' })).not.toBe(first);
	});

	it('treat "archived" as the archive type', () => {
		expect(key({ type: 'archived', id: 'z' })).toBe('archive|id=z');
	});
});
