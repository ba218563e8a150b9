import type { AmendmentView } from '$lib/protocol';
import type { AnchorJson } from '$lib/anchors';

export type AmendmentResult = { ok: true } | { ok: false; code: string; message?: string };

async function failure(response: Response): Promise<AmendmentResult> {
	const body = (await response.json().catch(() => null)) as {
		error?: { code?: string; message?: string };
	} | null;
	return {
		ok: false,
		code: body?.error?.code ?? (response.status === 403 ? 'forbidden' : 'unknown'),
		message: body?.error?.message
	};
}

/**
 * The amendments of one item (REFERENCE.md §11): fetched, and again whenever the room says the
 * item's comments or amendments changed (`comments:changed {itemId}`). Writes go over HTTP.
 */
export class ItemAmendments {
	list = $state.raw<AmendmentView[]>([]);
	loaded = $state(false);
	failed = $state(false);

	readonly itemId: string;
	#seq = 0;

	constructor(itemId: string, initial?: AmendmentView[]) {
		this.itemId = itemId;
		if (initial) {
			this.list = initial;
			this.loaded = true;
		}
	}

	async refresh(): Promise<void> {
		const seq = ++this.#seq;
		try {
			const response = await fetch(`/api/v1/items/${encodeURIComponent(this.itemId)}/amendments`, {
				headers: { accept: 'application/json' }
			});
			if (seq !== this.#seq) return;
			if (!response.ok) {
				this.failed = true;
				return;
			}
			this.list = (await response.json()) as AmendmentView[];
			this.failed = false;
			this.loaded = true;
		} catch {
			if (seq === this.#seq) this.failed = true;
		}
	}

	async #post(url: string, body?: unknown): Promise<AmendmentResult> {
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body ?? {})
			});
			if (!response.ok) return failure(response);
			void this.refresh();
			return { ok: true };
		} catch {
			return { ok: false, code: 'offline' };
		}
	}

	propose(body: { anchor: AnchorJson; text: string; reason?: string }) {
		return this.#post(`/api/v1/items/${encodeURIComponent(this.itemId)}/amendments`, body);
	}

	support(id: string) {
		return this.#post(`/api/v1/amendments/${encodeURIComponent(id)}/support`);
	}

	decide(id: string, decision: 'accept' | 'reject') {
		return this.#post(`/api/v1/amendments/${encodeURIComponent(id)}/${decision}`);
	}

	/**
	 * A yes/no/abstain vote of the participants on this amendment: passing it merges the text.
	 * Only yes/no: with options, the server's "passed" means "one option won", which would merge
	 * the amendment even when "keep the text" won.
	 */
	async putToVote(
		id: string,
		question: string,
		choice: { rule: 'majority' | 'two_thirds'; secret: boolean }
	): Promise<AmendmentResult> {
		try {
			const created = await fetch(`/api/v1/items/${encodeURIComponent(this.itemId)}/votes`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					question,
					kind: 'yes_no_abstain',
					secret: choice.secret,
					tally: 'live',
					eligibility: 'participants',
					rule:
						choice.rule === 'two_thirds'
							? { kind: 'threshold', ratio: '2/3', base: 'cast' }
							: { kind: 'majority_cast' },
					amendmentId: id
				})
			});
			if (!created.ok) return failure(created);
			const vote = (await created.json()) as { id: string };
			// Votes are created as drafts: "put to a vote" means the phones can vote at once.
			return this.#post(`/api/v1/votes/${encodeURIComponent(vote.id)}/open`);
		} catch {
			return { ok: false, code: 'offline' };
		}
	}
}
