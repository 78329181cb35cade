/**
 * Prodege's documented project status rules (project-update, error codes 2013–2017), so a status change can
 * be checked before the call and refused with the code Prodege would answer.
 */
export const PROJECT_STATUSES = ['PENDING', 'LIVE', 'PAUSED', 'COMPLETE'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const isProjectStatus = (value: unknown): value is ProjectStatus => PROJECT_STATUSES.includes(value as ProjectStatus);

/**
 * The code Prodege documents for changing `current` to `next`, or undefined when the change is allowed or the
 * current status is one the rules do not cover (such as INVOICED): Prodege then decides. `quotaCount` is
 * called only for a change to LIVE.
 */
export async function refusedTransition(
	current: string,
	next: ProjectStatus,
	quotaCount: () => Promise<number>,
): Promise<number | undefined> {
	if (!isProjectStatus(current)) return undefined;
	if (current === 'COMPLETE') return 2014;
	if (next === current) return undefined;
	if (next === 'PENDING') return 2015;
	if (current === 'PENDING' && (next === 'PAUSED' || next === 'COMPLETE')) return 2016;
	if (current === 'PAUSED' && next !== 'LIVE' && next !== 'COMPLETE') return 2017;
	if (next === 'LIVE' && (await quotaCount()) === 0) return 2013;
	return undefined;
}
