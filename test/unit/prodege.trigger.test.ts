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

	it('answers 200 with success false, naming the event, when the status is unknown', async () => {
		const observed = await deliver(node, setup(), signedJson(withSeed((event) => (event.status = 'ARCHIVED'))));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({
			success: false,
			error: {
				event_id: '644b075404443f2a3c77c7cb',
				error: 'Invalid event: status: must be one of LIVE, PAUSED, PENDING_COMPLETE, COMPLETE, INVOICED, DELETED',
			},
		});
		expect(observed.items).toBeUndefined();
	});

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

	it('answers 200 with success false when the update_reason is not a documented code', async () => {
		const observed = await deliver(node, setup(), signedJson(withSeed((event) => (event.update_reason = 157))));
		expect(observed.body).toEqual({
			success: false,
			error: {
				event_id: '644b075404443f2a3c77c7cb',
				error:
					'Invalid event: update_reason: must be one of the documented codes 113, 156, 158, 160, 207, 209, 222, 244, 902, 903, 999',
			},
		});
		expect(observed.items).toBeUndefined();
	});

	it('emits the valid events of a mixed list and names the first invalid one, with the others counted', async () => {
		const observed = await deliver(node, setup(), signedJson(MIXED));
		expect(observed.status).toBe(200);
		expect(observed.body).toEqual({
			success: false,
			error: {
				event_id: '65a1f0c2e4b0a1b2c3d4e5f9',
				error:
					'Invalid event: status: must be one of LIVE, PAUSED, PENDING_COMPLETE, COMPLETE, INVOICED, DELETED (and 1 more invalid: not-a-prodege-id)',
			},
		});
		expect(observed.items).toEqual([
			{
				event_id: '65a1f0c2e4b0a1b2c3d4e5f8',
				event_time: '2024-05-02 11:00:00',
				status: 'LIVE',
				update_reason: 999,
				project_id: 31000419,
				update_reason_description: 'Other',
				event_time_utc: '2024-05-02T18:00:00Z',
				eventName: 'projectStatusUpdate',
				eventKey: '65a1f0c2e4b0a1b2c3d4e5f8',
			},
		]);
		expect(observed.logs.filter(({ level }) => level === 'warn')).toHaveLength(2);
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
		const invalid = (id: string) => JSON.stringify({ ...(JSON.parse(SEED) as IDataObject), event_id: id, status: 'ARCHIVED' });
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
		const invalid = SEED.replace('"PAUSED"', '"ARCHIVED"');
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
