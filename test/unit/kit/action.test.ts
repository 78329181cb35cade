import { createPace } from '../../../nodes/shared';

describe('createPace', () => {
	it('lets the first call go at once and spaces the next ones at least the interval apart', async () => {
		const pace = createPace(40);
		const started: number[] = [];
		for (let call = 0; call < 4; call++) {
			await pace();
			started.push(Date.now());
		}
		expect(started[1] - started[0]).toBeLessThan(40 + 25);
		for (let call = 1; call < started.length; call++) expect(started[call] - started[call - 1]).toBeGreaterThanOrEqual(38);
	});

	it('does not wait when the calls are already further apart than the interval', async () => {
		const pace = createPace(20);
		await pace();
		await new Promise((resolve) => setTimeout(resolve, 30));
		const before = Date.now();
		await pace();
		expect(Date.now() - before).toBeLessThan(15);
	});
});

describe('createPace, called several times at once', () => {
	it('lets the calls go one interval apart, in turn', async () => {
		const pace = createPace(30);
		const started: number[] = [];
		await Promise.all([0, 1, 2].map(async () => {
			await pace();
			started.push(Date.now());
		}));
		started.sort((a, b) => a - b);
		expect(started[2] - started[0]).toBeGreaterThanOrEqual(58);
	});
});
