/**
 * The raise-hands cycle (REFERENCE.md §6): community links, opinions (意见征集), projects (举手立项),
 * milestones, public notice and ratings (公示评价). Request schemas and answer shapes.
 */
import * as v from 'valibot';
import { PROGRESS_STATUSES, type FollowUpView, type ProgressStatus } from './outcomes';

/* @__NO_SIDE_EFFECTS__ */ const text = (max: number) =>
	v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const opinionCreateSchema = v.object({
	title: text(100),
	text: text(4000),
	photoId: v.optional(v.nullable(id))
});

export const opinionResponseSchema = v.object({ text: text(4000) });

/** `board:watch`: this socket follows one community's board (one board per socket). */
export const boardWatchSchema = v.object({ communityId: id });
export type BoardWatch = v.InferOutput<typeof boardWatchSchema>;

export const projectCreateSchema = v.object({
	closesAt: v.optional(v.pipe(v.string(), v.isoTimestamp()))
});

export const milestoneSchema = v.object({
	text: text(2000),
	photoId: v.optional(v.nullable(id)),
	/** The status the milestone leaves the project in; left out, the status stays as it was. */
	status: v.optional(v.picklist(PROGRESS_STATUSES))
});

export const noticeSchema = v.object({
	days: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(30))
});

export const ratingSchema = v.object({
	stars: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
	comment: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500))))
});

export const communitySettingsSchema = v.object({
	name: v.optional(text(100)),
	opinionHandThreshold: v.optional(
		v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))
	),
	opinionResponseHours: v.optional(
		v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 14))
	),
	/** Notice period of art. 278 votes in days (物业管理条例: 15; 0 = none required). */
	noticeDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(90))),
	/** Seats one proxy may hold. */
	proxySeatCap: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)))
});

export interface CommunityMemberView {
	id: string;
	name: string;
	role: string;
}

export interface OpinionResponseView {
	id: string;
	text: string;
	author: string;
	at: string;
}

/** One opinion on the community board (`GET /api/v1/communities/:id/opinions`). */
export interface OpinionView {
	id: string;
	title: string;
	text: string;
	hands: number;
	deadline: string;
	respondedAt?: string;
	overdue: boolean;
	projectId?: string;
	photoUrl?: string;
	author: string;
	at: string;
	responses: OpinionResponseView[];
	/** Whether the asking member has a hand up (absent for non-members). */
	myHand?: boolean;
}

export interface ProjectSessionView {
	id: string;
	title: string;
	status: 'open' | 'closed';
	closesAt: string | null;
	votes: { id: string; question: string; status: string; passed: boolean | null }[];
}

export interface MilestoneView {
	id: string;
	text: string;
	status?: ProgressStatus;
	photoUrl?: string;
	author: string;
	at: string;
}

/** The whole path of a project on one public page (`GET /api/v1/projects/:id`). */
export interface ProjectView extends FollowUpView {
	id: string;
	title: string;
	communityId: string;
	createdAt: string;
	opinion: {
		id: string;
		title: string;
		text: string;
		author: string;
		at: string;
		hands: number;
		photoUrl?: string;
		responses: OpinionResponseView[];
		/** Hidden by a moderator: its title and text are empty for all but the community's staff. */
		hidden?: { reason: string };
	};
	sessions: ProjectSessionView[];
	milestones: MilestoneView[];
}

/**
 * `PUT /api/v1/communities/:id/channels`: the WeCom group robot's webhook (null clears it) and
 * whether the daily digest goes there too. Either may be left out to keep it as it is.
 */
export const communityChannelsSchema = v.object({
	wecomWebhook: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500)))),
	wecomDigest: v.optional(v.boolean())
});
export type CommunityChannelsInput = v.InferOutput<typeof communityChannelsSchema>;

/** One message to the group robot, as the delivery log shows it. */
export interface ChannelDeliveryView {
	id: string;
	kind: string;
	status: 'pending' | 'delivered' | 'failed';
	attempts: number;
	lastStatus: number | null;
	lastError: string | null;
	createdAt: string;
	deliveredAt: string | null;
}

/** What moderators see of a community's channels: the webhook masked, never its key. */
export interface CommunityChannelsView {
	communityId: string;
	wecomWebhook: string | null;
	wecomDigest: boolean;
	deliveries: ChannelDeliveryView[];
}
