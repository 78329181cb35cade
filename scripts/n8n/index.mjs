// One call from nothing to a running n8n with this package installed: cached n8n, packed package, fresh user
// folder, owner and API key. Used by `npm start` and the e2e suite.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { N8nApi } from './api.mjs';
import { ensureN8n } from './install.mjs';
import { buildAndPack, installTarball } from './package.mjs';
import { startN8n, stopOnSignals } from './server.mjs';
import { freePort, log, portIsFree } from './util.mjs';

export { N8nApi, OWNER, deployWorkflow, productionUrl } from './api.mjs';
export { DEFAULT_N8N_VERSION, cacheRoot, ensureN8n, n8nVersion } from './install.mjs';
export { REPO_ROOT, buildAndPack, installTarball } from './package.mjs';
export { stopOnSignals } from './server.mjs';
export { launchQueue } from './queue.mjs';
export { log } from './util.mjs';

/** A kept user folder already has a key, which n8n insists on: reuse it. */
function encryptionKeyOf(userFolder) {
	const config = join(userFolder, '.n8n', 'config');
	const saved = existsSync(config) ? JSON.parse(readFileSync(config, 'utf8')).encryptionKey : undefined;
	return saved ?? randomBytes(24).toString('hex');
}

/**
 * Installs (once) and starts n8n with the packed package. `port` defaults to a free one; `userFolder` to a new
 * temporary folder, removed by `stop()` unless `keepUserFolder`. `stop()` is safe to call twice; `restart()`
 * stops n8n and starts it again on the same port, data and encryption key, as a server reboot would;
 * `execute(id)` runs a saved workflow once with `n8n execute`. `alsoInstall`: more packed tarballs to install
 * beside this package (a second build under another name).
 */
export async function launch({ version, port, userFolder, keepUserFolder = false, echo = false, env = {}, alsoInstall = [] } = {}) {
	const n8n = await ensureN8n(version);
	const work = mkdtempSync(join(tmpdir(), 'n8n-vendor-webhooks-'));
	const folder = userFolder ?? join(work, 'user');
	mkdirSync(folder, { recursive: true });
	let server;
	let forget = () => {};
	const stop = async () => {
		forget();
		if (server) await server.stop();
		rmSync(work, { recursive: true, force: true });
		if (userFolder && !keepUserFolder) rmSync(userFolder, { recursive: true, force: true });
	};
	forget = stopOnSignals(stop);
	try {
		const pkg = await buildAndPack(work);
		const installed = await installTarball(pkg.tarball, folder);
		for (const tarball of alsoInstall) await installTarball(tarball, folder);
		const chosenPort = port ?? (await freePort());
		if (!(await portIsFree(chosenPort))) {
			throw new Error(`Port ${chosenPort} is in use. Stop what is listening there, or choose another port (N8N_PORT=5679 npm start).`);
		}
		const options = { userFolder: folder, port: chosenPort, echo, env, encryptionKey: encryptionKeyOf(folder) };
		server = await startN8n(n8n, options);
		const api = await new N8nApi(server.baseUrl).signIn();
		log(`Signed in as owner; API key created`);
		const harness = { n8n, server, api, pkg, installed, stop };
		harness.execute = (workflowId) => server.execute(workflowId);
		harness.restart = async () => {
			await server.stop();
			server = await startN8n(n8n, options);
			harness.server = server;
		};
		return harness;
	} catch (error) {
		await stop();
		throw error;
	}
}
