import { DateTime } from 'luxon';
import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runEachItem } from '../shared';
import {
	ERROR_CODES,
	READ_POLICY,
	WRITE_POLICY,
	callProdege,
	projectIdAnswer,
	projectInfoAnswer,
	quotaIdAnswer,
	quotasAnswer,
	type ProjectInfo,
} from './api';
import { prodegeCredentialCheck } from './credentialCheck';
import { isProjectStatus, refusedTransition } from './projectStatus';

type Resource = 'project' | 'quota';
type Operation = 'create' | 'update' | 'duplicate' | 'get' | 'updateCpi' | 'getAll';

/** Node field names and the Prodege parameters they become. */
const PROJECT_FIELDS: Record<string, string> = {
	allowMultiEntries: 'allow_multi_entries',
	cpi: 'cpi',
	estimatedEnd: 'estimated_end',
	estimatedStart: 'estimated_start',
	expectedIr: 'expected_ir',
	loi: 'loi',
	mobileOptimized: 'mobile_optimized',
	projectLanguageIds: 'project_language_ids',
	projectName: 'project_name',
	projectUrl: 'project_url',
	referenceId: 'reference_id',
	sampleSize: 'sample_size',
	status: 'status',
	testSurveyUrl: 'test_survey_url',
};

const QUOTA_FIELDS: Record<string, string> = {
	active: 'active',
	calculationType: 'calculation_type',
	numberOfRespondents: 'number_of_respondents',
	quotaName: 'quota_name',
	targetingCriteria: 'targeting_criteria',
};

type Context = IExecuteFunctions;

function configError(ctx: Context, itemIndex: number, message: string, description: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

function text(ctx: Context, name: string, itemIndex: number): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

/** A Prodege ID: digits only, as Prodege's numeric IDs are. */
function numericIdParameter(ctx: Context, name: string, label: string, itemIndex: number): string {
	const value = text(ctx, name, itemIndex);
	if (!/^\d+$/.test(value)) {
		const message = value ? `${label} must be a number, not "${value}"` : `${label} is empty`;
		throw configError(ctx, itemIndex, message, `Give the numeric ${label} Prodege answered when it was created.`);
	}
	return value;
}

/** MM/DD/YYYY, as Prodege takes estimated dates; an ISO date or one already in that form. */
function prodegeDate(ctx: Context, value: unknown, label: string, itemIndex: number): string {
	const raw = String(value).trim();
	if (/^\d{2}\/\d{2}\/\d{4}$/.test(raw)) return raw;
	const date = DateTime.fromISO(raw, { setZone: true });
	if (!date.isValid) throw configError(ctx, itemIndex, `${label} is not a date: "${raw}"`, 'Give a date such as 2026-03-31, or 03/31/2026.');
	return date.toFormat('MM/dd/yyyy');
}

/** Targeting criteria: a JSON array (as text or as a value), sent as JSON text. */
function targetingCriteria(ctx: Context, value: unknown, itemIndex: number): string {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch (error) {
			throw configError(ctx, itemIndex, 'Targeting Criteria is not valid JSON', `${(error as Error).message}. ${ERROR_CODES[3002].todo}`);
		}
	}
	if (!Array.isArray(parsed)) {
		throw configError(ctx, itemIndex, 'Targeting Criteria must be a JSON array', `Wrap the criteria in [ ]. ${ERROR_CODES[3002].todo}`);
	}
	return JSON.stringify(parsed);
}

/** Language IDs, "1, 2, 3" or a list, as the JSON array of strings Prodege's example shows: ["1","2","3"]. */
function languageIds(ctx: Context, value: unknown, itemIndex: number): string {
	const ids = (Array.isArray(value) ? value : String(value).split(',')).map((id) => String(id).trim()).filter(Boolean);
	const wrong = ids.find((id) => !/^\d+$/.test(id));
	if (wrong !== undefined) throw configError(ctx, itemIndex, `Project Language IDs must be numbers, not "${wrong}"`, 'Give the IDs separated by commas, such as 1, 2.');
	return JSON.stringify(ids);
}

function checkSurveyUrl(ctx: Context, url: string, label: string, itemIndex: number): void {
	if (!/^https?:\/\/\S+$/i.test(url)) throw configError(ctx, itemIndex, `${label} must start with http:// or https://`, ERROR_CODES[2019].todo);
	if (!url.includes('%transid%')) throw configError(ctx, itemIndex, `${label} must contain %transid%`, ERROR_CODES[2018].todo);
}

/** The value of one optional field as Prodege takes it; numbers and booleans as text. */
function fieldValue(ctx: Context, name: string, value: unknown, itemIndex: number): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	switch (name) {
		case 'estimatedStart':
			return prodegeDate(ctx, value, 'Estimated Start', itemIndex);
		case 'estimatedEnd':
			return prodegeDate(ctx, value, 'Estimated End', itemIndex);
		case 'projectLanguageIds':
			return languageIds(ctx, value, itemIndex);
		case 'targetingCriteria':
			return targetingCriteria(ctx, value, itemIndex);
		case 'projectUrl':
			checkSurveyUrl(ctx, String(value).trim(), 'Project URL', itemIndex);
			return String(value).trim();
		case 'testSurveyUrl':
			checkSurveyUrl(ctx, String(value).trim(), 'Test Survey URL', itemIndex);
			return String(value).trim();
		case 'cpi':
			if (!(Number(value) > 0)) throw configError(ctx, itemIndex, `CPI must be above 0, not ${String(value)}`, ERROR_CODES[2009].todo);
			return String(value);
		default:
			return typeof value === 'string' ? value.trim() : String(value);
	}
}

/** A collection's fields as Prodege parameters. */
function fieldsOf(ctx: Context, collection: string, names: Record<string, string>, itemIndex: number): Record<string, string> {
	const values = ctx.getNodeParameter(collection, itemIndex, {}) as IDataObject;
	const params: Record<string, string> = {};
	for (const [name, value] of Object.entries(values)) {
		const parameter = names[name];
		const converted = parameter === undefined ? undefined : fieldValue(ctx, name, value, itemIndex);
		if (parameter !== undefined && converted !== undefined) params[parameter] = converted;
	}
	return params;
}

/** The item for a call that changed something: what Prodege answered, and what was changed. */
function changed(answer: IDataObject, base: IDataObject, params: Record<string, string>, keys: string[]): IDataObject {
	return { ...answer, ...base, updated_fields: Object.keys(params).filter((key) => !keys.includes(key)).sort() };
}

async function projectInfo(ctx: Context, prodegeProjectId: string, itemIndex: number): Promise<ProjectInfo> {
	const answer = await callProdege(ctx, {
		call: 'project-get-info',
		method: 'GET',
		params: { prodege_project_id: prodegeProjectId },
		action: `get project ${prodegeProjectId}`,
		schema: projectInfoAnswer,
		policy: READ_POLICY,
		itemIndex,
	});
	return answer.project_info;
}

async function quotas(ctx: Context, prodegeProjectId: string, itemIndex: number): Promise<IDataObject[]> {
	const answer = await callProdege(ctx, {
		call: 'project-quotas-by-id',
		method: 'GET',
		params: { prodege_project_id: prodegeProjectId },
		action: `list the quotas of project ${prodegeProjectId}`,
		schema: quotasAnswer,
		policy: READ_POLICY,
		itemIndex,
	});
	return (answer.quotas ?? []).map((quota) => ({ ...quota, prodege_project_id: Number(prodegeProjectId) }) as IDataObject);
}

/**
 * Refuses a status change Prodege would refuse, before making it: the current status is read with
 * project-get-info, and for LIVE the quotas with project-quotas-by-id. Returns the status read.
 */
async function checkStatusChange(ctx: Context, prodegeProjectId: string, next: string, itemIndex: number): Promise<string | undefined> {
	if (!isProjectStatus(next)) {
		throw configError(ctx, itemIndex, `Prodege does not know the status "${next}"`, ERROR_CODES[2012].todo);
	}
	const current = (await projectInfo(ctx, prodegeProjectId, itemIndex)).status;
	if (current === undefined || current === null) return undefined;
	const code = await refusedTransition(current, next, async () => (await quotas(ctx, prodegeProjectId, itemIndex)).length);
	if (code !== undefined) {
		throw configError(
			ctx,
			itemIndex,
			`Cannot set project ${prodegeProjectId} to ${next}: ${ERROR_CODES[code].text} (Prodege code ${code})`,
			`The project is ${current} now (read from Prodege before the update, which was not sent). ${ERROR_CODES[code].todo}`,
		);
	}
	return current;
}

async function runProject(ctx: Context, operation: Operation, itemIndex: number): Promise<IDataObject[]> {
	if (operation === 'create') {
		const params: Record<string, string> = {
			project_id: text(ctx, 'projectId', itemIndex),
			project_type_id: String(ctx.getNodeParameter('projectTypeId', itemIndex)),
			country_id: String(ctx.getNodeParameter('countryId', itemIndex)),
			loi: String(ctx.getNodeParameter('loi', itemIndex)),
			expected_ir: String(ctx.getNodeParameter('expectedIr', itemIndex)),
		};
		if (!params.project_id) throw configError(ctx, itemIndex, 'Project ID is empty', 'Give your own ID for the project, such as your job number.');
		const url = fieldValue(ctx, 'projectUrl', text(ctx, 'projectUrl', itemIndex), itemIndex);
		if (url !== undefined) params.project_url = url;
		Object.assign(params, fieldsOf(ctx, 'additionalFields', PROJECT_FIELDS, itemIndex));
		const answer = await callProdege(ctx, {
			call: 'project-create',
			method: 'POST',
			params,
			action: `create project ${params.project_id}`,
			schema: projectIdAnswer,
			policy: WRITE_POLICY,
			itemIndex,
		});
		return [{ ...answer, project_id: params.project_id } as IDataObject];
	}

	const prodegeProjectId = numericIdParameter(ctx, 'prodegeProjectId', 'Prodege Project ID', itemIndex);
	const base = { prodege_project_id: Number(prodegeProjectId) };

	if (operation === 'get') return [{ ...(await projectInfo(ctx, prodegeProjectId, itemIndex)) } as IDataObject];

	if (operation === 'duplicate') {
		const projectId = text(ctx, 'newProjectId', itemIndex);
		if (!projectId) throw configError(ctx, itemIndex, 'New Project ID is empty', 'Give your own ID for the copy; it must differ from every other project of yours.');
		const answer = await callProdege(ctx, {
			call: 'project-duplicate',
			method: 'POST',
			params: { prodege_project_id: prodegeProjectId, project_id: projectId },
			action: `duplicate project ${prodegeProjectId}`,
			schema: projectIdAnswer,
			policy: WRITE_POLICY,
			itemIndex,
		});
		return [{ ...answer, project_id: projectId, source_prodege_project_id: Number(prodegeProjectId) } as IDataObject];
	}

	if (operation === 'updateCpi') {
		const cpi = ctx.getNodeParameter('cpi', itemIndex) as number;
		if (typeof cpi !== 'number' || !(cpi > 0)) throw configError(ctx, itemIndex, `CPI must be above 0, not ${String(cpi)}`, ERROR_CODES[2009].todo);
		const answer = await callProdege(ctx, {
			call: 'project-update-cpi',
			method: 'POST',
			// external_update lets the CPI go beyond Prodege's IR/LOI price grid, which is what resumes a project Real Time Pricing paused.
			params: { prodege_project_id: prodegeProjectId, cpi: String(cpi), external_update: 'true' },
			action: `update the CPI of project ${prodegeProjectId}`,
			schema: projectIdAnswer,
			policy: WRITE_POLICY,
			itemIndex,
		});
		return [{ ...answer, ...base, cpi } as IDataObject];
	}

	// update
	const params: Record<string, string> = { prodege_project_id: prodegeProjectId, ...fieldsOf(ctx, 'updateFields', PROJECT_FIELDS, itemIndex) };
	if (Object.keys(params).length === 1) {
		throw configError(ctx, itemIndex, 'Nothing to update', 'Add at least one field under Update Fields, such as Status or CPI.');
	}
	let previous: string | undefined;
	const check = ctx.getNodeParameter('options.checkStatusChange', itemIndex, true) as boolean;
	if (params.status !== undefined && check) previous = await checkStatusChange(ctx, prodegeProjectId, params.status, itemIndex);
	const answer = await callProdege(ctx, {
		call: 'project-update',
		method: 'POST',
		params,
		action: params.status ? `set project ${prodegeProjectId} to ${params.status}` : `update project ${prodegeProjectId}`,
		schema: projectIdAnswer,
		policy: WRITE_POLICY,
		itemIndex,
	});
	const item = changed(answer as IDataObject, base, params, ['prodege_project_id']);
	if (params.status !== undefined) item.status = params.status;
	if (previous !== undefined) item.previous_status = previous;
	return [item];
}

async function runQuota(ctx: Context, operation: Operation, itemIndex: number): Promise<IDataObject[]> {
	const prodegeProjectId = numericIdParameter(ctx, 'prodegeProjectId', 'Prodege Project ID', itemIndex);
	const base = { prodege_project_id: Number(prodegeProjectId) };

	if (operation === 'getAll') {
		const all = await quotas(ctx, prodegeProjectId, itemIndex);
		const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
		return returnAll ? all : all.slice(0, ctx.getNodeParameter('limit', itemIndex, 50) as number);
	}

	if (operation === 'create') {
		const respondents = ctx.getNodeParameter('numberOfRespondents', itemIndex) as number;
		if (!Number.isInteger(respondents) || respondents <= 0) {
			throw configError(ctx, itemIndex, `Number of Respondents must be a whole number above 0, not ${String(respondents)}`, ERROR_CODES[3001].todo);
		}
		const params: Record<string, string> = {
			prodege_project_id: prodegeProjectId,
			number_of_respondents: String(respondents),
			targeting_criteria: targetingCriteria(ctx, ctx.getNodeParameter('targetingCriteria', itemIndex), itemIndex),
			...fieldsOf(ctx, 'additionalFields', QUOTA_FIELDS, itemIndex),
		};
		const answer = await callProdege(ctx, {
			call: 'quota-create',
			method: 'POST',
			params,
			action: `create a quota for project ${prodegeProjectId}`,
			schema: quotaIdAnswer,
			policy: WRITE_POLICY,
			itemIndex,
		});
		return [{ ...answer, ...base } as IDataObject];
	}

	// update
	const quotaId = numericIdParameter(ctx, 'quotaId', 'Quota ID', itemIndex);
	const params = { prodege_project_id: prodegeProjectId, quota_id: quotaId, ...fieldsOf(ctx, 'updateFields', QUOTA_FIELDS, itemIndex) };
	if (Object.keys(params).length === 2) {
		throw configError(ctx, itemIndex, 'Nothing to update', 'Add at least one field under Update Fields, such as Active or Number of Respondents.');
	}
	const answer = await callProdege(ctx, {
		call: 'quota-update',
		method: 'POST',
		params,
		action: `update quota ${quotaId} of project ${prodegeProjectId}`,
		schema: quotaIdAnswer,
		policy: WRITE_POLICY,
		itemIndex,
	});
	return [changed({ quota_id: Number(quotaId), ...answer } as IDataObject, base, params, ['prodege_project_id', 'quota_id'])];
}

export class Prodege implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Prodege',
		name: 'prodege',
		icon: { light: 'file:prodege.svg', dark: 'file:prodege.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create, update, reprice and read Prodege survey projects and their quotas through the Demand API',
		defaults: { name: 'Prodege' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'prodegeApi', required: true, testedBy: 'prodegeCredentialCheck' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Project', value: 'project', description: 'A survey project fielded by Prodege' },
					{ name: 'Quota', value: 'quota', description: 'A target number of respondents of a project, with its targeting' },
				],
				default: 'project',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['project'] } },
				options: [
					{ name: 'Create', value: 'create', description: 'Create a project; it starts PENDING', action: 'Create a project' },
					{ name: 'Duplicate', value: 'duplicate', description: 'Copy a project under a new project ID', action: 'Duplicate a project' },
					{ name: 'Get', value: 'get', description: 'Get a project’s details, status and prices', action: 'Get a project' },
					{
						name: 'Update',
						value: 'update',
						description: 'Change a project’s fields or status (LIVE, PAUSED, COMPLETE)',
						action: 'Update a project',
					},
					{
						name: 'Update CPI',
						value: 'updateCpi',
						description: 'Set the CPI beyond the price grid; resumes a project Real Time Pricing paused',
						action: 'Update the CPI of a project',
					},
				],
				default: 'get',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['quota'] } },
				options: [
					{ name: 'Create', value: 'create', description: 'Add a quota to a project', action: 'Create a quota' },
					{ name: 'Get Many', value: 'getAll', description: 'List a project’s quotas with their counts', action: 'Get many quotas' },
					{ name: 'Update', value: 'update', description: 'Change a quota, or turn it on or off', action: 'Update a quota' },
				],
				default: 'getAll',
			},
			{
				displayName: 'Prodege Project ID',
				name: 'prodegeProjectId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. 27293192',
				displayOptions: {
					show: { resource: ['project'], operation: ['update', 'duplicate', 'get', 'updateCpi'] },
				},
				description: 'The numeric ID Prodege gave the project (prodege_project_id); the Prodege Trigger’s items carry it as project_id',
			},
			{
				displayName: 'Prodege Project ID',
				name: 'prodegeProjectId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. 27293192',
				displayOptions: { show: { resource: ['quota'] } },
				description: 'The numeric ID Prodege gave the project the quota belongs to',
			},
			// ---- Project: Create
			{
				displayName: 'Project ID',
				name: 'projectId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. JOB-2026-041',
				displayOptions: { show: { resource: ['project'], operation: ['create'] } },
				description: 'Your own ID for the project; Prodege refuses one already used',
			},
			{
				displayName: 'Project Type ID',
				name: 'projectTypeId',
				type: 'number',
				required: true,
				default: 1,
				displayOptions: { show: { resource: ['project'], operation: ['create'] } },
				description: 'The kind of project (ad hoc, recontact, …) as Prodege numbers it; see Prodege’s project type list',
			},
			{
				displayName: 'Country ID',
				name: 'countryId',
				type: 'number',
				required: true,
				default: 1,
				displayOptions: { show: { resource: ['project'], operation: ['create'] } },
				description: 'The country to field in, as Prodege numbers it; see Prodege’s country list',
			},
			{
				displayName: 'Length of Interview (Minutes)',
				name: 'loi',
				type: 'number',
				required: true,
				typeOptions: { minValue: 1 },
				default: 10,
				displayOptions: { show: { resource: ['project'], operation: ['create'] } },
				description: 'The expected length of interview (loi)',
			},
			{
				displayName: 'Expected Incidence Rate (%)',
				name: 'expectedIr',
				type: 'number',
				required: true,
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 50,
				displayOptions: { show: { resource: ['project'], operation: ['create'] } },
				description: 'The share of respondents expected to qualify (expected_ir)',
			},
			{
				displayName: 'Project URL',
				name: 'projectUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://survey.example.com/s?tid=%transid%',
				displayOptions: { show: { resource: ['project'], operation: ['create'] } },
				description: 'The survey entry link for panelists, with %transid% where Prodege puts the transaction ID. Required for ad hoc projects.',
			},
			{
				displayName: 'Additional Fields',
				name: 'additionalFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['project'], operation: ['create'] } },
				options: [
					{
						displayName: 'Allow Multiple Entries',
						name: 'allowMultiEntries',
						type: 'boolean',
						default: false,
						description: 'Whether a panelist may enter the survey more than once',
					},
					{
						displayName: 'CPI',
						name: 'cpi',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 2 },
						default: 0,
						description: 'Cost per completed interview. Needed unless Real Time Pricing sets the price.',
					},
					{
						displayName: 'Estimated End',
						name: 'estimatedEnd',
						type: 'dateTime',
						default: '',
						description: 'When fielding should end; for information only, it does not stop the project',
					},
					{
						displayName: 'Estimated Start',
						name: 'estimatedStart',
						type: 'dateTime',
						default: '',
						description: 'When fielding should start; for information only, it does not start the project',
					},
					{
						displayName: 'Mobile Optimized',
						name: 'mobileOptimized',
						type: 'boolean',
						default: true,
						description: 'Whether the survey works on mobile devices',
					},
					{
						displayName: 'Project Language IDs',
						name: 'projectLanguageIds',
						type: 'string',
						default: '',
						placeholder: 'e.g. 1, 2',
						description: 'The survey’s languages, as Prodege numbers them, separated by commas',
					},
					{
						displayName: 'Project Name',
						name: 'projectName',
						type: 'string',
						default: '',
						description: 'A descriptive name',
					},
					{
						displayName: 'Reference ID',
						name: 'referenceId',
						type: 'string',
						default: '',
						description: 'Your purchase order number',
					},
					{
						displayName: 'Sample Size',
						name: 'sampleSize',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 100,
						description: 'The total number of completes wanted',
					},
					{
						displayName: 'Test Survey URL',
						name: 'testSurveyUrl',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://survey.example.com/test?tid=%transid%',
						description: 'The entry link for test transactions, with %transid%',
					},
				],
			},
			// ---- Project: Update
			{
				displayName: 'Update Fields',
				name: 'updateFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['project'], operation: ['update'] } },
				options: [
					{
						displayName: 'Allow Multiple Entries',
						name: 'allowMultiEntries',
						type: 'boolean',
						default: false,
						description: 'Whether a panelist may enter the survey more than once',
					},
					{
						displayName: 'CPI',
						name: 'cpi',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 2 },
						default: 0,
						description: 'Cost per completed interview, within Prodege’s price grid (use Update CPI to go beyond it)',
					},
					{
						displayName: 'Estimated End',
						name: 'estimatedEnd',
						type: 'dateTime',
						default: '',
						description: 'When fielding should end; for information only',
					},
					{
						displayName: 'Estimated Start',
						name: 'estimatedStart',
						type: 'dateTime',
						default: '',
						description: 'When fielding should start; for information only',
					},
					{
						displayName: 'Expected Incidence Rate (%)',
						name: 'expectedIr',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 50,
						description: 'The share of respondents expected to qualify',
					},
					{
						displayName: 'Length of Interview (Minutes)',
						name: 'loi',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 10,
						description: 'The expected length of interview',
					},
					{
						displayName: 'Mobile Optimized',
						name: 'mobileOptimized',
						type: 'boolean',
						default: true,
						description: 'Whether the survey works on mobile devices',
					},
					{
						displayName: 'Project Language IDs',
						name: 'projectLanguageIds',
						type: 'string',
						default: '',
						placeholder: 'e.g. 1, 2',
						description: 'The survey’s languages, as Prodege numbers them, separated by commas',
					},
					{
						displayName: 'Project Name',
						name: 'projectName',
						type: 'string',
						default: '',
						description: 'A descriptive name',
					},
					{
						displayName: 'Project URL',
						name: 'projectUrl',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://survey.example.com/s?tid=%transid%',
						description: 'The survey entry link for panelists, with %transid%',
					},
					{
						displayName: 'Reference ID',
						name: 'referenceId',
						type: 'string',
						default: '',
						description: 'Your purchase order number',
					},
					{
						displayName: 'Sample Size',
						name: 'sampleSize',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 100,
						description: 'The total number of completes wanted',
					},
					{
						displayName: 'Status',
						name: 'status',
						type: 'options',
						options: [
							{ name: 'Complete', value: 'COMPLETE', description: 'End fielding for good; no change is possible afterwards' },
							{ name: 'Live', value: 'LIVE', description: 'Start or resume fielding; the project needs quotas' },
							{ name: 'Paused', value: 'PAUSED', description: 'Stop fielding for now (from LIVE)' },
							{ name: 'Pending', value: 'PENDING', description: 'Only a project that is PENDING already can stay so' },
						],
						default: 'LIVE',
						description: 'PENDING can go LIVE; LIVE can be PAUSED or COMPLETE; PAUSED can go LIVE or COMPLETE; COMPLETE is final',
					},
					{
						displayName: 'Test Survey URL',
						name: 'testSurveyUrl',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://survey.example.com/test?tid=%transid%',
						description: 'The entry link for test transactions, with %transid%',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { resource: ['project'], operation: ['update'] } },
				options: [
					{
						displayName: 'Check Status Change First',
						name: 'checkStatusChange',
						type: 'boolean',
						default: true,
						description:
							'Whether to read the project’s status (and, for LIVE, its quotas) before changing it, and refuse a change Prodege would refuse without sending it',
					},
				],
			},
			// ---- Project: Duplicate
			{
				displayName: 'New Project ID',
				name: 'newProjectId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. JOB-2026-041-B',
				displayOptions: { show: { resource: ['project'], operation: ['duplicate'] } },
				description: 'Your own ID for the copy; Prodege refuses one already used',
			},
			// ---- Project: Update CPI
			{
				displayName: 'CPI',
				name: 'cpi',
				type: 'number',
				required: true,
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 0,
				displayOptions: { show: { resource: ['project'], operation: ['updateCpi'] } },
				description:
					'The new cost per completed interview. To resume a project Real Time Pricing paused, give at least the required_cpi the Prodege Trigger reported.',
			},
			// ---- Quota: Create
			{
				displayName: 'Number of Respondents',
				name: 'numberOfRespondents',
				type: 'number',
				required: true,
				typeOptions: { minValue: 1 },
				default: 100,
				displayOptions: { show: { resource: ['quota'], operation: ['create'] } },
				description: 'How many respondents this quota targets',
			},
			{
				displayName: 'Targeting Criteria (JSON)',
				name: 'targetingCriteria',
				type: 'json',
				required: true,
				default: '[]',
				displayOptions: { show: { resource: ['quota'], operation: ['create'] } },
				description:
					'A JSON array of the respondent qualifications for this quota, as in Prodege’s JSON examples (question IDs and precodes from Prodege’s lists). [] targets everyone.',
			},
			{
				displayName: 'Additional Fields',
				name: 'additionalFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['quota'], operation: ['create'] } },
				options: [
					{
						displayName: 'Calculation Type',
						name: 'calculationType',
						type: 'options',
						options: [
							{ name: 'Completes', value: 1, description: 'A slot is used when a respondent completes' },
							{ name: 'Clicks', value: 2, description: 'A slot is used when a respondent clicks in' },
						],
						default: 1,
						description: 'When the quota counts a respondent',
					},
					{
						displayName: 'Quota Name',
						name: 'quotaName',
						type: 'string',
						default: '',
						description: 'A descriptive name',
					},
				],
			},
			// ---- Quota: Update
			{
				displayName: 'Quota ID',
				name: 'quotaId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. 880010',
				displayOptions: { show: { resource: ['quota'], operation: ['update'] } },
				description: 'The ID Prodege gave the quota (see Get Many)',
			},
			{
				displayName: 'Update Fields',
				name: 'updateFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['quota'], operation: ['update'] } },
				options: [
					{
						displayName: 'Active',
						name: 'active',
						type: 'boolean',
						default: true,
						description: 'Whether the quota is used to target panelists',
					},
					{
						displayName: 'Calculation Type',
						name: 'calculationType',
						type: 'options',
						options: [
							{ name: 'Completes', value: 1, description: 'A slot is used when a respondent completes' },
							{ name: 'Clicks', value: 2, description: 'A slot is used when a respondent clicks in' },
						],
						default: 1,
						description: 'When the quota counts a respondent',
					},
					{
						displayName: 'Number of Respondents',
						name: 'numberOfRespondents',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 100,
						description: 'How many respondents this quota targets',
					},
					{
						displayName: 'Quota Name',
						name: 'quotaName',
						type: 'string',
						default: '',
						description: 'A descriptive name',
					},
					{
						displayName: 'Targeting Criteria (JSON)',
						name: 'targetingCriteria',
						type: 'json',
						default: '[]',
						description: 'A JSON array of the respondent qualifications for this quota, replacing the current ones',
					},
				],
			},
			// ---- Quota: Get Many
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				displayOptions: { show: { resource: ['quota'], operation: ['getAll'] } },
				description: 'Whether to return all results or only up to a given limit',
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				displayOptions: { show: { resource: ['quota'], operation: ['getAll'], returnAll: [false] } },
				description: 'Max number of results to return',
			},
		],
	};

	methods = { credentialTest: { prodegeCredentialCheck } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runEachItem(this, async (itemIndex) => {
			const resource = this.getNodeParameter('resource', itemIndex) as Resource;
			const operation = this.getNodeParameter('operation', itemIndex) as Operation;
			return resource === 'quota' ? await runQuota(this, operation, itemIndex) : await runProject(this, operation, itemIndex);
		});
	}
}
