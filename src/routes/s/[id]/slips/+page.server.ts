import * as households from '$lib/server/services/households';
import * as orgs from '$lib/server/services/orgs';
import * as sessions from '$lib/server/services/sessions';
import { pageError, requireStaff } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/**
 * Hides most of an owner key on paper that lies around a stair-well: enough for staff to see
 * which units share an owner ("owner-0**"), never a whole ID number or name.
 */
function maskOwner(owner: string): string {
	const chars = [...owner];
	if (chars.length <= 2) return `${chars[0] ?? ''}*`;
	const hidden = Math.max(2, Math.floor(chars.length / 4));
	return `${chars.slice(0, Math.min(chars.length - hidden, 7)).join('')}**`;
}

/** D栋 2 before D栋 10, unit 101 before 1001: the order the slips are handed out in. */
const natural = new Intl.Collator('zh-CN', { numeric: true });

/** Printable voting slips, one per household of the session's community (staff only). */
export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const { ctx, viewer } = event.locals;
	try {
		const session = await sessions.get(ctx, viewer, event.params.id);
		const [rows, communityName] = await Promise.all([
			households.list(ctx, viewer, session.communityId),
			orgs.communityName(ctx, session.communityId)
		]);
		return {
			session: { id: session.id, title: session.title },
			communityName: communityName ?? '',
			households: rows
				.sort((a, b) => natural.compare(a.building, b.building) || natural.compare(a.unit, b.unit))
				.map((h) => ({
					id: h.id,
					building: h.building,
					unit: h.unit,
					area: h.area,
					owner: maskOwner(h.owner),
					code: h.seatCode,
					/** For typing by hand; the QR keeps the long code. */
					short: h.shortCode ?? null
				}))
		};
	} catch (e) {
		pageError(e, event.url);
	}
};
