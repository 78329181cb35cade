// Provides a pinned n8n and the Node runtime it needs, installed once into a cache folder outside the repo.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

import { log, run, withProgress } from './util.mjs';

export const DEFAULT_N8N_VERSION = '2.41.1';
/** The Node 24 runtime for n8n 2.x, from the registry's per-platform Node binary packages. */
export const DEFAULT_NODE24_VERSION = '24.21.0';

const MINUTE = 60_000;

export function cacheRoot() {
	if (process.env.N8N_HARNESS_CACHE) return process.env.N8N_HARNESS_CACHE;
	const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(base, 'n8n-nodes-vendor-webhooks');
}

export function n8nVersion() {
	return process.env.N8N_VERSION || DEFAULT_N8N_VERSION;
}

const READY = '.ready';

/**
 * Installs into `<final>.partial-<pid>` and renames when complete, so a broken install is never reused. A
 * folder counts as installed only when it has the ready mark and `isComplete` holds: a cache left by an
 * earlier, broken install is installed again rather than trusted.
 */
export async function installOnce(final, what, install, isComplete = () => true) {
	if (existsSync(join(final, READY)) && isComplete(final)) return false;
	rmSync(final, { recursive: true, force: true });
	const partial = `${final}.partial-${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	try {
		await install(partial);
		writeFileSync(join(partial, READY), `${new Date().toISOString()}\n`);
		if (existsSync(join(final, READY)) && isComplete(final)) {
			rmSync(partial, { recursive: true, force: true }); // another process finished first
		} else {
			rmSync(final, { recursive: true, force: true });
			renameSync(partial, final);
		}
		return true;
	} catch (error) {
		rmSync(partial, { recursive: true, force: true });
		throw new Error(`Installing ${what} into ${final} failed; nothing was kept, so the next run installs it again.\n${error.message}`);
	}
}

/**
 * The environment for npm in the cache folder. `npm run` hands its own project's settings down as
 * `npm_config_*` variables (this project's `ignore-scripts=true`, its folder as `local_prefix`); the cache
 * folder is a project of its own, so those two are dropped and each command says what it needs.
 */
function npmEnv(extra = {}) {
	const env = { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false', ...extra };
	delete env.npm_config_local_prefix;
	delete env.npm_config_ignore_scripts;
	return env;
}

function nodeMajor(version) {
	return Number(String(version).replace(/^v/, '').split('.')[0]);
}

/** Where a Node's C headers are, for node-gyp; it would otherwise download them, which needs more than the npm registry. */
function headersOf(nodeBinary) {
	const prefix = dirname(dirname(nodeBinary));
	return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

/**
 * The Node binary to run n8n `version` with. n8n 2.x needs Node 24: it comes from the cache. n8n 1.x runs on
 * this machine's Node (20 to 24).
 */
export async function ensureNodeRuntime(version) {
	if (nodeMajor(version) < 2) {
		const major = nodeMajor(process.version);
		if (major < 20 || major > 24) {
			throw new Error(`n8n ${version} needs Node 20 to 24; this is Node ${process.version}. Run with Node 20 or 22.`);
		}
		return { node: process.execPath, headers: headersOf(process.execPath), nodeVersion: process.version };
	}
	const nodeVersion = process.env.N8N_NODE_VERSION || DEFAULT_NODE24_VERSION;
	const pkg = `node-${process.platform}-${process.arch}`;
	const folder = join(cacheRoot(), `node-${nodeVersion}`);
	const nodeIn = (root) => join(root, 'node_modules', pkg, 'bin', 'node');
	await installOnce(
		folder,
		`Node ${nodeVersion}`,
		(into) => {
			writeFileSync(join(into, 'package.json'), JSON.stringify({ private: true }, null, 2));
			return withProgress(
				`Installing Node ${nodeVersion} (${pkg}) for n8n ${version}`,
				run('npm', ['install', '--no-save', '--ignore-scripts', '--no-package-lock', `${pkg}@${nodeVersion}`], {
					cwd: into,
					env: npmEnv(),
					timeoutMs: 10 * MINUTE,
					label: `npm install ${pkg}@${nodeVersion}`,
				}),
			);
		},
		(root) => existsSync(nodeIn(root)),
	);
	const node = nodeIn(folder);
	return { node, headers: headersOf(node), nodeVersion: `v${nodeVersion}` };
}

/** sqlite3's compiled module: without it n8n stops at start with "SQLite package has not been found installed". */
export const sqliteBinding = (folder) => join(folder, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');

/**
 * Builds sqlite3 in `folder` for `runtime`'s Node, with install scripts allowed whatever the caller's npm
 * settings say, and checks that the module exists afterwards.
 */
export async function buildSqlite(folder, runtime, { timeoutMs = 15 * MINUTE } = {}) {
	const env = npmEnv({ PATH: `${dirname(runtime.node)}${delimiter}${process.env.PATH}` });
	if (runtime.headers) env.npm_config_nodedir = runtime.headers;
	const advice =
		'sqlite3 is compiled by node-gyp, which needs python3, make and a C++ compiler (Debian: apt-get install python3 make g++) ' +
		`and the C headers of Node ${runtime.nodeVersion}. Install what is missing, then run the same command again: the install starts over.`;
	try {
		await withProgress(
			`Building sqlite3 for Node ${runtime.nodeVersion}`,
			run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'], { cwd: folder, env, timeoutMs, label: 'npm rebuild sqlite3' }),
		);
	} catch (error) {
		throw new Error(`Building sqlite3 for Node ${runtime.nodeVersion} failed. ${advice}\n${error.message}`);
	}
	if (!existsSync(sqliteBinding(folder))) {
		throw new Error(`Building sqlite3 for Node ${runtime.nodeVersion} made no ${sqliteBinding(folder)}. ${advice}`);
	}
}

/** Installs n8n `version` (once) and returns where its entry point is and which Node runs it. */
export async function ensureN8n(version = n8nVersion()) {
	const runtime = await ensureNodeRuntime(version);
	const folder = join(cacheRoot(), `n8n-${version}`);
	const fresh = await installOnce(
		folder,
		`n8n ${version}`,
		async (into) => {
			const manifest = { private: true, name: 'n8n-runtime', dependencies: { n8n: version } };
			// 1.x pulls xlsx from a CDN the registry mirrors do not cover; the registry's last xlsx serves instead.
			if (nodeMajor(version) < 2) manifest.overrides = { xlsx: '0.18.5' };
			writeFileSync(join(into, 'package.json'), JSON.stringify(manifest, null, 2));
			// Install scripts would try to download native sources (a Kafka addon); only sqlite3 needs building.
			await withProgress(
				`Installing n8n ${version} into ${folder} (first run only: several minutes, 2-3 GB)`,
				run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
					cwd: into,
					env: npmEnv(),
					timeoutMs: 30 * MINUTE,
					label: `npm install n8n@${version}`,
				}),
			);
			await buildSqlite(into, runtime);
		},
		(root) => existsSync(sqliteBinding(root)),
	);
	const main = join(folder, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(main)) throw new Error(`${main} is missing. Delete ${folder} and run again.`);
	const installed = JSON.parse(readFileSync(join(folder, 'node_modules', 'n8n', 'package.json'), 'utf8')).version;
	if (!fresh) log(`Using cached n8n ${installed} from ${folder} on Node ${runtime.nodeVersion}`);
	return { version: installed, folder, main, ...runtime };
}

// `node scripts/n8n/install.mjs` installs (or checks) the cached n8n on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
	const started = Date.now();
	ensureN8n()
		.then((n8n) => log(`n8n ${n8n.version} ready at ${n8n.main} (Node ${n8n.nodeVersion}) in ${Math.round((Date.now() - started) / 1000)} s`))
		.catch((error) => {
			log(error.message);
			process.exit(1);
		});
}
