/**
 * Open votes kept in memory: the frozen voter list (as a set, for the eligibility check) and
 * the current ballot of every seat, so that casting does not read the whole voter list and a
 * tally does not re-read every ballot. The database stays the record: an entry is built from
 * it on first use (and again after a restart), updated only after a ballot has committed, and
 * dropped when the vote is no longer open. Counting stays the domain's (`tally.view`), exact
 * integers in hundredths of m².
 */
import * as tally from '../domain/tally';
import type { Db } from '../db/client';
import type { VoteHead } from '../db/votes';

export class OpenVote {
	/** Raw seat keys of the frozen voter list. */
	readonly eligibleKeys: Set<string>;
	/** voterKey (hashed for secret votes) → the seat's current choice. */
	readonly #ballots = new Map<string, tally.Choice>();

	constructor(
		readonly spec: tally.VoteSpec,
		rawKeys: readonly string[],
		ballots: readonly tally.BallotRow[],
		/**
		 * The vote as it was read open. Only closing changes an open vote's row, so every field
		 * but `status` stays true while the entry lives (the ballot statement checks the status).
		 */
		readonly head?: VoteHead
	) {
		this.eligibleKeys = new Set(rawKeys);
		for (const b of ballots) this.#ballots.set(b.voterKey, b.choice);
	}

	/** A committed ballot (new or changed). */
	put(voterKey: string, choice: tally.Choice): void {
		this.#ballots.set(voterKey, choice);
	}

	choiceOf(voterKey: string): tally.Choice | undefined {
		return this.#ballots.get(voterKey);
	}

	get ballotCount(): number {
		return this.#ballots.size;
	}

	tally(): tally.TallyView {
		const rows: tally.BallotRow[] = [];
		for (const [voterKey, choice] of this.#ballots) rows.push({ voterKey, choice });
		return tally.view(this.spec, rows);
	}
}

/** Per database (tests run several in one process): voteId → entry, or its load in flight. */
const caches = new WeakMap<object, Map<string, Promise<OpenVote | null>>>();
/** The same entries once loaded, for readers that must not wait a turn (`readyOpenVote`). */
const readies = new WeakMap<object, Map<string, OpenVote>>();

function cacheOf(db: Db): Map<string, Promise<OpenVote | null>> {
	let map = caches.get(db);
	if (!map) caches.set(db, (map = new Map()));
	return map;
}

function readyOf(db: Db): Map<string, OpenVote> {
	let map = readies.get(db);
	if (!map) readies.set(db, (map = new Map()));
	return map;
}

/** The entry of an open vote, loading it once with `load` (which answers null if not open). */
export function openVote(
	db: Db,
	voteId: string,
	load: () => Promise<OpenVote | null>
): Promise<OpenVote | null> {
	const cache = cacheOf(db);
	let entry = cache.get(voteId);
	if (!entry) {
		const loading = load().then(
			(v) => {
				if (!v) cache.delete(voteId);
				// Still the entry of the cache (not forgotten while loading): readable at once.
				else if (cache.get(voteId) === loading) readyOf(db).set(voteId, v);
				return v;
			},
			(error: unknown) => {
				cache.delete(voteId);
				throw error;
			}
		);
		entry = loading;
		cache.set(voteId, entry);
	}
	return entry;
}

/** The entry if it is loaded, without waiting a turn (no database access, no promise). */
export function readyOpenVote(db: Db, voteId: string): OpenVote | null {
	return readyOf(db).get(voteId) ?? null;
}

/** The entry if it is loaded (no database access). */
export async function loadedOpenVote(db: Db, voteId: string): Promise<OpenVote | null> {
	return (await cacheOf(db).get(voteId)) ?? null;
}

/**
 * Forgets every open vote this node holds in memory (another node's ballots may be missing
 * from them, e.g. after an outage of the link between nodes) and says which they were.
 */
export function forgetOpenVotes(db: Db): { voteId: string; sessionId: string | null }[] {
	const forgotten = [...cacheOf(db).keys()].map((voteId) => ({
		voteId,
		sessionId: readyOf(db).get(voteId)?.head?.sessionId ?? null
	}));
	cacheOf(db).clear();
	readyOf(db).clear();
	return forgotten;
}

export function forgetOpenVote(db: Db, voteId: string): void {
	cacheOf(db).delete(voteId);
	readyOf(db).delete(voteId);
}

/** Closed votes never change: their tallies are computed once. */
const closed = new WeakMap<object, Map<string, tally.TallyView>>();

export async function closedTally(
	db: Db,
	voteId: string,
	make: () => Promise<tally.TallyView>
): Promise<tally.TallyView> {
	let map = closed.get(db);
	if (!map) closed.set(db, (map = new Map()));
	let t = map.get(voteId);
	if (!t) map.set(voteId, (t = await make()));
	return t;
}
