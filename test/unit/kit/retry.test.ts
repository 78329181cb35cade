import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { type Attempt, type RetryPolicy, withRetries } from '../../../nodes/shared/retry';
import type { VendorFailure } from '../../../nodes/shared/vendorApi';

// Waits are recorded, not waited out.
const waits: number[] = [];
jest.mock('n8n-workflow', () => ({
	...jest.requireActual<object>('n8n-workflow'),
	sleep: async (ms: number) => {
		waits.push(ms);
	},
}));

const node: INode = { id: '1', name: 'Vendor', type: 'vendor', typeVersion: 1, position: [0, 0], parameters: {} };
const POLICY: RetryPolicy = { transientRetries: 2, rateLimitRetries: 3, maxWaitSeconds: 60 };

/** Tries that fail as given, in order, then succeed with the number of tries made. */
function tries(...failures: VendorFailure[]) {
	let made = 0;
	const attempt = async (): Promise<Attempt<number>> => {
		const failure = failures[made++];
		if (!failure) return { value: made };
		return { failure, error: new NodeApiError(node, {} as JsonObject, { message: `try ${made} failed` }) };
	};
	return { attempt, made: () => made };
}

const heard: string[] = [];
const onRetry = (error: NodeApiError, waitMs: number) => heard.push(`${error.message}, ${waitMs} ms`);

beforeEach(() => {
	waits.length = 0;
	heard.length = 0;
});

describe('retrying a vendor call', () => {
	it('returns the first success without waiting', async () => {
		await expect(withRetries(tries().attempt, POLICY, onRetry)).resolves.toBe(1);
		expect(waits).toEqual([]);
	});

	it('waits as long as a 429 asks (a second without Retry-After), and says so', async () => {
		const { attempt } = tries({ status: 429, retryAfter: '2' }, { status: 429 });
		await expect(withRetries(attempt, POLICY, onRetry)).resolves.toBe(3);
		expect(waits).toEqual([2000, 1000]);
		expect(heard).toEqual(['try 1 failed, 2000 ms', 'try 2 failed, 1000 ms']);
	});

	it('does not wait out a 429 that asks for longer than the policy allows', async () => {
		const { attempt, made } = tries({ status: 429, retryAfter: '61' });
		await expect(withRetries(attempt, POLICY, onRetry)).rejects.toThrow('try 1 failed');
		expect(made()).toBe(1);
		expect(waits).toEqual([]);
	});

	it('gives up after the rate-limit retries, without touching the transient ones', async () => {
		const limited: VendorFailure = { status: 429, retryAfter: '0' };
		const { attempt, made } = tries(limited, limited, limited, limited, limited);
		await expect(withRetries(attempt, POLICY, onRetry)).rejects.toThrow('try 4 failed');
		expect(made()).toBe(4);
		const mixed = tries(limited, limited, limited, { status: 503 }, { status: 503 });
		await expect(withRetries(mixed.attempt, POLICY, onRetry)).resolves.toBe(6);
	});

	it('backs off after transient failures: 200 ms, doubling, at most 2 s', async () => {
		const down: VendorFailure = { status: undefined, network: 'ECONNRESET' };
		const { attempt } = tries(down, { status: 200 }, down, down, down, down);
		await expect(withRetries(attempt, { ...POLICY, transientRetries: 6 }, onRetry)).resolves.toBe(7);
		expect(waits).toEqual([200, 400, 800, 1600, 2000, 2000]);
	});

	it('honours a server error’s Retry-After up to the longest wait, and tries again at once after a timeout', async () => {
		const { attempt } = tries({ status: 503, retryAfter: '5' }, { status: 503, retryAfter: '600' });
		await expect(withRetries(attempt, POLICY, onRetry)).resolves.toBe(3);
		expect(waits).toEqual([5000, 60_000]);
		waits.length = 0;
		await expect(withRetries(tries({ status: undefined, timedOut: true }).attempt, POLICY, onRetry)).resolves.toBe(2);
		expect(waits).toEqual([0]);
	});

	it('throws the last error once the transient retries are spent', async () => {
		const { attempt, made } = tries({ status: 500 }, { status: 502 }, { status: 503 });
		await expect(withRetries(attempt, POLICY, onRetry)).rejects.toThrow('try 3 failed');
		expect(made()).toBe(3);
		await expect(withRetries(tries({ status: 500 }).attempt, { ...POLICY, transientRetries: 0 }, onRetry)).rejects.toThrow('try 1 failed');
	});

	it('never repeats a refusal', async () => {
		for (const failure of [{ status: 400 }, { status: 401 }, { status: 404 }, { credential: 'no token' }]) {
			const { attempt, made } = tries(failure);
			await expect(withRetries(attempt, POLICY, onRetry)).rejects.toThrow('try 1 failed');
			expect(made()).toBe(1);
		}
		expect(waits).toEqual([]);
	});
});
