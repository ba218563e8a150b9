/**
 * The notification feed (CONTRACT §6): one row per event with its audience — a session's
 * members, one participant, a community's members, or one account. Written in the caller's
 * transaction, next to the change it reports.
 */
import type { Db } from '../db/client';
import * as notificationsDb from '../db/notifications';
import * as clock from '../clock';

export type Audience =
	| { audience: 'session'; sessionId: string }
	| { audience: 'participant'; participantId: string; sessionId?: string }
	| { audience: 'community'; communityId: string }
	| { audience: 'member'; memberId: string; communityId?: string }
	| { audience: 'user'; userId: string };

export interface NewNotice {
	kind: string;
	/** One sentence a resident can read in the feed (zh-CN, the deployment's language). */
	text: string;
	itemId?: string;
	/** Where the feed links to (a path under ORIGIN). */
	url?: string;
	at?: Date;
}

export async function notify(db: Db, to: Audience, notice: NewNotice) {
	return notificationsDb.insert(db, {
		kind: notice.kind,
		audience: to.audience,
		sessionId: 'sessionId' in to ? (to.sessionId ?? null) : null,
		participantId: to.audience === 'participant' ? to.participantId : null,
		communityId: 'communityId' in to ? (to.communityId ?? null) : null,
		memberId: to.audience === 'member' ? to.memberId : null,
		userId: to.audience === 'user' ? to.userId : null,
		itemId: notice.itemId ?? null,
		text: notice.text,
		url: notice.url ?? null,
		at: notice.at ?? clock.now()
	});
}
