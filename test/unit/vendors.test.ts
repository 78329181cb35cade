import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { INodeType } from 'n8n-workflow';

import VENDORS from '../../vendors.json';

const ROOT = join(__dirname, '..', '..');
const at = (...parts: string[]) => join(ROOT, ...parts);

const triggerOf = (vendor: (typeof VENDORS)[number]): INodeType => {
	const loaded = require(at('nodes', vendor.folder, `${vendor.trigger}.node`)) as Record<string, new () => INodeType>;
	return new loaded[vendor.trigger]();
};

describe('the list of vendors (vendors.json)', () => {
	it('names every trigger the package ships, once', () => {
		const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8')) as { n8n: { nodes: string[] } };
		const shipped = pkg.n8n.nodes.filter((file) => file.endsWith('Trigger.node.js'));
		const listed = VENDORS.map((vendor) => `dist/nodes/${vendor.folder}/${vendor.trigger}.node.js`);
		expect([...listed].sort()).toEqual([...shipped].sort());
		expect(new Set(VENDORS.map((vendor) => vendor.id)).size).toBe(VENDORS.length);
	});

	describe.each(VENDORS.map((vendor) => [vendor.id, vendor] as const))('%s', (_id, vendor) => {
		it('has a trigger whose node type name and icons are the listed ones', () => {
			const { description } = triggerOf(vendor);
			expect(description.name).toBe(vendor.node);
			const icon = description.icon as { light: string; dark: string };
			for (const file of [icon.light, icon.dark]) expect(existsSync(at('nodes', vendor.folder, file.replace(/^file:/, '')))).toBe(true);
		});

		it('has its zod schemas, seed fixtures, simulator examples, example workflow, fuzz test and e2e case', () => {
			expect(existsSync(at('nodes', vendor.folder, 'events.ts'))).toBe(true);
			expect(readdirSync(at('test', 'fixtures', vendor.id)).some((file) => file.endsWith('.json'))).toBe(true);
			expect(existsSync(at('scripts', 'simulator', 'examples', `${vendor.id}.json`))).toBe(true);
			expect(existsSync(at('examples', vendor.example))).toBe(true);
			expect(existsSync(at('test', 'fuzz', `${vendor.id}.fuzz.test.ts`))).toBe(true);
			expect(existsSync(at('test', 'e2e', `${vendor.id}.e2e.test.ts`))).toBe(true);
		});
	});
});
