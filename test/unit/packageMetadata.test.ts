/**
 * What n8n's verification and the Community Nodes screen read from the package: where its source lives, who
 * publishes it, and a documentation page for every node and credential, which must be a page of this
 * repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	homepage: string;
	repository: { type: string; url: string };
	bugs: { url: string };
	author: { name: string; url: string };
	main?: string;
	files: string[];
	publishConfig: { provenance: boolean };
	scripts: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
};
const HOME = 'https://github.com/n8n-nodes-vendor-webhooks/n8n-nodes-vendor-webhooks';
const PAGES = `${HOME}/blob/main/`;

/** The source file of a compiled path listed in package.json (dist/x/Y.node.js → x/Y.node.ts). */
const sourceOf = (compiled: string) => join(ROOT, compiled.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
const classOf = <T>(compiled: string): T => {
	const file = sourceOf(compiled);
	const name = basename(file).split('.')[0];
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const Class = (require(file) as Record<string, new () => T>)[name];
	return new Class();
};
const pageOf = (url: string) => (url.startsWith(PAGES) ? join(ROOT, url.slice(PAGES.length)) : undefined);

describe('package.json, as npm provenance and n8n verification read it', () => {
	it('names the public GitHub repository, its issues and its README', () => {
		expect(pkg.repository).toEqual({ type: 'git', url: `git+${HOME}.git` });
		expect(pkg.bugs.url).toBe(`${HOME}/issues`);
		expect(pkg.homepage).toBe(`${HOME}#readme`);
	});

	it('names an author that matches the repository owner', () => {
		const owner = new URL(HOME).pathname.split('/')[1];
		expect(pkg.author.name).toBe(owner);
		expect(pkg.author.url).toBe(`https://github.com/${owner}`);
	});

	it('names no main file that does not exist, ships dist and the CHANGELOG, and publishes with provenance behind the guard', () => {
		if (pkg.main !== undefined) expect(existsSync(join(ROOT, pkg.main))).toBe(true);
		expect(pkg.files).toEqual(['dist', 'CHANGELOG.md']);
		expect(pkg.publishConfig.provenance).toBe(true);
		expect(pkg.scripts.prepublishOnly).toBe('node scripts/prepublish.mjs');
	});
});

describe('documentation pages', () => {
	it.each(pkg.n8n.nodes)('%s opens its page in docs/nodes', (compiled) => {
		const node = classOf<INodeType>(compiled);
		const codex = JSON.parse(readFileSync(sourceOf(compiled).replace(/\.ts$/, '.json'), 'utf8')) as {
			resources: { primaryDocumentation: Array<{ url: string }> };
		};
		const [primary] = codex.resources.primaryDocumentation;
		expect(primary.url).toBe(`${PAGES}docs/nodes/${node.description.name}.md`);
		expect(existsSync(pageOf(primary.url)!)).toBe(true);
	});

	it.each(pkg.n8n.credentials)('%s opens its page in docs/credentials', (compiled) => {
		const credential = classOf<ICredentialType>(compiled);
		expect(credential.documentationUrl).toBe(`${PAGES}docs/credentials/${credential.name}.md`);
		expect(existsSync(pageOf(credential.documentationUrl!)!)).toBe(true);
	});
});

describe('the prepublishOnly guard', () => {
	const guard = (env: Record<string, string>) => {
		const clean = Object.fromEntries(
			Object.entries(process.env).filter(([name]) => !/^(GITHUB_|npm_config_provenance)/.test(name)),
		) as Record<string, string>;
		return spawnSync(process.execPath, [join(ROOT, 'scripts', 'prepublish.mjs')], { env: { ...clean, ...env }, encoding: 'utf8' });
	};
	const workflow = { GITHUB_ACTIONS: 'true', GITHUB_WORKFLOW_REF: 'owner/repo/.github/workflows/publish.yml@refs/tags/v1.0.0' };

	it('refuses a publish from a laptop and says how to release', () => {
		const run = guard({ npm_config_provenance: 'true' });
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('not the publish workflow');
		expect(run.stderr).toContain('git tag v<version>');
	});

	it('refuses another workflow, or a branch rather than a tag', () => {
		expect(guard({ ...workflow, GITHUB_WORKFLOW_REF: 'owner/repo/.github/workflows/ci.yml@refs/tags/v1.0.0', npm_config_provenance: 'true' }).status).toBe(1);
		expect(guard({ ...workflow, GITHUB_WORKFLOW_REF: 'owner/repo/.github/workflows/publish.yml@refs/heads/main', npm_config_provenance: 'true' }).status).toBe(1);
	});

	it('refuses the publish workflow without --provenance, and lets it publish with it', () => {
		expect(guard(workflow).stderr).toContain('without --provenance');
		expect(guard({ ...workflow, npm_config_provenance: 'true' }).status).toBe(0);
	});
});
