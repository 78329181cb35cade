// n8n's distributed ("queue") mode on one machine: a private PostgreSQL and Redis, one main process, several
// `n8n webhook` processes and `n8n worker` processes, each with its own user folder holding the packed package,
// all on 127.0.0.1. Used by `npm run test:queue`.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { N8nApi } from './api.mjs';
import { ensureN8n } from './install.mjs';
import { buildAndPack, installTarball } from './package.mjs';
import { startN8n, stopOnSignals } from './server.mjs';
import { ensureDebianPackages, startPostgres, startRedis } from './services.mjs';
import { freePort, log } from './util.mjs';

/** The environment every queue-mode process shares: the database, the queue, and where webhooks are served. */
function queueEnvironment({ postgres, redis, webhookUrl, extra }) {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_PASSWORD: redis.password,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// The address vendors are given: in production a balancer in front of the webhook processes.
		WEBHOOK_URL: webhookUrl,
		...extra,
	};
}

/**
 * Starts PostgreSQL and Redis (installing them from Debian packages if missing), then n8n main, `webhooks`
 * webhook processes and `workers` workers (each `n8n worker --concurrency=<workerConcurrency>`). The main
 * serves the editor and the API but no production webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS), as behind a
 * balancer that sends /webhook/ to the webhook processes; WEBHOOK_URL is the first webhook process's address.
 * Returns { n8n, pkg, api, main, webhooks, workers, postgres, redis, pids(), stop() }; `stop()` ends everything
 * it started, in reverse order, and is safe to call twice.
 */
export async function launchQueue({ version, webhooks = 2, workers = 1, workerConcurrency = 10, env = {}, echo = false } = {}) {
	const n8n = await ensureN8n(version);
	await ensureDebianPackages();
	const work = mkdtempSync(join(tmpdir(), 'n8n-vendor-webhooks-queue-'));
	const started = [];
	let stopping;
	const stop = () => {
		stopping ??= (async () => {
			forget();
			for (const service of started.reverse()) {
				try {
					await service.stop();
				} catch (error) {
					log(`Stopping failed: ${error.message}`);
				}
			}
			rmSync(work, { recursive: true, force: true });
		})();
		return stopping;
	};
	const forget = stopOnSignals(stop);
	try {
		const pkg = await buildAndPack(work);
		const postgres = await startPostgres();
		started.push(postgres);
		const redis = await startRedis();
		started.push(redis);
		const encryptionKey = randomBytes(24).toString('hex');
		const webhookPorts = [];
		for (let i = 0; i < webhooks; i++) webhookPorts.push(await freePort());
		const webhookUrl = `http://localhost:${webhookPorts[0]}/`;
		const shared = queueEnvironment({ postgres, redis, webhookUrl, extra: env });
		const folder = async (name) => {
			const userFolder = join(work, name);
			mkdirSync(userFolder, { recursive: true });
			await installTarball(pkg.tarball, userFolder);
			return userFolder;
		};

		// The main process runs the database migrations, so it starts alone first.
		const mainPort = await freePort();
		const main = await startN8n(n8n, {
			userFolder: await folder('main'),
			port: mainPort,
			encryptionKey,
			echo,
			env: { ...shared, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true', N8N_EDITOR_BASE_URL: `http://localhost:${mainPort}/` },
		});
		started.push(main);
		const api = await new N8nApi(main.baseUrl).signIn();
		log('Signed in on the main process as owner; API key created');

		const folders = [];
		for (let i = 0; i < webhooks; i++) folders.push(await folder(`webhook-${i + 1}`));
		const workerFolders = [];
		for (let i = 0; i < workers; i++) workerFolders.push(await folder(`worker-${i + 1}`));
		const webhookStarts = folders.map((userFolder, i) =>
			startN8n(n8n, { userFolder, port: webhookPorts[i], encryptionKey, echo, command: 'webhook', env: shared }).then((handle) => (started.push(handle), handle)),
		);
		const workerStarts = workerFolders.map(async (userFolder) => {
			const healthPort = await freePort();
			const handle = await startN8n(n8n, {
				userFolder,
				port: healthPort,
				encryptionKey,
				echo,
				command: 'worker',
				args: [`--concurrency=${workerConcurrency}`],
				env: { ...shared, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' },
			});
			started.push(handle);
			return handle;
		});
		const settled = await Promise.allSettled([...webhookStarts, ...workerStarts]);
		const failed = settled.find((outcome) => outcome.status === 'rejected');
		if (failed) throw failed.reason;
		const handles = settled.map((outcome) => outcome.value);
		const webhookHandles = handles.slice(0, webhooks);
		const workerHandles = handles.slice(webhooks);
		log(`Queue mode ready: main ${main.baseUrl}, webhook processes ${webhookHandles.map((h) => h.baseUrl).join(' and ')}, ${workers} worker(s) at concurrency ${workerConcurrency}`);
		return {
			n8n,
			pkg,
			api,
			main,
			webhooks: webhookHandles,
			workers: workerHandles,
			postgres,
			redis,
			webhookUrl,
			pids: () => [main.pid, ...webhookHandles.map((h) => h.pid), ...workerHandles.map((h) => h.pid)],
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
