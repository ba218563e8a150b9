/**
 * Cost schemes of an item as the browser sees them (src/lib/protocol/REFERENCE.md §12): the
 * room's list with the reader's own amounts, and the moderator's calls. Components read these
 * classes and never fetch themselves.
 */
import type { ErrorBody } from '$lib/protocol';
import type { SchemeForReader, SchemeMethod, SchemeSummaryView } from '$lib/protocol/cost';

export type {
	FloorRange,
	MyAmount,
	SchemeForReader,
	SchemeMethod,
	SchemeSummaryView
} from '$lib/protocol/cost';

export type CostResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

const seg = encodeURIComponent;

async function call<T>(method: string, path: string, json?: unknown): Promise<CostResult<T>> {
	let response: Response;
	try {
		response = await fetch(`/api/v1${path}`, {
			method,
			headers: {
				accept: 'application/json',
				...(json === undefined ? {} : { 'content-type': 'application/json' })
			},
			body: json === undefined ? undefined : JSON.stringify(json),
			credentials: 'same-origin'
		});
	} catch {
		return { ok: false, error: { code: 'network', message: 'the server could not be reached' } };
	}
	const payload = (await response.json().catch(() => null)) as unknown;
	if (response.ok) return { ok: true, data: payload as T };
	const error = (payload as { error?: Partial<ErrorBody> } | null)?.error;
	return {
		ok: false,
		error: {
			code: typeof error?.code === 'string' ? error.code : `http_${response.status}`,
			message: typeof error?.message === 'string' ? error.message : ''
		}
	};
}

/** An item's schemes with the reader's amounts; refreshed when the room says things changed. */
export class ItemCostSchemes {
	list = $state.raw<SchemeForReader[]>([]);
	loaded = $state(false);
	failed = $state(false);
	readonly itemId: string;
	#seq = 0;

	constructor(itemId: string, initial?: SchemeForReader[]) {
		this.itemId = itemId;
		if (initial) {
			this.list = initial;
			this.loaded = true;
		}
	}

	async refresh(): Promise<void> {
		const seq = ++this.#seq;
		const result = await call<SchemeForReader[]>(
			'GET',
			`/items/${seg(this.itemId)}/cost-schemes/mine`
		);
		if (seq !== this.#seq) return;
		if (!result.ok) {
			this.failed = true;
			return;
		}
		this.list = result.data;
		this.failed = false;
		this.loaded = true;
	}
}

export interface NewScheme {
	title: string;
	total?: number;
	cost?: number;
	fundBalance?: number;
	reserve?: number;
	buildings?: string[];
	households?: string[];
	method: SchemeMethod;
}

/** The moderator's calls: define a scheme, put schemes to a vote or choose one, correct a floor. */
export const costActions = {
	list: (itemId: string) => call<SchemeSummaryView[]>('GET', `/items/${seg(itemId)}/cost-schemes`),
	create: (itemId: string, scheme: NewScheme) =>
		call<SchemeSummaryView>('POST', `/items/${seg(itemId)}/cost-schemes`, scheme),
	putToVote: (itemId: string, body: { schemeIds: string[]; rule?: unknown; question?: string }) =>
		call<{ id: string }>('POST', `/items/${seg(itemId)}/cost-schemes/vote`, body),
	choose: (schemeId: string) =>
		call<{ schemeId: string; status: 'chosen' }>(
			'POST',
			`/cost-schemes/${seg(schemeId)}/choose`,
			{}
		),
	/** Whether owners and residents may propose schemes in this session. */
	drafting: async (sessionId: string) => {
		const result = await call<{ costDrafting?: boolean }>('GET', `/sessions/${seg(sessionId)}`);
		return result.ok ? result.data.costDrafting === true : null;
	},
	setDrafting: (sessionId: string, costDrafting: boolean) =>
		call<{ costDrafting: boolean }>('POST', `/sessions/${seg(sessionId)}/settings`, {
			costDrafting
		}),
	setFloor: (householdId: string, floor: number) =>
		call<{ id: string; floor: number }>('PATCH', `/households/${seg(householdId)}`, { floor })
};
