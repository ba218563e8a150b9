/** socket.io room names. */
export const roomOf = (sessionId: string) => `session:${sessionId}`;
export const participantRoom = (participantId: string) => `participant:${participantId}`;
export const deviceRoom = (authSessionId: string) => `auth:${authSessionId}`;
/** The sockets of a session that get the whole participant list on every change (`presence`). */
export const fullPresenceRoom = (sessionId: string) => `presence-full:${sessionId}`;
/** The sockets following a community's board (its opinions, hands and answers). */
export const boardRoom = (communityId: string) => `board:${communityId}`;
