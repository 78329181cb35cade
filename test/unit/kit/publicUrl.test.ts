import { hostProblem, publicUrlProblem } from '../../../nodes/shared/publicUrl';

const PRIVATE = (host: string) => `its host ${host} is this machine or a private network`;

describe('which hosts a vendor on the internet can reach', () => {
	it.each(['n8n.example.com', 'hooks.example.co.uk', '203.0.113.7', '8.8.8.8', '100.63.255.255', '100.128.0.1', '172.32.0.1', '[2001:db8::1]', '2a00:1450::1', '[::ffff:8.8.8.8]'])(
		'accepts %s',
		(host) => {
			expect(hostProblem(host)).toBeUndefined();
		},
	);

	it.each([
		['localhost', 'localhost'],
		['LocalHost', 'localhost'],
		['app.localhost', 'app.localhost'],
		['0.0.0.0', '0.0.0.0'],
		['0.1.2.3', '0.1.2.3'],
		['10.1.2.3', '10.1.2.3'],
		['100.64.0.1', '100.64.0.1'],
		['127.0.0.1', '127.0.0.1'],
		['127.8.9.10', '127.8.9.10'],
		['169.254.169.254', '169.254.169.254'],
		['172.16.0.1', '172.16.0.1'],
		['172.31.255.255', '172.31.255.255'],
		['192.168.1.20', '192.168.1.20'],
		['[::]', '::'],
		['[::1]', '::1'],
		['::1', '::1'],
		['[fc00::1]', 'fc00::1'],
		['[fd12:3456::1]', 'fd12:3456::1'],
		['[fe80::1]', 'fe80::1'],
		['[ff02::1]', 'ff02::1'],
		['[fc::1]', 'fc::1'],
		['[::ffff:127.0.0.1]', '::ffff:127.0.0.1'],
		['[::ffff:7f00:1]', '::ffff:7f00:1'],
	])('refuses %s as this machine or a private network', (host, named) => {
		expect(hostProblem(host)).toBe(PRIVATE(named));
	});

	it('refuses a single-label name, which resolves only inside a local network', () => {
		expect(hostProblem('n8n')).toBe('its host n8n is not a public domain name');
		expect(hostProblem('sendpulse-mock')).toBe('its host sendpulse-mock is not a public domain name');
	});
});

describe('which webhook URLs a vendor can deliver to', () => {
	it('asks only for a public host unless told more', () => {
		expect(publicUrlProblem('http://n8n.example.com:5678/webhook/x')).toBeUndefined();
		expect(publicUrlProblem('https://n8n.example.com/webhook/x')).toBeUndefined();
		expect(publicUrlProblem('http://localhost:5678/webhook/x')).toBe(PRIVATE('localhost'));
		expect(publicUrlProblem('http://[::1]:5678/webhook/x')).toBe(PRIVATE('::1'));
		expect(publicUrlProblem('http://n8n:5678/webhook/x')).toBe('its host n8n is not a public domain name');
	});

	it('with httpsOn443, asks for HTTPS on port 443 before it looks at the host', () => {
		const rules = { httpsOn443: true };
		expect(publicUrlProblem('https://n8n.example.com/webhook/x', rules)).toBeUndefined();
		expect(publicUrlProblem('https://n8n.example.com:443/webhook/x', rules)).toBeUndefined();
		expect(publicUrlProblem('http://n8n.example.com/webhook/x', rules)).toBe('it uses http, not HTTPS');
		expect(publicUrlProblem('http://localhost/webhook/x', rules)).toBe('it uses http, not HTTPS');
		expect(publicUrlProblem('https://n8n.example.com:8443/webhook/x', rules)).toBe('it uses port 8443, not 443');
		expect(publicUrlProblem('https://localhost:5678/webhook/x', rules)).toBe('it uses port 5678, not 443');
		expect(publicUrlProblem('https://10.0.0.2/webhook/x', rules)).toBe(PRIVATE('10.0.0.2'));
	});

	it('refuses what is not a URL at all', () => {
		expect(publicUrlProblem('not a url')).toBe('it is not a valid URL');
		expect(publicUrlProblem('n8n.example.com/webhook', { httpsOn443: true })).toBe('it is not a valid URL');
	});
});
