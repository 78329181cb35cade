import { isAllowed, parseAllowlist, parseCidr, parseIp } from '../../../nodes/shared/ipAllowlist';

describe('IP allowlist', () => {
	it.each([
		['194.104.230.17', '194.104.230.0/24', true],
		['194.104.231.1', '194.104.230.0/24', false],
		['10.1.2.3', '10.0.0.0/8', true],
		['193.169.180.1', '193.169.180.1', true],
		['193.169.180.2', '193.169.180.1', false],
		['8.8.8.8', '0.0.0.0/0', true],
		['::ffff:194.104.230.9', '194.104.230.0/24', true],
		['2001:db8::1', '2001:db8::/32', true],
		['2001:db9::1', '2001:db8::/32', false],
		['::1', '::1/128', true],
		['fe80::1%eth0', 'fe80::/10', true],
		['[2001:db8::5]', '2001:db8::/64', true],
		['2001:db8::5', '10.0.0.0/8', false],
		['10.0.0.1', '::/0', false],
		['::ffff:0a00:0001', '10.0.0.0/8', true],
		['64:ff9b::192.0.2.33', '64:ff9b::/96', true],
	])('%s within %s: %s', (ip, range, expected) => {
		const { ranges, invalid } = parseAllowlist(range);
		expect(invalid).toEqual([]);
		expect(isAllowed(ip, ranges)).toBe(expected);
	});

	it('lists the entries it cannot parse', () => {
		const { ranges, invalid } = parseAllowlist('10.0.0.0/8, 300.1.1.1; 10.0.0.0/33\n1.2.3.4/x 1:2:3 ::1::2 1/2/3 2001:db8::/129 1.2.3');
		expect(ranges.map((range) => range.text)).toEqual(['10.0.0.0/8']);
		expect(invalid).toEqual(['300.1.1.1', '10.0.0.0/33', '1.2.3.4/x', '1:2:3', '::1::2', '1/2/3', '2001:db8::/129', '1.2.3']);
	});

	it('refuses malformed addresses rather than matching them', () => {
		const { ranges } = parseAllowlist('0.0.0.0/0, ::/0');
		for (const ip of ['', 'abc', '1.2.3.04444', '1:2:3:4:5:6:7:8:9', 'g::1', '::ffff:1.2.3', '1::2::3']) {
			expect(isAllowed(ip, ranges)).toBe(false);
		}
	});

	it('parses full, compressed and embedded forms', () => {
		expect(parseIp('1:2:3:4:5:6:7:8')).toEqual({ version: 6, value: 0x00010002000300040005000600070008n });
		expect(parseIp('::')).toEqual({ version: 6, value: 0n });
		expect(parseCidr('/24')).toBeUndefined();
	});
});
