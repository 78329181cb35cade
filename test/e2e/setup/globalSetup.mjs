// Starts one n8n for the whole e2e run, with the packed package installed, and hands the tests what they need
// (URL, API key, what was built) through a state file named in N8N_E2E_STATE.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, log } from '../../../scripts/n8n/index.mjs';

/**
 * Tests run in their own context and cannot reach the harness; they ask this server on 127.0.0.1 to restart
 * n8n (POST /restart) or to run a workflow with `n8n execute` (POST /execute/<id>, answered with its output).
 */
function startControl(harness) {
	const routes = [
		[/^\/restart$/, () => harness.restart().then(() => JSON.stringify({ baseUrl: harness.server.baseUrl }))],
		[/^\/execute\/([\w-]+)$/, (id) => harness.execute(id)],
	];
	const server = createServer((req, res) => {
		const route = req.method === 'POST' && routes.map(([path, act]) => [path.exec(req.url ?? ''), act]).find(([match]) => match);
		if (!route) {
			res.writeHead(404).end();
			return;
		}
		const [match, act] = route;
		act(...match.slice(1)).then(
			(body) => res.writeHead(200).end(body),
			(error) => res.writeHead(500).end(String(error.message)),
		);
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export default async function globalSetup() {
	const started = Date.now();
	process.stderr.write('\n');
	const harness = await launch({ version: process.env.N8N_VERSION });
	globalThis.__N8N_E2E_HARNESS__ = harness;
	const { server, api, pkg, installed } = harness;
	const control = await startControl(harness);
	globalThis.__N8N_E2E_CONTROL__ = control;
	const state = {
		controlUrl: `http://127.0.0.1:${control.address().port}`,
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
