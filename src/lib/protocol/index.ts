/**
 * The wire protocol of the live room: every socket.io event with its TypeScript type AND its
 * runtime schema. The server validates every inbound payload with these schemas; the browser
 * imports the same types.
 */
import * as v from 'valibot';
import {
	ballotCastSchema,
	handLowerSchema,
	handRaiseSchema,
	type Choice,
	type QueueView,
	type SeatView,
	type TallyView,
	type VoteView
} from './meeting';
import type { ParticipantView, PresenceDelta } from './presence';
import type { Role } from './roles';
import type { FeedItem } from './cloud';
import { boardWatchSchema, type BoardWatch } from './community';

export * from './meeting';
export * from './roles';

export const PROTOCOL_VERSION = 1;

export interface ItemView {
	id: string;
	title: string;
	status: 'pending' | 'discussing' | 'voting' | 'resolved' | 'unresolved';
	docName: string;
	position: number;
}

export interface RoomState {
	protocolVersion: number;
	sessionId: string;
	title: string;
	kind: 'live' | 'cloud';
	status: 'open' | 'closed';
	/** Cloud sessions: when writing and voting start and when the session ends (ISO, UTC). */
	opensAt: string | null;
	closesAt: string | null;
	participants: ParticipantView[];
	items: ItemView[];
	currentItemId: string | null;
	/** Who this connection is, as the server decided it. */
	me: { participantId: string; role: Role; canWrite: boolean; seats: SeatView[] };
	queue: QueueView;
	speakingLimitSeconds: number;
	/** Seconds spoken per bloc in finished turns. */
	speakingTotals: Record<string, number>;
	votes: VoteView[];
	/** This participant's ballots by vote id (what they have and have not voted on). */
	myBallots: Record<string, Choice>;
	/** The head of the session's hash-chained transcript. */
	transcriptHead: { seq: number; hash: string };
}

export type SessionStateView = Pick<
	RoomState,
	| 'sessionId'
	| 'title'
	| 'kind'
	| 'status'
	| 'opensAt'
	| 'closesAt'
	| 'items'
	| 'currentItemId'
	| 'speakingLimitSeconds'
>;

export interface ErrorBody {
	code: string;
	message: string;
}
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckFn<T extends object = object> = (answer: Ack<T>) => void;

export const sessionJoinSchema = v.object({
	sessionId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
	/**
	 * `"delta"`: this socket gets `presence:delta` (only what changed) instead of the whole
	 * `presence` list on every join and leave — what large rooms need. Default `"full"`.
	 */
	presence: v.optional(v.picklist(['full', 'delta']))
});
export type SessionJoin = v.InferOutput<typeof sessionJoinSchema>;

export interface ClientToServerEvents {
	'session:join': (payload: SessionJoin, ack: AckFn<{ state: RoomState }>) => void;
	'hand:raise': (payload: { kind?: 'speak' | 'point_of_order' }, ack: AckFn) => void;
	'hand:lower': (payload: Record<string, never>, ack: AckFn) => void;
	'ballot:cast': (
		payload: {
			voteId: string;
			choice: string | string[] | Record<string, number>;
			householdId?: string;
		},
		/** `receipt`: the code the voter keeps to find their ballot in the published list. */
		ack: AckFn<{ receipt: string; seats: number }>
	) => void;
	/** Follows a community's board (anyone who may read it): `board:changed` from then on. */
	'board:watch': (payload: BoardWatch, ack: AckFn) => void;
}

export interface ServerToClientEvents {
	presence: (payload: { participants: ParticipantView[] }) => void;
	/** What changed in the participant list, for sockets that joined with `presence:"delta"`. */
	'presence:delta': (payload: PresenceDelta) => void;
	/** The room changed in a way a snapshot describes best (agenda, current item, status). */
	'session:state': (state: SessionStateView) => void;
	/** The server ends this connection's membership (logout, removal). */
	'session:ended': (payload: { reason: string }) => void;
	queue: (payload: QueueView & { speakingTotals: Record<string, number> }) => void;
	'vote:tally': (payload: TallyView) => void;
	/** A vote was created, opened or closed (no personal data: the same for everyone). */
	'vote:state': (payload: VoteView) => void;
	/** The transcript grew; its current head hash (shown live in the room). */
	'transcript:head': (payload: { sessionId: string; seq: number; hash: string }) => void;
	/** This participant's household seats changed (claimed, or released by the moderator). */
	'me:seats': (payload: { seats: SeatView[] }) => void;
	/** A notification for this room (or this participant) was written (REFERENCE.md §6). */
	notification: (payload: FeedItem) => void;
	/** Comments on an item were added or resolved: clients fetch the list again. */
	'comments:changed': (payload: { itemId: string }) => void;
	/**
	 * A watched board changed (an opinion posted, answered, hidden or made a project; a hand
	 * raised or lowered). Ids only: clients fetch the board again, which masks hidden words.
	 */
	'board:changed': (payload: { communityId: string }) => void;
}

/** Inbound schemas by event name; the server refuses events missing here. */
export const inboundSchemas = {
	'session:join': sessionJoinSchema,
	'hand:raise': handRaiseSchema,
	'hand:lower': handLowerSchema,
	'ballot:cast': ballotCastSchema,
	'board:watch': boardWatchSchema
} satisfies Record<keyof ClientToServerEvents, v.GenericSchema>;

/** Largest socket.io message the server accepts; room payloads are small. */
export const MAX_SOCKET_MESSAGE_BYTES = 16 * 1024;
/** Largest y-websocket frame; bigger ones close the socket with 1009 (REFERENCE.md §3). */
export const MAX_YJS_FRAME_BYTES = 1024 * 1024;

/** The Y.XmlFragment that holds a proposal (y-prosemirror's default). */
export const PROPOSAL_FRAGMENT = 'prosemirror';
export * from './disclosure';
export * from './cloud';
export * from './comments';
export * from './community';
export * from './presence';
export * from './outcomes';
