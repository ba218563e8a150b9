/**
 * The owners' procedure (src/lib/protocol/REFERENCE.md §9): notices, proxies, turnout, announcements. Request
 * schemas and answer shapes.
 */
import * as v from 'valibot';
import type { TallyView } from './meeting';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
/* @__NO_SIDE_EFFECTS__ */ const optText = (max: number) =>
	v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(max))));

export const openVoteSchema = v.object({
	/** Why the vote opens before its notice period ended (recorded, shown with the result). */
	reason: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(1000))))
});

export const noticeCreateSchema = v.object({
	text: optText(4000),
	place: optText(200),
	link: optText(500)
});

export const proxyCreateSchema = v.object({
	voteId: v.optional(v.nullable(id)),
	/** Staff recording a signed paper form: the seats, the proxy's name and the form's photo. */
	householdIds: v.optional(v.pipe(v.array(id), v.minLength(1), v.maxLength(50))),
	proxyName: optText(100),
	photoId: v.optional(v.nullable(id)),
	/** Staff may name a participant of the session as the proxy instead of giving a link. */
	holderId: v.optional(v.nullable(id))
});

export interface NoticeView {
	id: string;
	sessionId: string;
	voteId?: string;
	title: string;
	text: string;
	publishedAt: string;
	openFrom: string;
}

export interface NoticeContent {
	title: string;
	text: string;
	proposal: string;
	rule: unknown;
	kind: string;
	options: { id: string; label: string }[];
	eligibility: string;
	secret: boolean;
	closesAt: string | null;
	place: string | null;
	link: string | null;
	room: string;
	howToVote: string;
	howToAppointProxy: string;
	noticeDays: number;
	/**
	 * A notice of a whole session (`kind: "session"`) lists its agenda instead of one matter: each
	 * item with its proposal at that moment and the votes planned on it.
	 */
	items?: {
		title: string;
		proposal: string;
		votes: { question: string; kind: string; rule: unknown }[];
	}[];
}

export interface NoticeDetail extends NoticeView {
	communityId: string;
	content: NoticeContent;
	contentHash: string;
}

export interface ProxyView {
	id: string;
	url: string;
	seats: string[];
	voteId: string | null;
	status: 'pending' | 'active' | 'revoked';
	paper: boolean;
	holderName: string | null;
	/** The photo of a signed paper form, served at `/photos/<id>` (staff only). */
	photoId?: string;
}

export interface TurnoutView {
	participation: TallyView['participation'];
	needed: { headcount: number; area: number };
	notVoted: { householdId: string; building: string; unit: string }[];
}

export interface AnnouncementView {
	voteId: string;
	sessionId: string;
	question: string;
	result: NonNullable<TallyView['result']>;
	checks: NonNullable<TallyView['result']>['checks'];
	counts?: TallyView['counts'];
	participation: TallyView['participation'];
	proxySeats: number;
	paperSeats: number;
	notice?: { id: string; publishedAt: string; openFrom: string; contentHash: string };
	earlyReason?: string;
	closedAt: string | null;
}
