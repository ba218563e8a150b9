/**
 * Proposal checkpoints: the text and the hash of the Yjs state of an item's proposal,
 * with who edited it since the previous checkpoint, written as transcript entries — when an
 * item's status changes, when a session closes or a case is escalated, and every few minutes
 * while people edit.
 */
import * as clock from '../clock';
import type { Db } from '../db/client';
import type { Item } from '../db/sessions';
import * as sessions from '../db/sessions';
import { proposalSnapshot } from '../domain/proposal-text';
import type { Actor } from '../domain/transcript';
import type { Ctx } from './context';
import { record, systemActor } from './transcript';

interface Pending {
	authors: Set<string>;
	since: number;
}

/** Edits seen since each document's last checkpoint (process-local; lost edits only delay one). */
const pending = new Map<string, Pending>();
const lastHash = new Map<string, string>();

export function noteEdit(docName: string, author: string | undefined, now = clock.nowMs()) {
	let p = pending.get(docName);
	if (!p) pending.set(docName, (p = { authors: new Set(), since: now }));
	if (author) p.authors.add(author);
}

export type Snapshot = { text: string; stateHash: string };

/**
 * Reads a proposal's current text. Call it BEFORE opening the transaction the checkpoint goes
 * into: loading a document uses the store too, and PGlite's one connection is held by an open
 * transaction (a query beside it would wait forever).
 */
export async function snapshot(ctx: Ctx, docName: string): Promise<Snapshot> {
	return proposalSnapshot(await ctx.docs.state(docName));
}

/** Appends a checkpoint in the caller's transaction, unless the text has not changed. */
export async function checkpoint(
	db: Db,
	item: Pick<Item, 'id' | 'sessionId' | 'docName' | 'title'>,
	snap: Snapshot,
	reason: string,
	actor: Actor = systemActor
): Promise<Snapshot> {
	if (lastHash.get(item.docName) !== snap.stateHash) {
		const authors = [...(pending.get(item.docName)?.authors ?? [])];
		await record(db, item.sessionId, 'proposal_checkpoint', actor, {
			itemId: item.id,
			title: item.title,
			reason,
			text: snap.text,
			stateHash: snap.stateHash,
			authors
		});
		lastHash.set(item.docName, snap.stateHash);
	}
	pending.delete(item.docName);
	return snap;
}

/** Checkpoints documents edited for at least `everyMs` (called on a timer). */
export async function checkpointDue(ctx: Ctx, everyMs: number, now = clock.nowMs()) {
	for (const [docName, p] of [...pending]) {
		if (now - p.since < everyMs) continue;
		try {
			const found = await sessions.findItemByDocName(ctx.db, docName);
			if (!found) {
				pending.delete(docName);
				continue;
			}
			const snap = await snapshot(ctx, docName);
			await ctx.db.transaction((tx) => checkpoint(tx, found.item, snap, 'periodic'));
		} catch (error) {
			ctx.log.error({ err: error, docName }, 'proposal checkpoint failed');
		}
	}
}
