import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runEachItem } from '../shared';
import { type Contact, changeSegment, listSegments, segmentIncludes } from './api';
import { type ImportOperation, runImport } from './imports';

type Resource = 'product' | 'category' | 'audience' | 'segment';
type SegmentOperation = 'addContact' | 'removeContact' | 'getAll' | 'checkContact';

const IMPORTS: Readonly<Record<string, ImportOperation>> = {
	'product:import': 'productImport',
	'product:syncAvailability': 'productSync',
	'product:markUnavailable': 'productUnavailable',
	'category:import': 'categoryImport',
	'audience:import': 'audienceImport',
	'audience:importSuppressed': 'suppressedImport',
};

/** The Segment field, picked from a list (every segment, or static ones only) or given by ID. */
const segmentLocator = (searchListMethod: 'searchSegments' | 'searchStaticSegments'): INodeProperties => ({
	displayName: 'Segment',
	name: 'segment',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod, searchable: true } },
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: '42' },
	],
});

export class Personaclick implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Personaclick',
		name: 'personaclick',
		icon: { light: 'file:personaclick.svg', dark: 'file:personaclick.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Import products, categories and contacts into Personaclick, and manage static segments',
		defaults: { name: 'Personaclick' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'personaclickApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Audience', value: 'audience', description: 'Contacts of the shop, and addresses never to email' },
					{ name: 'Category', value: 'category', description: 'The catalogue’s category tree' },
					{ name: 'Product', value: 'product', description: 'The product catalogue' },
					{ name: 'Segment', value: 'segment', description: 'Segments of contacts' },
				],
				default: 'product',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['product'] } },
				options: [
					{
						name: 'Import',
						value: 'import',
						description: 'Add or update products (PUT /import/products)',
						action: 'Import products',
					},
					{
						name: 'Mark Unavailable',
						value: 'markUnavailable',
						description: 'Mark the given products out of stock (DELETE /import/products)',
						action: 'Mark products unavailable',
					},
					{
						name: 'Sync Availability',
						value: 'syncAvailability',
						description: 'Mark the given products in stock and every other product out of stock (PATCH /import/products)',
						action: 'Sync product availability',
					},
				],
				default: 'import',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['category'] } },
				options: [{ name: 'Import', value: 'import', description: 'Overwrite or update the category tree', action: 'Import categories' }],
				default: 'import',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['audience'] } },
				options: [
					{ name: 'Import', value: 'import', description: 'Add or update contacts, in a static segment or the general list', action: 'Import contacts' },
					{ name: 'Import Suppressed', value: 'importSuppressed', description: 'Add email addresses never to send to', action: 'Import suppressed addresses' },
				],
				default: 'import',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['segment'] } },
				options: [
					{ name: 'Add Contact', value: 'addContact', description: 'Add a contact to a static segment', action: 'Add a contact to a segment' },
					{ name: 'Check Contact', value: 'checkContact', description: 'Tell whether a contact is in a segment', action: 'Check a contact in a segment' },
					{ name: 'Get Many', value: 'getAll', description: 'List the shop’s segments', action: 'Get many segments' },
					{ name: 'Remove Contact', value: 'removeContact', description: 'Remove a contact from a static segment', action: 'Remove a contact from a segment' },
				],
				default: 'addContact',
			},
			{
				displayName:
					'Sync Availability marks every product left out as out of stock, so all products in stock go in one request: give the full list, never a part of it',
				name: 'syncNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { resource: ['product'], operation: ['syncAvailability'] } },
			},
			{
				displayName: 'Mode',
				name: 'categoryMode',
				type: 'options',
				options: [
					{
						name: 'Overwrite',
						value: 'overwrite',
						description: 'Replace the whole tree in one request: categories left out are deleted (POST)',
					},
					{ name: 'Update', value: 'update', description: 'Add or update the given categories, keeping the others (PUT)' },
				],
				default: 'update',
				displayOptions: { show: { resource: ['category'], operation: ['import'] } },
			},
			{
				displayName: 'Import Into',
				name: 'audienceTarget',
				type: 'options',
				options: [
					{ name: 'General List', value: 'all', description: 'The shop’s contacts, not added to any segment' },
					{ name: 'Static Segment', value: 'segment', description: 'The shop’s contacts, and a static segment' },
				],
				default: 'all',
				displayOptions: { show: { resource: ['audience'], operation: ['import'] } },
			},
			{
				...segmentLocator('searchStaticSegments'),
				description: 'A static segment: contacts can be added to those only',
				displayOptions: { show: { resource: ['audience'], operation: ['import'], audienceTarget: ['segment'] } },
			},
			{
				...segmentLocator('searchStaticSegments'),
				description: 'A static segment: contacts can be added to and removed from those only',
				displayOptions: { show: { resource: ['segment'], operation: ['addContact', 'removeContact'] } },
			},
			{
				...segmentLocator('searchSegments'),
				displayOptions: { show: { resource: ['segment'], operation: ['checkContact'] } },
			},
			{
				displayName: 'Contact By',
				name: 'contactBy',
				type: 'options',
				options: [
					{ name: 'Email', value: 'email' },
					{ name: 'Phone', value: 'phone' },
				],
				default: 'email',
				displayOptions: { show: { resource: ['segment'], operation: ['addContact', 'removeContact', 'checkContact'] } },
			},
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				required: true,
				displayOptions: { show: { resource: ['segment'], operation: ['addContact', 'removeContact', 'checkContact'], contactBy: ['email'] } },
			},
			{
				displayName: 'Phone',
				name: 'phone',
				type: 'string',
				placeholder: '+15551234567',
				default: '',
				required: true,
				displayOptions: { show: { resource: ['segment'], operation: ['addContact', 'removeContact', 'checkContact'], contactBy: ['phone'] } },
			},
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				displayOptions: { show: { resource: ['segment'], operation: ['getAll'] } },
				description: 'Whether to return all results or only up to a given limit',
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				displayOptions: { show: { resource: ['segment'], operation: ['getAll'], returnAll: [false] } },
				description: 'Max number of results to return',
			},
			{
				displayName: 'Type',
				name: 'segmentType',
				type: 'options',
				options: [
					{ name: 'All', value: 'all' },
					{ name: 'Dynamic', value: 'dynamic', description: 'Calculated by rules' },
					{ name: 'Static', value: 'static', description: 'Contacts added by API or import' },
				],
				default: 'all',
				displayOptions: { show: { resource: ['segment'], operation: ['getAll'] } },
				description: 'Which segments to list',
			},
			{
				displayName: 'Records From',
				name: 'recordsFrom',
				type: 'options',
				options: [
					{ name: 'Fields Below', value: 'fields', description: 'One record per input item, from the fields below' },
					{ name: 'A List in Each Item', value: 'list', description: 'Each input item holds a list of records in one field' },
				],
				default: 'fields',
				displayOptions: { show: { resource: ['product', 'category', 'audience'] } },
				description: 'Where the records to import come from. Records of all input items are sent together, in as few requests as the limits allow.',
			},
			{
				displayName: 'List Field',
				name: 'listField',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'products',
				displayOptions: { show: { resource: ['product', 'category', 'audience'], recordsFrom: ['list'] } },
				description:
					'The field of each input item that holds the list, such as products or data.items. Products and categories are objects with Personaclick’s field names; for availability, product IDs (or objects with an ID); for suppressed addresses, emails.',
			},
			{
				displayName: 'Product ID',
				name: 'productId',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { resource: ['product'], recordsFrom: ['fields'] } },
				description: 'The product’s ID in your shop, at most 64 characters',
			},
			{
				displayName: 'Name',
				name: 'productName',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { resource: ['product'], operation: ['import'], recordsFrom: ['fields'] } },
				description: 'The product’s name, at most 255 characters',
			},
			{
				displayName: 'Price',
				name: 'price',
				type: 'number',
				typeOptions: { numberPrecision: 2 },
				default: 0,
				required: true,
				displayOptions: { show: { resource: ['product'], operation: ['import'], recordsFrom: ['fields'] } },
			},
			{
				displayName: 'Currency',
				name: 'currency',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'USD',
				displayOptions: { show: { resource: ['product'], operation: ['import'], recordsFrom: ['fields'] } },
			},
			{
				displayName: 'Product URL',
				name: 'productUrl',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'https://shop.example.com/p/123',
				displayOptions: { show: { resource: ['product'], operation: ['import'], recordsFrom: ['fields'] } },
			},
			{
				displayName: 'Picture URL',
				name: 'pictureUrl',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'https://shop.example.com/img/123.jpg',
				displayOptions: { show: { resource: ['product'], operation: ['import'], recordsFrom: ['fields'] } },
			},
			{
				displayName: 'Category IDs',
				name: 'categoryIds',
				type: 'string',
				default: '',
				required: true,
				placeholder: '12, 140',
				displayOptions: { show: { resource: ['product'], operation: ['import'], recordsFrom: ['fields'] } },
				description: 'The IDs of the product’s categories, separated by commas (or a list, in an expression)',
			},
			{
				displayName: 'Available',
				name: 'available',
				type: 'boolean',
				default: true,
				displayOptions: { show: { resource: ['product'], operation: ['import'], recordsFrom: ['fields'] } },
				description: 'Whether the product is in stock',
			},
			{
				displayName: 'Additional Fields',
				name: 'productFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['product'], operation: ['import'], recordsFrom: ['fields'] } },
				options: [
					{ displayName: 'Barcode', name: 'barcode', type: 'string', default: '' },
					{ displayName: 'Brand', name: 'brand', type: 'string', default: '' },
					{
						displayName: 'Group ID',
						name: 'group_id',
						type: 'string',
						default: '',
						description: 'The ID shared by variants of one product',
					},
					{ displayName: 'Is Child', name: 'is_child', type: 'boolean', default: false, description: 'Whether this is a variant of another product' },
					{ displayName: 'Old Price', name: 'oldprice', type: 'number', typeOptions: { numberPrecision: 2 }, default: 0, description: 'The price before a discount' },
					{
						displayName: 'Other Fields (JSON)',
						name: 'otherFields',
						type: 'json',
						default: '{}',
						description: 'Further product fields as Personaclick names them, such as params or locations, as one JSON object',
					},
					{ displayName: 'Stock Quantity', name: 'stock_quantity', type: 'number', default: 0 },
					{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Tags separated by commas' },
				],
			},
			{
				displayName: 'Category ID',
				name: 'categoryId',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { resource: ['category'], recordsFrom: ['fields'] } },
			},
			{
				displayName: 'Name',
				name: 'categoryName',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { resource: ['category'], recordsFrom: ['fields'] } },
			},
			{
				displayName: 'Additional Fields',
				name: 'categoryFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['category'], recordsFrom: ['fields'] } },
				options: [
					{ displayName: 'Alias', name: 'alias', type: 'string', default: '', description: 'A path-like alias, such as bicycles/child' },
					{ displayName: 'Parent ID', name: 'parent', type: 'string', default: '', description: 'The parent category’s ID; leave empty for a top category' },
					{ displayName: 'URL', name: 'url', type: 'string', default: '', description: 'The category page; without it, search widgets do not show the category' },
				],
			},
			{
				displayName: 'Email',
				name: 'contactEmail',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				displayOptions: { show: { resource: ['audience'], recordsFrom: ['fields'] } },
				description: 'The contact’s email. Import needs an email or a phone.',
			},
			{
				displayName: 'Phone',
				name: 'contactPhone',
				type: 'string',
				default: '',
				displayOptions: { show: { resource: ['audience'], operation: ['import'], recordsFrom: ['fields'] } },
				description: 'The contact’s phone number',
			},
			{
				displayName: 'Additional Fields',
				name: 'contactFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: { resource: ['audience'], operation: ['import'], recordsFrom: ['fields'] } },
				options: [
					{ displayName: 'Birthday', name: 'birthday', type: 'string', default: '', placeholder: '1990-12-31', description: 'As YYYY-MM-DD' },
					{ displayName: 'External ID', name: 'external_id', type: 'string', default: '' },
					{ displayName: 'First Name', name: 'first_name', type: 'string', default: '' },
					{
						displayName: 'Gender',
						name: 'gender',
						type: 'options',
						options: [
							{ name: 'Female', value: 'f' },
							{ name: 'Male', value: 'm' },
						],
						default: 'f',
					},
					{ displayName: 'Last Name', name: 'last_name', type: 'string', default: '' },
					{ displayName: 'Loyalty ID', name: 'loyalty_id', type: 'string', default: '' },
					{
						displayName: 'Other Fields (JSON)',
						name: 'otherFields',
						type: 'json',
						default: '{}',
						description: 'Further fields as Personaclick names them, such as consent flags or custom properties, as one JSON object',
					},
				],
			},
			{
				displayName: 'Notify URL',
				name: 'notifyUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…/webhook?token=…',
				displayOptions: { show: { resource: ['product', 'category'] } },
				description:
					'Optional. Where Personaclick posts the job’s result when it ends: paste the Production URL of a Personaclick Trigger (with ?token=… if it checks a token). The node adds the operation and a job ID to the URL, which the trigger reads.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { resource: ['product', 'category', 'audience'] } },
				options: [
					{
						displayName: 'Batch Size',
						name: 'batchSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 5000 },
						default: 5000,
						description: 'Most records per request (5,000 at most). Requests also stay under 32 MB and 40 a minute.',
					},
				],
			},
		],
	};

	methods = {
		listSearch: {
			async searchStaticSegments(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				return await segmentResults(this, filter, true);
			},
			async searchSegments(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				return await segmentResults(this, filter, false);
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as Resource;
		const operation = this.getNodeParameter('operation', 0) as string;
		const imported = IMPORTS[`${resource}:${operation}`];
		if (imported) return await runImport(this, imported);
		if (resource !== 'segment') {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for ${resource}`);
		}
		return await runEachItem(this, async (i) => await runSegmentOperation(this, operation as SegmentOperation, i));
	}
}

async function segmentResults(ctx: ILoadOptionsFunctions, filter: string | undefined, staticOnly: boolean): Promise<INodeListSearchResult> {
	const wanted = (filter ?? '').trim().toLowerCase();
	const segments = (await listSegments(ctx)).filter((segment) => !staticOnly || segment.type === 'static');
	return {
		results: segments
			.map((segment) => ({ name: `${segment.id} (${segment.type})`, value: segment.id }))
			.filter((result) => !wanted || result.name.toLowerCase().includes(wanted)),
	};
}

/** The segment chosen from the list or typed as an ID. */
function segmentIdOf(ctx: IExecuteFunctions, i: number): string {
	const value = String(ctx.getNodeParameter('segment', i, '', { extractValue: true }) ?? '').trim();
	if (!value) throw new NodeOperationError(ctx.getNode(), 'Choose a segment', { itemIndex: i, description: 'Pick it from the list, or enter its ID.' });
	return value;
}

function contactOf(ctx: IExecuteFunctions, i: number): Contact {
	const by = ctx.getNodeParameter('contactBy', i, 'email') as 'email' | 'phone';
	const value = String(ctx.getNodeParameter(by, i, '') ?? '').trim();
	if (!value) throw new NodeOperationError(ctx.getNode(), `The ${by} is empty`, { itemIndex: i, description: `Fill in the contact's ${by}.` });
	return by === 'email' ? { email: value } : { phone: value };
}

async function runSegmentOperation(ctx: IExecuteFunctions, operation: SegmentOperation, i: number): Promise<IDataObject[]> {
	if (operation === 'getAll') {
		const type = ctx.getNodeParameter('segmentType', i, 'all') as string;
		const segments = (await listSegments(ctx, i)).filter((segment) => type === 'all' || segment.type === type);
		const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
		return (returnAll ? segments : segments.slice(0, ctx.getNodeParameter('limit', i, 50) as number)) as IDataObject[];
	}
	const segmentId = segmentIdOf(ctx, i);
	const contact = contactOf(ctx, i);
	if (operation === 'checkContact') return [{ segmentId, ...contact, included: await segmentIncludes(ctx, segmentId, contact, i) }];
	if (operation === 'addContact' || operation === 'removeContact') {
		const change = operation === 'addContact' ? 'add' : 'remove';
		await changeSegment(ctx, change, segmentId, contact, i);
		return [{ segmentId, ...contact, [change === 'add' ? 'added' : 'removed']: true }];
	}
	throw new NodeOperationError(ctx.getNode(), `The operation "${operation as string}" is not supported for segments`, { itemIndex: i });
}
