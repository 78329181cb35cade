#!/usr/bin/env node
// Writes the JSON Schemas n8n reads beside a node's compiled file, from the zod item schemas each vendor folder
// exports in output.ts, so the two cannot drift:
//   dist/nodes/<Vendor>/__schema__/v<x.y.z>/output.json                   for a trigger
//   dist/nodes/<Vendor>/__schema__/v<x.y.z>/<resource>/<operation>.json   for an action node
// Run by `npm run build` after tsc. Fails when a node, or an operation of an action node, has no schema.
'use strict';

const { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');
const { zodToJsonSchema } = require('zod-to-json-schema');

const ROOT = resolve(__dirname, '..');

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const typesOf = (schema) => (schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]);
/** The editor shows the first type of a list: put null last. */
const orderTypes = (types) => [...types.filter((type) => type !== 'null'), ...types.filter((type) => type === 'null')];
const typeValue = (types) => (types.length === 1 ? types[0] : orderTypes(types));
const constantsOf = (schema) => ('const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined);

/**
 * One schema for several alternatives (anyOf, oneOf, or the parts of allOf): n8n's editor reads only `type`,
 * `properties` and `items`, so alternatives are merged into one object whose fields are the union of theirs. A
 * field is required only when every alternative requires it (all parts, for allOf); values allowed by any
 * alternative stay allowed.
 */
function merge(branches, { all = false } = {}) {
	const types = [...new Set(branches.flatMap(typesOf))];
	const merged = {};
	const description = branches.map((branch) => branch.description).find(Boolean);
	if (description) merged.description = description;
	if (types.length > 0) merged.type = typeValue(types);
	const constants = branches.map(constantsOf);
	if (!all && constants.every(Boolean)) merged.enum = [...new Set(constants.flat())];
	// Documented values beside "any other text" (kit knownOr) stay as documentation: examples, not a limit.
	else if (!all && constants.some(Boolean)) merged.examples = [...new Set(constants.filter(Boolean).flat())];

	const objects = branches.filter((branch) => typesOf(branch).includes('object'));
	if (objects.length > 0) {
		const names = [...new Set(objects.flatMap((branch) => Object.keys(branch.properties ?? {})))];
		if (names.length > 0) merged.properties = {};
		for (const name of names) {
			const alternatives = objects.map((branch) => branch.properties?.[name]).filter(Boolean);
			merged.properties[name] = alternatives.length === 1 ? alternatives[0] : merge(alternatives, { all });
		}
		const requiredBy = objects.map((branch) => new Set(branch.required ?? []));
		const required = names.filter((name) => (all ? requiredBy.some((set) => set.has(name)) : requiredBy.every((set) => set.has(name))));
		if (required.length > 0) merged.required = required;
		// An alternative open to other fields, or typing them, keeps them allowed.
		merged.additionalProperties = !objects.every((branch) => branch.additionalProperties === false);
	}
	const arrays = branches.filter((branch) => typesOf(branch).includes('array') && isObject(branch.items));
	if (arrays.length > 0) merged.items = arrays.length === 1 ? arrays[0].items : merge(arrays.map((branch) => branch.items));
	return merged;
}

/** Rewrites a JSON Schema into the plain shape n8n's editor understands, keeping it valid for the same data. */
function simplify(schema) {
	if (!isObject(schema)) return schema;
	let result = schema;
	for (const keyword of ['anyOf', 'oneOf']) {
		if (Array.isArray(result[keyword])) {
			const { [keyword]: branches, ...rest } = result;
			result = { ...rest, ...merge(branches.map(simplify)), ...(rest.description ? { description: rest.description } : {}) };
		}
	}
	if (Array.isArray(result.allOf)) {
		const { allOf, ...rest } = result;
		result = { ...merge([rest, ...allOf].map(simplify).filter((part) => Object.keys(part).length > 0), { all: true }), ...(rest.description ? { description: rest.description } : {}) };
	}
	const out = { ...result };
	if (isObject(out.properties)) {
		out.properties = Object.fromEntries(Object.entries(out.properties).map(([name, child]) => [name, simplify(child)]));
	}
	if (isObject(out.items)) out.items = simplify(out.items);
	if (isObject(out.additionalProperties)) out.additionalProperties = simplify(out.additionalProperties);
	if (Array.isArray(out.type)) out.type = typeValue(out.type);
	return out;
}

/** The JSON Schema for one zod item schema: inline (no $ref, which the editor cannot follow) and simplified. */
function jsonSchemaFor(zodSchema) {
	const raw = zodToJsonSchema(zodSchema, { $refStrategy: 'none', target: 'jsonSchema7', removeAdditionalStrategy: 'passthrough' });
	const { $schema, ...body } = raw;
	const schema = simplify(body);
	if (schema.type !== 'object' || !isObject(schema.properties) || Object.keys(schema.properties).length === 0) {
		throw new Error('an item schema must describe an object with at least one field');
	}
	return { $schema, ...schema };
}

/** "1" → "1.0.0", as n8n pads versions when it looks for a schema. */
const padVersion = (version) => String(version).split('.').concat(['0', '0']).slice(0, 3).join('.');

function optionValues(property) {
	return (property?.options ?? []).map((option) => option.value).filter((value) => typeof value === 'string');
}

/** The resources and operations an action node offers, read from its description as n8n's editor would. */
function operationsOf(description) {
	const resource = description.properties.find((property) => property.name === 'resource');
	const resources = resource ? optionValues(resource) : [''];
	const operations = description.properties.filter((property) => property.name === 'operation');
	return resources.flatMap((name) =>
		operations
			.filter((property) => !name || (property.displayOptions?.show?.resource ?? [name]).includes(name))
			.flatMap((property) => optionValues(property).map((operation) => ({ resource: name, operation }))),
	);
}

/** Every schema file the built package should hold: [{ file, schema, node }]. */
function plannedFiles() {
	const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
	const files = [];
	const problems = [];
	for (const nodeFile of manifest.n8n.nodes) {
		const compiled = join(ROOT, nodeFile);
		const outputModule = join(dirname(compiled), 'output.js');
		const where = relative(ROOT, compiled);
		if (!existsSync(compiled)) {
			problems.push(`${where} is not built`);
			continue;
		}
		const classes = Object.values(require(compiled)).filter((value) => typeof value === 'function');
		const descriptions = classes.map((Class) => new Class().description).filter(Boolean);
		const schemas = existsSync(outputModule) ? require(outputModule).outputSchemas ?? {} : {};
		for (const description of descriptions) {
			const versions = Array.isArray(description.version) ? description.version : [description.version];
			const own = schemas[description.name];
			if (!own) {
				problems.push(`${description.name} (${where}) has no item schema: export it from ${relative(ROOT, outputModule).replace(/^dist\//, '').replace(/\.js$/, '.ts')}`);
				continue;
			}
			const folder = join(dirname(compiled), '__schema__');
			const isAction = description.properties.some((property) => property.name === 'operation');
			for (const version of versions) {
				const versionDir = join(folder, `v${padVersion(version)}`);
				if (!isAction) {
					files.push({ node: description.name, file: join(versionDir, 'output.json'), zod: own });
					continue;
				}
				for (const { resource, operation } of operationsOf(description)) {
					const zod = own[resource]?.[operation];
					if (!zod) problems.push(`${description.name} has no item schema for ${resource}/${operation}`);
					else files.push({ node: description.name, file: join(versionDir, resource, `${operation}.json`), zod });
				}
			}
		}
	}
	if (problems.length > 0) throw new Error(`Output schemas:\n  ${problems.join('\n  ')}`);
	return files;
}

function main() {
	const files = plannedFiles();
	for (const folder of new Set(files.map(({ file }) => file.slice(0, file.indexOf('__schema__') + '__schema__'.length)))) {
		rmSync(folder, { recursive: true, force: true });
	}
	for (const { node, file, zod } of files) {
		let schema;
		try {
			schema = jsonSchemaFor(zod);
		} catch (error) {
			throw new Error(`${node}: ${relative(ROOT, file)}: ${error.message}`);
		}
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, `${JSON.stringify(schema, null, '\t')}\n`);
	}
	process.stdout.write(`Wrote ${files.length} output schemas for ${new Set(files.map(({ node }) => node)).size} nodes\n`);
}

module.exports = { jsonSchemaFor, simplify, padVersion, operationsOf };

if (require.main === module) {
	try {
		main();
	} catch (error) {
		process.stderr.write(`${error.message}\n`);
		process.exit(1);
	}
}
