import { checkBasicAuth, checkIpAllowlist, checkSharedSecret, clientIp } from '../../../nodes/shared/authenticate';
import { basicAuthHeader } from '../../helpers/webhook';

const expected = { user: 'vendor', password: 'long-enough-password' };

describe('basic auth', () => {
	it('accepts the right user and password, and a password holding colons', () => {
		expect(checkBasicAuth({ authorization: basicAuthHeader('vendor', 'long-enough-password') }, expected, 'X')).toBeUndefined();
		const colons = { user: 'u', password: 'a:b:c' };
		expect(checkBasicAuth({ authorization: basicAuthHeader('u', 'a:b:c') }, colons, 'X')).toBeUndefined();
	});

	it.each([
		['no header', undefined, 'no basic auth credentials were sent'],
		['another scheme', 'Bearer abc', 'no basic auth credentials were sent'],
		['a wrong password', basicAuthHeader('vendor', 'nope'), 'the basic auth user or password is wrong'],
		['a wrong user', basicAuthHeader('someone', 'long-enough-password'), 'the basic auth user or password is wrong'],
		['no colon', `Basic ${Buffer.from('vendor').toString('base64')}`, 'the basic auth user or password is wrong'],
	])('refuses %s with 401 and a challenge', (_, authorization, reason) => {
		const failure = checkBasicAuth(authorization ? { authorization } : {}, expected, 'Acme "hooks"');
		expect(failure).toEqual({ kind: 'basicAuth', status: 401, reason, challenge: 'Basic realm="Acme hooks", charset="UTF-8"' });
	});

	it('refuses everyone, an empty pair included, when no password is configured', () => {
		const failure = checkBasicAuth({ authorization: basicAuthHeader('', '') }, { user: '', password: '' }, 'X');
		expect(failure).toMatchObject({ status: 401, reason: 'no password is configured for this trigger' });
	});

	it('refuses everyone when the user configured contains a colon, which the header cannot carry', () => {
		const colonUser = { user: 'ven:dor', password: 'long-enough-password' };
		for (const authorization of [basicAuthHeader('ven:dor', 'long-enough-password'), basicAuthHeader('ven', 'dor:long-enough-password')]) {
			expect(checkBasicAuth({ authorization }, colonUser, 'X')).toMatchObject({ status: 401, reason: expect.stringContaining('contains a colon') });
		}
	});

	it('tells a user from a password at the first colon', () => {
		expect(checkBasicAuth({ authorization: basicAuthHeader('vendor:long', 'enough-password') }, { user: 'vendor', password: 'long:enough-password' }, 'X')).toBeUndefined();
		expect(checkBasicAuth({ authorization: basicAuthHeader('vendo', 'r:long-enough-password') }, expected, 'X')).toMatchObject({ reason: 'the basic auth user or password is wrong' });
	});

	it('reads the first of repeated headers', () => {
		const header = basicAuthHeader('vendor', 'long-enough-password');
		expect(checkBasicAuth({ authorization: [header, 'x'] }, expected, 'X')).toBeUndefined();
	});
});

describe('shared secret', () => {
	const inQuery = { secret: 'tok-123456789', location: 'query' as const, name: 'token' };
	const inHeader = { secret: 'tok-123456789', location: 'header' as const, name: 'X-Hook-Token' };

	it('accepts the secret where it is expected', () => {
		expect(checkSharedSecret({}, { token: 'tok-123456789' }, inQuery)).toBeUndefined();
		expect(checkSharedSecret({}, { token: ['tok-123456789', 'b'] }, inQuery)).toBeUndefined();
		expect(checkSharedSecret({ 'x-hook-token': 'tok-123456789' }, {}, inHeader)).toBeUndefined();
	});

	it('names what is missing or wrong, never the secret', () => {
		expect(checkSharedSecret({}, {}, inQuery)).toEqual({ kind: 'sharedSecret', status: 401, reason: 'the query parameter "token" is missing' });
		expect(checkSharedSecret({ 'x-hook-token': 'bad' }, {}, inHeader)).toEqual({
			kind: 'sharedSecret',
			status: 401,
			reason: 'the header "X-Hook-Token" does not hold the expected secret',
		});
		expect(checkSharedSecret({}, { token: 'tok-123456789' }, inHeader)?.reason).toBe('the header "X-Hook-Token" is missing');
	});
});

describe('source address', () => {
	it('uses the socket address unless told to trust the proxy', () => {
		expect(clientIp({ 'x-forwarded-for': '1.1.1.1' }, '10.0.0.2', false)).toBe('10.0.0.2');
		expect(clientIp({}, undefined, false)).toBe('');
	});

	it('takes the entry the proxy appended, which the caller cannot forge', () => {
		expect(clientIp({ 'x-forwarded-for': '6.6.6.6, 194.104.230.5' }, '10.0.0.2', true)).toBe('194.104.230.5');
		expect(clientIp({ 'x-forwarded-for': ['6.6.6.6', '7.7.7.7'] }, '10.0.0.2', true)).toBe('7.7.7.7');
		expect(clientIp({}, '10.0.0.2', true)).toBe('10.0.0.2');
	});

	it('answers 403, and says when the allowlist itself is unusable', () => {
		expect(checkIpAllowlist('10.0.0.2', '10.0.0.0/8')).toBeUndefined();
		expect(checkIpAllowlist('11.0.0.2', '10.0.0.0/8')).toEqual({
			kind: 'ipAllowlist',
			status: 403,
			reason: 'the source address 11.0.0.2 is not allowed',
		});
		expect(checkIpAllowlist('', '10.0.0.0/8')?.reason).toBe('the source address (unknown) is not allowed');
		expect(checkIpAllowlist('10.0.0.2', 'not-an-ip')?.reason).toBe('the IP allowlist holds no valid range');
	});
});
