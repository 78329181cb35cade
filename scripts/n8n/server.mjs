// Starts n8n as a child process on a given port and user folder, waits until it serves, and always stops it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort, idle, log, run, waitFor } from './util.mjs';

const running = new Set();

function killGroup(child, signal) {
	try {
		process.kill(-child.pid, signal); // n8n and its task runner share the group it leads
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

// Last resort: whatever way this process ends, no n8n it started outlives it.
process.on('exit', () => {
	for (const child of running) killGroup(child, 'SIGKILL');
});

const stoppers = new Set();
let signalled = false;

/**
 * On Ctrl-C (or SIGTERM, SIGHUP) runs every registered stop, bounded in time, then exits. Without this a signal
 * would end this process and leave n8n, which runs in its own process group, behind.
 */
export function stopOnSignals(stop) {
	stoppers.add(stop);
	if (stoppers.size > 1) return () => stoppers.delete(stop);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			if (signalled) return;
			signalled = true;
			log(`${signal} received: stopping everything this run started`);
			const all = Promise.allSettled([...stoppers].map((fn) => fn()));
			Promise.race([all, idle(30_000)]).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
		});
	}
	return () => stoppers.delete(stop);
}

function tail(file, bytes = 6000) {
	try {
		const text = readFileSync(file, 'utf8');
		return text.slice(-bytes);
	} catch {
		return '(no log)';
	}
}

/** The environment of a headless n8n: no telemetry, no calls home, owner set up over REST, one port. */
export function n8nEnvironment({ userFolder, port, brokerPort, encryptionKey, extra = {} }) {
	const env = { ...process.env };
	// Keep this process's Node, npm and jest settings from leaking into n8n's own (n8n quits under NODE_ENV=test).
	for (const name of Object.keys(env)) if (/^(npm_|JEST_)/.test(name) || name === 'NODE_OPTIONS') delete env[name];
	return {
		...env,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://localhost:${port}/`,
		N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		...extra,
	};
}

/**
 * Starts `n8n start` and resolves once its REST API answers. Returns a handle whose `stop()` ends n8n and its
 * task runner (SIGTERM, then SIGKILL after `graceMs`).
 *
 * For queue mode, `command` may be `webhook` or `worker` (with `args` such as `--concurrency=1`), and `ready`
 * the paths that must answer 200 on `port` before it counts as started (default: readiness and, for `start`,
 * the REST settings). A worker serves them only with QUEUE_HEALTH_CHECK_ACTIVE=true on QUEUE_HEALTH_CHECK_PORT.
 */
export async function startN8n(
	n8n,
	{ userFolder, port, encryptionKey, env = {}, echo = false, readyTimeoutMs = 180_000, command = 'start', args = [], ready },
) {
	const brokerPort = await freePort();
	const logFile = join(userFolder, 'n8n.log');
	const out = createWriteStream(logFile, { flags: 'a' });
	const key = encryptionKey ?? randomBytes(24).toString('hex');
	const childEnv = n8nEnvironment({ userFolder, port, brokerPort, encryptionKey: key, extra: env });
	const what = command === 'start' ? `n8n ${n8n.version}` : `n8n ${n8n.version} ${command}`;
	log(`Starting ${what} on http://localhost:${port} (user folder ${userFolder}, log ${logFile})`);
	const child = spawn(n8n.node, [n8n.main, command, ...args], { env: childEnv, cwd: userFolder, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	running.add(child);
	let exited;
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = signal ?? `exit ${code}`;
			running.delete(child);
			out.end();
			resolve(exited);
		});
	});
	for (const stream of [child.stdout, child.stderr]) {
		stream.on('data', (chunk) => {
			out.write(chunk);
			if (echo) process.stdout.write(chunk);
		});
	}
	const baseUrl = `http://localhost:${port}`;
	let stopping;
	const handle = {
		baseUrl,
		port,
		pid: child.pid,
		logFile,
		userFolder,
		version: n8n.version,
		get exited() {
			return exited;
		},
		/**
		 * Runs a saved workflow once with `n8n execute`, beside the running n8n (same data, its own task-runner
		 * port), as a manual run would. Resolves to the command's output.
		 */
		async execute(workflowId, timeoutMs = 120_000) {
			const executeEnv = n8nEnvironment({ userFolder, port, brokerPort: await freePort(), encryptionKey: key, extra: env });
			const label = `n8n execute --id=${workflowId}`;
			try {
				return await run(n8n.node, [n8n.main, 'execute', `--id=${workflowId}`, '--rawOutput'], { cwd: userFolder, env: executeEnv, timeoutMs, label });
			} catch (error) {
				// n8n's `execute` now and then dies of SIGSEGV while it shuts down, after it has printed the whole run
				// (seen on a loaded machine). The run is done and saved then; anything else is a failure.
				const [, output] = /failed \(SIGSEGV\)\. Last output:\n([\s\S]*)$/.exec(error.message) ?? [];
				if (output === undefined || !/^\{/m.test(output) || !/^\}\s*$/m.test(output)) throw error;
				log(`${label} died of SIGSEGV after printing its run; the run is read from what it printed`);
				return output;
			}
		},
		/** Ends n8n and its task runner: SIGTERM, then SIGKILL after `graceMs`. Later calls share the first. */
		stop(graceMs = 20_000) {
			stopping ??= (async () => {
				if (exited) return;
				log(`Stopping ${what} (pid ${child.pid})`);
				killGroup(child, 'SIGTERM');
				const done = await Promise.race([exitPromise, idle(graceMs).then(() => undefined)]);
				if (!done) {
					log(`${what} did not stop within ${graceMs / 1000} s; killing it`);
					killGroup(child, 'SIGKILL');
					await Promise.race([exitPromise, idle(5000)]);
				}
				// The task runner may outlive its parent by a moment; make sure the group is gone.
				killGroup(child, 'SIGKILL');
			})();
			return stopping;
		},
	};
	// 1.x reports ready before its REST routes exist.
	const readyPaths = ready ?? (command === 'start' ? ['/healthz/readiness', '/rest/settings'] : ['/healthz/readiness']);
	try {
		await waitFor(
			`${what} to answer on ${baseUrl}`,
			async () => {
				if (exited) throw Object.assign(new Error(`${what} exited (${exited}) before it was ready`), { fatal: true });
				for (const path of readyPaths) {
					const answer = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(3000) });
					if (!answer.ok) return false;
				}
				return true;
			},
			{ timeoutMs: readyTimeoutMs, intervalMs: 500, isFatal: (error) => error.fatal },
		);
	} catch (error) {
		await handle.stop(5000);
		throw new Error(`${error.message}\nLast lines of ${logFile}:\n${tail(logFile)}`);
	}
	log(`${what} is ready at ${baseUrl}`);
	return handle;
}
