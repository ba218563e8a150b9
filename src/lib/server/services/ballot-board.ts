/**
 * The ballot box's promises after Belenios and Helios (src/lib/protocol/REFERENCE.md, additions
 * to §8): every accepted ballot gets a receipt its voter keeps; at close the public ballot list
 * (receipt, choice, weight — and the voter's pseudonym for named votes) is sealed, its hash goes
 * into the `vote_closed` entry, and the per-vote secret that linked seats to secret ballots is
 * destroyed, so not even the database links them any more.
 */
import { randomBytes, createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { BallotListView } from '$lib/protocol/trust';
import * as board from '../db/ballot-board';
import type { Db } from '../db/client';
import * as participants from '../db/participants';
import * as sessions from '../db/sessions';
import * as votes from '../db/votes';
import { hundredthsToArea } from '../domain/ratio';
import type { VoterWeight } from '../domain/tally';
import type { Ctx } from './context';
import { notFound, ServiceError } from './errors';
import { pseudonymFor } from './pseudonyms';

/** RFC 4648 base32: 16 characters, 80 random bits, easy to read out and type. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export function newReceipt(): string {
	return [...randomBytes(16)].map((b) => ALPHABET[b & 31]).join('');
}

/**
 * A receipt for the ballots just placed under these voter keys (one cast, one receipt). A
 * changed ballot gets a new one; once the list is sealed nothing changes and the sealed receipt
 * is answered (a close that slipped in between the ballot's commit and this call).
 */
export async function issueReceipt(db: Db, voteId: string, voterKeys: readonly string[]) {
	const receipt = newReceipt();
	for (const voterKey of voterKeys) {
		await board.putReceipt(db, voteId, voterKey, receipt);
	}
	return (await board.receiptOf(db, voteId, voterKeys[0]!)) ?? receipt;
}

export const ballotListHash = (list: BallotListView): string =>
	createHash('sha256').update(canonicalize(list)!, 'utf8').digest('hex');

/**
 * Seals a closing vote's ballot list in the closing transaction: receipts for ballots that have
 * none (paper ballots, a crash between a ballot and its receipt), each ballot's weight from the
 * frozen eligibility (`eligible` keyed as the ballots are), sorted by receipt so the order says
 * nothing about who voted when. Returns the hash the `vote_closed` entry carries.
 */
export async function seal(
	db: Db,
	vote: votes.VoteRow,
	ballots: readonly votes.BallotRow[],
	eligible: readonly VoterWeight[]
): Promise<string> {
	const weights = new Map(eligible.map((w) => [w.key, w]));
	const receipts = await board.receiptsOf(db, vote.id);
	const session = vote.secret ? null : await sessions.find(db, vote.sessionId);
	const list: BallotListView = { voteId: vote.id, ballots: [] };
	for (const b of ballots) {
		let receipt = receipts.get(b.voterKey);
		if (!receipt) {
			receipt = newReceipt();
			await board.addReceipt(db, vote.id, b.voterKey, receipt);
		}
		const w = weights.get(b.voterKey);
		const row: BallotListView['ballots'][number] = {
			receipt,
			choice: b.choice,
			headcount: w?.headcount ?? 0,
			area: hundredthsToArea(w?.area ?? 0)
		};
		if (!vote.secret) {
			// Named votes show who voted as the tally's `vote_closed` entry does: a pseudonym of
			// the seat (never the register's owner value) and the participant's name and role.
			const p = b.participantId ? await participants.findById(db, b.participantId) : null;
			row.voter = await pseudonymFor(db, session?.communityId ?? null, b.voterKey);
			row.name = p?.name ?? null;
			row.role = p?.role ?? null;
			row.paper = b.paper;
		}
		list.ballots.push(row);
	}
	list.ballots.sort((a, b) => (a.receipt < b.receipt ? -1 : a.receipt > b.receipt ? 1 : 0));
	const hash = ballotListHash(list);
	await board.insertList(db, vote.id, list, hash);
	return hash;
}

/**
 * What closing does to the per-vote secret of a secret vote: the key that linked seats to
 * ballots is zeroed, and the frozen eligibility is kept only under the ballots' own keys, in an
 * order that says nothing about the register. Named votes keep theirs (ballots name voters).
 */
export function forgetSecret(
	vote: votes.VoteRow,
	keyOf: (key: string) => string
): Partial<votes.VoteRow> {
	if (!vote.secret) return {};
	const eligible = (vote.eligible ?? [])
		.map((w) => ({ ...w, key: keyOf(w.key) }))
		.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return { salt: '', eligible };
}

/** The sealed list, public once the vote closed (403 `vote_not_closed` before). */
export async function ballotList(ctx: Ctx, voteId: string): Promise<BallotListView> {
	const vote = await votes.findHead(ctx.db, voteId);
	if (!vote) throw notFound('vote_not_found', 'vote');
	if (vote.status !== 'closed')
		throw new ServiceError(
			403,
			'vote_not_closed',
			'the ballot list is published when the vote closes'
		);
	const list = await board.findList(ctx.db, voteId);
	if (!list)
		throw new ServiceError(409, 'ballot_list_unavailable', 'this vote closed before ballot lists');
	return list;
}
