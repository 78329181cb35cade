import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { SendPulseApi } from '../../credentials/SendPulseApi.credentials';
import { WebhookSharedSecretApi } from '../../credentials/WebhookSharedSecretApi.credentials';
import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import { type HookSetup, type Logged, loadOptionsContext, runLifecycle } from '../helpers/execute';
import type { CredentialStore } from '../helpers/n8nHttp';
import { defaultMailingLists, type SendPulseMock, startSendPulseMock } from '../mocks/sendpulseApi';

const node = new SendPulseTrigger();
const WEBHOOK_URL = 'https://n8n.example.com/webhook/5d1e2f/webhook';
const SECRET = 'sp-token-9a4f1c2e7b';
const REGISTERED = `${WEBHOOK_URL}?token=${SECRET}`;
let api: SendPulseMock;

beforeEach(async () => {
	api = await startSendPulseMock({ webhooks: [{ url: 'https://crm.example.com/hooks/open', action: 'open' }] });
});
afterEach(async () => {
	await api.stop();
});

interface Trigger {
	setup: HookSetup;
	logs: Logged[];
}

/** A trigger as a user sets it up: email-service events, registered by API, with a secret token in the URL. */
function trigger(parameters: IDataObject = {}, staticData: IDataObject = {}): Trigger {
	const logs: Logged[] = [];
	const sendPulseApi: CredentialStore = { type: new SendPulseApi(), data: api.credentialData() };
	const sharedSecret: CredentialStore = {
		type: new WebhookSharedSecretApi(),
		data: { secret: SECRET, location: 'query', name: 'token' },
	};
	return {
		logs,
		setup: {
			parameters: { source: 'emailService', registration: 'api', authentication: 'sharedSecret', events: ['open', 'redirect'], ...parameters },
			credentials: { sendPulseApi, webhookSharedSecretApi: sharedSecret },
			webhookUrl: WEBHOOK_URL,
			staticData,
			logs,
		},
	};
}

/** What n8n does on publish: create only when checkExists says the webhooks are not there. */
async function publish(setup: HookSetup): Promise<void> {
	if (!(await runLifecycle(node, 'checkExists', setup))) await runLifecycle(node, 'create', setup);
}

const mine = () => api.webhooks.filter((webhook) => webhook.url === REGISTERED).map((webhook) => webhook.action).sort();

describe('SendPulse Trigger: registration by API', () => {
	it('publishing creates one webhook per selected event at the node URL, with the token in its query', async () => {
		const { setup } = trigger();
		expect(await runLifecycle(node, 'checkExists', setup)).toBe(false);
		await runLifecycle(node, 'create', setup);

		expect(mine()).toEqual(['open', 'redirect']);
		expect(setup.staticData).toEqual({
			webhookIds: api.webhooks.filter((webhook) => webhook.url === REGISTERED).map((webhook) => String(webhook.id)),
			registeredUrlSha256: createHash('sha256').update(REGISTERED).digest('base64url'),
		});
		expect(await runLifecycle(node, 'checkExists', setup)).toBe(true);
	});

	it('a restart with lost static data finds the webhooks at SendPulse and creates no duplicates', async () => {
		await publish(trigger().setup);
		const before = api.webhooks.length;

		const restarted = trigger({}, {});
		expect(await runLifecycle(node, 'checkExists', restarted.setup)).toBe(true);
		await publish(restarted.setup);
		// Even a create n8n runs anyway adds nothing.
		await runLifecycle(node, 'create', restarted.setup);

		expect(api.webhooks).toHaveLength(before);
		expect(mine()).toEqual(['open', 'redirect']);
		expect(restarted.setup.staticData.webhookIds).toHaveLength(2);
	});

	it('after the event selection changes, republishing adds the new event and removes the dropped one', async () => {
		await publish(trigger().setup);
		const changed = trigger({ events: ['redirect', 'unsubscribe'] });
		expect(await runLifecycle(node, 'checkExists', changed.setup)).toBe(false);
		await runLifecycle(node, 'create', changed.setup);
		expect(mine()).toEqual(['redirect', 'unsubscribe']);
	});

	it('unpublishing removes this trigger’s webhooks and leaves the account’s others alone', async () => {
		const { setup } = trigger();
		await publish(setup);
		expect(await runLifecycle(node, 'delete', setup)).toBe(true);

		expect(mine()).toEqual([]);
		expect(api.webhooks.map((webhook) => webhook.url)).toEqual(['https://crm.example.com/hooks/open']);
		expect(setup.staticData).toEqual({});
	});

	it('unpublishing with lost static data still finds and removes them by URL', async () => {
		await publish(trigger().setup);
		expect(await runLifecycle(node, 'delete', trigger({}, {}).setup)).toBe(true);
		expect(mine()).toEqual([]);
	});

	it('unpublishing copes with a webhook someone already deleted in SendPulse', async () => {
		const { setup } = trigger();
		await publish(setup);
		const gone = api.webhooks.findIndex((webhook) => webhook.url === REGISTERED);
		api.webhooks.splice(gone, 1);
		expect(await runLifecycle(node, 'delete', setup)).toBe(true);
		expect(mine()).toEqual([]);
	});

	it('unpublishing that SendPulse refuses reports false and says where to remove the webhooks by hand', async () => {
		const { setup, logs } = trigger();
		await publish(setup);
		api.failNext({ status: 503, pathPrefix: '/v2', times: 5 });
		expect(await runLifecycle(node, 'delete', setup)).toBe(false);
		expect(logs.some((entry) => entry.level === 'warn' && entry.message.includes('Account Settings → API'))).toBe(true);
	});

	it('keeps the token out of its logs and out of static data, which n8n saves in clear with the workflow', async () => {
		const { setup, logs } = trigger();
		await publish(setup);
		expect(JSON.stringify(setup.staticData)).not.toContain(SECRET);
		await runLifecycle(node, 'delete', setup);
		expect(logs.length).toBeGreaterThan(0);
		expect(JSON.stringify(logs)).not.toContain(SECRET);
	});

	it('survives a token expiring between publish and unpublish', async () => {
		const { setup } = trigger();
		await publish(setup);
		api.advanceTime(7200);
		expect(await runLifecycle(node, 'delete', setup)).toBe(true);
		expect(mine()).toEqual([]);
		expect(api.tokensIssued()).toBe(2);
	});

	it('a wrong client secret stops publishing with what to do, never the secret', async () => {
		const { setup } = trigger();
		setup.credentials!.sendPulseApi.data.clientSecret = 'wrong-secret-51d2';
		const error = (await publish(setup).catch((caught: unknown) => caught)) as Error;
		// n8n 2.x shows the message alone ("Workflow could not be published"), so it says it all.
		expect(error.message).toBe(
			'Could not register the SendPulse webhooks (open, redirect): SendPulse refused the client ID or secret (HTTP 401). SendPulse said: The client credentials are invalid. Copy both again from Account Settings → API in SendPulse. The SendPulse API credential could not get an access token, which is needed to list webhooks. No events arrive until the workflow is published again with this fixed.',
		);
		expect(JSON.stringify(error) + error.message).not.toContain('wrong-secret-51d2');
		expect(api.webhooks.filter((webhook) => webhook.url === REGISTERED)).toHaveLength(0);
	});

	it('a wrong client secret while the editor listens for a test event says to listen again', async () => {
		const { setup } = trigger();
		setup.activationMode = 'manual';
		setup.credentials!.sendPulseApi.data.clientSecret = 'wrong-secret-51d2';
		const error = (await publish(setup).catch((caught: unknown) => caught)) as Error;
		expect(error.message).toMatch(/^Could not register the SendPulse webhooks \(open, redirect\): SendPulse refused the client ID or secret .* Fix this, then listen for a test event again\.$/);
	});

	it('refuses to publish with no event selected, saying what to pick', async () => {
		const { setup } = trigger({ events: [] });
		await expect(publish(setup)).rejects.toThrow('Select at least one event to register with SendPulse');
	});

	it('refuses a local webhook URL SendPulse could never reach', async () => {
		const { setup } = trigger();
		setup.webhookUrl = 'http://localhost:5678/webhook/5d1e2f/webhook';
		setup.credentials!.sendPulseApi.data.baseUrl = 'https://api.sendpulse.com';
		await expect(publish(setup)).rejects.toThrow('SendPulse cannot deliver to localhost');
		expect(api.requests).toHaveLength(0);
	});

	it('accepts a local webhook URL when the API is a local test server too', async () => {
		const { setup } = trigger();
		setup.webhookUrl = 'http://localhost:5678/webhook/5d1e2f/webhook';
		await publish(setup);
		expect(api.webhooks.filter((webhook) => webhook.url.startsWith('http://localhost:5678/'))).toHaveLength(2);
	});

	it('refuses a secret token sent in a header, which SendPulse cannot send', async () => {
		const { setup } = trigger();
		setup.credentials!.webhookSharedSecretApi.data.location = 'header';
		await expect(publish(setup)).rejects.toThrow('SendPulse cannot send the secret token in a header');
	});

	it('registers the bare URL when the trigger checks no token', async () => {
		await publish(trigger({ authentication: 'none' }).setup);
		expect(api.webhooks.filter((webhook) => webhook.url === WEBHOOK_URL)).toHaveLength(2);
	});

	it.each([
		['Automation 360 "Send webhook"', { source: 'automation360' }],
		['Automation 360 events', { source: 'automation360Events' }],
		['email-service events set up by hand', { registration: 'manual' }],
	])('%s: publishing and unpublishing call no API', async (_, parameters) => {
		const { setup } = trigger(parameters);
		expect(await runLifecycle(node, 'checkExists', setup)).toBe(true);
		expect(await runLifecycle(node, 'create', setup)).toBe(true);
		expect(await runLifecycle(node, 'delete', setup)).toBe(true);
		expect(api.requests).toHaveLength(0);
	});

	// In n8n the SendPulse API credential is shown, and so given to the node, only with registration by API:
	// after switching to manual setup, unpublishing cannot reach SendPulse. It says so and where to clean up.
	it('switching to manual setup after publishing by API leaves what it registered, and says where to remove it', async () => {
		const { setup } = trigger();
		await publish(setup);
		const manual = trigger({ registration: 'manual' }, setup.staticData);
		expect(await runLifecycle(node, 'delete', manual.setup)).toBe(false);
		expect(manual.logs).toEqual([
			{
				level: 'warn',
				message: "SendPulse: could not remove this trigger's webhooks (Credentials not found). Remove them under Account Settings → API in SendPulse.",
			},
		]);
		expect(mine()).toEqual(['open', 'redirect']);
	});
});

describe('SendPulse Trigger: mailing lists from the API', () => {
	const getMailingLists = node.methods.loadOptions.getMailingLists;

	it('lists the account’s mailing lists by name, with their IDs', async () => {
		const { setup } = trigger();
		const options = await getMailingLists.call(loadOptionsContext(setup));
		expect(options).toEqual([
			{ name: 'Customers', value: '490687', description: 'ID 490687, 20 addresses' },
			{ name: 'Newsletter', value: '490686', description: 'ID 490686, 10 addresses' },
			{ name: 'Webinar leads', value: '490688', description: 'ID 490688, 30 addresses' },
		]);
	});

	it('reads every page when the account has many lists', async () => {
		await api.stop();
		api = await startSendPulseMock({ mailingLists: defaultMailingLists(250) });
		const options = await getMailingLists.call(loadOptionsContext(trigger().setup));
		expect(options).toHaveLength(250);
		expect(api.requests.filter((request) => request.path === '/addressbooks')).toHaveLength(3);
	});

	it('explains a rate limit instead of showing an empty list', async () => {
		api.failNext({ status: 429, pathPrefix: '/addressbooks' });
		await expect(getMailingLists.call(loadOptionsContext(trigger().setup))).rejects.toThrow('rate-limiting');
	});
});
