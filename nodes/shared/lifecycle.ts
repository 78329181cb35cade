import { BASIC_AUTH_CREDENTIAL, SHARED_SECRET_CREDENTIAL } from './authenticate';
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeType,
} from 'n8n-workflow';

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

const nothingToDo = async function (this: IHookFunctions): Promise<boolean> {
	return true;
};

/**
 * Webhook methods for a vendor with no API to register webhooks: the user pastes the Production URL into the
 * vendor's own settings, so there is nothing to look up, create or delete.
 */
export const noRegistration = {
	default: { checkExists: nothingToDo, create: nothingToDo, delete: nothingToDo },
} satisfies INodeType['webhookMethods'];
