/**
 * Fair floor time: each bloc (a participant role — residents, property company, enterprises…)
 * may be given a share of the floor in seconds. Used time is what the bloc's finished turns
 * took plus the running turn of its current speaker; a bloc over its share is flagged, the
 * moderator may still give it the floor (the grant is recorded as over the share).
 */

export interface BlocShare {
	bloc: string;
	quota: number;
	used: number;
	left: number;
	over: boolean;
}

export function blocShares(
	quotas: Readonly<Record<string, number>>,
	totals: Readonly<Record<string, number>>,
	speaking: { role: string; startedAt: Date } | null = null,
	now = new Date()
): BlocShare[] {
	const running = speaking
		? Math.max(0, Math.floor((now.getTime() - speaking.startedAt.getTime()) / 1000))
		: 0;
	return Object.entries(quotas).map(([bloc, quota]) => {
		const used = (totals[bloc] ?? 0) + (speaking?.role === bloc ? running : 0);
		return { bloc, quota, used, left: Math.max(0, quota - used), over: used >= quota };
	});
}

/** Whether a bloc with a share has used it up (blocs without a share never are). */
export function overShare(
	quotas: Readonly<Record<string, number>>,
	totals: Readonly<Record<string, number>>,
	bloc: string
): boolean {
	const quota = quotas[bloc];
	return quota !== undefined && (totals[bloc] ?? 0) >= quota;
}
