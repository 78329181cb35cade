import type { IDataObject } from 'n8n-workflow';

import { ProdegeApi } from '../../credentials/ProdegeApi.credentials';
import { Prodege } from '../../nodes/Prodege/Prodege.node';
import { type ContextSetup, type Logged, runAction } from '../helpers/execute';
import type { CredentialStore, RequestLog } from '../helpers/n8nHttp';
import { mockSignature, type ProdegeMock, startProdegeMock } from '../mocks/prodegeApi';

const node = new Prodege();
let api: ProdegeMock;
let credential: CredentialStore;

beforeEach(async () => {
	api = await startProdegeMock();
	credential = { type: new ProdegeApi(), data: api.credentialData() };
});
afterEach(async () => {
	await api.stop();
});

const run = async (parameters: IDataObject | IDataObject[], extra: Partial<ContextSetup> = {}) => {
	const count = Array.isArray(parameters) ? parameters.length : 1;
	const [output] = await runAction(
		node,
		{ parameters, credentials: { prodegeApi: credential }, ...extra },
		Array.from({ length: count }, () => ({ json: {} })),
	);
	return output;
};

const failure = async (parameters: IDataObject, extra: Partial<ContextSetup> = {}) =>
	await run(parameters, extra).then(
		() => {
			throw new Error('expected the node to fail');
		},
		(error: unknown) => error as { message: string; description?: string; httpCode?: string; context: IDataObject },
	);

/** The last request Prodege received, checked as Prodege checks it: signed with the secret, dated now. */
function lastSigned(call: string) {
	const request = api.requests.filter((entry) => entry.call === call).at(-1);
	if (!request) throw new Error(`Prodege received no ${call}`);
	const { signature, apik, request_date: requestDate, ...own } = request.params;
	expect(apik).toBe(api.apik);
	expect(Math.abs(Date.now() - Number(requestDate))).toBeLessThan(10_000);
	expect(signature).toBe(mockSignature(api.secretKey, request.params));
	return { method: request.method, contentType: request.contentType, params: own };
}

const PROJECT_URL = 'https://survey.example.com/s?tid=%transid%';
/** Project → Create with the required fields; `extra` adds or replaces some. */
const create = (extra: IDataObject = {}): IDataObject => ({
	resource: 'project',
	operation: 'create',
	projectId: 'J',
	projectTypeId: 1,
	countryId: 1,
	loi: 10,
	expectedIr: 50,
	projectUrl: PROJECT_URL,
	...extra,
});

describe('Prodege node: description', () => {
	it('is usable as an AI tool, uses the Prodege API credential and tests it with a signed call', () => {
		expect(node.description.usableAsTool).toBe(true);
		expect(node.description.credentials).toEqual([{ name: 'prodegeApi', required: true, testedBy: 'prodegeCredentialCheck' }]);
		expect(node.description.icon).toEqual({ light: 'file:prodege.svg', dark: 'file:prodege.dark.svg' });
	});
});

describe('Prodege node: Project operations against the mock Demand API', () => {
	it('Create: sends a signed form POST of the documented fields and returns the new project', async () => {
		const output = await run({
			resource: 'project',
			operation: 'create',
			projectId: 'JOB-41',
			projectTypeId: 1,
			countryId: 5,
			loi: 12,
			expectedIr: 35,
			projectUrl: PROJECT_URL,
			additionalFields: {
				projectName: 'Shoppers 2026',
				cpi: 2.75,
				projectLanguageIds: '1, 2',
				estimatedStart: '2026-03-01T00:00:00',
				mobileOptimized: false,
			},
		});
		const sent = lastSigned('project-create');
		expect(sent.method).toBe('POST');
		expect(sent.contentType).toBe('application/x-www-form-urlencoded');
		expect(sent.params).toEqual({
			project_id: 'JOB-41',
			project_type_id: '1',
			country_id: '5',
			loi: '12',
			expected_ir: '35',
			project_url: PROJECT_URL,
			project_name: 'Shoppers 2026',
			cpi: '2.75',
			project_language_ids: '["1","2"]',
			estimated_start: '03/01/2026',
			mobile_optimized: 'false',
		});
		const id = [...api.projects.values()].find((project) => project.project_id === 'JOB-41')!.prodege_project_id;
		expect(output).toEqual([{ json: { prodege_project_id: id, project_id: 'JOB-41' }, pairedItem: { item: 0 } }]);
		expect(api.projects.get(id)?.status).toBe('PENDING');
	});

	it('Get: reads project-get-info with a signed GET and parses project_info from its JSON string', async () => {
		const id = api.addProject({ status: 'LIVE', project_id: 'JOB-7', cpi: 3, max_cpi: 5, project_name: 'Panel' });
		const [item] = await run({ resource: 'project', operation: 'get', prodegeProjectId: String(id) });
		const sent = lastSigned('project-get-info');
		expect(sent).toMatchObject({ method: 'GET', params: { prodege_project_id: String(id) } });
		expect(item.json).toMatchObject({ prodege_project_id: id, project_id: 'JOB-7', status: 'LIVE', cpi: 3, max_cpi: 5, project_name: 'Panel' });
		expect(item.json).not.toHaveProperty('project_info');
	});

	it('Update: sets a PENDING project with quotas LIVE, after reading its status and quotas', async () => {
		const id = api.addProject({ status: 'PENDING' });
		api.addQuota(id);
		const [item] = await run({
			resource: 'project',
			operation: 'update',
			prodegeProjectId: String(id),
			updateFields: { status: 'LIVE', projectName: 'Renamed' },
		});
		expect(api.requests.map((request) => request.call)).toEqual(['project-get-info', 'project-quotas-by-id', 'project-update']);
		expect(lastSigned('project-update').params).toEqual({ prodege_project_id: String(id), status: 'LIVE', project_name: 'Renamed' });
		expect(item.json).toEqual({
			prodege_project_id: id,
			updated_fields: ['project_name', 'status'],
			status: 'LIVE',
			previous_status: 'PENDING',
		});
		expect(api.projects.get(id)?.status).toBe('LIVE');
	});

	it('Update: changes fields without a status in one call, reading nothing first', async () => {
		const id = api.addProject({ status: 'LIVE' });
		const [item] = await run({ resource: 'project', operation: 'update', prodegeProjectId: String(id), updateFields: { cpi: 4.5, loi: 15 } });
		expect(api.requests.map((request) => request.call)).toEqual(['project-update']);
		expect(lastSigned('project-update').params).toEqual({ prodege_project_id: String(id), cpi: '4.5', loi: '15' });
		expect(item.json).toEqual({ prodege_project_id: id, updated_fields: ['cpi', 'loi'] });
		expect(api.projects.get(id)?.cpi).toBe(4.5);
	});

	it('Duplicate: copies a project under a new project ID', async () => {
		const id = api.addProject({ status: 'COMPLETE', project_id: 'JOB-1' });
		const [item] = await run({ resource: 'project', operation: 'duplicate', prodegeProjectId: String(id), newProjectId: 'JOB-1-B' });
		expect(lastSigned('project-duplicate')).toMatchObject({ method: 'POST', params: { prodege_project_id: String(id), project_id: 'JOB-1-B' } });
		const copy = [...api.projects.values()].find((project) => project.project_id === 'JOB-1-B')!;
		expect(item.json).toEqual({ prodege_project_id: copy.prodege_project_id, project_id: 'JOB-1-B', source_prodege_project_id: id });
		expect(copy.status).toBe('PENDING');
	});

	it('Update CPI: sends external_update=true, and a CPI at the required price resumes a project Real Time Pricing paused', async () => {
		const id = api.addProject({ status: 'LIVE', cpi: 2 });
		api.addQuota(id);
		api.pauseByRealTimePricing(id, 3.5);
		const [item] = await run({ resource: 'project', operation: 'updateCpi', prodegeProjectId: String(id), cpi: 3.5 });
		expect(lastSigned('project-update-cpi').params).toEqual({ prodege_project_id: String(id), cpi: '3.5', external_update: 'true' });
		expect(item.json).toEqual({ prodege_project_id: id, cpi: 3.5 });
		expect(api.projects.get(id)).toMatchObject({ status: 'LIVE', cpi: 3.5 });
	});

	it('runs once per input item, each with its own project', async () => {
		const first = api.addProject({ status: 'LIVE', project_id: 'A' });
		const second = api.addProject({ status: 'PAUSED', project_id: 'B' });
		const output = await run([
			{ resource: 'project', operation: 'get', prodegeProjectId: String(first) },
			{ resource: 'project', operation: 'get', prodegeProjectId: String(second) },
		]);
		expect(output.map((item) => [item.json.project_id, item.json.status, item.pairedItem])).toEqual([
			['A', 'LIVE', { item: 0 }],
			['B', 'PAUSED', { item: 1 }],
		]);
	});
});

describe('Prodege node: Quota operations against the mock Demand API', () => {
	const criteria = [{ question_id: 42, precodes: ['1', '2'] }];

	it('Create: sends the targeting criteria as a JSON array and returns the quota ID', async () => {
		const id = api.addProject({ status: 'PENDING' });
		const [item] = await run({
			resource: 'quota',
			operation: 'create',
			prodegeProjectId: String(id),
			numberOfRespondents: 250,
			targetingCriteria: JSON.stringify(criteria),
			additionalFields: { quotaName: 'Women 18-34', calculationType: 2 },
		});
		expect(lastSigned('quota-create').params).toEqual({
			prodege_project_id: String(id),
			number_of_respondents: '250',
			targeting_criteria: JSON.stringify(criteria),
			quota_name: 'Women 18-34',
			calculation_type: '2',
		});
		const [quota] = api.quotas.get(id)!;
		expect(item.json).toEqual({ quota_id: quota.quota_id, prodege_project_id: id });
		expect(quota).toMatchObject({ number_of_respondents: 250, targeting_criteria: criteria, calculation_type: 2 });
	});

	it('Update: turns a quota off', async () => {
		const id = api.addProject({ status: 'LIVE' });
		const quotaId = api.addQuota(id);
		const [item] = await run({
			resource: 'quota',
			operation: 'update',
			prodegeProjectId: String(id),
			quotaId: String(quotaId),
			updateFields: { active: false, numberOfRespondents: 80 },
		});
		expect(lastSigned('quota-update').params).toEqual({
			prodege_project_id: String(id),
			quota_id: String(quotaId),
			active: 'false',
			number_of_respondents: '80',
		});
		expect(item.json).toEqual({ quota_id: quotaId, prodege_project_id: id, updated_fields: ['active', 'number_of_respondents'] });
		expect(api.quotas.get(id)![0]).toMatchObject({ active: 'false', number_of_respondents: 80 });
	});

	it('Get Many: lists a project’s quotas, all or up to the limit', async () => {
		const id = api.addProject({ status: 'LIVE' });
		const ids = [api.addQuota(id, { quota_completes: 7 }), api.addQuota(id), api.addQuota(id)];
		const all = await run({ resource: 'quota', operation: 'getAll', prodegeProjectId: String(id), returnAll: true });
		expect(lastSigned('project-quotas-by-id')).toMatchObject({ method: 'GET', params: { prodege_project_id: String(id) } });
		expect(all.map((item) => item.json.quota_id)).toEqual(ids);
		expect(all[0].json).toMatchObject({ prodege_project_id: id, active: 'true', quota_completes: 7, targeting_criteria: [] });
		const two = await run({ resource: 'quota', operation: 'getAll', prodegeProjectId: String(id), returnAll: false, limit: 2 });
		expect(two).toHaveLength(2);
	});
});

describe('Prodege node: status changes checked before the call', () => {
	it.each([
		['PENDING', 'PAUSED', 2016, 'PENDING Projects cannot transition to PAUSED or COMPLETE'],
		['PENDING', 'COMPLETE', 2016, 'PENDING Projects cannot transition to PAUSED or COMPLETE'],
		['LIVE', 'PENDING', 2015, 'Non-PENDING projects cannot be set back to PENDING status'],
		['PAUSED', 'PENDING', 2015, 'Non-PENDING projects cannot be set back to PENDING status'],
		['COMPLETE', 'LIVE', 2014, 'No further changes can be made once project is in COMPLETE status'],
	])('%s → %s is refused with code %d, and no update is sent', async (current, next, code, text) => {
		const id = api.addProject({ status: current });
		api.addQuota(id);
		const error = await failure({ resource: 'project', operation: 'update', prodegeProjectId: String(id), updateFields: { status: next } });
		expect(error.message).toBe(`Cannot set project ${id} to ${next}: ${text} (Prodege code ${code})`);
		expect(error.description).toContain(`The project is ${current} now`);
		expect(api.requests.map((request) => request.call)).not.toContain('project-update');
		expect(api.projects.get(id)?.status).toBe(current);
	});

	it('LIVE without quotas is refused with 2013 and says to create a quota first', async () => {
		const id = api.addProject({ status: 'PENDING' });
		const error = await failure({ resource: 'project', operation: 'update', prodegeProjectId: String(id), updateFields: { status: 'LIVE' } });
		expect(error.message).toBe(`Cannot set project ${id} to LIVE: Project status cannot be set to LIVE (No quotas) (Prodege code 2013)`);
		expect(error.description).toContain('Quota → Create');
	});

	it('with the check off, Prodege’s own refusal comes back with the same words and what to do', async () => {
		const id = api.addProject({ status: 'PAUSED' });
		const error = await failure({
			resource: 'project',
			operation: 'update',
			prodegeProjectId: String(id),
			updateFields: { status: 'PENDING' },
			options: { checkStatusChange: false },
		});
		expect(api.requests.map((request) => request.call)).toEqual(['project-update']);
		expect(error.message).toBe(`Prodege refused to set project ${id} to PENDING: Non-PENDING projects cannot be set back to PENDING status (code 2015)`);
		expect(error.description).toContain('pause it instead');
		expect(error.context.errorCodes).toEqual(['2015']);
	});

	it('a project_info with CPIs as text and nulls where numbers are expected is read, and the change goes through', async () => {
		const id = api.addProject({ status: 'PAUSED' });
		api.addQuota(id);
		// Prodege documents these fields' names, not their JSON types.
		api.infoOverrides = { cpi: '2.50', max_cpi: '36', loi: null, disabled_by_cpi_reality_check: null, mobile_optimized: 'true' };
		const [info] = await run({ resource: 'project', operation: 'get', prodegeProjectId: String(id) });
		expect(info.json).toMatchObject({ status: 'PAUSED', cpi: '2.50', max_cpi: '36', loi: null });
		await run({ resource: 'project', operation: 'update', prodegeProjectId: String(id), updateFields: { status: 'LIVE' } });
		expect(api.projects.get(id)?.status).toBe('LIVE');
	});

	it('PAUSED → LIVE and LIVE → COMPLETE go through', async () => {
		const id = api.addProject({ status: 'PAUSED' });
		api.addQuota(id);
		await run({ resource: 'project', operation: 'update', prodegeProjectId: String(id), updateFields: { status: 'LIVE' } });
		expect(api.projects.get(id)?.status).toBe('LIVE');
		await run({ resource: 'project', operation: 'update', prodegeProjectId: String(id), updateFields: { status: 'COMPLETE' } });
		expect(api.projects.get(id)?.status).toBe('COMPLETE');
	});
});

describe('Prodege node: refusals a user can act on', () => {
	it('101: a wrong secret key is refused by Prodege, and the error says to check the credential', async () => {
		credential.data.secretKey = 'not-the-secret';
		const id = api.addProject({ status: 'LIVE' });
		const error = await failure({ resource: 'project', operation: 'get', prodegeProjectId: String(id) });
		expect(api.requests[0].errorCodes).toEqual([101]);
		expect(error.message).toBe(`Prodege refused to get project ${id}: Unauthorized Access (code 101)`);
		expect(error.description).toContain('API Key and Secret Key');
		expect(error.httpCode).toBe('200');
	});

	it('101: a wrong API key too', async () => {
		credential.data.apik = 'someone-else';
		const error = await failure({ resource: 'quota', operation: 'getAll', prodegeProjectId: '1', returnAll: true });
		expect(error.message).toContain('Unauthorized Access (code 101)');
	});

	it('102: a request dated too far from Prodege’s clock says the n8n clock is off', async () => {
		await api.stop();
		api = await startProdegeMock({ requestDateToleranceMs: -1 });
		credential = { type: new ProdegeApi(), data: api.credentialData() };
		const error = await failure({ resource: 'project', operation: 'get', prodegeProjectId: '5' });
		expect(error.message).toBe('Prodege refused to get project 5: Expired Request (code 102)');
		expect(error.description).toContain('clock');
		expect(api.requests).toHaveLength(1);
	});

	it('103: the rate limit is waited out and the call tried again, signed afresh', async () => {
		const id = api.addProject({ status: 'LIVE' });
		api.rateLimitNext(2);
		const logs: Logged[] = [];
		const [item] = await run({ resource: 'project', operation: 'get', prodegeProjectId: String(id) }, { logs });
		expect(item.json.prodege_project_id).toBe(id);
		expect(api.requests.map((request) => request.errorCodes)).toEqual([[103], [103], []]);
		expect(new Set(api.requests.map((request) => request.params.signature)).size).toBe(3);
		expect(logs.filter((log) => log.level === 'debug' && log.message.includes('trying again'))).toHaveLength(2);
	}, 15_000);

	it('103: gives up after 3 more tries and says to wait', async () => {
		api.rateLimitNext(10);
		const error = await failure({ resource: 'quota', operation: 'getAll', prodegeProjectId: '1', returnAll: true });
		expect(api.requests).toHaveLength(4);
		expect(error.message).toBe('Prodege refused to list the quotas of project 1: API rate limit reached (code 103)');
		expect(error.description).toContain('Wait a minute');
	}, 15_000);

	it('2003: a project that does not exist', async () => {
		const error = await failure({ resource: 'project', operation: 'updateCpi', prodegeProjectId: '999', cpi: 2 });
		expect(error.message).toBe('Prodege refused to update the CPI of project 999: Project not found (code 2003)');
		expect(error.description).toContain('Check the Prodege Project ID');
	});

	it('2004: a project ID already used', async () => {
		api.addProject({ status: 'LIVE', project_id: 'JOB-1' });
		const error = await failure(create({ projectId: 'JOB-1' }));
		expect(error.message).toBe('Prodege refused to create project JOB-1: Duplicate project_id (code 2004)');
		expect(error.description).toContain('choose a new one');
	});

	it('2007: an ad hoc project without a URL', async () => {
		const error = await failure(create({ projectUrl: '' }));
		expect(error.message).toBe('Prodege refused to create project J: Project URL is required for Adhoc surveys (code 2007)');
		expect(error.description).toContain('%transid%');
	});

	it('2018: a URL without %transid% is refused before calling Prodege', async () => {
		const error = await failure(create({ projectUrl: 'https://survey.example.com/s' }));
		expect(error.message).toBe('Project URL must contain %transid%');
		expect(api.requests).toHaveLength(0);
	});

	it('a CPI of 0 added on Create is refused before calling Prodege', async () => {
		const error = await failure(create({ additionalFields: { cpi: 0 } }));
		expect(error.message).toBe('CPI must be above 0, not 0');
		expect(api.requests).toHaveLength(0);
	});

	it('an unknown code is shown as Prodege sent it', async () => {
		const id = api.addProject({ status: 'LIVE' });
		const quotaId = api.addQuota(id);
		// A code Prodege's published list does not have, with its own words.
		api.refuseNext(9001, 'Something Prodege added later');
		const error = await failure({ resource: 'quota', operation: 'update', prodegeProjectId: String(id), quotaId: String(quotaId), updateFields: { active: true } });
		expect(error.message).toBe(`Prodege refused to update quota ${quotaId} of project ${id}: error 9001 (Something Prodege added later)`);
		expect(error.description).toContain("not in Prodege's published list");
	});

	it('targeting criteria that are not a JSON array are refused before calling Prodege', async () => {
		const error = await failure({ resource: 'quota', operation: 'create', prodegeProjectId: '1', numberOfRespondents: 5, targetingCriteria: '{"a":1}' });
		expect(error.message).toBe('Targeting Criteria must be a JSON array');
		expect(api.requests).toHaveLength(0);
	});

	it('a proxy error page (HTTP 502) says the fault is on Prodege’s side', async () => {
		api.failNext(502, 5);
		const error = await failure({ resource: 'project', operation: 'updateCpi', prodegeProjectId: '1', cpi: 2 });
		expect(error.message).toBe('Prodege had a server error (HTTP 502) while trying to update the CPI of project 1');
		// A write is not repeated after a fault that may have come after Prodege made the change.
		expect(api.requests).toHaveLength(1);
	});

	it('an unreachable API says which address failed and what to check', async () => {
		const { url } = api;
		await api.stop();
		credential.data.baseUrl = url;
		const error = await failure({ resource: 'project', operation: 'get', prodegeProjectId: '1' });
		expect(error.message).toBe(`Could not reach Prodege at ${url} to get project 1`);
		expect(error.description).toContain('Environment');
		api = await startProdegeMock();
	});

	it('a Prodege Project ID that is empty or not a number is refused before calling Prodege', async () => {
		expect((await failure({ resource: 'project', operation: 'get', prodegeProjectId: '' })).message).toBe('Prodege Project ID is empty');
		expect((await failure({ resource: 'quota', operation: 'getAll', prodegeProjectId: 'JOB-1' })).message).toBe(
			'Prodege Project ID must be a number, not "JOB-1"',
		);
		expect(api.requests).toHaveLength(0);
	});

	it('a credential without an API key is a configuration error that says what to fill in', async () => {
		credential.data.apik = '';
		const error = await failure({ resource: 'project', operation: 'get', prodegeProjectId: '1' });
		expect(error.message).toBe('The Prodege API credential has no API key');
		expect(api.requests).toHaveLength(0);
	});

	it('never puts the API key or the secret in an error or an error item', async () => {
		credential.data.secretKey = 'wrong-secret-value';
		const log: RequestLog[] = [];
		const output = await run({ resource: 'project', operation: 'get', prodegeProjectId: '1' }, { continueOnFail: true, log });
		const text = JSON.stringify(output);
		expect(log[0].url).toContain(`apik=${api.apik}`);
		expect(text).not.toContain(api.apik);
		expect(text).not.toContain('wrong-secret-value');
	});
});

describe('Prodege node: Continue On Fail', () => {
	it('emits an error item for the failed item and carries on with the others', async () => {
		const id = api.addProject({ status: 'LIVE', project_id: 'OK' });
		const output = await run(
			[
				{ resource: 'project', operation: 'get', prodegeProjectId: '424242' },
				{ resource: 'project', operation: 'get', prodegeProjectId: String(id) },
			],
			{ continueOnFail: true },
		);
		expect(output).toHaveLength(2);
		expect(output[0]).toEqual({
			json: {
				error: 'Prodege refused to get project 424242: Project not found (code 2003)',
				description: expect.stringContaining('Check the Prodege Project ID'),
				status: 200,
				body: { return_status: { status_id: 0, message: ['Project not found'], error_codes: [2003] } },
			},
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({ json: { project_id: 'OK' }, pairedItem: { item: 1 } });
	});

	it('a status change refused before the call becomes an error item too', async () => {
		const id = api.addProject({ status: 'COMPLETE' });
		const output = await run(
			{ resource: 'project', operation: 'update', prodegeProjectId: String(id), updateFields: { status: 'LIVE' } },
			{ continueOnFail: true },
		);
		expect(output[0].json.error).toBe(`Cannot set project ${id} to LIVE: No further changes can be made once project is in COMPLETE status (Prodege code 2014)`);
	});
});

describe('Prodege mock: refuses what Prodege refuses', () => {
	it('answers 101 to a request whose signature does not match, and 102 to an old one', async () => {
		const id = api.addProject({ status: 'LIVE' });
		const params = { prodege_project_id: String(id), apik: api.apik, request_date: String(Date.now()) };
		const good = new URLSearchParams({ ...params, signature: mockSignature(api.secretKey, params) });
		const bad = new URLSearchParams({ ...params, signature: mockSignature('other', params) });
		const old = { ...params, request_date: String(Date.now() - 3_600_000) };
		const stale = new URLSearchParams({ ...old, signature: mockSignature(api.secretKey, old) });
		const codes = async (query: URLSearchParams) =>
			((await (await fetch(`${api.url}/project-get-info?${query.toString()}`)).json()) as { return_status: { error_codes: number[] } })
				.return_status.error_codes;
		expect(await codes(good)).toEqual([]);
		expect(await codes(bad)).toEqual([101]);
		expect(await codes(stale)).toEqual([102]);
	});
});
