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
import * as transcript from '../db/transcript';
import type { Ctx } from './context';
import { record, systemActor } from './transcript';

interface Pending {
	authors: Set<string>;
	since: number;
}

/**
 * Edits seen since each document's last checkpoint (process-local; lost edits only delay one).
 * On several nodes every node hears every edit with its author (the doc bus), so whichever
 * node writes the checkpoint names everyone.
 */
const pending = new Map<string, Pending>();

export function noteEdit(docName: string, author: string | undefined, now = clock.nowMs()) {
	let p = pending.get(docName);
	if (!p) pending.set(docName, (p = { authors: new Set(), since: now }));
	if (author) p.authors.add(author);
}

export type Snapshot = { text: string; stateHash: string };

/**
 * Reads a proposal's current text from the merged state — what is stored (every node's
 * writes) and this node's live copy — never from one node's copy alone. Call it BEFORE opening
 * the transaction the checkpoint goes into: loading a document uses the store too, and PGlite's
 * one connection is held by an open transaction (a query beside it would wait forever).
 */
export async function snapshot(ctx: Ctx, docName: string): Promise<Snapshot> {
	return proposalSnapshot(await ctx.docs.mergedState(docName));
}

/**
 * Appends a checkpoint in the caller's transaction, unless the item's last checkpoint already
 * holds this state. Checked in the database under a per-document advisory lock, so two nodes
 * (or two triggers on one) checkpointing the same state write it once.
 */
export async function checkpoint(
	db: Db,
	item: Pick<Item, 'id' | 'sessionId' | 'docName' | 'title'>,
	snap: Snapshot,
	reason: string,
	actor: Actor = systemActor
): Promise<Snapshot> {
	await transcript.lockCheckpoints(db, item.docName);
	if ((await transcript.lastCheckpointHash(db, item.sessionId, item.id)) !== snap.stateHash) {
		const authors = [...(pending.get(item.docName)?.authors ?? [])];
		await record(db, item.sessionId, 'proposal_checkpoint', actor, {
			itemId: item.id,
			title: item.title,
			reason,
			text: snap.text,
			stateHash: snap.stateHash,
			authors
		});
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
