/**
 * The output schemas n8n shows cannot drift from what the nodes emit: every item the vendors' fixtures (and the
 * simulator's examples) produce fits the zod item schema and the JSON Schema the build generates from it, and
 * every field an item carries is either declared there or one the vendor sent. The action nodes' operations
 * are run against the mock APIs for the same check.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import type { IDataObject, INodeType } from 'n8n-workflow';
import type { ZodTypeAny } from 'zod';

import { PersonaclickApi } from '../../credentials/PersonaclickApi.credentials';
import { ProdegeApi } from '../../credentials/ProdegeApi.credentials';
import { SendPulseApi } from '../../credentials/SendPulseApi.credentials';
import { OptimizelyCampaign } from '../../nodes/OptimizelyCampaign/OptimizelyCampaign.node';
import { OptimizelyCampaignTrigger } from '../../nodes/OptimizelyCampaign/OptimizelyCampaignTrigger.node';
import { REGISTRATION_KEY } from '../../nodes/OptimizelyCampaign/events';
import { outputSchemas as optimizelySchemas } from '../../nodes/OptimizelyCampaign/output';
import { Personaclick } from '../../nodes/Personaclick/Personaclick.node';
import { PersonaclickTrigger } from '../../nodes/Personaclick/PersonaclickTrigger.node';
import { outputSchemas as personaclickSchemas } from '../../nodes/Personaclick/output';
import { Prodege } from '../../nodes/Prodege/Prodege.node';
import { ProdegeTrigger } from '../../nodes/Prodege/ProdegeTrigger.node';
import { outputSchemas as prodegeSchemas } from '../../nodes/Prodege/output';
import { QixolPromoTrigger } from '../../nodes/QixolPromo/QixolPromoTrigger.node';
import { outputSchemas as qixolSchemas } from '../../nodes/QixolPromo/output';
import { SendPulse } from '../../nodes/SendPulse/SendPulse.node';
import { SendPulseTrigger } from '../../nodes/SendPulse/SendPulseTrigger.node';
import { outputSchemas as sendPulseSchemas } from '../../nodes/SendPulse/output';
import type { NodeOutputSchemas, OutputSchemas } from '../../nodes/shared/items';
import { runAction } from '../helpers/execute';
import { basicAuthHeader, type Delivery, deliver } from '../helpers/webhook';
import { action, useOptimizelyMock } from '../integration/optimizelySetup';
import { startPersonaclickMock } from '../mocks/personaclickApi';
import { startProdegeMock } from '../mocks/prodegeApi';
import { startSendPulseMock } from '../mocks/sendpulseApi';

interface SchemaTools {
	jsonSchemaFor(schema: ZodTypeAny): IDataObject & { properties: Record<string, unknown> };
	operationsOf(description: INodeType['description']): Array<{ resource: string; operation: string }>;
}
// The build's own generator, so the test checks the very files n8n gets.
const tools = require('../../tools/output-schemas.cjs') as SchemaTools;

const ajv = new Ajv({ allErrors: true, strict: false });
const ROOT = join(__dirname, '..', '..');
const readJson = (...path: string[]): unknown => JSON.parse(readFileSync(join(ROOT, ...path), 'utf8'));
const fixtureFiles = (vendor: string, under = ''): string[] =>
	readdirSync(join(ROOT, 'test', 'fixtures', vendor, under))
		.filter((file) => file.endsWith('.json'))
		.map((file) => join('test', 'fixtures', vendor, under, file));
/** The simulator's examples: the vendors' published events, by name. */
const simulatorEvents = (vendor: string) =>
	Object.entries((readJson('scripts', 'simulator', 'examples', `${vendor}.json`) as { events: Record<string, unknown> }).events);

const allSchemas: OutputSchemas = {
	...optimizelySchemas,
	...personaclickSchemas,
	...prodegeSchemas,
	...qixolSchemas,
	...sendPulseSchemas,
};

const isRecord = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every key of a delivered payload, lower-cased, at any depth: what "the vendor sent it" means below. */
function sentKeys(value: unknown, into = new Set<string>()): Set<string> {
	if (Array.isArray(value)) for (const entry of value) sentKeys(entry, into);
	else if (isRecord(value)) {
		for (const [key, child] of Object.entries(value)) {
			into.add(key.toLowerCase());
			sentKeys(typeof child === 'string' && /^\s*[[{]/.test(child) ? safeParse(child) : child, into);
		}
	}
	return into;
}

function safeParse(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** Checks items against a schema three ways; returns the problems, empty when all is well. */
function problemsOf(items: IDataObject[], zod: ZodTypeAny, sent: unknown): string[] {
	const json = tools.jsonSchemaFor(zod);
	const validate = ajv.compile(json);
	const declared = new Set(Object.keys(json.properties));
	const fromVendor = sentKeys(sent);
	const problems: string[] = [];
	items.forEach((item, index) => {
		const parsed = zod.safeParse(item);
		if (!parsed.success) problems.push(`item ${index}, zod: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
		if (!validate(item)) problems.push(`item ${index}, JSON Schema: ${ajv.errorsText(validate.errors)}`);
		for (const key of Object.keys(item)) {
			if (!declared.has(key) && !fromVendor.has(key.toLowerCase())) problems.push(`item ${index}: field "${key}" is neither declared nor sent by the vendor`);
		}
	});
	return problems;
}

const triggerSchema = (name: string): ZodTypeAny => allSchemas[name] as ZodTypeAny;

interface Case {
	label: string;
	node: INodeType;
	parameters: IDataObject;
	delivery: Delivery;
	/** The node's static data, when the trigger keeps its secret there. */
	staticData?: IDataObject;
	/** What the vendor sent, for telling its fields from ours. */
	sent: unknown;
}

// Authentication is off in these cases: the schema, not the auth check, is under test. Request metadata is on
// for half of them, so that both shapes are checked.
const withMetadata = (index: number, parameters: IDataObject): IDataObject =>
	index % 2 === 0 ? { ...parameters, options: { ...(parameters.options as IDataObject), includeRequestMetadata: true } } : parameters;

function jsonCase(label: string, node: INodeType, parameters: IDataObject, body: unknown, index: number): Case {
	return { label, node, parameters: withMetadata(index, { authentication: 'none', ...parameters }), delivery: { body }, sent: body };
}

const personaclickCases = (): Case[] => {
	const node = new PersonaclickTrigger();
	return [
		...fixtureFiles('personaclick').map((file) => ({ label: file, body: readJson(file) })),
		...simulatorEvents('personaclick').map(([name, body]) => ({ label: `simulator ${name}`, body })),
	].map(({ label, body }, index) => jsonCase(label, node, {}, body, index));
};

// The Optimizely trigger has no authentication parameter: it always checks the user and password it
// registered, so its cases are registered and send them.
const OPTIMIZELY_USER = 'n8n-output-schemas';
const OPTIMIZELY_PASSWORD = 'output-schemas-password';

const optimizelyCases = (): Case[] => {
	const node = new OptimizelyCampaignTrigger();
	const authorization = basicAuthHeader(OPTIMIZELY_USER, OPTIMIZELY_PASSWORD);
	return [
		...fixtureFiles('optimizely').map((file) => ({ label: file, body: readJson(file) })),
		...simulatorEvents('optimizely').map(([name, body]) => ({ label: `simulator ${name}`, body })),
	]
		.map(({ label, body }, index) => jsonCase(label, node, { events: [] }, body, index))
		.map((item) => ({
			...item,
			delivery: { ...item.delivery, headers: { authorization } },
			staticData: { [REGISTRATION_KEY]: { basicAuth: { user: OPTIMIZELY_USER, password: OPTIMIZELY_PASSWORD }, webhooks: {} } },
		}));
};

const prodegeCases = (): Case[] => {
	const node = new ProdegeTrigger();
	const data = [
		...fixtureFiles('prodege').map((file) => ({ label: file, text: readFileSync(join(ROOT, file), 'utf8').trim() })),
		...simulatorEvents('prodege').map(([name, event]) => ({ label: `simulator ${name}`, text: JSON.stringify(event) })),
	];
	return data.flatMap(({ label, text }, index) => [
		// As a form, the way Prodege posts, and as JSON.
		{
			label: `${label} (form)`,
			node,
			parameters: withMetadata(index, { authentication: 'none' }),
			delivery: { rawBody: new URLSearchParams({ data: text }).toString(), body: { data: text }, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
			sent: { data: text },
		},
		{ label: `${label} (JSON)`, node, parameters: withMetadata(index + 1, { authentication: 'none' }), delivery: { rawBody: `{"data":${text}}` }, sent: { data: safeParse(text) } },
	]);
};

interface QixolFixture {
	json: IDataObject;
	xmlParsedByN8n: IDataObject;
	xml: string;
}

const qixolCases = (): Case[] => {
	const node = new QixolPromoTrigger();
	const fixtures = fixtureFiles('qixol').map((file) => ({ file, fixture: readJson(file) as QixolFixture }));
	return [
		...fixtures.map(({ file, fixture }, index) => jsonCase(`${file} (JSON)`, node, {}, fixture.json, index)),
		...fixtures.map(({ file, fixture }, index) => ({
			label: `${file} (XML)`,
			node,
			parameters: withMetadata(index + 1, { authentication: 'none' }),
			delivery: { body: fixture.xmlParsedByN8n, rawBody: fixture.xml, headers: { 'content-type': 'application/xml' } },
			sent: fixture.xmlParsedByN8n,
		})),
		...simulatorEvents('qixol').map(([name, body], index) => jsonCase(`simulator ${name}`, node, {}, body, index)),
	];
};

/** Which Source a SendPulse payload belongs to. */
function sendPulseSource(payload: unknown): IDataObject {
	const first = Array.isArray(payload) ? (payload[0] as unknown) : payload;
	if (isRecord(first) && 'execution_date' in first) return { source: 'automation360' };
	if (isRecord(first) && first.source === 'automation360') return { source: 'automation360Events' };
	if (isRecord(first) && 'message_id' in first) return { source: 'smtp' };
	return { source: 'emailService', registration: 'manual' };
}

const sendPulseCases = (): Case[] => {
	const node = new SendPulseTrigger();
	return [
		...fixtureFiles('sendpulse').map((file) => ({ label: file, body: readJson(file) })),
		...fixtureFiles('sendpulse', 'variants').map((file) => ({ label: file, body: readJson(file) })),
		...simulatorEvents('sendpulse').map(([name, body]) => ({ label: `simulator ${name}`, body })),
	].map(({ label, body }, index) => jsonCase(label, node, sendPulseSource(body), body, index));
};

const triggers: Array<[string, () => Case[]]> = [
	['personaclickTrigger', personaclickCases],
	['optimizelyCampaignTrigger', optimizelyCases],
	['prodegeTrigger', prodegeCases],
	['qixolPromoTrigger', qixolCases],
	['sendPulseTrigger', sendPulseCases],
];

describe('Trigger items fit the output schema n8n is given', () => {
	it.each(triggers)('%s: every fixture emits items that fit', async (name, cases) => {
		const schema = triggerSchema(name);
		let emitted = 0;
		const problems: string[] = [];
		for (const { label, node, parameters, delivery, sent, staticData } of cases()) {
			expect(node.description.name).toBe(name);
			const observed = await deliver(node, { parameters, staticData }, delivery);
			const items = observed.items ?? [];
			emitted += items.length;
			problems.push(...problemsOf(items, schema, sent).map((problem) => `${label}: ${problem}`));
		}
		expect(problems).toEqual([]);
		// A check over no items would prove nothing.
		expect(emitted).toBeGreaterThan(5);
	});

	it('finds an undeclared field, a wrong type and a missing field (the check can fail)', () => {
		const schema = triggerSchema('personaclickTrigger');
		const good = { operation: 'bulk_campaign', status: 'success', bulk_campaign_id: '7', eventName: 'bulk_campaign', eventKey: 'k' };
		expect(problemsOf([good], schema, { operation: 'bulk_campaign' })).toEqual([]);
		expect(problemsOf([{ ...good, addedByUs: 1 }], schema, {})).toEqual([expect.stringContaining('"addedByUs" is neither declared nor sent')]);
		expect(problemsOf([{ ...good, bulk_campaign_id: 7 }], schema, {}).join('\n')).toMatch(/zod: bulk_campaign_id[\s\S]*JSON Schema: data\/bulk_campaign_id must be string/);
		const { eventKey: _dropped, ...missing } = good;
		expect(problemsOf([missing], schema, {}).join('\n')).toMatch(/must have required property 'eventKey'/);
	});
});

describe('Generated JSON Schemas are what the editor can read', () => {
	const nodes: INodeType[] = [
		new PersonaclickTrigger(),
		new OptimizelyCampaignTrigger(),
		new OptimizelyCampaign(),
		new QixolPromoTrigger(),
		new SendPulseTrigger(),
		new SendPulse(),
		new ProdegeTrigger(),
	];
	const entries = (schemas: NodeOutputSchemas): ZodTypeAny[] =>
		'safeParse' in schemas ? [schemas as ZodTypeAny] : Object.values(schemas).flatMap((operations) => Object.values(operations));

	it('has a schema for every node, and for every operation of the action nodes', () => {
		for (const node of nodes) {
			const own = allSchemas[node.description.name];
			expect(own).toBeDefined();
			const operations = tools.operationsOf(node.description);
			if (operations.length === 0) continue;
			for (const { resource, operation } of operations) {
				expect([node.description.name, resource, operation, (own as Record<string, Record<string, unknown>>)[resource]?.[operation] !== undefined]).toEqual([
					node.description.name,
					resource,
					operation,
					true,
				]);
			}
		}
	});

	it('gives each an object type and fields, with no $ref, anyOf, oneOf or allOf (the editor reads type, properties and items only)', () => {
		for (const schemas of Object.values(allSchemas)) {
			for (const zod of entries(schemas)) {
				const json = tools.jsonSchemaFor(zod);
				expect(json.type).toBe('object');
				expect(Object.keys(json.properties).length).toBeGreaterThan(0);
				expect(JSON.stringify(json)).not.toMatch(/"(\$ref|anyOf|oneOf|allOf)"/);
			}
		}
	});

	it('lists the documented values of a field that accepts others as examples, not as a limit', () => {
		const status = tools.jsonSchemaFor(allSchemas.prodegeTrigger as ZodTypeAny).properties.status as { type: string; enum?: unknown; examples?: unknown };
		expect(status.type).toBe('string');
		expect(status.enum).toBeUndefined();
		expect(status.examples).toEqual(expect.arrayContaining(['LIVE', 'PAUSED', 'COMPLETE']));
	});
});

describe('Action node items fit the output schema of their operation', () => {
	const optimizely = useOptimizelyMock();
	const TARGET = 'https://hooks.example.com/optimizely';

	const check = (node: string, resource: string, operation: string, items: IDataObject[]) => {
		const schema = (allSchemas[node] as Record<string, Record<string, ZodTypeAny>>)[resource][operation];
		expect(items.length).toBeGreaterThan(0);
		expect(problemsOf(items, schema, {})).toEqual([]);
	};

	it('Optimizely Campaign: every operation', async () => {
		const node = new OptimizelyCampaign();
		const run = async (parameters: IDataObject) => {
			const [items] = await runAction(node, action(optimizely, { resource: 'webhook', ...parameters }));
			return items.map((item) => item.json);
		};
		const created = await run({ operation: 'create', targetUrl: TARGET, eventType: 'open', authentication: 'basicAuth', basicAuthUser: 'u', basicAuthPassword: 'p-secret' });
		check('optimizelyCampaign', 'webhook', 'create', created);
		const id = String(created[0].id);
		await run({ operation: 'create', targetUrl: TARGET, eventType: 'archive', authentication: 'none' });
		check('optimizelyCampaign', 'webhook', 'getAll', await run({ operation: 'getAll', returnAll: true }));
		check('optimizelyCampaign', 'webhook', 'get', await run({ operation: 'get', webhookId: id }));
		check('optimizelyCampaign', 'webhook', 'update', await run({ operation: 'update', webhookId: id, updateFields: { targetUrl: `${TARGET}/2` } }));
		check('optimizelyCampaign', 'webhook', 'activate', await run({ operation: 'activate', webhookId: id }));
		check('optimizelyCampaign', 'webhook', 'verify', await run({ operation: 'verify', webhookId: id, mailingId: '10230355206', numberOfEvents: 2 }));
		check('optimizelyCampaign', 'webhook', 'deactivate', await run({ operation: 'deactivate', webhookId: id }));
		check('optimizelyCampaign', 'webhook', 'delete', await run({ operation: 'delete', webhookId: id, deactivateFirst: true }));
	});

	it('Optimizely Campaign: every recipient, unsubscribe, blocklist, transactional mail and smart campaign operation', async () => {
		const node = new OptimizelyCampaign();
		const run = async (resource: string, operation: string, parameters: IDataObject = {}) => {
			const [items] = await runAction(node, action(optimizely, { resource, operation, ...parameters }));
			check('optimizelyCampaign', resource, operation, items.map((item) => item.json));
			return items.map((item) => item.json);
		};
		const recipient = { recipientListId: '200000001', recipientId: 'ann@example.com', attributes: { attribute: [{ name: 'firstname', value: 'Ann' }] } };
		await run('recipient', 'add', recipient);
		await run('recipient', 'addMany', { ...recipient, recipientId: 'bob@example.com' });
		await run('recipient', 'update', recipient);
		// Where Get puts the attribute values asked for is not documented (the mock says "data"), so none are asked for here.
		await run('recipient', 'get', recipient);
		await run('recipient', 'delete', recipient);
		await run('unsubscribe', 'add', { recipientIds: 'ann@example.com' });
		await run('unsubscribe', 'remove', { recipientIds: 'ann@example.com' });
		await run('blocklist', 'add', { entry: '*@spam.example.com' });
		await run('blocklist', 'check', { address: 'x@spam.example.com' });
		const [sent] = await run('transactionalMail', 'send', { transactionalMailId: '400000001', recipientListId: '200000001', recipientId: 'bob@example.com' });
		await run('transactionalMail', 'getStatus', { mailId: sent.mailId });
		const campaign = optimizely.seedCampaign({ status: 'activated', messages: [{}] });
		const campaignId = { __rl: true, mode: 'id', value: String(campaign.id) };
		const mailingId = String(campaign.messages[0].mailingId);
		await run('smartCampaign', 'getAll', { returnAll: true });
		await run('smartCampaignMessage', 'start', { campaignId, mailingId });
		await run('smartCampaign', 'start', { campaignId });
		await run('smartCampaignMessage', 'pause', { campaignId, mailingId });
		await run('smartCampaignMessage', 'stop', { campaignId, mailingId });
		await run('smartCampaign', 'pause', { campaignId });
		await run('smartCampaign', 'stop', { campaignId });
	});

	it('SendPulse: every operation', async () => {
		const api = await startSendPulseMock({ webhooks: [{ url: 'https://crm.example.com/hooks/open', action: 'open' }] });
		try {
			const node = new SendPulse();
			const run = async (parameters: IDataObject) => {
				const [items] = await runAction(node, {
					parameters: { resource: 'webhook', ...parameters },
					credentials: { sendPulseApi: { type: new SendPulseApi(), data: api.credentialData() } },
				});
				return items.map((item) => item.json);
			};
			const created = await run({ operation: 'create', url: 'https://n8n.example.com/webhook/x/webhook', events: ['delivered', 'redirect'] });
			check('sendPulse', 'webhook', 'create', created);
			const id = String(created[0].id);
			check('sendPulse', 'webhook', 'getAll', await run({ operation: 'getAll', returnAll: true }));
			check('sendPulse', 'webhook', 'get', await run({ operation: 'get', webhookId: id }));
			check('sendPulse', 'webhook', 'update', await run({ operation: 'update', webhookId: id, url: 'https://n8n.example.com/webhook/y/webhook' }));
			check('sendPulse', 'webhook', 'delete', await run({ operation: 'delete', webhookId: id }));
			const variables = { variable: [{ name: 'Name', value: 'Jane' }] };
			check('sendPulse', 'automation360Event', 'send', await run({ resource: 'automation360Event', operation: 'send', sendBy: 'eventName', eventName: 'order_placed', email: 'jane@example.com', phone: '+380631234567', variables: variables }));
			check('sendPulse', 'automation360Event', 'send', await run({ resource: 'automation360Event', operation: 'send', sendBy: 'eventUrl', eventUrl: api.eventUrl, phone: '+380631234567' }));
			const list = { resource: 'mailingListEmail', mailingListId: { __rl: true, mode: 'id', value: '490686' }, email: 'jane@example.com' };
			check('sendPulse', 'mailingListEmail', 'add', await run({ ...list, operation: 'add', variables: variables }));
			check('sendPulse', 'mailingListEmail', 'updateVariables', await run({ ...list, operation: 'updateVariables', variables: variables }));
			check('sendPulse', 'mailingListEmail', 'unsubscribe', await run({ ...list, operation: 'unsubscribe' }));
			check('sendPulse', 'mailingListEmail', 'delete', await run({ ...list, operation: 'delete' }));
		} finally {
			await api.stop();
		}
	});

	it('Prodege: every operation', async () => {
		const api = await startProdegeMock();
		try {
			const node = new Prodege();
			const run = async (parameters: IDataObject) => {
				const [items] = await runAction(node, {
					parameters,
					credentials: { prodegeApi: { type: new ProdegeApi(), data: api.credentialData() } },
				});
				return items.map((item) => item.json);
			};
			const url = 'https://survey.example.com/s?tid=%transid%';
			const created = await run({ resource: 'project', operation: 'create', projectId: 'J-1', projectTypeId: 1, countryId: 1, loi: 10, expectedIr: 50, projectUrl: url });
			check('prodege', 'project', 'create', created);
			const id = String(created[0].prodege_project_id);
			check('prodege', 'project', 'duplicate', await run({ resource: 'project', operation: 'duplicate', prodegeProjectId: id, newProjectId: 'J-2' }));
			check('prodege', 'quota', 'create', await run({ resource: 'quota', operation: 'create', prodegeProjectId: id, numberOfRespondents: 10, targetingCriteria: '[]' }));
			const quotas = await run({ resource: 'quota', operation: 'getAll', prodegeProjectId: id, returnAll: true });
			check('prodege', 'quota', 'getAll', quotas);
			check('prodege', 'quota', 'update', await run({ resource: 'quota', operation: 'update', prodegeProjectId: id, quotaId: String(quotas[0].quota_id), updateFields: { active: false } }));
			check('prodege', 'project', 'update', await run({ resource: 'project', operation: 'update', prodegeProjectId: id, updateFields: { status: 'LIVE' } }));
			api.pauseByRealTimePricing(Number(id), 4);
			check('prodege', 'project', 'get', await run({ resource: 'project', operation: 'get', prodegeProjectId: id }));
			check('prodege', 'project', 'updateCpi', await run({ resource: 'project', operation: 'updateCpi', prodegeProjectId: id, cpi: 4 }));
		} finally {
			await api.stop();
		}
	});
	it('Personaclick: every operation', async () => {
		const api = await startPersonaclickMock();
		try {
			const node = new Personaclick();
			const run = async (parameters: IDataObject, input: IDataObject[] = [{}]) => {
				const [items] = await runAction(
					node,
					{ parameters, credentials: { personaclickApi: { type: new PersonaclickApi(), data: api.credentialData() } } },
					input.map((json) => ({ json })),
				);
				return items.map((item) => item.json);
			};
			const product = { id: 'p1', available: true, name: 'Bike', price: 10, url: 'https://s.example.com/p1', picture: 'https://s.example.com/p1.jpg', categories: ['1'], currency: 'USD' };
			const list = (resource: string, operation: string, extra: IDataObject = {}) => ({ resource, operation, recordsFrom: 'list', listField: 'records', ...extra });
			const notify = { notifyUrl: 'https://n8n.example.com/webhook/x/webhook' };
			check('personaclick', 'product', 'import', await run(list('product', 'import', notify), [{ records: [product] }]));
			check('personaclick', 'product', 'import', await run(list('product', 'import'), [{ records: [product] }, { records: [] }]));
			check('personaclick', 'product', 'syncAvailability', await run(list('product', 'syncAvailability'), [{ records: ['p1'] }]));
			check('personaclick', 'product', 'markUnavailable', await run(list('product', 'markUnavailable'), [{ records: ['p1'] }]));
			check('personaclick', 'category', 'import', await run(list('category', 'import', { categoryMode: 'update', ...notify }), [{ records: [{ id: '1', name: 'Bikes' }] }]));
			const segment = { __rl: true, mode: 'id', value: '101' };
			check('personaclick', 'audience', 'import', await run(list('audience', 'import', { audienceTarget: 'segment', segment }), [{ records: [{ email: 'a@example.com' }] }]));
			check('personaclick', 'audience', 'importSuppressed', await run(list('audience', 'importSuppressed'), [{ records: ['a@example.com'] }]));
			const contact = { resource: 'segment', segment, contactBy: 'email', email: 'a@example.com' };
			check('personaclick', 'segment', 'addContact', await run({ ...contact, operation: 'addContact' }));
			check('personaclick', 'segment', 'checkContact', await run({ ...contact, operation: 'checkContact' }));
			check('personaclick', 'segment', 'removeContact', await run({ ...contact, operation: 'removeContact' }));
			check('personaclick', 'segment', 'getAll', await run({ resource: 'segment', operation: 'getAll', returnAll: true }));
		} finally {
			await api.stop();
		}
	}, 30_000);
});
