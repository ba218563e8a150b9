import type { CommentView, Stance } from '$lib/protocol';
import type { AnchorJson } from '$lib/anchors';

export type CommentResult = { ok: true; id?: string } | { ok: false; code: string };

export interface Thread {
	root: CommentView;
	replies: CommentView[];
}

async function errorCode(response: Response): Promise<string> {
	const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
	return body?.error?.code ?? (response.status === 403 ? 'forbidden' : 'unknown');
}

/**
 * The comments on one item (REFERENCE.md §6): fetched, and fetched again whenever the room says
 * they changed (`comments:changed`). Writes go over HTTP and answer once stored.
 */
export class ItemComments {
	list = $state.raw<CommentView[]>([]);
	loaded = $state(false);
	failed = $state(false);

	readonly itemId: string;
	#seq = 0;

	/** `initial`: a list already fetched (the archive page renders it on the server). */
	constructor(itemId: string, initial?: CommentView[]) {
		this.itemId = itemId;
		if (initial) {
			this.list = initial;
			this.loaded = true;
		}
	}

	get #base() {
		return `/api/v1/items/${encodeURIComponent(this.itemId)}/comments`;
	}

	async refresh(): Promise<void> {
		const seq = ++this.#seq;
		try {
			const response = await fetch(this.#base, { headers: { accept: 'application/json' } });
			if (seq !== this.#seq) return;
			if (!response.ok) {
				this.failed = true;
				return;
			}
			this.list = (await response.json()) as CommentView[];
			this.failed = false;
			this.loaded = true;
		} catch {
			if (seq === this.#seq) this.failed = true;
		}
	}

	async add(body: {
		text: string;
		stance: Stance;
		anchor?: AnchorJson;
		replyTo?: string;
	}): Promise<CommentResult> {
		try {
			const response = await fetch(this.#base, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
			if (!response.ok) return { ok: false, code: await errorCode(response) };
			const { id } = (await response.json()) as { id: string };
			void this.refresh();
			return { ok: true, id };
		} catch {
			return { ok: false, code: 'offline' };
		}
	}

	async resolve(id: string, resolved = true): Promise<CommentResult> {
		try {
			const response = await fetch(`/api/v1/comments/${encodeURIComponent(id)}/resolve`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ resolved })
			});
			if (!response.ok) return { ok: false, code: await errorCode(response) };
			void this.refresh();
			return { ok: true };
		} catch {
			return { ok: false, code: 'offline' };
		}
	}
}

/** Top-level comments with their replies, oldest first (the list comes ordered by time). */
export function threadsOf(list: CommentView[]): Thread[] {
	const threads: Thread[] = list.filter((c) => !c.replyTo).map((root) => ({ root, replies: [] }));
	for (const c of list) {
		if (c.replyTo) threads.find((t) => t.root.id === c.replyTo)?.replies.push(c);
	}
	return threads;
}
