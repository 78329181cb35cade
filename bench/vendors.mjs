// Representative deliveries per vendor for the benchmarks: the seed examples, re-keyed per delivery so
// that every delivery carries new events, authenticated as each vendor authenticates in production.
import { createRequire } from 'node:module';

import { perVendor, triggerFile } from '../scripts/vendors.mjs';

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function json(body, extraHeaders = {}) {
	const rawBody = Buffer.from(JSON.stringify(body));
	return { body: JSON.parse(rawBody), rawBody, headers: { 'content-type': 'application/json', ...extraHeaders }, query: {} };
}

const many = (batch, make) => Array.from({ length: batch }, (_, i) => make(i));
const one = (batch, events) => (batch === 1 ? events[0] : events);

/**
 * Each vendor of vendors.json, by id, as the benchmarks call its trigger; name, compiled file and class come from the list.
 * @param {string} out the folder the package was compiled into
 */
export function vendors(out) {
	const require = createRequire(`${out}/`);
	const deliveries = {
		personaclick: {
			delivery: (batch, seq) => ({
				...json(one(batch, many(batch, (i) => ({ status: 'success', task_id: `${seq}-${i}`, operation: 'import_products' })))),
				query: { token: 'bench-secret-0123456789' },
				parameters: { authentication: 'sharedSecret', options: {} },
				credentials: { webhookSharedSecretApi: { secret: 'bench-secret-0123456789', location: 'query', name: 'token' } },
			}),
		},
		optimizely: {
			staticData: () => ({ registration: { basicAuth: { user: 'bench-user', password: 'bench-password-0123456789' }, webhooks: {} } }),
			delivery: (batch, seq) => ({
				...json(
					many(batch, (i) => ({
						type: 'open', recipientId: '123456789005', userListId: 123456789003, remoteAddress: '10.420.3.42',
						clientId: 123456789001, mailingId: 123456789004, created: 1564590054000 + seq * 1000 + i,
						subscriptionId: 1234567, mailId: `3P5W8B4-${seq}-${i}`, mediaTypesToAddresses: { EMAIL: 'john.smith@example.com' },
						device: 'desktop', operatingSystem: 'Windows 10', browser: 'Firefox 64.1', attempt: 1,
					})),
					{ authorization: basic('bench-user', 'bench-password-0123456789') },
				),
				parameters: { events: [], options: {} },
				credentials: {},
			}),
		},
		prodege: {
			delivery: (batch, seq) => {
				const { prodegeSignature } = require('./nodes/Prodege/signing.js');
				const events = many(batch, (i) => ({
					event_id: (seq * 1000 + i).toString(16).padStart(24, '0'),
					event_time: '2023-04-27 16:37:56', status: 'PAUSED', update_reason: 158,
					description: 'DISABLED_BY_HAS_REACHED_SAMPLE_SIZE', project_id: 29303649,
				}));
				const data = JSON.stringify(one(batch, events));
				const secret = 'bench-prodege-secret';
				return {
					...json({ data, signature: prodegeSignature(secret, { data }) }),
					parameters: { authentication: 'signedData', options: {} },
					credentials: { prodegeApi: { apik: 'k', secretKey: secret, environment: 'production' } },
				};
			},
		},
		qixol: {
			delivery: (batch, seq) => ({
				...json(one(batch, many(batch, (i) => ({ EventName: 'Promotion.Updated', PromotionId: `${seq}-${i}`, CompanyId: 42, Name: 'Spring sale' })))),
				query: { token: 'bench-secret-0123456789' },
				parameters: { authentication: 'sharedSecret', options: {} },
				credentials: { webhookSharedSecretApi: { secret: 'bench-secret-0123456789', location: 'query', name: 'token' } },
			}),
		},
		sendpulse: {
			delivery: (batch, seq) => ({
				...json(
					many(batch, (i) => ({
						automation_id: '123456789', title: 'New Automation', execution_date: '2022-01-04 09:02:39',
						email: `subscriber-${seq}-${i}@example.com`, phone: '+380631234567', variables: [{ name1: 'value1' }, { name2: 'value2' }],
					})),
				),
				query: { token: 'bench-secret-0123456789' },
				parameters: { source: 'automation360', authentication: 'sharedSecret', options: {} },
				credentials: { webhookSharedSecretApi: { secret: 'bench-secret-0123456789', location: 'query', name: 'token' } },
			}),
		},
	};
	return perVendor(deliveries, 'bench/vendors.mjs').map(([vendor, bench]) => ({
		name: vendor.title,
		nodeFile: triggerFile(vendor),
		className: vendor.trigger,
		...bench,
	}));
}
