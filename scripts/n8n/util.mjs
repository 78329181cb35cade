// Small helpers for the n8n harness: logging, bounded child processes, free ports, bounded polling.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const started = Date.now();

export function log(message) {
	const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
	process.stderr.write(`[n8n-harness ${seconds}s] ${message}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A wait for Promise.race that does not keep the process alive once the race is decided elsewhere. */
export const idle = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs a command to completion within `timeoutMs`. Output goes to the log file stream given, or is kept
 * in memory (last 20 kB) for the error message. Rejects with what to do when it fails or times out.
 */
export function run(command, args, { cwd, env, timeoutMs, label, echo = false } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let tail = '';
		const keep = (chunk) => {
			tail = (tail + chunk.toString()).slice(-20000);
			if (echo) process.stderr.write(chunk);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${label ?? command} did not finish within ${Math.round(timeoutMs / 1000)} s.\n${tail}`));
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(new Error(`${label ?? command} could not start: ${error.message}`));
		});
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve(tail);
			else reject(new Error(`${label ?? command} failed (${signal ?? `exit ${code}`}). Last output:\n${tail}`));
		});
	});
}

/** Prints a dot line every `everyMs` while `promise` runs, so long installs show they are alive. */
export async function withProgress(message, promise, everyMs = 15000) {
	const begin = Date.now();
	log(`${message} ...`);
	const timer = setInterval(() => log(`${message}: still working (${Math.round((Date.now() - begin) / 1000)} s)`), everyMs);
	try {
		const result = await promise;
		log(`${message}: done in ${Math.round((Date.now() - begin) / 1000)} s`);
		return result;
	} finally {
		clearInterval(timer);
	}
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

export function portIsFree(port) {
	return new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** Calls `probe` until it returns a truthy value, at most until `timeoutMs`; errors `isFatal` accepts end it at once. */
export async function waitFor(what, probe, { timeoutMs, intervalMs = 500, isFatal = () => false }) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			if (isFatal(error)) throw error;
			last = error;
		}
		await sleep(intervalMs);
	}
	throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
}
