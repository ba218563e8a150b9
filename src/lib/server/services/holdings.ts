/**
 * Reads what the seat-holder rules (`domain/seat-holders.ts`) need for one participant in one
 * vote: the seats they claimed with a slip and the appointments they took up as a proxy.
 */
import type { Db } from '../db/client';
import * as householdsDb from '../db/households';
import * as proxiesDb from '../db/proxies';
import type { Participant } from '../db/participants';
import { seatsHeld, type HeldSeat, type ProxyGrant } from '../domain/seat-holders';

export const grantOf = (p: proxiesDb.Proxy): ProxyGrant => ({
	id: p.id,
	voteId: p.voteId,
	ownerKeys: p.ownerKeys,
	holderId: p.holderId,
	status: p.status
});

export async function heldSeats(
	db: Db,
	vote: { id: string; sessionId: string },
	participant: Pick<Participant, 'id' | 'role'>,
	eligible: ReadonlySet<string>
): Promise<HeldSeat[]> {
	const claims = await householdsDb.seatsOf(db, vote.sessionId, participant.id);
	const proxies = (await proxiesDb.liveInSession(db, vote.sessionId)).filter(
		(p) => p.holderId === participant.id
	);
	return seatsHeld(
		{
			voteId: vote.id,
			eligible,
			claims: claims.map((c) => ({
				ownerKey: c.ownerKey,
				participantId: c.participantId,
				role: participant.role
			})),
			proxies: proxies.map(grantOf)
		},
		participant.id
	);
}
