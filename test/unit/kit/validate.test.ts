import { z } from 'zod';

import { validateEvents } from '../../../nodes/shared/validate';

describe('per-event validation', () => {
	const schema = z.object({ id: z.coerce.number(), name: z.string() }).passthrough();

	it('passes valid events on, coerced, with unknown fields kept', () => {
		const { valid, rejected } = validateEvents([{ id: '7', name: 'a', extra: true }], schema);
		expect(valid).toEqual([{ index: 0, event: { id: 7, name: 'a', extra: true } }]);
		expect(rejected).toEqual([]);
	});

	it('reports each invalid event with the path and reason, without hiding the good ones', () => {
		const { valid, rejected } = validateEvents([{ id: 1 }, { id: 2, name: 'b' }, 'text'], schema);
		expect(valid.map((entry) => entry.index)).toEqual([1]);
		expect(rejected).toEqual([
			{ index: 0, errors: ['name: Required'] },
			{ index: 2, errors: ['(event): Expected object, received string'] },
		]);
	});
});
