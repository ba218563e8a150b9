import type { Ctx } from '$lib/server/services/context';
import * as invites from '$lib/server/services/invites';

export type InviteStatus = 'active' | 'expired' | 'used_up' | 'revoked';

const statusOf: Record<string, InviteStatus> = {
	invite_revoked: 'revoked',
	invite_expired: 'expired',
	invite_used_up: 'used_up'
};

/** What the staff pages show of an invite: the contract's view plus whether it still works. */
export function inviteRows(ctx: Ctx, rows: invites.Invite[], now = new Date()) {
	return rows.map((row) => {
		const problem = invites.inviteProblem(row, now);
		const status: InviteStatus = problem ? (statusOf[problem.code] ?? 'revoked') : 'active';
		return { ...invites.toView(ctx, row), status };
	});
}
