import { sql } from 'drizzle-orm';
import { VOTE_KIND_IDS, type Choice } from '../../votes/kinds';
import {
	bigint,
	bigserial,
	boolean,
	check,
	customType,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex
} from 'drizzle-orm/pg-core';

/** Binary column; PGlite hands back Uint8Array, postgres.js a Buffer (also a Uint8Array). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea'
});

const createdAt = () =>
	timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const streets = pgTable('streets', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	/** Hours the street office has to answer an escalated case ("一日三巡": 4 h by default). */
	responseHours: integer('response_hours').notNull().default(4),
	createdAt: createdAt()
});

export const communities = pgTable('communities', {
	id: text('id').primaryKey(),
	streetId: text('street_id')
		.notNull()
		.references(() => streets.id),
	name: text('name').notNull(),
	/** Hands an opinion needs before the committee may turn it into a project (举手立项). */
	opinionHandThreshold: integer('opinion_hand_threshold').notNull().default(10),
	/** Hours the committee has to answer an opinion (一日三巡: 4 h by default). */
	opinionResponseHours: integer('opinion_response_hours').notNull().default(4),
	/** Days an art. 278 vote's notice must precede its opening (物业管理条例: 15; 0 = none). */
	noticeDays: integer('notice_days').notNull().default(0),
	/** Seats one proxy may hold at once in a session (委托代理人). */
	proxySeatCap: integer('proxy_seat_cap').notNull().default(5),
	createdAt: createdAt()
});

export const users = pgTable('users', {
	id: text('id').primaryKey(),
	username: text('username').notNull().unique(),
	passwordHash: text('password_hash').notNull(),
	role: text('role', { enum: ['admin', 'moderator', 'clerk', 'street'] }).notNull(),
	/** The community a moderator or clerk works in; null = the default community. */
	communityId: text('community_id').references(() => communities.id),
	/** The street a street official works for; null = the default street. */
	streetId: text('street_id').references(() => streets.id),
	createdAt: createdAt()
});

/** Lucia-guide sessions: `id` is the SHA-256 (hex) of the cookie token, never the token. */
export const authSessions = pgTable(
	'auth_sessions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('auth_sessions_user_idx').on(t.userId)]
);

/**
 * Devices that have signed in to an account (the `yishi_device` cookie, stored as its SHA-256):
 * failures from elsewhere never hold them back (src/lib/server/auth/rate-limit.ts).
 */
export const loginDevices = pgTable(
	'login_devices',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('login_devices_user_idx').on(t.userId)]
);

export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		communityId: text('community_id')
			.notNull()
			.references(() => communities.id),
		title: text('title').notNull(),
		kind: text('kind', { enum: ['live', 'cloud'] }).notNull(),
		status: text('status', { enum: ['open', 'closed'] })
			.notNull()
			.default('open'),
		currentItemId: text('current_item_id'),
		opensAt: timestamp('opens_at', { withTimezone: true, mode: 'date' }),
		closesAt: timestamp('closes_at', { withTimezone: true, mode: 'date' }),
		/** Set for a street-level consultation on an escalated case (约请). */
		escalationId: text('escalation_id'),
		/** Set for the cloud session a project opened (举手立项). */
		projectId: text('project_id'),
		/** Default speaking time a moderator gives with the floor. */
		speakingLimitSeconds: integer('speaking_limit_seconds').notNull().default(180),
		createdBy: text('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: createdAt()
	},
	(t) => [
		index('sessions_community_idx').on(t.communityId),
		index('sessions_due_idx').on(t.status, t.closesAt)
	]
);

export const items = pgTable(
	'items',
	{
		id: text('id').primaryKey(),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		position: integer('position').notNull(),
		title: text('title').notNull(),
		body: text('body'),
		status: text('status', {
			enum: ['pending', 'discussing', 'voting', 'resolved', 'unresolved']
		})
			.notNull()
			.default('pending'),
		docName: text('doc_name').notNull().unique(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('items_session_position_idx').on(t.sessionId, t.position)]
);

export const invites = pgTable(
	'invites',
	{
		id: text('id').primaryKey(),
		/** A session invite; null for a standing community link (REFERENCE.md §6). */
		sessionId: text('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
		communityId: text('community_id').references(() => communities.id),
		// Kept readable: the moderator's page shows the link and its QR code again and again.
		token: text('token').notNull().unique(),
		role: text('role').notNull(),
		maxUses: integer('max_uses'),
		uses: integer('uses').notNull().default(0),
		expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
		revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
		createdBy: text('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: createdAt()
	},
	(t) => [
		index('invites_session_idx').on(t.sessionId),
		check('invites_scope_check', sql`(${t.sessionId} is null) <> (${t.communityId} is null)`)
	]
);

/**
 * Everyone in a room is a participant: people who joined by invite (role from the link) and
 * staff accounts who opened the room (role from the account). A device keeps its participant
 * through its auth session, so the same phone coming back is the same participant.
 */
export const participants = pgTable(
	'participants',
	{
		id: text('id').primaryKey(),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		authSessionId: text('auth_session_id'),
		userId: text('user_id').references(() => users.id),
		inviteId: text('invite_id').references(() => invites.id),
		name: text('name').notNull(),
		role: text('role').notNull(),
		/** `muted`: may listen and vote, not speak or edit; `removed`: out of the room. */
		status: text('status', { enum: ['active', 'muted', 'removed'] })
			.notNull()
			.default('active'),
		createdAt: createdAt()
	},
	(t) => [
		index('participants_session_idx').on(t.sessionId),
		uniqueIndex('participants_device_idx').on(t.sessionId, t.authSessionId),
		uniqueIndex('participants_user_idx')
			.on(t.sessionId, t.userId)
			.where(sql`${t.userId} is not null`)
	]
);

/** Yjs updates appended in small batches; folded into `doc_snapshots` by compaction. */
export const docUpdates = pgTable(
	'doc_updates',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		docName: text('doc_name').notNull(),
		update: bytea('update').notNull(),
		createdAt: createdAt()
	},
	(t) => [index('doc_updates_doc_idx').on(t.docName, t.id)]
);

export const docSnapshots = pgTable('doc_snapshots', {
	docName: text('doc_name').primaryKey(),
	state: bytea('state').notNull(),
	/** Highest doc_updates.id folded into `state`. */
	upToId: bigint('up_to_id', { mode: 'number' }).notNull(),
	updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
});

export const setupTokens = pgTable('setup_tokens', {
	tokenHash: text('token_hash').primaryKey(),
	createdAt: createdAt()
});

/** The household register (户) of a community; areas in integer hundredths of m². */
export const households = pgTable(
	'households',
	{
		id: text('id').primaryKey(),
		communityId: text('community_id')
			.notNull()
			.references(() => communities.id),
		building: text('building').notNull(),
		unit: text('unit').notNull(),
		area: integer('area').notNull(),
		/** Units sharing an owner key belong to one owner and vote together (SPC interpretation). */
		ownerKey: text('owner_key').notNull(),
		/** What the printed voting slip's QR code holds. */
		seatCode: text('seat_code').notNull().unique(),
		/** Null only for rows imported before floors were kept: read as derived from the unit. */
		floor: integer('floor'),
		/** Where the floor came from: derived from the unit, the register's column, or staff. */
		floorSource: text('floor_source', { enum: ['unit', 'register', 'staff'] })
			.notNull()
			.default('unit'),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('households_unit_idx').on(t.communityId, t.building, t.unit)]
);

/**
 * Who holds an owner's seat in a session: one participant per owner key at a time. Claiming any
 * unit of an owner holds all of that owner's units.
 */
export const seats = pgTable(
	'seats',
	{
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		ownerKey: text('owner_key').notNull(),
		householdId: text('household_id')
			.notNull()
			.references(() => households.id),
		participantId: text('participant_id')
			.notNull()
			.references(() => participants.id, { onDelete: 'cascade' }),
		claimedAt: createdAt()
	},
	(t) => [
		primaryKey({ columns: [t.sessionId, t.ownerKey] }),
		index('seats_participant_idx').on(t.participantId)
	]
);

/** A hand in the speaker queue, then the speech it became (for per-bloc speaking time). */
export const hands = pgTable(
	'hands',
	{
		id: text('id').primaryKey(),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		participantId: text('participant_id')
			.notNull()
			.references(() => participants.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: ['speak', 'point_of_order'] }).notNull(),
		status: text('status', { enum: ['waiting', 'speaking', 'done', 'lowered'] }).notNull(),
		raisedAt: timestamp('raised_at', { withTimezone: true, mode: 'date' }).notNull(),
		/** Set when the moderator queued this person on their behalf. */
		addedBy: text('added_by'),
		startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
		endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
		limitSeconds: integer('limit_seconds')
	},
	(t) => [
		index('hands_session_idx').on(t.sessionId, t.status),
		// One live hand per person: a double tap or two phones cannot queue someone twice.
		uniqueIndex('hands_one_live_idx')
			.on(t.sessionId, t.participantId)
			.where(sql`${t.status} in ('waiting', 'speaking')`),
		// One speaker at a time.
		uniqueIndex('hands_one_speaker_idx')
			.on(t.sessionId)
			.where(sql`${t.status} = 'speaking'`)
	]
);

export interface VoterWeight {
	key: string;
	headcount: number;
	area: number;
}

export const votes = pgTable(
	'votes',
	{
		id: text('id').primaryKey(),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		question: text('question').notNull(),
		kind: text('kind', { enum: VOTE_KIND_IDS }).notNull(),
		options: jsonb('options').$type<{ id: string; label: string }[]>().notNull(),
		minChoices: integer('min_choices').notNull().default(1),
		maxChoices: integer('max_choices').notNull().default(1),
		secret: boolean('secret').notNull(),
		tallyMode: text('tally_mode', { enum: ['live', 'hidden'] }).notNull(),
		eligibility: text('eligibility', { enum: ['participants', 'households'] }).notNull(),
		changeable: boolean('changeable').notNull().default(false),
		rule: jsonb('rule').notNull(),
		status: text('status', { enum: ['draft', 'open', 'closed'] })
			.notNull()
			.default('draft'),
		/** Voters and their weights, frozen when the vote opens; weights never come from clients. */
		eligible: jsonb('eligible').$type<VoterWeight[]>(),
		/** Secret ballots are keyed by a salted hash, so rows do not name the voter. */
		salt: text('salt').notNull(),
		result: jsonb('result'),
		closesAt: timestamp('closes_at', { withTimezone: true, mode: 'date' }),
		openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }),
		closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
		createdBy: text('created_by').notNull(),
		/** Why it was opened before its notice period ended (shown with the result). */
		earlyReason: text('early_reason'),
		createdAt: createdAt()
	},
	(t) => [
		index('votes_session_idx').on(t.sessionId),
		index('votes_due_idx').on(t.status, t.closesAt),
		// The kinds the registry knows (src/lib/votes/kinds): a new kind widens this check.
		check('votes_kind_check', sql.raw(`kind in (${VOTE_KIND_IDS.map((k) => `'${k}'`).join(', ')})`))
	]
);

export const ballots = pgTable(
	'ballots',
	{
		id: text('id').primaryKey(),
		voteId: text('vote_id')
			.notNull()
			.references(() => votes.id, { onDelete: 'cascade' }),
		/** The seat: an owner key, a participant id, or their salted hash for secret votes. */
		voterKey: text('voter_key').notNull(),
		/** Null for secret votes. */
		participantId: text('participant_id'),
		choice: jsonb('choice').$type<Choice>().notNull(),
		paper: boolean('paper').notNull().default(false),
		enteredBy: text('entered_by'),
		/** The proxy appointment the ballot was cast under, if any. */
		proxyId: text('proxy_id'),
		/** A scan or photo of a paper ballot. */
		photoId: text('photo_id'),
		castAt: timestamp('cast_at', { withTimezone: true, mode: 'date' }).notNull(),
		updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull()
	},
	// One ballot per eligible seat, enforced by the database.
	(t) => [uniqueIndex('ballots_one_per_seat_idx').on(t.voteId, t.voterKey)]
);

/**
 * The transcript (纪要): every event of a session, hash-chained (REFERENCE.md §4). `at` is kept as
 * the exact ISO string that was hashed. Rows are append-only: a trigger refuses UPDATE,
 * DELETE and TRUNCATE (migration 0003).
 */
export const transcriptEntries = pgTable(
	'transcript_entries',
	{
		sessionId: text('session_id').notNull(),
		seq: integer('seq').notNull(),
		at: text('at').notNull(),
		type: text('type').notNull(),
		actor: jsonb('actor').notNull(),
		data: jsonb('data').notNull(),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull()
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.seq] })]
);

/** The head of each chain; its row is locked while an entry is appended, so seqs never race. */
export const transcriptHeads = pgTable('transcript_heads', {
	sessionId: text('session_id').primaryKey(),
	seq: integer('seq').notNull(),
	hash: text('hash').notNull()
});

/** A case handed up to the street office (上报), with the record as it stood then. */
export const escalations = pgTable(
	'escalations',
	{
		id: text('id').primaryKey(),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id),
		communityId: text('community_id')
			.notNull()
			.references(() => communities.id),
		streetId: text('street_id')
			.notNull()
			.references(() => streets.id),
		status: text('status', {
			enum: ['submitted', 'accepted', 'in_progress', 'answered', 'closed']
		}).notNull(),
		note: text('note').notNull(),
		proposalText: text('proposal_text').notNull(),
		proposalHash: text('proposal_hash').notNull(),
		deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
		answer: text('answer'),
		answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
		answeredBy: text('answered_by'),
		createdBy: text('created_by').notNull(),
		createdAt: createdAt(),
		/** When the street was told the answer is due within the hour / is overdue (once each). */
		dueSoonToldAt: timestamp('due_soon_told_at', { withTimezone: true, mode: 'date' }),
		overdueToldAt: timestamp('overdue_told_at', { withTimezone: true, mode: 'date' })
	},
	(t) => [index('escalations_street_idx').on(t.streetId, t.status)]
);

/** Signed webhook deliveries to an external street platform, with their retries (the log). */
export const webhookDeliveries = pgTable(
	'webhook_deliveries',
	{
		id: text('id').primaryKey(),
		escalationId: text('escalation_id').notNull(),
		event: text('event').notNull(),
		payload: text('payload').notNull(),
		status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		lastStatus: integer('last_status'),
		nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
		deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
		createdAt: createdAt()
	},
	(t) => [index('webhook_due_idx').on(t.status, t.nextAttemptAt)]
);

/**
 * A community participant: a device (or account) that joined through a standing community link
 * (REFERENCE.md §6). Posts opinions, raises hands, rates projects; enters the community's cloud
 * sessions under the same name and role.
 */
export const communityMembers = pgTable(
	'community_members',
	{
		id: text('id').primaryKey(),
		communityId: text('community_id')
			.notNull()
			.references(() => communities.id),
		authSessionId: text('auth_session_id'),
		userId: text('user_id').references(() => users.id),
		inviteId: text('invite_id').references(() => invites.id),
		name: text('name').notNull(),
		role: text('role').notNull(),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('community_members_device_idx').on(t.communityId, t.authSessionId),
		uniqueIndex('community_members_user_idx')
			.on(t.communityId, t.userId)
			.where(sql`${t.userId} is not null`)
	]
);

/** Photos attached to opinions and milestones; checked by their magic bytes, size-capped. */
export const photos = pgTable('photos', {
	id: text('id').primaryKey(),
	communityId: text('community_id')
		.notNull()
		.references(() => communities.id),
	mime: text('mime').notNull(),
	bytes: bytea('bytes').notNull(),
	createdAt: createdAt()
});

/** A comment anchored to a passage of an item's proposal, or a reply in its thread. */
export const comments = pgTable(
	'comments',
	{
		id: text('id').primaryKey(),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		participantId: text('participant_id')
			.notNull()
			.references(() => participants.id),
		authorName: text('author_name').notNull(),
		authorRole: text('author_role').notNull(),
		text: text('text').notNull(),
		stance: text('stance', { enum: ['support', 'oppose', 'concern', 'question'] }).notNull(),
		/** `{start, end}`: `Y.relativePositionToJSON` of both ends, over the item's fragment. */
		anchor: jsonb('anchor').$type<{ start: unknown; end: unknown }>(),
		replyTo: text('reply_to'),
		resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
		resolvedBy: text('resolved_by'),
		createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [index('comments_item_idx').on(t.itemId, t.createdAt)]
);

/**
 * What changed, once per event, with its audience: everyone in a session, one participant,
 * a community, or one account. A reader's feed is the union of the audiences they belong to.
 */
export const notifications = pgTable(
	'notifications',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		kind: text('kind').notNull(),
		audience: text('audience', {
			enum: ['session', 'participant', 'community', 'member', 'user']
		}).notNull(),
		sessionId: text('session_id'),
		itemId: text('item_id'),
		communityId: text('community_id'),
		participantId: text('participant_id'),
		memberId: text('member_id'),
		userId: text('user_id'),
		text: text('text').notNull(),
		/** The words of the sentence (`src/lib/notice-text.ts`), to say it in the reader's language. */
		params: jsonb('params'),
		url: text('url'),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [
		index('notifications_session_idx').on(t.sessionId, t.id),
		index('notifications_participant_idx').on(t.participantId, t.id),
		index('notifications_community_idx').on(t.communityId, t.id),
		index('notifications_member_idx').on(t.memberId, t.id),
		index('notifications_user_idx').on(t.userId, t.id)
	]
);

/** How far a reader (`user:<id>` or `device:<authSessionId>`) has read their feed. */
export const notificationCursors = pgTable('notification_cursors', {
	recipient: text('recipient').primaryKey(),
	upTo: bigint('up_to', { mode: 'number' }).notNull()
});

/** Web Push subscriptions (RFC 8030) of a reader's browsers. */
export const pushSubscriptions = pgTable(
	'push_subscriptions',
	{
		endpoint: text('endpoint').primaryKey(),
		recipient: text('recipient').notNull(),
		p256dh: text('p256dh').notNull(),
		auth: text('auth').notNull(),
		/** The language the browser subscribed in: its pushes are said in it. */
		locale: text('locale').notNull().default('zh-CN'),
		createdAt: createdAt()
	},
	(t) => [index('push_subscriptions_recipient_idx').on(t.recipient)]
);

/** A resident's opinion for their community (意见征集). */
export const opinions = pgTable(
	'opinions',
	{
		id: text('id').primaryKey(),
		communityId: text('community_id')
			.notNull()
			.references(() => communities.id),
		memberId: text('member_id').references(() => communityMembers.id),
		authorName: text('author_name').notNull(),
		title: text('title').notNull(),
		text: text('text').notNull(),
		photoId: text('photo_id').references(() => photos.id),
		/** When the committee must have answered (createdAt + the community's response hours). */
		deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
		respondedAt: timestamp('responded_at', { withTimezone: true, mode: 'date' }),
		/** When staff were told the deadline passed unanswered (once per opinion). */
		overdueNotifiedAt: timestamp('overdue_notified_at', { withTimezone: true, mode: 'date' }),
		projectId: text('project_id'),
		createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [
		index('opinions_community_idx').on(t.communityId, t.createdAt),
		// The overdue pass: unanswered opinions by deadline.
		index('opinions_due_idx')
			.on(t.deadline)
			.where(sql`${t.respondedAt} is null and ${t.overdueNotifiedAt} is null`)
	]
);

/** One raised hand per community participant per opinion. */
export const opinionHands = pgTable(
	'opinion_hands',
	{
		opinionId: text('opinion_id')
			.notNull()
			.references(() => opinions.id, { onDelete: 'cascade' }),
		memberId: text('member_id')
			.notNull()
			.references(() => communityMembers.id),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.opinionId, t.memberId] })]
);

/** The committee's answers to an opinion. */
export const opinionResponses = pgTable(
	'opinion_responses',
	{
		id: text('id').primaryKey(),
		opinionId: text('opinion_id')
			.notNull()
			.references(() => opinions.id, { onDelete: 'cascade' }),
		text: text('text').notNull(),
		authorName: text('author_name').notNull(),
		userId: text('user_id').references(() => users.id),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [index('opinion_responses_opinion_idx').on(t.opinionId, t.at)]
);

/** A project residents adopted (举手立项), followed to its public notice and rating (follow_ups). */
export const projects = pgTable('projects', {
	id: text('id').primaryKey(),
	communityId: text('community_id')
		.notNull()
		.references(() => communities.id),
	opinionId: text('opinion_id')
		.notNull()
		.unique()
		.references(() => opinions.id),
	title: text('title').notNull(),
	createdBy: text('created_by')
		.notNull()
		.references(() => users.id),
	createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull()
});

/**
 * What a decision led to, followed in public: one mechanism for a 举手 project and for a decided
 * agenda item — progress updates with photos, a status (未开始 / 进行中 / 已完成 / 已搁置), a public
 * notice (公示) and, while it is open, one rating per community participant.
 */
export const followUps = pgTable(
	'follow_ups',
	{
		id: text('id').primaryKey(),
		subjectKind: text('subject_kind', { enum: ['project', 'item'] }).notNull(),
		/** A project id or an item id; cleaned up with its subject by the services, not a key. */
		subjectId: text('subject_id').notNull(),
		communityId: text('community_id')
			.notNull()
			.references(() => communities.id),
		status: text('status', { enum: ['not_started', 'in_progress', 'done', 'shelved'] })
			.notNull()
			.default('not_started'),
		noticeStartsAt: timestamp('notice_starts_at', { withTimezone: true, mode: 'date' }),
		noticeEndsAt: timestamp('notice_ends_at', { withTimezone: true, mode: 'date' })
	},
	(t) => [
		uniqueIndex('follow_ups_subject_idx').on(t.subjectKind, t.subjectId),
		index('follow_ups_community_idx').on(t.communityId, t.noticeEndsAt)
	]
);

/** A progress update; `status` is the status it left the follow-up in (null: unchanged). */
export const followUpUpdates = pgTable(
	'follow_up_updates',
	{
		id: text('id').primaryKey(),
		followUpId: text('follow_up_id')
			.notNull()
			.references(() => followUps.id, { onDelete: 'cascade' }),
		text: text('text').notNull(),
		status: text('status', { enum: ['not_started', 'in_progress', 'done', 'shelved'] }),
		photoId: text('photo_id').references(() => photos.id),
		authorName: text('author_name').notNull(),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [index('follow_up_updates_idx').on(t.followUpId, t.at)]
);

/** One rating per community participant per follow-up, during its public notice. */
export const followUpRatings = pgTable(
	'follow_up_ratings',
	{
		followUpId: text('follow_up_id')
			.notNull()
			.references(() => followUps.id, { onDelete: 'cascade' }),
		memberId: text('member_id')
			.notNull()
			.references(() => communityMembers.id),
		stars: integer('stars').notNull(),
		comment: text('comment'),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [
		primaryKey({ columns: [t.followUpId, t.memberId] }),
		check('follow_up_ratings_stars_check', sql`${t.stars} between 1 and 5`)
	]
);

/** Process-wide settings kept with the data (e.g. the Web Push VAPID key pair). */
export const settings = pgTable('settings', {
	key: text('key').primaryKey(),
	value: jsonb('value').notNull(),
	updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
});

// ---- reach: short seat codes and community channels ----

/**
 * The short code a voting slip prints for typing by hand (`src/lib/server/domain/seat-code.ts`),
 * one per household, unique over the deployment. Kept beside `households` so the register's
 * import stays as it is; a household gets its code when its slips are first listed.
 */
export const householdShortCodes = pgTable('household_short_codes', {
	householdId: text('household_id')
		.primaryKey()
		.references(() => households.id, { onDelete: 'cascade' }),
	code: text('code').notNull().unique()
});

/**
 * Where a community's notices also go: a 企业微信 (WeCom) group robot's webhook, set by its
 * moderators, and whether the daily digest is sent there too.
 */
export const communityChannels = pgTable('community_channels', {
	communityId: text('community_id')
		.primaryKey()
		.references(() => communities.id, { onDelete: 'cascade' }),
	wecomWebhook: text('wecom_webhook'),
	wecomDigest: boolean('wecom_digest').notNull().default(false),
	updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
});

/**
 * Messages to a community's WeCom group robot, one row each, queued in the transaction of the
 * notification they carry (services/channels.ts). `dedupeKey` makes a message exist once however
 * many nodes try to queue it (the daily digest); every attempt updates the row (the log).
 * `kind` + `params` are rendered in the community's language when the message is sent.
 */
export const channelDeliveries = pgTable(
	'channel_deliveries',
	{
		id: text('id').primaryKey(),
		communityId: text('community_id')
			.notNull()
			.references(() => communities.id, { onDelete: 'cascade' }),
		dedupeKey: text('dedupe_key').notNull().unique(),
		kind: text('kind').notNull(),
		params: jsonb('params').notNull(),
		url: text('url'),
		status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		lastStatus: integer('last_status'),
		nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
		deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
		createdAt: createdAt()
	},
	(t) => [
		index('channel_due_idx').on(t.status, t.nextAttemptAt),
		index('channel_community_idx').on(t.communityId, t.createdAt)
	]
);

// ---------------------------------------------------------------------------------------------
// Owners' procedure: notices (公告) and proxies (委托投票)

/**
 * A notice published for a vote: what owners were told, when, and from when the vote may open.
 * `content` is everything shown (matter, proposal text at that moment, rule, window, place,
 * how to vote and to appoint a proxy); `contentHash` is its SHA-256 over RFC 8785 JSON, also
 * in the transcript, so a printed notice can be checked against the record.
 */
export const voteNotices = pgTable(
	'vote_notices',
	{
		id: text('id').primaryKey(),
		communityId: text('community_id')
			.notNull()
			.references(() => communities.id),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		voteId: text('vote_id').references(() => votes.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		text: text('text').notNull(),
		content: jsonb('content').notNull(),
		contentHash: text('content_hash').notNull(),
		publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull(),
		openFrom: timestamp('open_from', { withTimezone: true, mode: 'date' }).notNull(),
		createdBy: text('created_by').notNull()
	},
	(t) => [
		index('vote_notices_community_idx').on(t.communityId, t.publishedAt),
		index('vote_notices_vote_idx').on(t.voteId)
	]
);

/**
 * An owner's appointment of a proxy for one vote or a whole session. `ownerKeys` are the
 * seats it covers; `holderId` is the participant who took it up through its link (or whom
 * staff named). Paper appointments count only once staff confirmed them.
 */
export const proxies = pgTable(
	'proxies',
	{
		id: text('id').primaryKey(),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		voteId: text('vote_id').references(() => votes.id, { onDelete: 'cascade' }),
		appointerId: text('appointer_id'),
		ownerKeys: jsonb('owner_keys').$type<string[]>().notNull(),
		householdIds: jsonb('household_ids').$type<string[]>().notNull(),
		token: text('token').notNull().unique(),
		holderId: text('holder_id'),
		holderName: text('holder_name'),
		paper: boolean('paper').notNull().default(false),
		photoId: text('photo_id'),
		status: text('status', { enum: ['pending', 'active', 'revoked'] }).notNull(),
		createdBy: text('created_by').notNull(),
		confirmedBy: text('confirmed_by'),
		createdAt: createdAt(),
		revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' })
	},
	(t) => [index('proxies_session_idx').on(t.sessionId), index('proxies_holder_idx').on(t.holderId)]
);

// ───────────────────────────── cost sharing (who pays what) ─────────────────────────────

/**
 * A way to share one cost among households (src/lib/protocol/REFERENCE.md §12). Amounts are
 * not stored: they are computed from the register on every read, until a vote takes the scheme
 * as an option — then the households' floors and areas are frozen into `frozen`, so what people
 * vote on, and what the transcript's hash commits to, cannot move under them.
 */
export const costSchemes = pgTable(
	'cost_schemes',
	{
		id: text('id').primaryKey(),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		communityId: text('community_id').notNull(),
		title: text('title').notNull(),
		totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
		costFen: bigint('cost_fen', { mode: 'number' }),
		fundBalanceFen: bigint('fund_balance_fen', { mode: 'number' }),
		reserveFen: bigint('reserve_fen', { mode: 'number' }),
		/** The sharing households; null = the community's whole register. */
		householdIds: jsonb('household_ids').$type<string[]>(),
		buildings: jsonb('buildings').$type<string[]>(),
		/** The method in the API's JSON form (yuan, decimal coefficients). */
		method: jsonb('method').$type<Record<string, unknown>>().notNull(),
		frozen:
			jsonb('frozen').$type<
				{ id: string; building: string; unit: string; floor: number; area: number }[]
			>(),
		frozenAt: timestamp('frozen_at', { withTimezone: true, mode: 'date' }),
		/** The closed vote that chose this scheme, and the SHA-256 of its table then. */
		chosenVoteId: text('chosen_vote_id'),
		tableHash: text('table_hash'),
		/** A moderator who chose the scheme without a vote (the meeting agreed by hand). */
		chosenBy: text('chosen_by'),
		chosenAt: timestamp('chosen_at', { withTimezone: true, mode: 'date' }),
		/** A staff account id, or a participant id when a participant drafted it. */
		createdBy: text('created_by').notNull(),
		/** `moderator`/`admin` for staff; `owner`/`resident` for a participant's draft. */
		authorRole: text('author_role').notNull().default('moderator'),
		createdAt: createdAt()
	},
	(t) => [index('cost_schemes_item_idx').on(t.itemId)]
);

/** Which vote option stands for which scheme ("put these schemes to a vote"). */
export const costSchemeVotes = pgTable(
	'cost_scheme_votes',
	{
		voteId: text('vote_id')
			.notNull()
			.references(() => votes.id, { onDelete: 'cascade' }),
		optionId: text('option_id').notNull(),
		schemeId: text('scheme_id')
			.notNull()
			.references(() => costSchemes.id, { onDelete: 'cascade' })
	},
	(t) => [
		primaryKey({ columns: [t.voteId, t.optionId] }),
		index('cost_scheme_votes_scheme_idx').on(t.schemeId)
	]
);

/** Collection on the accountability path: which households of a chosen scheme have paid. */
export const costCollections = pgTable(
	'cost_collections',
	{
		schemeId: text('scheme_id')
			.notNull()
			.references(() => costSchemes.id, { onDelete: 'cascade' }),
		householdId: text('household_id')
			.notNull()
			.references(() => households.id),
		collectedAt: timestamp('collected_at', { withTimezone: true, mode: 'date' }).notNull(),
		recordedBy: text('recorded_by').notNull()
	},
	(t) => [primaryKey({ columns: [t.schemeId, t.householdId] })]
);

// ─── Outcomes: amendments, item outcomes, floor shares, search ─────────────────────────────

/** A proposed change to a passage of an item's proposal (修改建议). */
export const amendments = pgTable(
	'amendments',
	{
		id: text('id').primaryKey(),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		participantId: text('participant_id')
			.notNull()
			.references(() => participants.id),
		authorName: text('author_name').notNull(),
		authorRole: text('author_role').notNull(),
		/** Two Yjs relative positions (`Y.relativePositionToJSON`) over the proposal fragment. */
		anchor: jsonb('anchor').$type<{ start: unknown; end: unknown }>().notNull(),
		/** The passage as it read when the amendment was proposed. */
		quoteThen: text('quote_then').notNull(),
		text: text('text').notNull(),
		reason: text('reason'),
		status: text('status', { enum: ['open', 'accepted', 'rejected', 'stale'] })
			.notNull()
			.default('open'),
		/** The vote that decides it, if it was put to one. */
		voteId: text('vote_id'),
		decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
		createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [
		index('amendments_item_idx').on(t.itemId, t.createdAt),
		index('amendments_vote_idx').on(t.voteId)
	]
);

export const amendmentSupporters = pgTable(
	'amendment_supporters',
	{
		amendmentId: text('amendment_id')
			.notNull()
			.references(() => amendments.id, { onDelete: 'cascade' }),
		participantId: text('participant_id')
			.notNull()
			.references(() => participants.id),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.amendmentId, t.participantId] })]
);

/**
 * What an item led to: the amending phase, when the moderator last set its status by hand
 * (a vote closing after that leaves the status alone), and the outcome statement.
 */
export const itemOutcomes = pgTable('item_outcomes', {
	itemId: text('item_id')
		.primaryKey()
		.references(() => items.id, { onDelete: 'cascade' }),
	amending: boolean('amending').notNull().default(false),
	statusSetAt: timestamp('status_set_at', { withTimezone: true, mode: 'date' }),
	handStatus: text('hand_status'),
	text: text('text'),
	owner: text('owner'),
	due: text('due'),
	decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' })
});

/** Per-session floor settings: the hybrid meeting's stream link and each bloc's share. */
export const sessionFloor = pgTable('session_floor', {
	sessionId: text('session_id')
		.primaryKey()
		.references(() => sessions.id, { onDelete: 'cascade' }),
	streamUrl: text('stream_url'),
	blocQuotas: jsonb('bloc_quotas').$type<Record<string, number>>().notNull().default({}),
	amending: boolean('amending').notNull().default(false),
	/** Owners and residents who may edit may also propose cost schemes. */
	costDrafting: boolean('cost_drafting').notNull().default(false)
});

/** A Postgres `tsvector`, written as a literal built by `domain/search-tokens.ts`. */
const tsvector = customType<{ data: string; driverData: string }>({
	dataType: () => 'tsvector'
});

/**
 * Everything public people can search, one row per text, written in the transaction that
 * creates or changes the text. `tsv` holds Chinese words (Intl.Segmenter), character
 * bigrams and single characters, so a word is found inside a sentence.
 */
export const searchDocuments = pgTable(
	'search_documents',
	{
		id: text('id').primaryKey(),
		kind: text('kind').notNull(),
		refId: text('ref_id').notNull(),
		communityId: text('community_id'),
		sessionId: text('session_id'),
		itemId: text('item_id'),
		/** Searchable at once (opinions, projects, answers); otherwise once its session closed. */
		public: boolean('public').notNull().default(false),
		title: text('title').notNull(),
		body: text('body').notNull(),
		url: text('url').notNull(),
		tokens: text('tokens').notNull(),
		tsv: tsvector('tsv').notNull(),
		/**
		 * The title's lexemes alone (weight A of `tsv`), kept by the database: small enough to
		 * stay in the row, so search can tell title hits from body hits for every match without
		 * reading the large, out-of-line `tsv` (db/search.ts ranks only a bounded set).
		 */
		titleTsv: tsvector('title_tsv').generatedAlwaysAs(sql`ts_filter(tsv, '{a}')`),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull()
	},
	(t) => [
		index('search_documents_tsv_idx').using('gin', t.tsv),
		index('search_documents_session_idx').on(t.sessionId),
		index('search_documents_community_idx').on(t.communityId, t.at)
	]
);

// ---------------------------------------------------------------------------------------------
// Tenancy: the audit log of staff actions outside a room (accounts, invites, register, settings,
// webhooks, hides). Append-only like the transcript: rows are inserted, never updated.

export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
		/** Who: the account, or null for the system (scheduler, setup). */
		userId: text('user_id'),
		username: text('username'),
		/** What: a stable snake_case action name and its details. */
		action: text('action').notNull(),
		/** Where the action applies: its community and street, when it has one. */
		communityId: text('community_id'),
		streetId: text('street_id'),
		target: text('target'),
		data: jsonb('data').notNull().default({}),
		/** From where: the client address the request came from. */
		ip: text('ip')
	},
	(t) => [index('audit_log_community_idx').on(t.communityId, t.id)]
);

// ─── Trust: signed heads, receipts, pseudonym secrets, words beside the chain, hiding ─────────

/**
 * The public log of signed transcript heads (src/lib/protocol/REFERENCE.md, additions to §8):
 * append-only, hash-chained like a transcript, `n` from 1 without gaps.
 */
export const signedHeads = pgTable(
	'signed_heads',
	{
		n: integer('n').primaryKey(),
		sessionId: text('session_id').notNull(),
		seq: integer('seq').notNull(),
		head: text('head').notNull(),
		at: text('at').notNull(),
		signature: text('signature').notNull(),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull()
	},
	(t) => [index('signed_heads_session_idx').on(t.sessionId, t.n)]
);

/** One row (id 1), locked while a signed head is appended, so `n` never races. */
export const signedHeadsTip = pgTable('signed_heads_tip', {
	id: integer('id').primaryKey(),
	n: integer('n').notNull(),
	hash: text('hash').notNull()
});

/**
 * A ballot's receipt, and — written at close, once the per-vote secret is gone — the weight it
 * was counted with. Keyed like the ballot (vote, voter key); a changed ballot gets a new receipt.
 */
export const ballotReceipts = pgTable(
	'ballot_receipts',
	{
		voteId: text('vote_id')
			.notNull()
			.references(() => votes.id),
		voterKey: text('voter_key').notNull(),
		receipt: text('receipt').notNull(),
		at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.voteId, t.voterKey] })]
);

/** The public ballot list of a closed vote, as hashed into its `vote_closed` entry. */
export const ballotLists = pgTable('ballot_lists', {
	voteId: text('vote_id')
		.primaryKey()
		.references(() => votes.id),
	body: jsonb('body').notNull(),
	hash: text('hash').notNull()
});

/**
 * Per-community pseudonym secret (HMAC key), kept outside every chain: erasing it makes the
 * community's pseudonyms unlinkable to the register for good.
 */
export const pseudonymSecrets = pgTable('pseudonym_secrets', {
	communityId: text('community_id').primaryKey(),
	secret: text('secret').notNull(),
	createdAt: createdAt()
});

/**
 * People's words recorded in a transcript: the chain carries only `textCommitment`
 * (SHA-256 of the RFC 8785 JSON of {salt, text}); the text and salt live here, where they
 * can be hidden or erased without breaking the chain.
 */
export const recordTexts = pgTable(
	'record_texts',
	{
		id: text('id').primaryKey(),
		kind: text('kind').notNull(),
		sessionId: text('session_id').notNull(),
		seq: integer('seq').notNull(),
		authorId: text('author_id'),
		text: text('text').notNull(),
		salt: text('salt').notNull()
	},
	(t) => [index('record_texts_session_idx').on(t.sessionId, t.seq)]
);

/** Words a moderator hid (or erased on request), with the reason shown in their place. */
export const hiddenTexts = pgTable(
	'hidden_texts',
	{
		kind: text('kind').notNull(),
		id: text('id').notNull(),
		communityId: text('community_id').notNull(),
		reason: text('reason').notNull(),
		hiddenBy: text('hidden_by').notNull(),
		at: createdAt()
	},
	(t) => [primaryKey({ columns: [t.kind, t.id] })]
);
