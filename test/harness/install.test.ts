import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The n8n harness's cache install, run as `npm run test:e2e` and `npm start` run it: in a child process, with
// the project's npm settings handed down. A stand-in sqlite3 package replaces the real one, so each case takes
// seconds rather than the minutes of a real n8n install.
type Outcome = { ok: boolean; fresh?: boolean; installs: number; message?: string };

const REPO = join(__dirname, '..', '..');
let parent: string;
let final: string;

function install(mode: 'works' | 'fails' | 'builds-nothing'): Outcome {
	const child = spawnSync(process.execPath, [join(__dirname, 'sqliteInstall.mjs'), final, mode], {
		encoding: 'utf8',
		timeout: 90_000,
		// What `npm run` passes down from this project's .npmrc and folder.
		env: { ...process.env, npm_config_ignore_scripts: 'true', npm_config_local_prefix: REPO },
	});
	if (child.status !== 0) throw new Error(`the install script itself failed: ${child.stderr}`);
	return JSON.parse(child.stdout) as Outcome;
}

beforeEach(() => {
	parent = mkdtempSync(join(tmpdir(), 'n8n-cache-'));
	final = join(parent, 'n8n-test');
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

describe('the n8n cache install', () => {
	it('builds sqlite3 although `npm run` handed down ignore-scripts=true, and marks the cache ready', () => {
		expect(install('works')).toEqual({ ok: true, fresh: true, installs: 1 });
		expect(existsSync(join(final, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'))).toBe(true);
		expect(existsSync(join(final, '.ready'))).toBe(true);
		expect(install('works')).toEqual({ ok: true, fresh: false, installs: 0 });
	});

	it('says what failed and what to do when the sqlite3 build fails, keeps nothing, and installs again on the next run', () => {
		const failed = install('fails');
		expect(failed.ok).toBe(false);
		expect(failed.message).toContain('Building sqlite3 for Node');
		expect(failed.message).toContain('apt-get install python3 make g++');
		expect(failed.message).toContain('gyp ERR! stack Error: not found: make');
		expect(failed.message).toContain('the next run installs it again');
		expect(readdirSync(parent)).toEqual([]);

		expect(install('works')).toEqual({ ok: true, fresh: true, installs: 1 });
	});

	it('counts a build that made no sqlite3 module as a failure', () => {
		const failed = install('builds-nothing');
		expect(failed.ok).toBe(false);
		expect(failed.message).toMatch(/made no .*node_sqlite3\.node/);
		expect(readdirSync(parent)).toEqual([]);
	});

	it('installs again over a cache marked ready that has no sqlite3 module, as a broken earlier install left', () => {
		mkdirSync(join(final, 'node_modules', 'n8n'), { recursive: true });
		writeFileSync(join(final, '.ready'), 'earlier\n');
		expect(install('works')).toEqual({ ok: true, fresh: true, installs: 1 });
	});
});
