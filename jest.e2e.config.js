/**
 * End-to-end suite: one real n8n per run (started in globalSetup with the packed package installed, stopped in
 * globalTeardown), driven over HTTP. `npm run test:e2e`; N8N_VERSION picks the n8n release.
 * @type {import('jest').Config}
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	globalSetup: '<rootDir>/test/e2e/setup/globalSetup.mjs',
	globalTeardown: '<rootDir>/test/e2e/setup/globalTeardown.mjs',
	transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
	testTimeout: 60000,
	slowTestThreshold: 30,
	verbose: true,
};
