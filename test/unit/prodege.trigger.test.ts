import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';

import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';
import { type Delivery, type NodeSetup, type Observed, deliver } from '../helpers/webhook';

const fixture = (name: string): string => readFileSync(join(__dirname, '../fixtures/prodege', name), 'utf8');

/** The seed's data example, byte for byte: newlines and all. */
const SEED = fixture('project-status-update.json');
// The variants end with a newline, which is not part of a JSON value embedded in a body.
const BATCH = fixture('batch.json').trimEnd();
const MIXED = fixture('mixed-batch.json').trimEnd();

const SECRET = 'test-secret-9f3b61c2d7e84a05';

/** An oracle apart from the node's signer: the documented recipe, written out again. */
function sign(parameters: Record<string, string>, secret = SECRET): string {
	const stringToSign = Object.keys(parameters)
		.sort()
		.map((key) => `${key}=${parameters[key]}`)
		.join(':');
	return createHash('sha256').update(`${secret}:${stringToSign}`, 'utf8').digest('base64url');
}

/** A JSON body whose data is the given JSON text, embedded as it stands. */
function jsonBody(dataText: string, signature?: string): Delivery {
	const rawBody = `{"data":${dataText}${signature === undefined ? '' : `,"signature":${JSON.stringify(signature)}`}}`;
	return { rawBody };
}

/** A form body, as Prodege's own API calls are sent. n8n hands the node the fields as strings. */
function formBody(fields: Record<string, string>): Delivery {
	return {
		rawBody: new URLSearchParams(fields).toString(),
		body: { ...fields },
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
	};
}

function setup(parameters: IDataObject = {}, staticData: IDataObject = {}): NodeSetup {
	return { parameters, credentials: { prodegeApi: { secretKey: SECRET } }, staticData };
}

const node = new ProdegeTrigger();
const ACCEPTED = { success: true };
const REFUSED_SIGNATURE = { success: false, error: { event_id: null, error: 'Invalid or missing signature' } };

const SEED_ITEM = {
	event_id: '644b075404443f2a3c77c7cb',
	event_time: '2023-04-27 16:37:56',
	status: 'PAUSED',
	update_reason: 158,
	description: 'DISABLED_BY_HAS_REACHED_SAMPLE_SIZE',
	project_id: 29303649,
	update_reason_description: 'Disabled due to reaching sample size',
	update_reason_listed: true,
	// 27 April is on daylight time, UTC-7.
	event_time_utc: '2023-04-27T23:37:56Z',
	eventName: 'projectStatusUpdate',
	eventKey: '644b075404443f2a3c77c7cb',
};

/** Every log line, for checking that no secret or signature ever reaches the log. */
const logText = (logs: Array<{ message: string }>) => logs.map(({ message }) => message).join('\n');

describe('Prodege Trigger: the seed example', () => {
	it('emits the documented item from a signed JSON body whose data is the example object', async () => {
		const observed = await deliver(node, setup(), jsonBody(SEED, sign({ data: SEED })));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('emits the same item from a signed form body', async () => {
		const observed = await deliver(node, setup(), formBody({ data: SEED, signature: sign({ data: SEED }) }));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('emits the same item from a JSON body whose data is a JSON string', async () => {
		const rawBody = JSON.stringify({ data: SEED, signature: sign({ data: SEED }) });
		const observed = await deliver(node, setup(), { rawBody });
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('accepts a JSON body signed over the compact form of data when the body itself is laid out differently', async () => {
		const compact = JSON.stringify(JSON.parse(SEED));
		const rawBody = JSON.stringify({ data: JSON.parse(SEED), signature: sign({ data: compact }) }, null, 2);
		const observed = await deliver(node, setup(), { rawBody });
		expect(observed.status).toBe(200);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('emits every event of a list, keeping fields Prodege may add', async () => {
		const observed = await deliver(node, setup(), jsonBody(BATCH, sign({ data: BATCH })));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toEqual([
			{
				event_id: '65a1f0c2e4b0a1b2c3d4e5f6',
				event_time: '2024-01-15 09:05:00',
				status: 'PAUSED',
				update_reason: 160,
				description: 'DISABLED_BY_CPI_REALITY_CHECK',
				project_id: 31000417,
				required_cpi: '2.75',
				update_reason_description: 'Disabled by Real Time Pricing',
				update_reason_listed: true,
				// January is on standard time, UTC-8.
				event_time_utc: '2024-01-15T17:05:00Z',
				eventName: 'projectStatusUpdate',
				eventKey: '65a1f0c2e4b0a1b2c3d4e5f6',
			},
			{
				event_id: '65a1f0c2e4b0a1b2c3d4e5f7',
				event_time: '2024-07-04 18:30:12',
				status: 'COMPLETE',
				update_reason: 903,
				description: 'COMPLETE_RECONCILIATION',
				project_id: 31000418,
				reconciliation_note: 'Final counts agreed with the client',
				panel_region: 'US',
				update_reason_description:
					'Project reconciliation is complete and the status of a project is set to Complete',
				update_reason_listed: true,
				event_time_utc: '2024-07-05T01:30:12Z',
				eventName: 'projectStatusUpdate',
				eventKey: '65a1f0c2e4b0a1b2c3d4e5f7',
			},
		]);
	});
});

describe('Prodege Trigger: signatures', () => {
	const refusedWithoutExecution = async (delivery: Delivery, reason: string, parameters: IDataObject = {}) => {
		const observed = await deliver(node, setup(parameters), delivery);
		expect(observed.status).toBe(400);
		expect(observed.body).toEqual(REFUSED_SIGNATURE);
		expect(observed.items).toBeUndefined();
		expect(observed.logs).toContainEqual({ level: 'warn', message: `Prodege webhook refused: ${reason}` });
		return observed;
	};

	it('answers 400, starts no execution and logs why when the signature is wrong', async () => {
		const forged = sign({ data: SEED }, 'not-the-secret').replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
		const observed = await refusedWithoutExecution(jsonBody(SEED, forged), 'the signature does not match');
		expect(logText(observed.logs)).not.toContain(forged);
	});

	it('answers 400 when the signature is missing', async () => {
		await refusedWithoutExecution(jsonBody(SEED), 'the signature is missing');
	});

	it('answers 400 when the signature is empty', async () => {
		await refusedWithoutExecution(jsonBody(SEED, ''), 'the signature is missing');
	});

	it('answers 400 when data was changed after signing', async () => {
		const tampered = SEED.replace('"PAUSED"', '"LIVE"');
		await refusedWithoutExecution(jsonBody(tampered, sign({ data: SEED })), 'the signature does not match');
	});

	it('answers 400 when a form body was changed after signing', async () => {
		const tampered = SEED.replace('29303649', '29303650');
		await refusedWithoutExecution(
			formBody({ data: tampered, signature: sign({ data: SEED }) }),
			'the signature does not match',
		);
	});

	it('answers 400 when the call was signed with another secret, and never logs either secret', async () => {
		const other = 'someone-elses-secret-1234';
		const signature = sign({ data: SEED }, other);
		const observed = await refusedWithoutExecution(jsonBody(SEED, signature), 'the signature does not match');
		const logs = logText(observed.logs);
		expect(logs).not.toContain(SECRET);
		expect(logs).not.toContain(other);
		expect(logs).not.toContain(signature);
	});

	it('answers 400 when the body has no data to check the signature against', async () => {
		await refusedWithoutExecution(
			{ rawBody: JSON.stringify({ event: 'x', signature: sign({ event: 'x' }) }) },
			'the body has no data parameter to check the signature against',
		);
	});

	it('reads the signature from the named header when the body has none', async () => {
		const observed = await deliver(node, setup({ options: { signatureHeader: 'X-Prodege-Signature' } }), {
			...jsonBody(SEED),
			headers: { 'X-Prodege-Signature': sign({ data: SEED }) },
		});
		expect(observed.status).toBe(200);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('reads the signature from the named query parameter when the body has none', async () => {
		const observed = await deliver(node, setup({ options: { signatureQueryParameter: 'sig' } }), {
			...jsonBody(SEED),
			query: { sig: sign({ data: SEED }) },
		});
		expect(observed.status).toBe(200);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('ignores a signature in a header nobody named', async () => {
		await refusedWithoutExecution(
			{ ...jsonBody(SEED), headers: { signature: sign({ data: SEED }) } },
			'the signature is missing',
		);
	});

	it('checks every body parameter, sorted, when told so', async () => {
		const fields = { data: SEED, project_hint: 'x', apik: 'partner-key' };
		const parameters = { authentication: 'signedParameters' };
		const good = await deliver(node, setup(parameters), formBody({ ...fields, signature: sign(fields) }));
		expect(good.status).toBe(200);
		expect(good.items).toEqual([SEED_ITEM]);

		// Signed over data alone: not what this mode checks.
		await refusedWithoutExecution(
			formBody({ ...fields, signature: sign({ data: SEED }) }),
			'the signature does not match',
			parameters,
		);
	});

	it('signs the exact text of non-string JSON parameters in the sorted mode', async () => {
		const rawBody = `{"signature":"SIG","data":${SEED},"attempt":1.0}`;
		const signature = sign({ data: SEED, attempt: '1.0' });
		const observed = await deliver(node, setup({ authentication: 'signedParameters' }), {
			rawBody: rawBody.replace('SIG', signature),
		});
		expect(observed.status).toBe(200);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('answers 400, and runs nothing, for a caller outside the allowed addresses', async () => {
		const parameters = { options: { extraAllowedIps: '203.0.113.0/24' } };
		const delivery = { ...jsonBody(SEED, sign({ data: SEED })), remoteAddress: '198.51.100.7' };
		const observed = await deliver(node, setup(parameters), delivery);
		expect(observed.status).toBe(400);
		expect(observed.body).toEqual({ success: false, error: { event_id: null, error: 'The caller is not allowed' } });
		expect(observed.items).toBeUndefined();

		const allowed = await deliver(node, setup(parameters), { ...delivery, remoteAddress: '203.0.113.9' });
		expect(allowed.status).toBe(200);
		expect(allowed.items).toEqual([SEED_ITEM]);
	});

	it('answers 400 to an XML body, which Prodege does not send and which carries no signature', async () => {
		await refusedWithoutExecution(
			{ rawBody: '<data/>', body: { data: '' }, headers: { 'content-type': 'application/xml' } },
			'the signature is missing',
		);
	});

	it('answers 400 and logs why when the signature check holds an unknown value', async () => {
		await refusedWithoutExecution(
			jsonBody(SEED, sign({ data: SEED })),
			'the signature check "hmac" is not supported',
			{ authentication: 'hmac' },
		);
	});

	it('accepts unsigned calls when the check is off', async () => {
		const observed = await deliver(node, { parameters: { authentication: 'none' } }, jsonBody(SEED));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('fails loudly, rather than refusing Prodege, when the credential has no secret key', async () => {
		const observed = deliver(
			node,
			{ credentials: { prodegeApi: { secretKey: '' } } },
			jsonBody(SEED, sign({ data: SEED })),
		);
		await expect(observed).rejects.toThrow('The Prodege API credential has no secret key');
	});
});

describe('Prodege Trigger: events that are well signed but invalid', () => {
	const signedJson = (dataText: string) => jsonBody(dataText, sign({ data: dataText }));
	const withSeed = (change: (event: IDataObject) => void): string => {
		const event = JSON.parse(SEED) as IDataObject;
		change(event);
		return JSON.stringify(event);
	};

	it('answers 200 with success false when the event_id is not 24 hex characters', async () => {
		const observed = await deliver(node, setup(), signedJson(withSeed((event) => (event.event_id = '644b0754044'))));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({
			success: false,
			error: { event_id: '644b0754044', error: 'Invalid event: event_id: must be 24 hexadecimal characters' },
		});
		expect(observed.items).toBeUndefined();
	});

	it('answers 200 with success false and a null event_id when the event has no id at all', async () => {
		const observed = await deliver(node, setup(), signedJson(withSeed((event) => delete event.event_id)));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({ success: false, error: { event_id: null, error: 'Invalid event: event_id: Required' } });
		expect(observed.items).toBeUndefined();
	});

	it('emits the valid events of a mixed list, an unlisted status among them, and names the invalid one', async () => {
		const observed = await deliver(node, setup(), signedJson(MIXED));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({
			success: false,
			error: { event_id: 'not-a-prodege-id', error: 'Invalid event: event_id: must be 24 hexadecimal characters' },
		});
		expect(observed.items).toEqual([
			{
				event_id: '65a1f0c2e4b0a1b2c3d4e5f8',
				event_time: '2024-05-02 11:00:00',
				status: 'LIVE',
				update_reason: 999,
				project_id: 31000419,
				update_reason_description: 'Other',
				update_reason_listed: true,
				event_time_utc: '2024-05-02T18:00:00Z',
				eventName: 'projectStatusUpdate',
				eventKey: '65a1f0c2e4b0a1b2c3d4e5f8',
			},
			{
				event_id: '65a1f0c2e4b0a1b2c3d4e5f9',
				event_time: '2024-05-02 11:00:01',
				status: 'ARCHIVED',
				update_reason: 244,
				project_id: 31000420,
				update_reason_description: 'Disabled by support agent',
				update_reason_listed: true,
				event_time_utc: '2024-05-02T18:00:01Z',
				eventName: 'projectStatusUpdate',
				eventKey: '65a1f0c2e4b0a1b2c3d4e5f9',
			},
		]);
		// The invalid event, and the unlisted status once.
		expect(observed.logs.filter(({ level }) => level === 'warn').map(({ message }) => message)).toEqual([
			'Prodege webhook event 2 rejected: event_id: must be 24 hexadecimal characters',
			'Prodege sent status "ARCHIVED", a value this package does not list; the event is emitted with it as sent',
		]);
	});

	it('names at most ten further invalid events, so a large batch gets a short answer', async () => {
		const bad = Array.from({ length: 12 }, (_, index) => ({ event_id: `bad-${index}` }));
		const data = JSON.stringify(bad);
		const observed = await deliver(node, setup(), jsonBody(data, sign({ data })));
		expect(observed.status).toBe(200);
		const { error } = observed.body as { error: { event_id: string; error: string } };
		expect(error.event_id).toBe('bad-0');
		expect(error.error).toMatch(/ \(and 11 more invalid: bad-1, bad-2, bad-3, bad-4, bad-5, bad-6, bad-7, bad-8, bad-9, bad-10, …\)$/);
		expect(observed.items).toBeUndefined();
	});

	it('names its own invalid event when another delivery is handled while it is', async () => {
		const invalid = (id: string) => JSON.stringify({ ...(JSON.parse(SEED) as IDataObject), event_id: id, event_time: 'yesterday' });
		const first = '000000000000000000000001';
		const second = '000000000000000000000002';
		let during: Promise<Observed> | undefined;
		// The first delivery reads its Statuses filter after splitting and before answering: the second is
		// handled from start to answer right there.
		const parameters: IDataObject = { authentication: 'none' };
		Object.defineProperty(parameters, 'statuses', {
			enumerable: true,
			get: () => {
				during ??= deliver(node, { parameters: { authentication: 'none' } }, jsonBody(invalid(second)));
				return [];
			},
		});
		const outer = await deliver(node, { parameters }, jsonBody(invalid(first)));
		const inner = await during;
		expect(inner).toBeDefined();
		expect((outer.body as { error: { event_id: string } }).error.event_id).toBe(first);
		expect((inner?.body as { error: { event_id: string } }).error.event_id).toBe(second);
	});
});

describe('Prodege Trigger: bodies that cannot be read', () => {
	const refused = async (delivery: Delivery, error: string) => {
		const observed = await deliver(node, { parameters: { authentication: 'none' } }, delivery);
		expect(observed.status).toBe(400);
		expect(observed.body).toEqual({ success: false, error: { event_id: null, error } });
		expect(observed.items).toBeUndefined();
	};

	it('answers 400 when data is a string that is not JSON', async () => {
		await refused(formBody({ data: '{"event_id": ' }), 'Cannot read the delivery: the data parameter is not valid JSON');
	});

	it('answers 400 when the body has no data parameter', async () => {
		await refused({ rawBody: '{"events":[]}' }, 'Cannot read the delivery: the body has no data parameter');
	});

	it('answers 400 when data is neither an event nor a list', async () => {
		await refused(
			{ rawBody: '{"data":42}' },
			'Cannot read the delivery: the data parameter is neither an event nor a list of events',
		);
	});

	it('answers 400 when the body is empty', async () => {
		await refused(
			{ rawBody: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
			'Cannot read the delivery: the form body is empty',
		);
	});

	it('answers 400 for a bad signature before it looks at the events', async () => {
		const observed = await deliver(node, setup(), formBody({ data: 'not json', signature: 'x' }));
		expect(observed.status).toBe(400);
		expect(observed.body).toEqual(REFUSED_SIGNATURE);
	});
});

describe('Prodege Trigger: filters and duplicates', () => {
	it('answers 200 and starts nothing when the status is filtered out', async () => {
		const observed = await deliver(node, setup({ statuses: ['LIVE', 'COMPLETE'] }), jsonBody(SEED, sign({ data: SEED })));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toBeUndefined();
	});

	it('keeps only the update reasons selected', async () => {
		const observed = await deliver(node, setup({ updateReasons: ['903'] }), jsonBody(BATCH, sign({ data: BATCH })));
		expect(observed.status).toBe(200);
		expect(observed.items?.map((item) => item.event_id)).toEqual(['65a1f0c2e4b0a1b2c3d4e5f7']);
	});

	it('applies both filters together', async () => {
		const parameters = { statuses: ['PAUSED'], updateReasons: ['158', '160'] };
		const observed = await deliver(node, setup(parameters), jsonBody(BATCH, sign({ data: BATCH })));
		expect(observed.items?.map((item) => item.event_id)).toEqual(['65a1f0c2e4b0a1b2c3d4e5f6']);
	});

	it('answers 200 to a resend of an event already emitted, and starts nothing', async () => {
		const staticData: IDataObject = {};
		const first = await deliver(node, setup({}, staticData), jsonBody(SEED, sign({ data: SEED })));
		expect(first.items).toEqual([SEED_ITEM]);

		const again = await deliver(node, setup({}, staticData), formBody({ data: SEED, signature: sign({ data: SEED }) }));
		expect(again.status).toBe(200);
		expect(again.body).toEqual(ACCEPTED);
		expect(again.items).toBeUndefined();
	});

	it('treats an event_id in other letter case as the same event', async () => {
		const staticData: IDataObject = {};
		await deliver(node, setup({}, staticData), jsonBody(SEED, sign({ data: SEED })));
		const upper = SEED.replace('644b075404443f2a3c77c7cb', '644B075404443F2A3C77C7CB');
		const again = await deliver(node, setup({}, staticData), jsonBody(upper, sign({ data: upper })));
		expect(again.status).toBe(200);
		expect(again.items).toBeUndefined();
	});

	it('emits an event that is repeated inside one delivery once', async () => {
		const twice = `[${SEED},${SEED}]`;
		const observed = await deliver(node, setup(), jsonBody(twice, sign({ data: twice })));
		expect(observed.status).toBe(200);
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('emits a resend again when deduplication is turned off', async () => {
		const staticData: IDataObject = {};
		const parameters = { options: { dedupeWindow: 0 } };
		await deliver(node, setup(parameters, staticData), jsonBody(SEED, sign({ data: SEED })));
		const again = await deliver(node, setup(parameters, staticData), jsonBody(SEED, sign({ data: SEED })));
		expect(again.items).toEqual([SEED_ITEM]);
	});
});

describe('Prodege Trigger: answering when the workflow finishes', () => {
	const parameters = { responseMode: 'lastNode' };

	it('leaves the answer to n8n, which sends 500 if the workflow fails so that Prodege resends', async () => {
		const observed = await deliver(node, setup(parameters), jsonBody(SEED, sign({ data: SEED })));
		// No answer yet: n8n answers when the run ends.
		expect(observed.status).toBeUndefined();
		expect(observed.raw.noWebhookResponse).toBeUndefined();
		expect(observed.items).toEqual([SEED_ITEM]);
	});

	it('runs a resend again, since it follows a failed run', async () => {
		const staticData: IDataObject = {};
		const first = await deliver(node, setup(parameters, staticData), jsonBody(SEED, sign({ data: SEED })));
		const resend = await deliver(node, setup(parameters, staticData), jsonBody(SEED, sign({ data: SEED })));
		expect(first.items).toEqual([SEED_ITEM]);
		expect(resend.status).toBeUndefined();
		expect(resend.items).toEqual([SEED_ITEM]);
	});

	it('still answers a bad signature at once with 400', async () => {
		const observed = await deliver(node, setup(parameters), jsonBody(SEED, 'bad'));
		expect(observed.status).toBe(400);
		expect(observed.body).toEqual(REFUSED_SIGNATURE);
		expect(observed.items).toBeUndefined();
	});

	it('still answers an invalid event at once with 200 and success false', async () => {
		const invalid = SEED.replace('"2023-04-27 16:37:56"', '"2023-04-27"');
		const observed = await deliver(node, setup(parameters), jsonBody(invalid, sign({ data: invalid })));
		expect(observed.status).toBe(200);
		expect(observed.body).toMatchObject({ success: false, error: { event_id: '644b075404443f2a3c77c7cb' } });
		expect(observed.items).toBeUndefined();
	});
});

describe('Prodege Trigger: event times across the DST switches', () => {
	const at = async (eventTime: string) => {
		const data = SEED.replace('2023-04-27 16:37:56', eventTime);
		const observed = await deliver(node, setup({ options: { dedupeWindow: 0 } }), jsonBody(data, sign({ data })));
		expect(observed.status).toBe(200);
		return observed.items?.[0];
	};

	it('reads the last second of standard time in March as UTC-8', async () => {
		expect(await at('2024-03-10 01:59:59')).toMatchObject({ event_time_utc: '2024-03-10T09:59:59Z' });
	});

	it('reads the first second of daylight time in March as UTC-7', async () => {
		expect(await at('2024-03-10 03:00:00')).toMatchObject({ event_time_utc: '2024-03-10T10:00:00Z' });
	});

	it('reads a skipped time in March with the offset before the switch', async () => {
		expect(await at('2024-03-10 02:30:00')).toMatchObject({
			event_time: '2024-03-10 02:30:00',
			event_time_utc: '2024-03-10T10:30:00Z',
		});
	});

	it('reads a repeated time in November as the earlier instant, still on daylight time', async () => {
		expect(await at('2024-11-03 01:30:00')).toMatchObject({ event_time_utc: '2024-11-03T08:30:00Z' });
	});

	it('reads the time after the repeated hour in November as UTC-8', async () => {
		expect(await at('2024-11-03 02:00:00')).toMatchObject({ event_time_utc: '2024-11-03T10:00:00Z' });
	});

	it('refuses, with success false, a time that is no time at all', async () => {
		const data = SEED.replace('2023-04-27 16:37:56', '2023-02-29 10:00:00');
		const observed = await deliver(node, setup(), jsonBody(data, sign({ data })));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({
			success: false,
			error: {
				event_id: '644b075404443f2a3c77c7cb',
				error: 'Invalid event: event_time: must be a real date and time as YYYY-MM-DD HH:mm:ss',
			},
		});
		expect(observed.items).toBeUndefined();
	});
});

describe('Prodege Trigger: statuses and update reasons Prodege has not documented', () => {
	const signedJson = (dataText: string) => jsonBody(dataText, sign({ data: dataText }));
	const event = (fields: IDataObject): string => JSON.stringify({ ...(JSON.parse(SEED) as IDataObject), ...fields });
	const unlistedLines = (logs: Array<{ message: string }>) => logs.filter(({ message }) => message.includes('does not list')).map(({ message }) => message);

	it('emits a reason 161 with an unlisted status, every field kept, described by what Prodege sent, and logs each once', async () => {
		const data = event({
			event_id: '0000000000000000000001a1',
			status: 'ON_HOLD',
			update_reason: 161,
			description: 'DISABLED_BY_CPI_REALITY_CHECK',
			required_cpi: '3.10',
			rejection_note: 'Rejected by the client',
			panel: { region: 'US' },
		});
		const observed = await deliver(node, setup(), signedJson(data));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toEqual([
			{
				event_id: '0000000000000000000001a1',
				event_time: '2023-04-27 16:37:56',
				status: 'ON_HOLD',
				update_reason: 161,
				description: 'DISABLED_BY_CPI_REALITY_CHECK',
				project_id: 29303649,
				required_cpi: '3.10',
				rejection_note: 'Rejected by the client',
				panel: { region: 'US' },
				update_reason_description: 'DISABLED_BY_CPI_REALITY_CHECK',
				update_reason_listed: false,
				event_time_utc: '2023-04-27T23:37:56Z',
				eventName: 'projectStatusUpdate',
				eventKey: '0000000000000000000001a1',
			},
		]);
		expect(unlistedLines(observed.logs)).toEqual([
			'Prodege sent status "ON_HOLD", a value this package does not list; the event is emitted with it as sent',
			'Prodege sent update_reason "161", a value this package does not list; the event is emitted with it as sent',
		]);
		const again = await deliver(node, setup(), signedJson(event({ event_id: '0000000000000000000001a2', status: 'ON_HOLD', update_reason: '161' })));
		expect(again.items).toHaveLength(1);
		expect(unlistedLines(again.logs)).toEqual([]);
	});

	it.each([
		[{}, null],
		[{ description: null }, null],
		[{ description: 'SOMETHING_NEW' }, 'SOMETHING_NEW'],
	])('describes an unlisted code by the description sent, %j', async (fields, described) => {
		const { description: _seedDescription, ...seed } = JSON.parse(SEED) as IDataObject;
		const data = JSON.stringify({ ...seed, update_reason: 4242, ...fields });
		const observed = await deliver(node, setup(), signedJson(data));
		expect(observed.items).toEqual([expect.objectContaining({ update_reason: 4242, update_reason_description: described, update_reason_listed: false })]);
	});

	it('keeps a listed code described by the table, whatever description Prodege sent', async () => {
		const observed = await deliver(node, setup(), signedJson(event({ update_reason: 113, description: 'MAX_CLICKS' })));
		expect(observed.items).toEqual([expect.objectContaining({ description: 'MAX_CLICKS', update_reason_description: 'Disabled due to reaching max clicks', update_reason_listed: true })]);
	});

	it('leaves an unlisted status or reason out, answered as a success, when the filters name others; keeps it when they name it', async () => {
		const data = event({ status: 'ON_HOLD', update_reason: 161 });
		const byStatus = await deliver(node, setup({ statuses: ['PAUSED'] }), signedJson(data));
		expect([byStatus.status, byStatus.body, byStatus.items]).toEqual([200, ACCEPTED, undefined]);
		const byReason = await deliver(node, setup({ updateReasons: ['158'] }), signedJson(data));
		expect([byReason.status, byReason.body, byReason.items]).toEqual([200, ACCEPTED, undefined]);
		// An expression may name a value the list does not offer.
		const named = await deliver(node, setup({ statuses: ['ON_HOLD'], updateReasons: ['161'] }), signedJson(data));
		expect(named.items).toEqual([expect.objectContaining({ status: 'ON_HOLD', update_reason: 161 })]);
	});

	it.each([
		[{ update_reason: '16a' }, 'update_reason: must be a whole number'],
		[{ update_reason: 1.5 }, 'update_reason: must be a whole number'],
		[{ status: 42 }, 'status: must be text'],
		[{ project_id: undefined }, 'project_id: must be a whole number'],
		[{ event_time: '2023-04-31 10:00:00' }, 'event_time: must be a real date and time as YYYY-MM-DD HH:mm:ss'],
	])('still refuses %j with 200 and success false', async (fields, error) => {
		const observed = await deliver(node, setup(), signedJson(event(fields)));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({ success: false, error: { event_id: '644b075404443f2a3c77c7cb', error: `Invalid event: ${error}` } });
		expect(observed.items).toBeUndefined();
	});
});

describe('Prodege Trigger: the Real Time Pricing webhook', () => {
	/** Prodege's Real Time Pricing example, byte for byte. */
	const RTP = fixture('real-time-pricing.json');
	const signedJson = (dataText: string) => jsonBody(dataText, sign({ data: dataText }));
	const rtp = (fields: IDataObject): string => JSON.stringify({ ...(JSON.parse(RTP) as IDataObject), ...fields });

	const RTP_ITEM = {
		event_id: '63e174296722563b9cc28d96',
		event_time: '2023-02-06 13:42:01',
		max_cpi: '36',
		current_cpi: '30',
		avg_cpi: '1',
		required_cpi: '90',
		project_id: 27293192,
		bid_ir: 50,
		actual_ir: 5,
		bid_loi: 1,
		actual_median_loi: 1,
		project_status: 'PAUSED',
		// 6 February is on standard time, UTC-8.
		event_time_utc: '2023-02-06T21:42:01Z',
		eventName: 'realTimePricing',
		eventKey: 'realTimePricing:63e174296722563b9cc28d96',
	};

	it('emits one item from a signed form body holding the example, and answers 200 success true', async () => {
		const observed = await deliver(node, setup(), formBody({ data: RTP, signature: sign({ data: RTP }) }));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toEqual([RTP_ITEM]);
	});

	it('emits the same item from a signed JSON body, and refuses it with a wrong signature', async () => {
		const observed = await deliver(node, setup(), jsonBody(RTP, sign({ data: RTP })));
		expect(observed.items).toEqual([RTP_ITEM]);
		const forged = await deliver(node, setup(), jsonBody(RTP, sign({ data: RTP }, 'not-the-secret')));
		expect([forged.status, forged.body, forged.items]).toEqual([400, REFUSED_SIGNATURE, undefined]);
	});

	it('reads numbers sent as text, and CPIs sent as numbers, into the documented types', async () => {
		const data = rtp({ project_id: '27293192', bid_ir: '50', actual_ir: '5.5', max_cpi: 36, current_cpi: 30.25 });
		const observed = await deliver(node, setup(), signedJson(data));
		expect(observed.items).toEqual([{ ...RTP_ITEM, bid_ir: 50, actual_ir: 5.5, max_cpi: '36', current_cpi: '30.25' }]);
	});

	it('emits a status update and a Real Time Pricing event received at the same URL, told apart by their fields', async () => {
		const both = `[${SEED},${RTP}]`;
		const observed = await deliver(node, setup(), signedJson(both));
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items).toEqual([SEED_ITEM, RTP_ITEM]);
	});

	it.each([
		[['projectStatusUpdate'], ['projectStatusUpdate']],
		[['realTimePricing'], ['realTimePricing']],
		[['projectStatusUpdate', 'realTimePricing'], ['projectStatusUpdate', 'realTimePricing']],
		[[], ['projectStatusUpdate', 'realTimePricing']],
	])('keeps only the kinds picked under Events: %j', async (events, names) => {
		const both = `[${SEED},${RTP}]`;
		const observed = await deliver(node, setup({ events }), signedJson(both));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual(ACCEPTED);
		expect(observed.items?.map((item) => item.eventName)).toEqual(names);
	});

	it('answers 200 success true and starts nothing when Real Time Pricing is not picked', async () => {
		const observed = await deliver(node, setup({ events: ['projectStatusUpdate'] }), signedJson(RTP));
		expect([observed.status, observed.body, observed.items]).toEqual([200, ACCEPTED, undefined]);
	});

	it('filters by project_status under Statuses, and is let through by Update Reasons, which it has none of', async () => {
		const paused = await deliver(node, setup({ statuses: ['PAUSED'], updateReasons: ['160'], options: { dedupeWindow: 0 } }), signedJson(RTP));
		expect(paused.items).toEqual([RTP_ITEM]);
		const live = await deliver(node, setup({ statuses: ['LIVE'], options: { dedupeWindow: 0 } }), signedJson(RTP));
		expect([live.status, live.body, live.items]).toEqual([200, ACCEPTED, undefined]);
	});

	it('emits an unlisted project_status as sent, every field kept, and logs it once', async () => {
		const data = rtp({ project_status: 'THROTTLED', bid_cpi: '12', quota: { id: 7 } });
		const observed = await deliver(node, setup(), signedJson(data));
		expect(observed.items).toEqual([{ ...RTP_ITEM, project_status: 'THROTTLED', bid_cpi: '12', quota: { id: 7 } }]);
		expect(observed.logs.map(({ message }) => message)).toContain(
			'Prodege sent project_status "THROTTLED", a value this package does not list; the event is emitted with it as sent',
		);
	});

	it('drops a resend of a Real Time Pricing event, but not a status update that shares its event_id', async () => {
		const staticData: IDataObject = {};
		const first = await deliver(node, setup({}, staticData), signedJson(RTP));
		expect(first.items).toEqual([RTP_ITEM]);
		const resend = await deliver(node, setup({}, staticData), signedJson(RTP));
		expect([resend.status, resend.body, resend.items]).toEqual([200, ACCEPTED, undefined]);
		const sameId = JSON.stringify({ ...(JSON.parse(SEED) as IDataObject), event_id: '63e174296722563b9cc28d96' });
		const update = await deliver(node, setup({}, staticData), signedJson(sameId));
		expect(update.items).toEqual([expect.objectContaining({ eventName: 'projectStatusUpdate', eventKey: '63e174296722563b9cc28d96' })]);
	});

	it.each([
		[{ event_time: '2023-02-30 13:42:01' }, 'event_time: must be a real date and time as YYYY-MM-DD HH:mm:ss'],
		[{ project_id: 'P-27293192' }, 'project_id: must be a whole number'],
		[{ event_id: '63e17429' }, 'event_id: must be 24 hexadecimal characters'],
		[{ bid_ir: 'fifty' }, 'bid_ir: must be a number'],
		[{ max_cpi: true }, 'max_cpi: must be text or a number'],
	])('answers 400, naming the event, to a Real Time Pricing event with %j, and starts nothing', async (fields, error) => {
		const data = rtp(fields);
		const observed = await deliver(node, setup(), signedJson(data));
		expect(observed.status).toBe(400);
		const eventId = (JSON.parse(data) as { event_id: string }).event_id;
		expect(observed.body).toEqual({ success: false, error: { event_id: eventId, error: `Invalid event: ${error}` } });
		expect(observed.items).toBeUndefined();
		expect(observed.logs).toContainEqual({ level: 'warn', message: `Prodege webhook event 0 rejected: ${error}` });
	});

	it('answers 400 with a null event_id to a Real Time Pricing event without one', async () => {
		const { event_id: _id, ...rest } = JSON.parse(RTP) as IDataObject;
		const observed = await deliver(node, setup(), signedJson(JSON.stringify(rest)));
		expect(observed.status).toBe(400);
		expect(observed.body).toEqual({ success: false, error: { event_id: null, error: 'Invalid event: event_id: Required' } });
	});

	it('answers as for a status update (200, success false) when a status update is among the invalid events', async () => {
		const data = `[${rtp({ project_id: -1 })},${SEED.replace('"2023-04-27 16:37:56"', '"never"')}]`;
		const observed = await deliver(node, setup(), signedJson(data));
		expect(observed.status).toBe(200);
		expect(observed.body).toMatchObject({ success: false, error: { event_id: '63e174296722563b9cc28d96' } });
	});

	it('answers 200 success false to an event that is neither kind', async () => {
		const data = JSON.stringify({ event_id: '63e174296722563b9cc28d96', event_time: '2023-02-06 13:42:01', project_id: 1 });
		const observed = await deliver(node, setup(), signedJson(data));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({
			success: false,
			error: {
				event_id: '63e174296722563b9cc28d96',
				error: 'Invalid event: (event): is neither a Project Status Update (status, update_reason) nor a Real Time Pricing event (project_status, max_cpi)',
			},
		});
	});

	it('still answers a refused Real Time Pricing event at once with 400 when answering after the workflow', async () => {
		const data = rtp({ event_time: 'soon' });
		const observed = await deliver(node, setup({ responseMode: 'lastNode' }), signedJson(data));
		expect(observed.status).toBe(400);
		expect(observed.items).toBeUndefined();
	});
});
