// Starts one n8n for the whole e2e run, with the packed package installed, and hands the tests what they need
// (URL, API key, what was built) through a state file named in N8N_E2E_STATE.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, log } from '../../../scripts/n8n/index.mjs';

export default async function globalSetup() {
	const started = Date.now();
	process.stderr.write('\n');
	const harness = await launch({ version: process.env.N8N_VERSION });
	globalThis.__N8N_E2E_HARNESS__ = harness;
	const { server, api, pkg, installed } = harness;
	const state = {
		baseUrl: server.baseUrl,
		n8nVersion: server.version,
		nodeVersion: harness.n8n.nodeVersion,
		apiKey: api.apiKey,
		cookie: api.cookie,
		browserId: api.browserId,
		logFile: server.logFile,
		packageName: installed.name,
		packageFolder: installed.target,
		built: pkg.built,
		missing: pkg.missing,
	};
	const file = join(tmpdir(), `n8n-vendor-webhooks-e2e-${process.pid}.json`);
	writeFileSync(file, JSON.stringify(state, null, 2));
	process.env.N8N_E2E_STATE = file;
	globalThis.__N8N_E2E_STATE_FILE__ = file;
	log(`e2e: n8n ${server.version} ready in ${Math.round((Date.now() - started) / 1000)} s; running the suites`);
}
