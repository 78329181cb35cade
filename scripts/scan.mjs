#!/usr/bin/env node
// `npm run scan`: what n8n's community-package scanner (@n8n/scan-community-package) checks, before a publish
// rather than after. The scanner lints two things with its own ESLint set-up, and this runs its own code on both:
// the sources (package.json, nodes/, credentials/), as it lints the commit npm provenance points at, and the
// compiled files of the tarball `npm pack` makes, as it lints the package it downloads. It also checks that the
// tarball holds only what a user needs. Provenance itself can only be checked once published:
// `npx @n8n/scan-community-package n8n-nodes-vendor-webhooks`. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** What a user's install needs; anything else in the tarball is a mistake in `files` or `.npmignore`. */
const SHIPPED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/, /^dist\//];

if (!existsSync(join(root, 'dist', 'nodes'))) {
	console.error('No dist/ to scan: run "npm run build" first.');
	process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'nvw-scan-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// --ignore-scripts: the tarball of what is built now, without prepublish guards or a rebuild.
const [packed] = JSON.parse(
	execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
);
const paths = packed.files.map((file) => file.path);
const unexpected = paths.filter((path) => !SHIPPED.some((pattern) => pattern.test(path)));
const missing = ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].filter((path) => !paths.includes(path));
console.log(`Tarball ${packed.filename}: ${packed.files.length} files, ${(packed.size / 1024).toFixed(0)} kB packed`);

const extracted = join(work, 'package');
mkdirSync(extracted);
execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', extracted, '--strip-components=1']);

const legs = [
	{ name: 'sources (package.json, nodes/, credentials/)', result: await analyzePackage(root, SOURCE_FILE_PATTERNS) },
	{ name: 'packed tarball (compiled .js, package.json)', result: await analyzePackage(extracted, ['**/*.js', 'package.json']) },
];

let failed = unexpected.length > 0 || missing.length > 0;
if (missing.length > 0) console.error(`The tarball lacks ${missing.join(', ')}: add them to "files" in package.json.`);
if (unexpected.length > 0) console.error(`The tarball holds files a user does not need:\n  ${unexpected.join('\n  ')}\nNarrow "files" in package.json.`);
for (const { name, result } of legs) {
	console.log(`${result.passed ? 'passed' : 'FAILED'}: ${name}${result.message ? ` (${result.message})` : ''}`);
	if (!result.passed) {
		failed = true;
		if (result.details) console.error(result.details);
	}
}
process.exit(failed ? 1 : 0);
