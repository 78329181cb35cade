import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import { sanitizeXmlName, type IDataObject } from 'n8n-workflow';

import { QixolPromoTrigger } from '../../nodes/QixolPromo/QixolPromoTrigger.node';
import { deliver, type Delivery, type NodeSetup, type Observed } from '../helpers/webhook';

/** One illustrative fixture (see test/fixtures/qixol/README.md): not a Qixol sample. */
export interface QixolFixture {
	illustrative: string;
	event: string;
	json: IDataObject;
	xml: string;
	xmlParsedByN8n: IDataObject;
	/** The canonical form of the payload: what the key is built from, never the item. */
	canonical: IDataObject;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'qixol');

export const fixtures: QixolFixture[] = readdirSync(FIXTURES)
	.filter((file) => file.endsWith('.json'))
	.map((file) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as QixolFixture);

export const fixture = (event: string): QixolFixture => {
	const found = fixtures.find((candidate) => candidate.event === event);
	if (!found) throw new Error(`No fixture for ${event}`);
	return found;
};

interface XmlParser {
	parseStringPromise(xml: string): Promise<unknown>;
}
// xml2js comes with n8n-workflow (it ships no types); n8n's server parses webhook XML with it.
const { Parser } = require('xml2js') as { Parser: new (options: object) => XmlParser };

/** n8n 2.41's webhook body parser for XML (packages/cli/src/middlewares/body-parser.ts). */
const n8nXmlParser = new Parser({
	async: true,
	normalize: true,
	normalizeTags: true,
	explicitArray: false,
	tagNameProcessors: [sanitizeXmlName],
	attrNameProcessors: [sanitizeXmlName],
});

export async function parseXmlLikeN8n(xml: string): Promise<IDataObject> {
	return (await n8nXmlParser.parseStringPromise(xml)) as IDataObject;
}

export const SECRET = 'qixol-test-secret-0123456789';

/** The node as most users set it up: secret token in the query string, everything else at its default. */
export const defaultSetup = (parameters: IDataObject = {}, staticData: IDataObject = {}): NodeSetup => ({
	parameters: { authentication: 'sharedSecret', ...parameters },
	credentials: { webhookSharedSecretApi: { secret: SECRET, location: 'query', name: 'token' } },
	staticData,
});

export const node = new QixolPromoTrigger();

export function postJson(setup: NodeSetup, body: unknown, delivery: Delivery = {}): Promise<Observed> {
	return deliver(node, setup, { body, query: { token: SECRET }, ...delivery });
}

/** Posts XML as n8n would hand it to the node: parsed, with the raw text kept as rawBody. */
export async function postXml(setup: NodeSetup, xml: string, delivery: Delivery = {}): Promise<Observed> {
	const body = xml.trim() === '' ? {} : await parseXmlLikeN8n(xml);
	return deliver(node, setup, {
		body,
		rawBody: xml,
		headers: { 'content-type': 'application/xml; charset=utf-8' },
		query: { token: SECRET },
		...delivery,
	});
}

/** The item minus the two fields the kit adds, to compare with the payload as sent. */
export function vendorFields(item: IDataObject): IDataObject {
	const { eventName: _name, eventKey: _key, ...rest } = item;
	return rest;
}

/** The XML item a fixture must give, without the kit's fields: the root's content as n8n parsed it, and the root's name. */
export function xmlItem(entry: QixolFixture): IDataObject {
	const [[root, content]] = Object.entries(entry.xmlParsedByN8n);
	return { ...(content as IDataObject), xmlRoot: root };
}
