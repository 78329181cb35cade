/** Whether a vendor on the internet could deliver to a webhook URL, checked before registering it. */
import { isAllowed, parseAllowlist } from './ipAllowlist';

/**
 * Addresses no vendor can reach. IPv4: unspecified, private, shared (CGNAT), loopback and link-local. IPv6:
 * everything outside global unicast 2000::/3, which takes in the unspecified and loopback addresses, unique
 * local fc00::/7, link-local fe80::/10, multicast and the reserved ranges. An IPv4-mapped IPv6 address is
 * checked as the IPv4 address it carries.
 */
const NOT_PUBLIC = parseAllowlist(
	'0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.168.0.0/16 ::/3 4000::/2 8000::/1',
).ranges;

/** Why a vendor could not reach this host (a URL's hostname, IPv6 in brackets or not), or undefined if it can. */
export function hostProblem(hostname: string): string | undefined {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || isAllowed(host, NOT_PUBLIC)) {
		return `its host ${host} is this machine or a private network`;
	}
	// A single label resolves only inside a local network (or a container's).
	if (!host.includes('.') && !host.includes(':')) return `its host ${host} is not a public domain name`;
	return undefined;
}

/** What a vendor demands of a webhook URL beyond a public host. */
export interface PublicUrlRules {
	/** Only HTTPS on the default port 443. */
	httpsOn443?: boolean;
}

/** Why a vendor could not deliver to this URL, or undefined if it can. */
export function publicUrlProblem(url: string, rules: PublicUrlRules = {}): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return 'it is not a valid URL';
	}
	if (rules.httpsOn443) {
		if (parsed.protocol !== 'https:') return `it uses ${parsed.protocol.replace(':', '')}, not HTTPS`;
		if (parsed.port !== '' && parsed.port !== '443') return `it uses port ${parsed.port}, not 443`;
	}
	return hostProblem(parsed.hostname);
}
