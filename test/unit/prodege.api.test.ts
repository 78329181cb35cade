import { codeFailureOf, ERROR_CODES, explainCodes } from '../../nodes/Prodege/api';
import { PROJECT_STATUSES, refusedTransition } from '../../nodes/Prodege/projectStatus';

describe('Prodege status rules, checked before a project-update', () => {
	const quotas = (count: number) => async () => count;

	it.each([
		// from, to, quotas, code Prodege documents (undefined: allowed)
		['PENDING', 'LIVE', 1, undefined],
		['PENDING', 'LIVE', 0, 2013],
		['PENDING', 'PENDING', 0, undefined],
		['PENDING', 'PAUSED', 1, 2016],
		['PENDING', 'COMPLETE', 1, 2016],
		['LIVE', 'PAUSED', 1, undefined],
		['LIVE', 'COMPLETE', 1, undefined],
		['LIVE', 'PENDING', 1, 2015],
		['LIVE', 'LIVE', 0, undefined],
		['PAUSED', 'LIVE', 1, undefined],
		['PAUSED', 'LIVE', 0, 2013],
		['PAUSED', 'COMPLETE', 1, undefined],
		['PAUSED', 'PENDING', 1, 2015],
		['COMPLETE', 'LIVE', 1, 2014],
		['COMPLETE', 'COMPLETE', 1, 2014],
		['INVOICED', 'LIVE', 0, undefined],
	] as const)('%s → %s with %d quota(s): %s', async (from, to, count, code) => {
		expect(await refusedTransition(from, to, quotas(count))).toBe(code);
	});

	it('reads the quotas only for a change to LIVE', async () => {
		const count = jest.fn(async () => 0);
		for (const next of PROJECT_STATUSES.filter((status) => status !== 'LIVE')) await refusedTransition('LIVE', next, count);
		expect(count).not.toHaveBeenCalled();
	});
});

describe('Prodege return_status', () => {
	it('reads error codes sent as numbers or text, and a message sent as one string', () => {
		expect(codeFailureOf({ return_status: { status_id: 0, message: 'Project not found', error_codes: ['2003'] } })).toEqual({
			codes: ['2003'],
			messages: ['Project not found'],
		});
		expect(codeFailureOf({ return_status: { status_id: 1, message: ['Success'], error_codes: [] } })).toBeUndefined();
		expect(codeFailureOf({ return_status: { status_id: 1 } })).toBeUndefined();
		expect(codeFailureOf({ quotas: [] })).toBeUndefined();
	});

	it('explains the first known code and names the others', () => {
		expect(explainCodes('create project J', { codes: ['9000', '2018', '2007'], messages: [] })).toEqual({
			message: `Prodege refused to create project J: ${ERROR_CODES[2018].text} (code 2018)`,
			description: `${ERROR_CODES[2018].todo} Prodege also sent code 9000, 2007.`,
		});
	});

	it('shows a code it does not know as sent, with Prodege’s words', () => {
		expect(explainCodes('get project 1', { codes: ['4711'], messages: ['Something new'] }).message).toBe(
			'Prodege refused to get project 1: error 4711 (Something new)',
		);
	});

	it('has what to do for every code in Prodege’s list', () => {
		for (const [code, entry] of Object.entries(ERROR_CODES)) {
			expect([code, entry.text.length > 0, entry.todo.length > 0]).toEqual([code, true, true]);
		}
	});
});
