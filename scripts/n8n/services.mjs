// PostgreSQL and Redis for n8n's queue mode: installed from Debian packages when missing, each started as a
// private instance (a temporary data folder, a free port on 127.0.0.1, a random password) and always stopped.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, idle, log, run, waitFor, withProgress } from './util.mjs';

const MINUTE = 60_000;
const children = new Set();

// Whatever way this process ends, no database it started outlives it.
process.on('exit', () => {
	for (const child of children) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

function which(command) {
	try {
		return execFileSync('sh', ['-c', `command -v ${command}`]).toString().trim() || undefined;
	} catch {
		return undefined;
	}
}

/** The newest PostgreSQL server binaries Debian installed, under /usr/lib/postgresql/<major>/bin. */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const majors = readdirSync(root)
		.filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? join(root, majors[0], 'bin') : undefined;
}

/**
 * Installs the Debian packages whose programs are missing (`apt-get update`, then `apt-get install -y`). While
 * installing, a policy-rc.d keeps the packages' own services (a system cluster on :5432, redis on :6379) from
 * starting, unless the system already has one.
 */
export async function ensureDebianPackages({ postgres = true, redis = true } = {}) {
	const missing = [];
	if (postgres && !postgresBin()) missing.push('postgresql');
	if (redis && !which('redis-server')) missing.push('redis-server');
	if (missing.length === 0) return [];
	if (!which('apt-get')) throw new Error(`${missing.join(' and ')} missing, and there is no apt-get to install them: install them, then run again.`);
	const root = process.getuid?.() === 0;
	const sudo = root ? [] : ['sudo', '-n'];
	const policy = '/usr/sbin/policy-rc.d';
	const placedPolicy = root && !existsSync(policy);
	if (placedPolicy) writeFileSync(policy, '#!/bin/sh\n# placed by n8n-nodes-vendor-webhooks test:queue while installing; removed after\nexit 101\n', { mode: 0o755 });
	try {
		const opts = (args) => ({ env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 15 * MINUTE, label: `apt-get ${args[0]}` });
		const apt = (args) => (sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...args], opts(args)) : run('apt-get', args, opts(args)));
		await withProgress('apt-get update', apt(['update']));
		await withProgress(`apt-get install -y ${missing.join(' ')}`, apt(['install', '-y', '--no-install-recommends', ...missing]));
	} catch (error) {
		throw new Error(`Installing ${missing.join(' and ')} failed${root ? '' : ' (without root, sudo -n apt-get was tried)'}.\n${error.message}`);
	} finally {
		if (placedPolicy) rmSync(policy, { force: true });
	}
	return missing;
}

function spawnService(command, args, { logFile, uid, gid, env, cwd }) {
	const out = createWriteStream(logFile, { flags: 'a' });
	const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], uid, gid, env: env ?? process.env, cwd });
	children.add(child);
	let exited;
	const exit = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = signal ?? `exit ${code}`;
			children.delete(child);
			out.end();
			resolve(exited);
		});
	});
	child.stdout.pipe(out, { end: false });
	child.stderr.pipe(out, { end: false });
	const stop = async (signal, graceMs = 20_000) => {
		if (exited) return;
		try {
			process.kill(-child.pid, signal);
		} catch {
			return;
		}
		const done = await Promise.race([exit, idle(graceMs).then(() => undefined)]);
		if (!done) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// gone
			}
			await Promise.race([exit, idle(5000)]);
		}
	};
	return { child, stop, get exited() { return exited; } };
}

function tail(file, bytes = 3000) {
	try {
		return readFileSync(file, 'utf8').slice(-bytes);
	} catch {
		return '(no log)';
	}
}

/** The uid and gid of a system user, for running PostgreSQL, which refuses to run as root. */
function userIds(name) {
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${name}:`));
	if (!line) return undefined;
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts a private PostgreSQL: initdb in a temporary folder, the server on a free port on 127.0.0.1 only (and a
 * Unix socket inside that folder), a database `n8n` owned by user `n8n` with a random password. `stop()` ends
 * the server and removes the folder.
 */
export async function startPostgres({ port } = {}) {
	const bin = postgresBin();
	if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/postgres)');
	const folder = mkdtempSync(join(tmpdir(), 'n8n-queue-pg-'));
	const data = join(folder, 'data');
	const socket = join(folder, 'socket');
	const logFile = join(folder, 'postgres.log');
	const password = randomBytes(18).toString('base64url');
	const ids = process.getuid?.() === 0 ? userIds('postgres') : undefined;
	if (process.getuid?.() === 0 && !ids) throw new Error('Running as root, and there is no "postgres" user to run PostgreSQL as');
	mkdirSync(socket);
	writeFileSync(join(folder, 'pwfile'), `${password}\n`, { mode: 0o600 });
	if (ids) for (const path of [folder, socket, join(folder, 'pwfile')]) chownSync(path, ids.uid, ids.gid);
	let server;
	const stop = async () => {
		if (server) {
			log(`Stopping PostgreSQL (pid ${server.child.pid})`);
			await server.stop('SIGINT'); // "fast" shutdown
		}
		rmSync(folder, { recursive: true, force: true });
	};
	try {
		const asUser = ids ? { uid: ids.uid, gid: ids.gid } : {};
		const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
		await new Promise((resolve, reject) => {
			const init = spawn(join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '--pwfile', join(folder, 'pwfile'), '-E', 'UTF8', '--locale=C', '--auth-local=trust', '--auth-host=scram-sha-256'], {
				stdio: ['ignore', 'pipe', 'pipe'],
				env,
				cwd: folder,
				...asUser,
			});
			let output = '';
			init.stdout.on('data', (chunk) => (output += chunk));
			init.stderr.on('data', (chunk) => (output += chunk));
			const timer = setTimeout(() => init.kill('SIGKILL'), 2 * MINUTE);
			init.on('exit', (code) => {
				clearTimeout(timer);
				if (code === 0) resolve();
				else reject(new Error(`initdb failed (exit ${code}):\n${output.slice(-3000)}`));
			});
		});
		rmSync(join(folder, 'pwfile'), { force: true });
		const chosen = port ?? (await freePort());
		server = spawnService(
			join(bin, 'postgres'),
			['-D', data, '-p', String(chosen), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socket}`, '-c', 'max_connections=200'],
			{ logFile, env, cwd: folder, ...asUser },
		);
		log(`Starting PostgreSQL on 127.0.0.1:${chosen} (data ${data}, log ${logFile})`);
		await waitFor(
			`PostgreSQL to accept connections on 127.0.0.1:${chosen}`,
			async () => {
				if (server.exited) throw Object.assign(new Error(`PostgreSQL exited (${server.exited}):\n${tail(logFile)}`), { fatal: true });
				await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(chosen), '-U', 'n8n', 'n8n'], {
					env: { ...env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '3' },
					timeoutMs: 15_000,
					label: 'createdb n8n',
				});
				return true;
			},
			{ timeoutMs: 60_000, intervalMs: 500, isFatal: (error) => error.fatal },
		);
		log(`PostgreSQL ready: database n8n on 127.0.0.1:${chosen}`);
		return { host: '127.0.0.1', port: chosen, database: 'n8n', user: 'n8n', password, pid: server.child.pid, logFile, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

function redisPing(port, password) {
	return new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port });
		let answer = '';
		socket.setTimeout(2000, () => socket.destroy());
		socket.on('connect', () => socket.write(`AUTH ${password}\r\nPING\r\n`));
		socket.on('data', (chunk) => {
			answer += chunk;
			if (answer.includes('+PONG')) {
				socket.end();
				resolve(true);
			}
		});
		socket.on('error', () => resolve(false));
		socket.on('close', () => resolve(answer.includes('+PONG')));
	});
}

/**
 * Starts a private Redis on a free port on 127.0.0.1, with a random password and no persistence. `stop()` ends
 * it and removes its folder.
 */
export async function startRedis({ port } = {}) {
	const command = which('redis-server');
	if (!command) throw new Error('redis-server is not installed');
	const folder = mkdtempSync(join(tmpdir(), 'n8n-queue-redis-'));
	const logFile = join(folder, 'redis.log');
	const password = randomBytes(18).toString('base64url');
	const chosen = port ?? (await freePort());
	// The password goes in a config file, not on the command line, where `ps` would show it.
	const config = join(folder, 'redis.conf');
	writeFileSync(
		config,
		[`port ${chosen}`, 'bind 127.0.0.1', 'protected-mode yes', `requirepass ${password}`, 'save ""', 'appendonly no', `dir ${folder}`, 'daemonize no', ''].join('\n'),
		{ mode: 0o600 },
	);
	const server = spawnService(command, [config], { logFile, cwd: folder });
	const stop = async () => {
		log(`Stopping Redis (pid ${server.child.pid})`);
		await server.stop('SIGTERM');
		rmSync(folder, { recursive: true, force: true });
	};
	try {
		log(`Starting Redis on 127.0.0.1:${chosen} (log ${logFile})`);
		await waitFor(
			`Redis to answer on 127.0.0.1:${chosen}`,
			async () => {
				if (server.exited) throw Object.assign(new Error(`Redis exited (${server.exited}):\n${tail(logFile)}`), { fatal: true });
				return redisPing(chosen, password);
			},
			{ timeoutMs: 30_000, intervalMs: 300, isFatal: (error) => error.fatal },
		);
		log(`Redis ready on 127.0.0.1:${chosen}`);
		return { host: '127.0.0.1', port: chosen, password, pid: server.child.pid, logFile, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
