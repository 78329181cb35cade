/**
 * A local stand-in for Prodege's Demand API (the "prodegemr" base URL), on 127.0.0.1, for tests and demos.
 * It implements the calls the Prodege node makes: project-create, project-update (with the documented status
 * transitions), project-duplicate, project-get-info (whose `project_info` is a JSON string), project-update-cpi,
 * quota-create, quota-update and project-quotas-by-id.
 *
 * Every request is checked as Prodege documents: `apik` must be the account's key (else 101), `request_date`
 * must be close to the server's clock (else 102), and `signature` must be base64url(SHA-256(secret + ":" +
 * every other parameter as key=value, sorted by key, joined with ":")) (else 101). Parameters come from the
 * query string and a form-encoded body. Answers are JSON with `return_status: {status_id, message, error_codes}`.
 *
 * What Prodege does not document, and this mock decides for itself (the node must not rely on it):
 * - every answer has HTTP status 200, errors included; `status_id` is 1 on success and 0 on failure;
 * - project-create answers `prodege_project_id` (as project-duplicate is documented to);
 * - which project_type_id is ad hoc (needs a project_url, code 2007): 1 unless told otherwise;
 * - an unknown quota_id gets code 3999, and a missing expected_ir code 2999: codes Prodege's list does not have;
 * - how far request_date may be from the clock: 5 minutes.
 *
 * After a CPI update that resumes a project Real Time Pricing paused, the mock can send the signed Real Time
 * Pricing and Project Status Update webhooks, as Prodege would, to a URL the test gives.
 *
 * Usage: `const api = await startProdegeMock(); … api.url …; await api.stop();`. Node built-ins only.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

export const MOCK_APIK = 'mock-apik-3f9a';
export const MOCK_SECRET_KEY = 'mock-secret-key-5d21c7e0';

export type ProjectStatus = 'PENDING' | 'LIVE' | 'PAUSED' | 'COMPLETE';
const STATUSES: readonly string[] = ['PENDING', 'LIVE', 'PAUSED', 'COMPLETE'];

export interface MockProject {
	prodege_project_id: number;
	project_id: string;
	project_name?: string;
	project_type_id: number;
	country_id: number;
	loi: number;
	expected_ir: number;
	cpi?: number;
	status: string;
	project_url?: string;
	mobile_optimized: boolean;
	max_cpi?: number;
	current_avg_cpi?: number;
	disabled_by_cpi_reality_check?: boolean;
	ir_based_cpi?: number;
	/** Any other field sent on create or update, as sent. */
	extra: Record<string, string>;
}

export interface MockQuota {
	quota_id: number;
	quota_name?: string;
	active: 'true' | 'false';
	number_of_respondents: number;
	calculation_type: number;
	targeting_criteria: unknown[];
	quota_clicks: number;
	quota_completes: number;
}

export interface MockRequest {
	method: string;
	/** The call, such as "project-update". */
	call: string;
	/** Every parameter received, query and body together, as strings (apik, request_date, signature included). */
	params: Record<string, string>;
	contentType?: string;
	/** The error codes answered; empty on success. */
	errorCodes: number[];
}

export interface ProdegeMockOptions {
	apik?: string;
	secretKey?: string;
	/** project_type_ids that are ad hoc, and so need a project_url (code 2007). */
	adHocTypeIds?: number[];
	/** How far request_date may be from the mock's clock, in ms. */
	requestDateToleranceMs?: number;
	/** Where to send the webhooks (see sendWebhooks); none are sent without it. */
	webhookUrl?: string;
	port?: number;
}

export interface ProdegeMock {
	/** The base URL, for the credential's custom Base URL. */
	url: string;
	apik: string;
	secretKey: string;
	projects: Map<number, MockProject>;
	quotas: Map<number, MockQuota[]>;
	requests: MockRequest[];
	/** Adds a project as it stands at Prodege; returns its prodege_project_id. */
	addProject(project: Partial<MockProject> & { status: string }): number;
	/** Adds a quota to a project; returns its quota_id. */
	addQuota(prodegeProjectId: number, quota?: Partial<MockQuota>): number;
	/** Makes Real Time Pricing pause a LIVE project: its max CPI is reached and `requiredCpi` would resume it. */
	pauseByRealTimePricing(prodegeProjectId: number, requiredCpi: number): void;
	/** The next `times` requests are answered with code 103 (rate limit). */
	rateLimitNext(times?: number): void;
	/** The next `times` requests get this HTTP status and no Prodege body (a proxy or server fault). */
	failNext(status: number, times?: number): void;
	/** The next request that passes authentication is refused with this code and message, whatever it asked. */
	refuseNext(code: number, message: string): void;
	/**
	 * Fields merged into every project_info answered: Prodege does not document their JSON types, so a test can
	 * send CPIs as text, or nulls.
	 */
	infoOverrides: Record<string, unknown>;
	/** Webhook deliveries made so far: the status code each got. */
	deliveries: Array<{ kind: 'rtp' | 'status'; status: number; body: string }>;
	/** Where the webhooks go; may be set after start. */
	setWebhookUrl(url: string | undefined): void;
	/** Credential data for the Prodege API credential, pointing at this mock. */
	credentialData(): { apik: string; secretKey: string; environment: 'custom'; baseUrl: string };
	stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/** Prodege's documented signature, written again here on purpose: the mock checks the node, not itself. */
export function mockSignature(secret: string, params: Record<string, string>): string {
	const stringToSign = Object.keys(params)
		.filter((key) => key !== 'signature')
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
		.map((key) => `${key}=${params[key]}`)
		.join(':');
	return createHash('sha256').update(`${secret}:${stringToSign}`, 'utf8').digest('base64url');
}

function sameText(a: string, b: string): boolean {
	const left = createHash('sha256').update(a).digest();
	const right = createHash('sha256').update(b).digest();
	return timingSafeEqual(left, right);
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let size = 0;
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY) {
				reject(new Error('body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** The text of each documented code, as the error-codes appendix gives it. */
export const MOCK_CODE_TEXT: Record<number, string> = {
	101: 'Unauthorized Access',
	102: 'Expired Request',
	103: 'API rate limit reached',
	1002: 'Invalid country_id',
	2001: 'Invalid prodege_project_id',
	2002: 'Invalid project_id',
	2003: 'Project not found',
	2004: 'Duplicate project_id',
	2005: 'Invalid project_type_id',
	2006: 'Invalid value for loi',
	2007: 'Project URL is required for Adhoc surveys',
	2009: 'Invalid value for cpi',
	2012: 'Invalid value for status',
	2013: 'Project status cannot be set to LIVE (No quotas)',
	2014: 'No further changes can be made once project is in COMPLETE status',
	2015: 'Non-PENDING projects cannot be set back to PENDING status',
	2016: 'PENDING Projects cannot transition to PAUSED or COMPLETE',
	2017: 'PAUSED Projects can only transition to LIVE or COMPLETE',
	2018: 'Project URL must contain %transid%',
	3001: 'Invalid value for number_of_respondents',
	3002: 'Value for targeting_criteria should be a valid JSON',
	2999: 'Invalid value for expected_ir',
	3999: 'Quota not found',
};

/** Why a status change is refused, by the documented rules; undefined when it is allowed. */
export function transitionCode(current: string, next: string, quotaCount: number): number | undefined {
	if (current === 'COMPLETE') return 2014;
	if (next === current) return undefined;
	if (next === 'PENDING') return 2015;
	if (current === 'PENDING' && (next === 'PAUSED' || next === 'COMPLETE')) return 2016;
	if (current === 'PAUSED' && next !== 'LIVE' && next !== 'COMPLETE') return 2017;
	if (next === 'LIVE' && quotaCount === 0) return 2013;
	return undefined;
}

class Refusal extends Error {
	constructor(readonly codes: number[]) {
		super(codes.join(','));
	}
}

const refuse = (...codes: number[]): never => {
	throw new Refusal(codes);
};

const positiveNumber = (value: string | undefined): number | undefined => {
	if (value === undefined || value.trim() === '') return undefined;
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : Number.NaN;
};

const PROJECT_FIELDS = [
	'project_name',
	'reference_id',
	'sample_size',
	'project_language_ids',
	'test_survey_url',
	'estimated_start',
	'estimated_end',
	'allow_multi_entries',
];

export async function startProdegeMock(options: ProdegeMockOptions = {}): Promise<ProdegeMock> {
	const apik = options.apik ?? MOCK_APIK;
	const secretKey = options.secretKey ?? MOCK_SECRET_KEY;
	const adHoc = new Set(options.adHocTypeIds ?? [1]);
	const tolerance = options.requestDateToleranceMs ?? 5 * 60_000;
	let webhookUrl = options.webhookUrl;
	const projects = new Map<number, MockProject>();
	const quotas = new Map<number, MockQuota[]>();
	const requests: MockRequest[] = [];
	const deliveries: ProdegeMock['deliveries'] = [];
	let rateLimited = 0;
	let failures: { status: number; times: number } | undefined;
	let refusal: { code: number; message: string } | undefined;
	let nextProjectId = 27293190;
	let nextQuotaId = 880010;
	const pendingDeliveries = new Set<Promise<void>>();

	function addProject(project: Partial<MockProject> & { status: string }): number {
		const id = project.prodege_project_id ?? nextProjectId++;
		projects.set(id, {
			project_id: `P-${id}`,
			project_type_id: 1,
			country_id: 1,
			loi: 10,
			expected_ir: 50,
			mobile_optimized: true,
			extra: {},
			...project,
			prodege_project_id: id,
		});
		quotas.set(id, quotas.get(id) ?? []);
		return id;
	}

	function addQuota(prodegeProjectId: number, quota: Partial<MockQuota> = {}): number {
		const id = quota.quota_id ?? nextQuotaId++;
		const list = quotas.get(prodegeProjectId) ?? [];
		list.push({
			active: 'true',
			number_of_respondents: 100,
			calculation_type: 1,
			targeting_criteria: [],
			quota_clicks: 0,
			quota_completes: 0,
			...quota,
			quota_id: id,
		});
		quotas.set(prodegeProjectId, list);
		return id;
	}

	function projectOf(params: Record<string, string>): MockProject {
		const raw = params.prodege_project_id;
		if (raw === undefined || !/^\d+$/.test(raw)) refuse(2001);
		const project = projects.get(Number(raw));
		if (!project) refuse(2003);
		return project!;
	}

	function checkUrl(url: string | undefined): void {
		if (url !== undefined && url !== '' && !url.includes('%transid%')) refuse(2018);
	}

	function projectFields(project: MockProject, params: Record<string, string>): void {
		const loi = positiveNumber(params.loi);
		if (Number.isNaN(loi)) refuse(2006);
		const cpi = positiveNumber(params.cpi);
		if (Number.isNaN(cpi)) refuse(2009);
		checkUrl(params.project_url);
		if (loi !== undefined) project.loi = loi;
		if (cpi !== undefined) project.cpi = cpi;
		if (params.expected_ir !== undefined) project.expected_ir = Number(params.expected_ir);
		if (params.project_url) project.project_url = params.project_url;
		if (params.project_name !== undefined) project.project_name = params.project_name;
		if (params.mobile_optimized !== undefined) project.mobile_optimized = params.mobile_optimized === 'true';
		for (const field of PROJECT_FIELDS) if (params[field] !== undefined) project.extra[field] = params[field];
	}

	function duplicateProjectId(projectId: string): boolean {
		return [...projects.values()].some((project) => project.project_id === projectId);
	}

	function sendWebhook(kind: 'rtp' | 'status', data: Record<string, unknown>): void {
		if (!webhookUrl) return;
		const json = JSON.stringify(data);
		const body = new URLSearchParams({ data: json, signature: mockSignature(secretKey, { data: json }) }).toString();
		const delivery = fetch(webhookUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body,
			signal: AbortSignal.timeout(10_000),
		})
			.then((response) => {
				deliveries.push({ kind, status: response.status, body });
			})
			.catch(() => {
				deliveries.push({ kind, status: 0, body });
			})
			.finally(() => pendingDeliveries.delete(delivery));
		pendingDeliveries.add(delivery);
	}

	/** Event time as Prodege sends it: US Pacific wall clock, "YYYY-MM-DD HH:mm:ss". */
	function pacificNow(): string {
		const parts = new Intl.DateTimeFormat('en-CA', {
			timeZone: 'America/Los_Angeles',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
		}).formatToParts(new Date());
		const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '00';
		return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
	}

	const eventId = () => createHash('sha256').update(`${Date.now()}-${Math.random()}`).digest('hex').slice(0, 24);

	/** A CPI at or above what Real Time Pricing requires sets a project it paused LIVE again, and Prodege says so. */
	function resumeIfPriced(project: MockProject): void {
		if (!project.disabled_by_cpi_reality_check || project.cpi === undefined) return;
		if (project.ir_based_cpi !== undefined && project.cpi < project.ir_based_cpi) return;
		const required = project.ir_based_cpi ?? project.cpi;
		project.status = 'LIVE';
		project.max_cpi = project.cpi;
		delete project.disabled_by_cpi_reality_check;
		delete project.ir_based_cpi;
		const time = pacificNow();
		sendWebhook('rtp', {
			event_id: eventId(),
			event_time: time,
			max_cpi: String(project.max_cpi),
			current_cpi: String(project.cpi),
			avg_cpi: String(project.current_avg_cpi ?? project.cpi),
			required_cpi: String(required),
			project_id: project.prodege_project_id,
			bid_ir: project.expected_ir,
			actual_ir: project.expected_ir,
			bid_loi: project.loi,
			actual_median_loi: project.loi,
			project_status: 'LIVE',
		});
		sendWebhook('status', {
			event_id: eventId(),
			event_time: time,
			project_id: project.prodege_project_id,
			status: 'LIVE',
			update_reason: 160,
		});
	}

	type Handler = (params: Record<string, string>) => Record<string, unknown>;

	const handlers: Record<string, { method: 'GET' | 'POST'; handle: Handler }> = {
		'project-create': {
			method: 'POST',
			handle: (params) => {
				if (!params.project_id) refuse(2002);
				if (!/^\d+$/.test(params.project_type_id ?? '')) refuse(2005);
				if (!params.loi) refuse(2006);
				if (!/^\d+$/.test(params.country_id ?? '')) refuse(1002);
				if (!params.expected_ir) refuse(2999);
				if (duplicateProjectId(params.project_id)) refuse(2004);
				if (adHoc.has(Number(params.project_type_id)) && !params.project_url) refuse(2007);
				const id = addProject({
					project_id: params.project_id,
					project_type_id: Number(params.project_type_id),
					country_id: Number(params.country_id),
					expected_ir: Number(params.expected_ir),
					status: 'PENDING',
				});
				try {
					projectFields(projects.get(id)!, params);
				} catch (error) {
					projects.delete(id);
					throw error;
				}
				return { prodege_project_id: id };
			},
		},
		'project-update': {
			method: 'POST',
			handle: (params) => {
				const project = projectOf(params);
				if (project.status === 'COMPLETE') refuse(2014);
				const next = params.status;
				if (next !== undefined && !STATUSES.includes(next)) refuse(2012);
				if (next !== undefined) {
					const code = transitionCode(project.status, next, quotas.get(project.prodege_project_id)?.length ?? 0);
					if (code !== undefined) refuse(code);
				}
				projectFields(project, params);
				if (next !== undefined) project.status = next;
				return { prodege_project_id: project.prodege_project_id };
			},
		},
		'project-duplicate': {
			method: 'POST',
			handle: (params) => {
				const source = projectOf(params);
				if (!params.project_id) refuse(2002);
				if (duplicateProjectId(params.project_id)) refuse(2004);
				const id = addProject({ ...structuredClone(source), prodege_project_id: undefined, project_id: params.project_id, status: 'PENDING' });
				return { prodege_project_id: id };
			},
		},
		'project-get-info': {
			method: 'GET',
			handle: (params) => {
				const project = projectOf(params);
				const { extra, ...fields } = project;
				void extra;
				return { project_info: JSON.stringify({ ...fields, ...mock.infoOverrides }) };
			},
		},
		'project-update-cpi': {
			method: 'POST',
			handle: (params) => {
				const project = projectOf(params);
				if (project.status === 'COMPLETE') refuse(2014);
				const cpi = positiveNumber(params.cpi);
				if (cpi === undefined || Number.isNaN(cpi)) refuse(2009);
				project.cpi = cpi;
				if (params.external_update === 'true') resumeIfPriced(project);
				return { prodege_project_id: project.prodege_project_id };
			},
		},
		'quota-create': {
			method: 'POST',
			handle: (params) => {
				const project = projectOf(params);
				const respondents = positiveNumber(params.number_of_respondents);
				if (respondents === undefined || Number.isNaN(respondents) || !Number.isInteger(respondents)) refuse(3001);
				const criteria = parseCriteria(params.targeting_criteria);
				const quotaId = addQuota(project.prodege_project_id, {
					number_of_respondents: respondents,
					targeting_criteria: criteria ?? [],
					quota_name: params.quota_name,
					calculation_type: params.calculation_type === '2' ? 2 : 1,
				});
				return { quota_id: quotaId };
			},
		},
		'quota-update': {
			method: 'POST',
			handle: (params) => {
				const project = projectOf(params);
				const quota = quotas.get(project.prodege_project_id)?.find((candidate) => String(candidate.quota_id) === params.quota_id);
				if (!quota) refuse(3999);
				const respondents = positiveNumber(params.number_of_respondents);
				if (Number.isNaN(respondents) || (respondents !== undefined && !Number.isInteger(respondents))) refuse(3001);
				const criteria = params.targeting_criteria === undefined ? undefined : parseCriteria(params.targeting_criteria);
				if (respondents !== undefined) quota!.number_of_respondents = respondents;
				if (criteria !== undefined) quota!.targeting_criteria = criteria;
				if (params.active === 'true' || params.active === 'false') quota!.active = params.active;
				if (params.quota_name !== undefined) quota!.quota_name = params.quota_name;
				if (params.calculation_type === '1' || params.calculation_type === '2') quota!.calculation_type = Number(params.calculation_type);
				return { quota_id: quota!.quota_id };
			},
		},
		'project-quotas-by-id': {
			method: 'GET',
			handle: (params) => {
				const project = projectOf(params);
				return { prodege_project_id: project.prodege_project_id, quotas: quotas.get(project.prodege_project_id) ?? [] };
			},
		},
	};

	function parseCriteria(raw: string | undefined): unknown[] {
		try {
			const parsed = JSON.parse(raw ?? '') as unknown;
			if (Array.isArray(parsed)) return parsed;
		} catch {
			// Refused below.
		}
		return refuse(3002);
	}

	function reply(res: ServerResponse, body: Record<string, unknown>, codes: number[]): void {
		const returnStatus = {
			status_id: codes.length === 0 ? 1 : 0,
			message: codes.length === 0 ? ['Success'] : codes.map((code) => MOCK_CODE_TEXT[code] ?? `Error ${code}`),
			error_codes: codes,
		};
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ return_status: returnStatus, ...body }));
	}

	function authenticate(params: Record<string, string>): void {
		if (typeof params.apik !== 'string' || !sameText(params.apik, apik)) refuse(101);
		const signature = params.signature;
		if (typeof signature !== 'string' || !sameText(signature, mockSignature(secretKey, params))) refuse(101);
		const date = Number(params.request_date);
		if (!/^\d+$/.test(params.request_date ?? '') || Math.abs(Date.now() - date) > tolerance) refuse(102);
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const call = /^\/prodegemr\/([a-z-]+)\/?$/.exec(url.pathname)?.[1] ?? '';
		const method = req.method ?? 'GET';
		const text = await readBody(req);
		const contentType = req.headers['content-type'];
		const params: Record<string, string> = Object.fromEntries(url.searchParams);
		if (text && (contentType ?? '').includes('application/x-www-form-urlencoded')) {
			for (const [name, value] of new URLSearchParams(text)) params[name] = value;
		}
		const record: MockRequest = { method, call, params, contentType, errorCodes: [] };
		requests.push(record);

		if (failures && failures.times > 0) {
			failures.times -= 1;
			res.writeHead(failures.status, { 'Content-Type': 'text/html' });
			res.end(`<html><body>${failures.status}</body></html>`);
			return;
		}
		const handler = handlers[call];
		if (!handler || handler.method !== method) {
			res.writeHead(404, { 'Content-Type': 'text/html' });
			res.end('<html><body>Not Found</body></html>');
			return;
		}
		try {
			authenticate(params);
			if (rateLimited > 0) {
				rateLimited -= 1;
				refuse(103);
			}
			if (refusal) {
				const { code, message } = refusal;
				refusal = undefined;
				record.errorCodes = [code];
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ return_status: { status_id: 0, message: [message], error_codes: [code] } }));
				return;
			}
			reply(res, handler.handle(params), []);
		} catch (error) {
			if (!(error instanceof Refusal)) throw error;
			record.errorCodes = error.codes;
			reply(res, {}, error.codes);
		}
	}

	const server: Server = createServer((req, res) => {
		handle(req, res).catch(() => {
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}/prodegemr`;

	const mock: ProdegeMock = {
		url,
		apik,
		secretKey,
		projects,
		quotas,
		requests,
		deliveries,
		addProject,
		addQuota,
		pauseByRealTimePricing(prodegeProjectId, requiredCpi) {
			const project = projects.get(prodegeProjectId);
			if (!project) throw new Error(`no project ${prodegeProjectId}`);
			project.status = 'PAUSED';
			project.disabled_by_cpi_reality_check = true;
			project.ir_based_cpi = requiredCpi;
		},
		rateLimitNext(times = 1) {
			rateLimited = times;
		},
		failNext(status, times = 1) {
			failures = { status, times };
		},
		refuseNext(code, message) {
			refusal = { code, message };
		},
		infoOverrides: {},
		setWebhookUrl(next) {
			webhookUrl = next;
		},
		credentialData: () => ({ apik, secretKey, environment: 'custom', baseUrl: url }),
		stop: async () => {
			await Promise.allSettled([...pendingDeliveries]);
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			});
		},
	};
	return mock;
}
