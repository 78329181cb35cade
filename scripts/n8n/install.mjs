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

/** Installs into `<final>.partial-<pid>` and renames when complete, so a broken install is never reused. */
async function installOnce(final, what, install) {
	if (existsSync(join(final, READY))) return false;
	rmSync(final, { recursive: true, force: true });
	const partial = `${final}.partial-${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	try {
		await install(partial);
		writeFileSync(join(partial, READY), `${new Date().toISOString()}\n`);
		if (existsSync(join(final, READY))) {
			rmSync(partial, { recursive: true, force: true }); // another process finished first
		} else {
			rmSync(final, { recursive: true, force: true });
			renameSync(partial, final);
		}
		return true;
	} catch (error) {
		rmSync(partial, { recursive: true, force: true });
		throw new Error(`Installing ${what} into ${final} failed. Check the npm registry is reachable and retry.\n${error.message}`);
	}
}

function npmEnv(extra = {}) {
	return { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false', ...extra };
}

function nodeMajor(version) {
	return Number(String(version).replace(/^v/, '').split('.')[0]);
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
		return { node: process.execPath, nodeDir: undefined, nodeVersion: process.version };
	}
	const nodeVersion = process.env.N8N_NODE_VERSION || DEFAULT_NODE24_VERSION;
	const pkg = `node-${process.platform}-${process.arch}`;
	const folder = join(cacheRoot(), `node-${nodeVersion}`);
	await installOnce(folder, `Node ${nodeVersion}`, (into) => {
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
	});
	const nodeDir = join(folder, 'node_modules', pkg);
	const node = join(nodeDir, 'bin', 'node');
	if (!existsSync(node)) throw new Error(`${node} is missing. Delete ${folder} and run again.`);
	return { node, nodeDir, nodeVersion: `v${nodeVersion}` };
}

/** Installs n8n `version` (once) and returns where its entry point is and which Node runs it. */
export async function ensureN8n(version = n8nVersion()) {
	const runtime = await ensureNodeRuntime(version);
	const folder = join(cacheRoot(), `n8n-${version}`);
	const fresh = await installOnce(folder, `n8n ${version}`, async (into) => {
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
		const buildEnv = runtime.nodeDir
			? npmEnv({ npm_config_nodedir: runtime.nodeDir, PATH: `${dirname(runtime.node)}${delimiter}${process.env.PATH}` })
			: npmEnv();
		await withProgress(
			`Building sqlite3 for Node ${runtime.nodeVersion}`,
			run('npm', ['rebuild', 'sqlite3'], { cwd: into, env: buildEnv, timeoutMs: 15 * MINUTE, label: 'npm rebuild sqlite3' }),
		);
	});
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
