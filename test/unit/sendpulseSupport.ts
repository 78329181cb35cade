import { readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';

import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import type { NodeSetup } from '../helpers/webhook';

export const FIXTURES = join(__dirname, '../fixtures/sendpulse');
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
export const SECRET = 'sp-token-9a4f1c2e7b';
export const KEY = 'sp-key-0d6b3a91e4';
export const node = new SendPulseTrigger();
export const query = { token: SECRET };

/** A trigger checking a secret token, as a user would set it up; `parameters` override the defaults. */
export const setup = (parameters: IDataObject = {}): NodeSetup => ({
	parameters: { authentication: 'sharedSecret', ...parameters },
	credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'query', name: 'token' } },
	staticData: {},
});

export const automation = (extra: IDataObject = {}) => setup({ source: 'automation360', ...extra });
export const automationEvents = (extra: IDataObject = {}) => setup({ source: 'automation360Events', ...extra });
export const emailService = (extra: IDataObject = {}) => setup({ source: 'emailService', registration: 'manual', ...extra });
export const smtp = (extra: IDataObject = {}) => setup({ source: 'smtp', ...extra });
