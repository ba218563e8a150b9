/** socket.io room names. */
export const roomOf = (sessionId: string) => `session:${sessionId}`;
export const participantRoom = (participantId: string) => `participant:${participantId}`;
export const deviceRoom = (authSessionId: string) => `auth:${authSessionId}`;
