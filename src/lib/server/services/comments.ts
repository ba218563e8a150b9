/**
 * Comments anchored to a proposal passage (REFERENCE.md §6): threads with replies and a stance,
 * resolved threads, all in the transcript. The passage is two Yjs relative positions; its
 * text ("quote") is read from the live document whenever comments are listed.
 *
 * A reply to a reply joins the thread of the comment it answers: threads are one level deep.
 */
import { notice } from '$lib/notice-text';
import * as Y from 'yjs';
import {
	createCommentSchema,
	resolveCommentSchema,
	type CommentView,
	type Role,
	type Stance
} from '$lib/protocol';
import * as clock from '../clock';
import type { Db } from '../db/client';
import * as commentsDb from '../db/comments';
import * as outcomesDb from '../db/outcomes';
import type { Participant } from '../db/participants';
import * as sessions from '../db/sessions';
import { docFromState, readPassage, type Passage } from '../domain/anchors';
import { newId } from '../ids';
import type { Ctx, Viewer } from './context';
import { recordWords } from './words';
import { maskHidden } from './hiding';
import { forbidden, notFound, parse, ServiceError, unauthorized } from './errors';
import { notify } from './notifications';
import * as sessionsService from './sessions';
import { can } from '../access/check';
import { actorOf, record } from './transcript';
import { participantCanWrite } from './session-access';

const excerpt = (text: string, max = 40) => (text.length > max ? `${text.slice(0, max)}…` : text);

async function itemOf(ctx: Ctx, itemId: string) {
	const item = await outcomesDb.findItem(ctx.db, itemId);
	if (!item) throw notFound('item_not_found', 'item');
	const session = await sessions.find(ctx.db, item.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	return { item, session };
}

const invalidAnchor = (message: string) => new ServiceError(400, 'invalid_anchor', message);

/** Both ends stored the way Yjs writes them, whatever else the client sent along. */
function normalized(anchor: { start: unknown; end: unknown }) {
	const clean = (json: unknown) => Y.relativePositionToJSON(Y.createRelativePositionFromJSON(json));
	return { start: clean(anchor.start), end: clean(anchor.end) };
}

const overlaps = (a: Passage, b: Passage) => a.from < b.to && b.from < a.to;

export async function create(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const body = parse(createCommentSchema, input);
	const { item, session } = await itemOf(ctx, itemId);
	if (!viewer.user && !viewer.authSessionId) throw unauthorized();
	if (session.status === 'closed')
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	// Staff who run the session get their participant here, as when they open the room.
	const { participant } = await sessionsService.enterRoom(ctx, viewer, session.id);
	if (!participantCanWrite(participant, session.status)) {
		throw forbidden(
			participant.status === 'muted' ? 'you have been muted' : 'observers cannot comment'
		);
	}
	if (body.replyTo && body.anchor) throw invalidAnchor('a reply has no passage of its own');

	let root: commentsDb.Comment | null = null;
	let parent: commentsDb.Comment | null = null;
	if (body.replyTo) {
		parent = await commentsDb.find(ctx.db, body.replyTo);
		if (!parent || parent.itemId !== item.id) {
			throw new ServiceError(400, 'invalid_reply', 'replyTo is not a comment on this item');
		}
		root = parent.replyTo ? await commentsDb.find(ctx.db, parent.replyTo) : parent;
		if (!root) throw new ServiceError(400, 'invalid_reply', 'the thread no longer exists');
	}

	// Read the document BEFORE the transaction: loading it may use the store (PGlite has one
	// connection, held by an open transaction).
	let anchor: { start: unknown; end: unknown } | null = null;
	let passage: Passage | null = null;
	let others: { comment: commentsDb.Comment; passage: Passage }[] = [];
	if (body.anchor) {
		let doc: Y.Doc;
		try {
			anchor = normalized(body.anchor);
			doc = docFromState(await ctx.docs.state(item.docName));
		} catch {
			throw invalidAnchor('the anchor is not a pair of relative positions');
		}
		try {
			passage = readPassage(doc, anchor);
			if (!passage) throw invalidAnchor('the anchor does not point into this proposal');
			if (passage.to <= passage.from || passage.quote.trim() === '') {
				throw invalidAnchor('the anchored passage is empty');
			}
			const mine = passage;
			others = (await commentsDb.anchoredByOthers(ctx.db, item.id, participant.id))
				.map((comment) => ({ comment, passage: readPassage(doc, comment.anchor!) }))
				.filter(
					(o): o is { comment: commentsDb.Comment; passage: Passage } =>
						o.passage !== null && o.passage.to > o.passage.from && overlaps(o.passage, mine)
				);
		} finally {
			doc.destroy();
		}
	}

	const id = newId();
	const now = clock.now();
	const url = `/s/${session.id}`;
	await ctx.db.transaction(async (tx) => {
		await commentsDb.insert(tx, {
			id,
			itemId: item.id,
			sessionId: session.id,
			participantId: participant.id,
			authorName: participant.name,
			authorRole: participant.role,
			text: body.text,
			stance: body.stance,
			anchor,
			replyTo: root?.id ?? null,
			createdAt: now
		});
		await recordWords(
			tx,
			session.id,
			'comment_added',
			actorOf(participant),
			{
				commentId: id,
				itemId: item.id,
				stance: body.stance,
				quote: passage?.quote ?? '',
				...(anchor ? { anchor: anchor as { start: never; end: never } } : {}),
				...(root ? { replyTo: root.id } : {})
			},
			{ kind: 'comment', id, authorId: participant.id, text: body.text },
			now
		);
		await notifyPeople(tx, {
			participant,
			root,
			parent,
			others,
			item,
			body,
			url,
			sessionId: session.id
		});
	});
	ctx.realtime.commentsChanged(session.id, item.id);
	ctx.realtime.transcriptChanged(session.id);
	return { id };
}

async function notifyPeople(
	tx: Db,
	p: {
		participant: Participant;
		root: commentsDb.Comment | null;
		parent: commentsDb.Comment | null;
		others: { comment: commentsDb.Comment }[];
		item: { id: string; title: string };
		body: { text: string; stance: Stance };
		url: string;
		sessionId: string;
	}
) {
	const who = p.participant.name;
	// A reply: the thread's author, and the author of the comment it answers.
	const answered = new Set([p.root?.participantId, p.parent?.participantId]);
	answered.delete(p.participant.id);
	for (const participantId of answered) {
		if (!participantId) continue;
		await notify(
			tx,
			{ audience: 'participant', participantId, sessionId: p.sessionId },
			{
				...notice('comment_reply', {
					who,
					title: p.item.title,
					excerpt: excerpt(p.body.text)
				}),
				itemId: p.item.id,
				url: p.url
			}
		);
	}
	const authors = new Set(p.others.map((o) => o.comment.participantId));
	authors.delete(p.participant.id);
	for (const participantId of authors) {
		await notify(
			tx,
			{ audience: 'participant', participantId, sessionId: p.sessionId },
			{
				...notice('comment_on_passage', {
					who,
					title: p.item.title,
					excerpt: excerpt(p.body.text),
					stance: p.body.stance
				}),
				itemId: p.item.id,
				url: p.url
			}
		);
	}
}

/** An item's comments for members of its session, or anyone once the session is closed. */
export async function list(ctx: Ctx, viewer: Viewer, itemId: string): Promise<CommentView[]> {
	const { item, session } = await itemOf(ctx, itemId);
	await sessionsService.get(ctx, viewer, session.id);
	const me = await sessionsService.findMember(ctx, viewer, session.id);
	const rows = await commentsDb.listForItem(ctx.db, item.id);
	const anchored = rows.some((r) => r.anchor);
	const doc = anchored ? docFromState(await ctx.docs.state(item.docName)) : null;
	try {
		const views = rows.map((r): CommentView => {
			const view: CommentView = {
				id: r.id,
				text: r.text,
				stance: r.stance,
				author: { name: r.authorName, role: r.authorRole as Role },
				resolved: r.resolvedAt !== null,
				at: r.createdAt.toISOString()
			};
			if (r.anchor) {
				view.anchor = r.anchor;
				view.quote = doc ? (readPassage(doc, r.anchor)?.quote ?? '') : '';
			}
			if (r.replyTo) view.replyTo = r.replyTo;
			if (me && r.participantId === me.id) view.mine = true;
			return view;
		});
		return await maskHidden(ctx, viewer, 'comment', session.communityId, views);
	} finally {
		doc?.destroy();
	}
}

/**
 * Resolves (or, with `{resolved:false}`, reopens) a thread: the moderator or the comment's
 * author. A reply resolves its thread's root. Doing it twice changes nothing.
 */
export async function resolve(ctx: Ctx, viewer: Viewer, commentId: string, input: unknown) {
	const { resolved } = parse(resolveCommentSchema, input ?? {});
	const target = await commentsDb.find(ctx.db, commentId);
	if (!target) throw notFound('comment_not_found', 'comment');
	const root = target.replyTo ? await commentsDb.find(ctx.db, target.replyTo) : target;
	if (!root) throw notFound('comment_not_found', 'comment');
	const session = await sessions.find(ctx.db, root.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (!viewer.user && !viewer.authSessionId) throw unauthorized();
	const member = await sessionsService.findMember(ctx, viewer, session.id);
	const moderator = await can(ctx, viewer, 'session.run', { sessionId: session.id });
	// The thread's author: someone who only replied may not close another person's thread.
	const author = member !== null && member.status !== 'removed' && member.id === root.participantId;
	if (!moderator && !author) throw forbidden('only the moderator or the author can do this');
	if (session.status === 'closed')
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	if ((root.resolvedAt !== null) === resolved) return { id: root.id, resolved };

	const by = member ?? (await sessionsService.enterRoom(ctx, viewer, session.id)).participant;
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		await commentsDb.setResolved(tx, root.id, resolved ? { at: now, by: by.id } : null);
		await record(
			tx,
			session.id,
			resolved ? 'comment_resolved' : 'comment_reopened',
			actorOf(by),
			{ commentId: root.id, itemId: root.itemId },
			now
		);
	});
	ctx.realtime.commentsChanged(session.id, root.itemId);
	ctx.realtime.transcriptChanged(session.id);
	return { id: root.id, resolved };
}
