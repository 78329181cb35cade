// Local stand-ins for the vendor APIs that nodes call (Optimizely Campaign, SendPulse), for `npm start`.
// Each mock lives in test/mocks/ as a TypeScript file using Node built-ins only; it is transpiled with the
// project's TypeScript and imported. A mock that is missing, or fails to start, leaves its demo out with a
// message, and everything else goes on.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { REPO_ROOT } from './package.mjs';
import { log } from './util.mjs';

/**
 * How to start each mock and what credential points a node at it. To add one: a file in test/mocks/ and an
 * entry here; a demo in scripts/start.mjs names it with `mock`.
 */
export const MOCKS = {
	optimizely: {
		file: 'test/mocks/optimizelyApi.ts',
		start: (module) => module.startOptimizelyMock(),
		credential: (mock) => ({
			type: 'optimizelyCampaignApi',
			data: { apiUser: mock.user, apiPassword: mock.password, clientId: String(mock.clientId), baseUrl: mock.baseUrl },
		}),
		url: (mock) => mock.baseUrl,
		stop: (mock) => mock.close(),
		// The trigger registers its URL with a basic-auth user and password of its own making; the mock saw them.
		deliveryAuth(mock, targetUrl) {
			const created = mock.requests.find((request) => request.form?.targetUrl === targetUrl && request.form.authentication);
			const auth = created ? JSON.parse(created.form.authentication) : undefined;
			return auth?.type === 'basicAuth' ? ['--user', auth.userName, '--password', auth.password] : [];
		},
	},
	sendpulse: {
		file: 'test/mocks/sendpulseApi.ts',
		start: (module) => module.startSendPulseMock(),
		credential: (mock) => ({ type: 'sendPulseApi', data: mock.credentialData() }),
		url: (mock) => mock.url,
		stop: (mock) => mock.stop(),
	},
};

async function importTypeScript(file, into) {
	const ts = createRequire(join(REPO_ROOT, 'package.json'))('typescript');
	const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
		compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
		fileName: file,
	});
	const target = join(into, `${file.split('/').pop().replace(/\.ts$/, '')}.mjs`);
	writeFileSync(target, outputText);
	return import(pathToFileURL(target).href);
}

/**
 * Starts the named mock. Resolves to { credential, url, deliveryAuth(targetUrl), stop } or, when it cannot run,
 * undefined. `deliveryAuth` gives the simulator arguments that authenticate as the vendor would at that URL.
 */
export async function startMock(name) {
	const spec = MOCKS[name];
	const file = spec && join(REPO_ROOT, spec.file);
	if (!spec || !existsSync(file)) {
		log(`No mock API for ${name} (${spec?.file ?? 'not registered in scripts/n8n/mocks.mjs'}): its demo is left out`);
		return undefined;
	}
	const scratch = mkdtempSync(join(tmpdir(), 'n8n-mock-'));
	try {
		const mock = await spec.start(await importTypeScript(file, scratch));
		log(`Mock ${name} API listening at ${spec.url(mock)}`);
		return {
			credential: spec.credential(mock),
			url: spec.url(mock),
			deliveryAuth: (targetUrl) => spec.deliveryAuth?.(mock, targetUrl) ?? [],
			stop: async () => {
				await spec.stop(mock);
				rmSync(scratch, { recursive: true, force: true });
			},
		};
	} catch (error) {
		rmSync(scratch, { recursive: true, force: true });
		log(`The ${name} mock API did not start (${error.message}): its demo is left out`);
		return undefined;
	}
}
