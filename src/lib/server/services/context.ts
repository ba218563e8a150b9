import type { Config } from '../config';
import type { Db } from '../db/client';
import type { Logger } from '../log';
import type { SessionUser } from '../auth/session';

/** What the realtime layer offers services: who is online, and pushing changes out. */
export interface RealtimeHooks {
	onlineParticipantIds(sessionId: string): Set<string>;
	/** Re-sends the participant list of a room to everyone in it. */
	presenceChanged(sessionId: string): void;
	/** Closes every live socket signed in with this auth session (logout). */
	disconnectAuthSession(authSessionId: string): void;
}

export interface Ctx {
	db: Db;
	config: Config;
	log: Logger;
	realtime: RealtimeHooks;
}

/** Who is asking: the device's auth session and, when signed in, the account. */
export interface Viewer {
	authSessionId: string | null;
	user: SessionUser | null;
}
