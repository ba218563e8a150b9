import type { CreateVoteInput, ErrorBody, HandKind, ItemView, TallyView } from '$lib/protocol';

/** What every console action answers: the server's data, or its error (REFERENCE.md §2). */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export interface HouseholdRow {
	id: string;
	building: string;
	unit: string;
	/** m², at most two decimals. */
	area: number;
	/** Units that share an owner key are one owner (Civil Code art. 278 counts owners, not units). */
	owner: string;
	seatCode: string;
	/** From the register's floor column, derived from the unit, or corrected by staff. */
	floor?: number | null;
	floorSource?: 'unit' | 'register' | 'staff';
}

export interface SeatRow {
	householdId: string;
	ownerKey: string;
	participantId: string;
}

export interface ImportResult {
	imported: number;
	errors: { line: number; message: string }[];
}

import type { ProxyView, TurnoutView } from '$lib/protocol/owners';

export type NewVote = Omit<CreateVoteInput, 'changeable' | 'closesAt'> & {
	changeable?: boolean;
	/** ISO with offset: the vote closes by itself then (REFERENCE.md §6). */
	closesAt?: string;
};

export interface CreatedVote {
	id: string;
	status: 'draft';
	options: { id: string; label: string }[];
}

export type ItemStatus = ItemView['status'];

interface Request {
	method: 'GET' | 'POST' | 'DELETE';
	path: string;
	json?: unknown;
	csv?: string;
	/** A photo sent as the raw body (the server reads its bytes, not its declared type). */
	file?: Blob;
}

/** A signed paper proxy form (委托书) as staff type it in. */
export interface PaperProxy {
	householdIds: string[];
	proxyName: string;
	photoId?: string;
	/** null: every vote of the session. */
	voteId?: string | null;
}

const seg = encodeURIComponent;

/**
 * The moderator console's calls to the meeting API (REFERENCE.md §5). Components call these and
 * never `fetch` themselves; the live result of each call comes back over the room socket, so
 * the answers here matter for errors and for data the socket does not carry (the register).
 *
 * A request identical to one still in flight shares its answer instead of being sent again:
 * a double click on "next speaker" must not skip a person.
 */
export class ConsoleActions {
	/** True while any request is in flight. */
	busy = $state(false);
	/** The error of the latest failed action, for a page-wide notice; null after a success. */
	lastError = $state.raw<ErrorBody | null>(null);

	readonly sessionId: string;
	readonly communityId: string;
	// Bookkeeping, not state: nothing renders from it (`busy` is what components read).
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#inflight = new Map<string, Promise<ActionResult<unknown>>>();
	#uploads = 0;

	constructor(sessionId: string, communityId: string) {
		this.sessionId = sessionId;
		this.communityId = communityId;
	}

	// ---- agenda ----
	setItemStatus(itemId: string, status: ItemStatus) {
		return this.#send<ItemView>({
			method: 'POST',
			path: `/items/${seg(itemId)}/status`,
			json: { status }
		});
	}

	setCurrentItem(itemId: string) {
		return this.#send<unknown>({
			method: 'POST',
			path: `${this.#session}/current`,
			json: { itemId }
		});
	}

	/** `itemIds` names every item of the session once, in the new order. */
	reorderItems(itemIds: string[]) {
		return this.#send<unknown>({
			method: 'POST',
			path: `${this.#session}/items/order`,
			json: { itemIds }
		});
	}

	setSpeakingLimit(speakingLimitSeconds: number) {
		return this.#send<unknown>({
			method: 'POST',
			path: `${this.#session}/settings`,
			json: { speakingLimitSeconds }
		});
	}

	// ---- speaker queue ----
	/** Ends the current turn and gives the floor to `participantId`, or to the head of the queue. */
	giveFloor(participantId?: string, limitSeconds?: number) {
		return this.#send<unknown>({
			method: 'POST',
			path: `${this.#session}/floor`,
			json: { participantId, limitSeconds }
		});
	}

	endTurn() {
		return this.#send<unknown>({ method: 'DELETE', path: `${this.#session}/floor` });
	}

	/** Queues someone without a phone; the server records the moderator as the one who did it. */
	raiseHandFor(participantId: string, kind: HandKind = 'speak') {
		return this.#send<unknown>({
			method: 'POST',
			path: `${this.#session}/hands`,
			json: { participantId, kind }
		});
	}

	lowerHandFor(participantId: string) {
		return this.#send<unknown>({
			method: 'DELETE',
			path: `${this.#session}/hands/${seg(participantId)}`
		});
	}

	// ---- participants (moderation) ----
	/** Moderators and clerks; recorded in the transcript by the server. */
	setMuted(participantId: string, muted: boolean) {
		return this.#send<unknown>({
			method: 'POST',
			path: `${this.#session}/participants/${seg(participantId)}/mute`,
			json: { muted }
		});
	}

	/** Moderators only: the participant's sockets close. */
	removeParticipant(participantId: string) {
		return this.#send<null>({
			method: 'DELETE',
			path: `${this.#session}/participants/${seg(participantId)}`
		});
	}

	// ---- household register and seats ----
	/** All or nothing: with any bad line the server imports nothing and lists every error. */
	importHouseholds(csv: string) {
		return this.#send<ImportResult>({ method: 'POST', path: `${this.#community}/households`, csv });
	}

	listHouseholds() {
		return this.#send<HouseholdRow[]>({ method: 'GET', path: `${this.#community}/households` });
	}

	listSeats() {
		return this.#send<SeatRow[]>({ method: 'GET', path: `${this.#session}/seats` });
	}

	releaseSeat(householdId: string) {
		return this.#send<null>({
			method: 'DELETE',
			path: `${this.#session}/seats/${seg(householdId)}`
		});
	}

	// ---- votes ----
	createVote(itemId: string, vote: NewVote) {
		return this.#send<CreatedVote>({
			method: 'POST',
			path: `/items/${seg(itemId)}/votes`,
			json: vote
		});
	}

	/** Moderators and administrators only; the server answers 403 to a clerk. */
	openVote(voteId: string, reason?: string) {
		return this.#send<TallyView>({
			method: 'POST',
			path: `/votes/${seg(voteId)}/open`,
			...(reason ? { json: { reason } } : {})
		});
	}

	/** The notice (公告) of a vote: owners are told before it opens. */
	publishNotice(voteId: string, body: { text?: string; place?: string; link?: string }) {
		return this.#send<{ id: string; publishedAt: string; openFrom: string }>({
			method: 'POST',
			path: `/votes/${seg(voteId)}/notice`,
			json: body
		});
	}

	/** A notice of the whole meeting: every vote of the session without its own notice follows it. */
	publishSessionNotice(sessionId: string, body: { text?: string; place?: string; link?: string }) {
		return this.#send<{ id: string; publishedAt: string; openFrom: string }>({
			method: 'POST',
			path: `/sessions/${seg(sessionId)}/notice`,
			json: body
		});
	}

	/** What the vote still lacks and who has not voted (扫楼). */
	turnout(voteId: string) {
		return this.#send<TurnoutView>({ method: 'GET', path: `/votes/${seg(voteId)}/turnout` });
	}

	remind(voteId: string) {
		return this.#send<{ reminded: number }>({
			method: 'POST',
			path: `/votes/${seg(voteId)}/reminders`
		});
	}

	closeVote(voteId: string) {
		return this.#send<TallyView>({ method: 'POST', path: `/votes/${seg(voteId)}/close` });
	}

	/** A paper ballot for a household, marked as paper by the server. */
	enterPaperBallot(voteId: string, householdId: string, choice: string | string[]) {
		return this.#send<TallyView>({
			method: 'POST',
			path: `/votes/${seg(voteId)}/paper-ballots`,
			json: { householdId, choice }
		});
	}

	// ---- paper proxies (委托书) ----
	/** JPEG, PNG or WebP up to 3 MB (the server checks the bytes), kept with the community. */
	uploadPhoto(file: Blob) {
		return this.#send<{ id: string; url: string }>({
			method: 'POST',
			path: `${this.#community}/photos`,
			file
		});
	}

	listProxies() {
		return this.#send<ProxyView[]>({ method: 'GET', path: `${this.#session}/proxies` });
	}

	/** Recorded as pending: it counts once confirmed. */
	recordPaperProxy(form: PaperProxy) {
		return this.#send<ProxyView>({ method: 'POST', path: `${this.#session}/proxies`, json: form });
	}

	confirmProxy(proxyId: string) {
		return this.#send<ProxyView>({ method: 'POST', path: `/proxies/${seg(proxyId)}/confirm` });
	}

	get #session() {
		return `/sessions/${seg(this.sessionId)}`;
	}

	get #community() {
		return `/communities/${seg(this.communityId)}`;
	}

	#send<T>(request: Request): Promise<ActionResult<T>> {
		// Two uploads are two photos even when they look alike: each gets its own key.
		const key = request.file
			? `upload ${++this.#uploads}`
			: `${request.method} ${request.path} ${JSON.stringify(request.json ?? null)} ${request.csv ?? ''}`;
		const running = this.#inflight.get(key);
		if (running) return running as Promise<ActionResult<T>>;
		const promise = this.#fetch<T>(request).then((result) => {
			this.#inflight.delete(key);
			this.busy = this.#inflight.size > 0;
			this.lastError = result.ok ? null : result.error;
			return result;
		});
		this.#inflight.set(key, promise);
		this.busy = true;
		return promise;
	}

	async #fetch<T>({ method, path, json, csv, file }: Request): Promise<ActionResult<T>> {
		const headers: Record<string, string> = { accept: 'application/json' };
		let body: string | Blob | undefined;
		if (file !== undefined) {
			headers['content-type'] = file.type || 'application/octet-stream';
			body = file;
		} else if (csv !== undefined) {
			headers['content-type'] = 'text/csv; charset=utf-8';
			body = csv;
		} else if (json !== undefined) {
			headers['content-type'] = 'application/json';
			body = JSON.stringify(json);
		}
		let response: Response;
		try {
			response = await fetch(`/api/v1${path}`, {
				method,
				headers,
				body,
				credentials: 'same-origin'
			});
		} catch {
			return { ok: false, error: { code: 'network', message: 'the server could not be reached' } };
		}
		const payload = await readBody(response);
		if (response.ok) return { ok: true, data: payload as T };
		return { ok: false, error: errorOf(response.status, payload) };
	}
}

async function readBody(response: Response): Promise<unknown> {
	const text = await response.text().catch(() => '');
	if (text === '') return null;
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

/** The contract's error body, or one made up from the status when a proxy answered instead. */
function errorOf(status: number, payload: unknown): ErrorBody {
	const error = (payload as { error?: Partial<ErrorBody> } | null)?.error;
	if (error && typeof error.code === 'string') {
		return { code: error.code, message: typeof error.message === 'string' ? error.message : '' };
	}
	return { code: `http_${status}`, message: `HTTP ${status}` };
}
