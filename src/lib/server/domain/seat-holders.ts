/**
 * Who holds which seats, for one vote — the one home of eligibility. A seat is an owner (one
 * per owner key of the register, weighted by the sum of their units) or, in a per-person vote,
 * a participant. Three kinds of holder put a ballot in a seat:
 *  - the owner (a participant whose role may vote and who claimed the seat with the slip);
 *  - a proxy (委托代理人) the owner appointed for this vote or the whole session — active, and
 *    for paper appointments confirmed by staff;
 *  - staff entering the owner's paper ballot.
 * One ballot per seat: whoever casts first holds the seat for that vote. So an owner who votes
 * before their proxy takes the seat back, and a proxy who voted first has spent it (物业管理条例
 * art. 12: an owner may appoint a proxy; the proxy votes within the mandate and in the owner's
 * place, not beside them).
 */

/** Participant roles that may vote and hold a household seat (REFERENCE.md §5 eligibility). */
export const SEAT_ROLES: ReadonlySet<string> = new Set(['owner', 'resident']);

export const canHoldSeat = (role: string) => SEAT_ROLES.has(role);

export interface SeatClaim {
	ownerKey: string;
	participantId: string;
	role: string;
}

export interface ProxyGrant {
	id: string;
	/** null: every vote of the session. */
	voteId: string | null;
	ownerKeys: readonly string[];
	holderId: string | null;
	status: 'pending' | 'active' | 'revoked';
}

export interface HeldSeat {
	ownerKey: string;
	/** The appointment the seat is held under; null for the owner's own seat. */
	proxyId: string | null;
}

export interface Holdings {
	voteId: string;
	/** The seats of the vote (its frozen voter list). */
	eligible: ReadonlySet<string>;
	claims: readonly SeatClaim[];
	proxies: readonly ProxyGrant[];
}

/** Per-person votes: the voters are the participants whose role may vote, frozen at opening. */
export function participantVoters<P extends { id: string; role: string }>(people: readonly P[]) {
	return people
		.filter((p) => canHoldSeat(p.role))
		.map((p) => ({ key: p.id, headcount: 1, area: 0 }));
}

/** Household votes: one voter per owner key, weight = the sum of the owner's units. */
export function householdVoters(rows: readonly { ownerKey: string; area: number }[]) {
	const byOwner = new Map<string, number>();
	for (const r of rows) byOwner.set(r.ownerKey, (byOwner.get(r.ownerKey) ?? 0) + r.area);
	return [...byOwner.entries()].map(([key, area]) => ({ key, headcount: 1, area }));
}

/** Whether an appointment puts its seats in its holder's hands for this vote. */
export const grants = (p: ProxyGrant, voteId: string) =>
	p.status === 'active' && p.holderId !== null && (p.voteId === null || p.voteId === voteId);

/** The seats a participant holds in this vote: their own first, then those held by proxy. */
export function seatsHeld(h: Holdings, participantId: string): HeldSeat[] {
	const held = new Map<string, HeldSeat>();
	for (const c of h.claims) {
		if (c.participantId === participantId && canHoldSeat(c.role) && h.eligible.has(c.ownerKey))
			held.set(c.ownerKey, { ownerKey: c.ownerKey, proxyId: null });
	}
	for (const p of h.proxies) {
		if (p.holderId !== participantId || !grants(p, h.voteId)) continue;
		for (const key of p.ownerKeys)
			if (h.eligible.has(key) && !held.has(key)) held.set(key, { ownerKey: key, proxyId: p.id });
	}
	return [...held.values()];
}

/**
 * Everyone who could put a ballot in one of `ownerKeys` in this vote: the owners who claimed
 * them and the proxies whose appointment grants them now. A reminder to vote goes to all of
 * them, since whoever casts first holds the seat.
 */
export function holdersOf(h: Holdings, ownerKeys: ReadonlySet<string>): Set<string> {
	const out = new Set<string>();
	const wanted = (key: string) => ownerKeys.has(key) && h.eligible.has(key);
	for (const c of h.claims) if (canHoldSeat(c.role) && wanted(c.ownerKey)) out.add(c.participantId);
	for (const p of h.proxies)
		if (grants(p, h.voteId) && p.ownerKeys.some(wanted)) out.add(p.holderId!);
	return out;
}

export type CastRefusal = 'no_seat' | 'not_your_seat' | 'already_voted';

/**
 * The seats one `ballot:cast` goes to. `voted` maps each seat that has a ballot to the
 * appointment it was cast under (null: by the owner or on paper). With `ownerKey` (the
 * `householdId` asked for) just that seat; without, every held seat with no ballot yet. A
 * changeable vote lets the same hand change its ballot — an owner cannot overwrite their
 * proxy's ballot, nor a proxy the owner's.
 */
export function castTargets(
	held: readonly HeldSeat[],
	voted: ReadonlyMap<string, string | null>,
	changeable: boolean,
	ownerKey?: string
): HeldSeat[] | CastRefusal {
	if (held.length === 0) return 'no_seat';
	const open = (s: HeldSeat) =>
		!voted.has(s.ownerKey) || (changeable && voted.get(s.ownerKey) === s.proxyId);
	if (ownerKey !== undefined) {
		const seat = held.find((s) => s.ownerKey === ownerKey);
		if (!seat) return 'not_your_seat';
		return open(seat) ? [seat] : 'already_voted';
	}
	const targets = held.filter(open);
	return targets.length ? targets : 'already_voted';
}

/** Seats a holder would have by proxy with `extra` more, against the community's cap. */
export function overCap(
	proxies: readonly ProxyGrant[],
	holderId: string,
	extra: readonly string[],
	cap: number
): boolean {
	const seats = new Set<string>();
	for (const p of proxies) {
		if (p.holderId === holderId && p.status !== 'revoked')
			for (const k of p.ownerKeys) seats.add(k);
	}
	for (const k of extra) seats.add(k);
	return seats.size > cap;
}

/**
 * Whether an appointment may still be revoked. For one vote: not once a ballot is in one of
 * its seats in that vote (whoever cast it — the seat is spent). For a whole session: not while
 * a ballot cast under it sits in a vote still open; ballots it cast in votes already closed
 * stand (revoking an agency ends it from then on, Civil Code art. 173; acts done stand).
 */
export function revocable(
	proxy: ProxyGrant,
	ballots: readonly { voteId: string; ownerKey: string; proxyId: string | null; open: boolean }[]
): boolean {
	if (proxy.voteId !== null) {
		return !ballots.some((b) => b.voteId === proxy.voteId && proxy.ownerKeys.includes(b.ownerKey));
	}
	return !ballots.some((b) => b.proxyId === proxy.id && b.open);
}
