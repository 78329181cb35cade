// Runs the harness's install-and-build step on a stand-in sqlite3 package, as `npm run` would call it.
// Usage: node sqliteInstall.mjs <cache folder> <works|fails|builds-nothing>; prints what happened as JSON.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildSqlite, installOnce, sqliteBinding } from '../../scripts/n8n/install.mjs';

const [final, mode] = process.argv.slice(2);
const scripts = {
	works: "const fs=require('fs');fs.mkdirSync('build/Release',{recursive:true});fs.writeFileSync('build/Release/node_sqlite3.node','')",
	fails: "console.error('gyp ERR! stack Error: not found: make');process.exit(1)",
	'builds-nothing': "console.log('nothing to do')",
};

let installs = 0;
const layStandIn = async (into) => {
	installs += 1;
	writeFileSync(join(into, 'package.json'), JSON.stringify({ private: true, dependencies: { sqlite3: '5.1.7' } }));
	const pkg = join(into, 'node_modules', 'sqlite3');
	mkdirSync(pkg, { recursive: true });
	writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'sqlite3', version: '5.1.7', scripts: { install: `node -e "${scripts[mode]}"` } }));
	await buildSqlite(into, { node: process.execPath, nodeVersion: process.version }, { timeoutMs: 60_000 });
};

try {
	const fresh = await installOnce(final, 'the stand-in n8n', layStandIn, (root) => existsSync(sqliteBinding(root)));
	process.stdout.write(JSON.stringify({ ok: true, fresh, installs }));
} catch (error) {
	process.stdout.write(JSON.stringify({ ok: false, installs, message: error.message }));
}

