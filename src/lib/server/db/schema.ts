import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	customType,
	index,
	integer,
	pgTable,
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
	createdAt: createdAt()
});

export const communities = pgTable('communities', {
	id: text('id').primaryKey(),
	streetId: text('street_id')
		.notNull()
		.references(() => streets.id),
	name: text('name').notNull(),
	createdAt: createdAt()
});

export const users = pgTable('users', {
	id: text('id').primaryKey(),
	username: text('username').notNull().unique(),
	passwordHash: text('password_hash').notNull(),
	role: text('role', { enum: ['admin', 'moderator', 'clerk', 'street'] }).notNull(),
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
		createdBy: text('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: createdAt()
	},
	(t) => [index('sessions_community_idx').on(t.communityId)]
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
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
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
	(t) => [index('invites_session_idx').on(t.sessionId)]
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
