// Builds and packs this package from a staging copy, then installs the tarball into an n8n user folder the way
// n8n's Community Nodes installer does.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { log, run, withProgress } from './util.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MINUTE = 60_000;

function readJson(file) {
	return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * Copies the sources into `into`: the work tree as it is (tracked and untracked files git does not ignore), or
 * with N8N_PACKAGE_SOURCE=head the last commit only, or commit `rev` when given.
 */
function stageSources(into, rev) {
	const source = (process.env.N8N_PACKAGE_SOURCE || 'worktree').toLowerCase();
	if (rev || source === 'head') {
		const commit = execFileSync('git', ['rev-parse', '--verify', `${rev ?? 'HEAD'}^{commit}`], { cwd: REPO_ROOT }).toString().trim();
		execFileSync('sh', ['-c', `git archive --format=tar ${commit} | tar -x -C "${into}"`], { cwd: REPO_ROOT });
		return rev ? `commit ${rev} (${commit.slice(0, 7)})` : 'the last commit (HEAD)';
	}
	const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT })
		.toString()
		.split('\0')
		.filter((file) => file && existsSync(join(REPO_ROOT, file)));
	for (const file of files) {
		mkdirSync(dirname(join(into, file)), { recursive: true });
		cpSync(join(REPO_ROOT, file), join(into, file));
	}
	return 'the work tree';
}

/**
 * The package's n8n block lists every planned node; some may not be written yet. Entries whose compiled file
 * is missing are dropped from the staged package.json, so n8n loads the rest instead of failing the package.
 */
function dropMissingEntries(staging, name) {
	const manifestFile = join(staging, 'package.json');
	const manifest = readJson(manifestFile);
	// Another name lets a second build sit beside this one in one n8n (node types are prefixed by it).
	if (name) manifest.name = name;
	const missing = [];
	for (const kind of ['nodes', 'credentials']) {
		const listed = manifest.n8n?.[kind] ?? [];
		manifest.n8n[kind] = listed.filter((file) => {
			if (existsSync(join(staging, file))) return true;
			missing.push(file);
			return false;
		});
	}
	if (missing.length > 0) log(`Not built yet, left out of the installed package:\n  ${missing.join('\n  ')}`);
	if (missing.length > 0 || name) writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
	return { manifest, missing };
}

/**
 * What the built package declares: each node's type name, display name and whether it is a trigger, and each
 * credential's name, read by loading the compiled files as n8n does.
 */
function describeBuilt(staging, manifest) {
	const load = createRequire(join(staging, 'package.json'));
	const instances = (file) => Object.values(load(join(staging, file))).filter((value) => typeof value === 'function').map((Class) => new Class());
	const nodes = manifest.n8n.nodes.flatMap((file) =>
		instances(file)
			.filter((instance) => instance.description)
			.map(({ description }) => ({
				file,
				name: description.name,
				type: `${manifest.name}.${description.name}`,
				displayName: description.displayName,
				trigger: (description.group ?? []).includes('trigger') || description.inputs?.length === 0,
				webhook: Array.isArray(description.webhooks) && description.webhooks.length > 0,
				// n8n also lists such a node as an AI tool, under `<type>Tool`.
				usableAsTool: description.usableAsTool === true,
			})),
	);
	const credentials = manifest.n8n.credentials.flatMap((file) =>
		instances(file)
			.filter((instance) => typeof instance.name === 'string' && Array.isArray(instance.properties))
			.map(({ name, displayName }) => ({ file, name, displayName })),
	);
	return { name: manifest.name, version: manifest.version, nodes, credentials };
}

/**
 * Builds the package in a staging copy (with the repo's node_modules) and packs it. Returns the tarball, the
 * package manifest as installed, the n8n entries left out because their files are not built, and what the
 * built files declare. `rev` builds that commit instead of the work tree; `name` renames the package.
 */
export async function buildAndPack(workDir, { rev, name } = {}) {
	if (!existsSync(join(REPO_ROOT, 'node_modules'))) {
		throw new Error(`No node_modules in ${REPO_ROOT}. Run "npm install" (or "npm ci") first.`);
	}
	const staging = join(workDir, 'package-src');
	mkdirSync(staging, { recursive: true });
	const what = stageSources(staging, rev);
	symlinkSync(join(REPO_ROOT, 'node_modules'), join(staging, 'node_modules'), 'dir');
	await withProgress(
		`Building the package from ${what}`,
		run('npm', ['run', 'build'], { cwd: staging, timeoutMs: 5 * MINUTE, label: 'npm run build' }).catch((error) => {
			throw new Error(`${error.message}\nThe package does not build. Fix the errors above, or test the last commit with N8N_PACKAGE_SOURCE=head.`);
		}),
	);
	const { manifest, missing } = dropMissingEntries(staging, name);
	const packDir = join(workDir, 'pack');
	mkdirSync(packDir, { recursive: true });
	await run('npm', ['pack', '--pack-destination', packDir, '--loglevel=error'], { cwd: staging, timeoutMs: 2 * MINUTE, label: 'npm pack' });
	const tarball = readdirSync(packDir).find((file) => file.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${packDir}`);
	const built = describeBuilt(staging, manifest);
	log(`Packed ${tarball}: ${built.nodes.map((node) => node.displayName).join(', ')}; credentials ${built.credentials.map((c) => c.name).join(', ')}`);
	return { tarball: join(packDir, tarball), manifest, missing, built };
}

/**
 * Installs a packed tarball into `<userFolder>/.n8n/nodes` as n8n's Community Nodes installer does: extracted
 * into node_modules/<name>, with dev, peer and optional dependencies stripped, then `npm install
 * --ignore-scripts` for whatever runtime dependencies remain.
 */
export async function installTarball(tarball, userFolder) {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	const extract = mkdtempSync(join(tmpdir(), 'n8n-pkg-'));
	try {
		execFileSync('tar', ['-xzf', tarball, '-C', extract]);
		const unpacked = join(extract, 'package');
		const manifest = readJson(join(unpacked, 'package.json'));
		const target = join(nodesDir, 'node_modules', manifest.name);
		rmSync(target, { recursive: true, force: true });
		mkdirSync(dirname(target), { recursive: true });
		cpSync(unpacked, target, { recursive: true });
		delete manifest.devDependencies;
		delete manifest.peerDependencies;
		delete manifest.optionalDependencies;
		writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
		await run('npm', ['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
			cwd: target,
			timeoutMs: 5 * MINUTE,
			label: `npm install in ${target}`,
		});
		const nodesManifest = join(nodesDir, 'package.json');
		const installed = existsSync(nodesManifest) ? readJson(nodesManifest) : { name: 'installed-nodes', private: true };
		installed.dependencies = { ...installed.dependencies, [manifest.name]: manifest.version };
		writeFileSync(nodesManifest, `${JSON.stringify(installed, null, 2)}\n`);
		log(`Installed ${manifest.name}@${manifest.version} into ${target}`);
		return { name: manifest.name, version: manifest.version, target };
	} finally {
		rmSync(extract, { recursive: true, force: true });
	}
}
