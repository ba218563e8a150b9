import { untrack } from 'svelte';
import type { RoomState } from '$lib/protocol';
import { RoomConnection, type RoomStatus } from './room.svelte';
import { SessionExtras } from './session-extras.svelte';

/**
 * What the room, the console and the projector each wired by hand: the room socket of one
 * session (`session:join`, rejoins and the connection status: REFERENCE.md §3) and the session's
 * extras (stream link, floor shares, amending phase: REFERENCE.md §11), read again whenever the
 * room state changes while online. Pages read `state`, `status` and `extras`. What only some pages
 * need is added on top: the record feed (`LiveRecord`, record.svelte.ts, so the projector does
 * not download it), the room's seat claim (`seatClaimer` below) and the room's proposal.
 *
 * Construct it while a component initialises: its `$effect`s open the socket after mount and
 * close it when the component goes, or when the session id changes (a new socket for the new
 * session, as the pages did before).
 */
export class LiveSession {
	/** The open room socket; null before mount and after the page left. */
	room = $state.raw<RoomConnection | null>(null);
	/** Stream link, floor shares, phases: made once, for the first session id, as the pages did. */
	readonly extras: SessionExtras;
	/**
	 * The session id, read where it is needed so that a new id (SvelteKit reuses the page
	 * component between sessions) opens a new socket. Plain fields, not `#private` ones: the
	 * build lowers those to WeakMaps, bytes the room's JS budget (tests/bench/README.md) pays.
	 */
	readonly id: () => string;

	constructor(sessionId: () => string) {
		this.id = sessionId;
		this.extras = new SessionExtras(untrack(sessionId));
		$effect(() => {
			const connection = new RoomConnection(sessionId());
			this.room = connection;
			return () => {
				connection.destroy();
				this.room = null;
			};
		});
		// Read again on every new snapshot while online, as each page did before.
		$effect(() => {
			void this.state?.items;
			if (this.status !== 'online') return;
			untrack(() => void this.extras.refresh());
		});
	}

	/** The live snapshot, or null until the first join answered. */
	get state(): RoomState | null {
		return this.room?.state ?? null;
	}

	/** 已连接 / 正在连接… and the rest; 'connecting' until the socket exists. */
	get status(): RoomStatus {
		return this.room?.status ?? 'connecting';
	}
}

/**
 * Claims a household seat by the code on the slip (REFERENCE.md §5); on success the server sends
 * `me:seats` over the room socket, which updates `LiveSession.state.me.seats`.
 */
export function seatClaimer(
	sessionId: () => string
): (seatCode: string) => Promise<{ ok: true } | { ok: false; code: string }> {
	return async (seatCode) => {
		try {
			const response = await fetch(`/api/v1/sessions/${encodeURIComponent(sessionId())}/seats`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ seatCode })
			});
			if (response.ok) return { ok: true };
			const body = (await response.json().catch(() => null)) as {
				error?: { code?: string };
			} | null;
			return { ok: false, code: body?.error?.code ?? 'unknown' };
		} catch {
			return { ok: false, code: 'offline' };
		}
	};
}
