import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { type Attempt, ONE_TRY, UNDO_BUDGET_MS, undoPolicy, withRetries } from '../../nodes/shared/retry';
import type { VendorFailure } from '../../nodes/shared/vendorApi';

// Waits are recorded and move a fake clock, instead of being waited out.
const waits: number[] = [];
let clock = 1_000_000;
jest.mock('n8n-workflow', () => ({
	...jest.requireActual<object>('n8n-workflow'),
	sleep: async (ms: number) => {
		waits.push(ms);
		clock += ms;
	},
}));

const node: INode = { id: '1', name: 'Vendor', type: 'vendor', typeVersion: 1, position: [0, 0], parameters: {} };

/** Tries that always fail as given; each takes `tookMs` on the fake clock (a timeout takes the whole timeout). */
function failing(failure: VendorFailure, tookMs = 0) {
	let made = 0;
	const attempt = async (): Promise<Attempt<never>> => {
		made++;
		clock += tookMs;
		return { failure, error: new NodeApiError(node, {} as JsonObject, { message: `try ${made} failed` }) };
	};
	return { attempt, made: () => made };
}

const quiet = () => undefined;

beforeEach(() => {
	waits.length = 0;
	clock = 1_000_000;
	jest.spyOn(Date, 'now').mockImplementation(() => clock);
});
afterEach(() => {
	jest.restoreAllMocks();
});

describe('undoing a failed publish: more tries than a call, but bounded', () => {
	it('makes six tries of a call still failing with 5xx, about 5 s of backoff in all', async () => {
		const tries = failing({ status: 503 });
		await expect(withRetries(tries.attempt, undoPolicy(ONE_TRY), quiet)).rejects.toThrow('try 6 failed');
		expect(waits).toEqual([200, 400, 800, 1600, 2000]);
	});

	it('honours a short Retry-After, and ends at once when the vendor asks for longer than 5 s', async () => {
		const short = failing({ status: 429, retryAfter: '1' });
		await expect(withRetries(short.attempt, undoPolicy(ONE_TRY), quiet)).rejects.toThrow('try 4 failed');
		expect(waits).toEqual([1000, 1000, 1000]);
		waits.length = 0;
		const long = failing({ status: 429, retryAfter: '120' });
		await expect(withRetries(long.attempt, undoPolicy(ONE_TRY), quiet)).rejects.toThrow('try 1 failed');
		expect(waits).toEqual([]);
	});

	it('starts no try after its deadline, so a vendor that hangs cannot hold a publish for minutes', async () => {
		// Each try hangs until its 30 s timeout.
		const hanging = failing({ status: undefined, timedOut: true }, 30_000);
		const started = clock;
		await expect(withRetries(hanging.attempt, undoPolicy(ONE_TRY), quiet)).rejects.toThrow('try 1 failed');
		expect(clock - started).toBeLessThanOrEqual(UNDO_BUDGET_MS + 30_000);
		const slow = failing({ status: 500 }, 10_000);
		await expect(withRetries(slow.attempt, undoPolicy(ONE_TRY, clock), quiet)).rejects.toThrow('try 3 failed');
	});

	it('keeps the vendor policy’s other fields, such as its timeout', () => {
		expect(undoPolicy({ ...ONE_TRY, timeoutMs: 150 }, 0)).toEqual({
			timeoutMs: 150,
			transientRetries: 5,
			rateLimitRetries: 3,
			maxWaitSeconds: 5,
			deadline: UNDO_BUDGET_MS,
		});
	});
});
