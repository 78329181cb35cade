import { BASIC_AUTH_CREDENTIAL, SHARED_SECRET_CREDENTIAL } from './authenticate';
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

/**
 * For incoming-auth credentials there is nothing to call: the sender proves them on each delivery.
 * The test checks that the credential is complete and says that nothing was contacted.
 */
const REQUIRED_FIELDS: Record<string, string[]> = {
	[BASIC_AUTH_CREDENTIAL]: ['user', 'password'],
	[SHARED_SECRET_CREDENTIAL]: ['secret', 'name'],
};

export async function testIncomingCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const missing = (REQUIRED_FIELDS[credential.type] ?? []).filter(
		(field) => typeof data[field] !== 'string' || (data[field] as string).length === 0,
	);
	if (missing.length > 0) {
		return { status: 'Error', message: `Fill in: ${missing.join(', ')}` };
	}
	const secret = (data.password ?? data.secret) as string | undefined;
	if (secret !== undefined && secret.length < 12) {
		return { status: 'Error', message: 'Use at least 12 characters, so the secret cannot be guessed' };
	}
	return {
		status: 'OK',
		message: 'Complete. Nothing was contacted: the sender must present this on every call.',
	};
}
