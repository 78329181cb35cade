/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	collectCoverageFrom: ['nodes/**/*.ts', 'credentials/**/*.ts'],
	coverageReporters: ['text-summary', 'text', 'json-summary'],
	coverageThreshold: {
		'./nodes/shared/': { lines: 95, branches: 95 },
	},
	transform: { '^.+\\.ts$': ['ts-jest', {}] },
	testTimeout: 20000,
};
