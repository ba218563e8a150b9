/**
 * What a phone keeps for its owner (src/lib/protocol/REFERENCE.md, additions to §8): the receipt
 * of each ballot it cast, and the signed head of the session as it was when they voted or
 * spoke — proof, held outside the server, of the record they saw. localStorage may be refused
 * or wiped (WeChat): then the receipt is shown once and nothing else breaks.
 */
const RECEIPTS = 'yishi-receipts';
const HEADS = 'yishi-signed-heads';
const MAX_HEADS = 50;

function read<T>(key: string, fallback: T): T {
	try {
		return (JSON.parse(localStorage.getItem(key) ?? 'null') as T | null) ?? fallback;
	} catch {
		return fallback;
	}
}

function write(key: string, value: unknown) {
	try {
		localStorage.setItem(key, JSON.stringify(value));
	} catch {
		/* storage refused: memory only */
	}
}

export function keepReceipt(voteId: string, receipt: string) {
	write(RECEIPTS, { ...read<Record<string, string>>(RECEIPTS, {}), [voteId]: receipt });
}

export function receiptOf(voteId: string): string | null {
	return read<Record<string, string>>(RECEIPTS, {})[voteId] ?? null;
}

/** Fetches and keeps the session's newest signed head; failures are silent (best effort). */
export async function keepSignedHead(sessionId: string): Promise<void> {
	try {
		const res = await fetch(`/api/v1/sessions/${encodeURIComponent(sessionId)}/signed-head`);
		if (!res.ok) return;
		const { signedHead } = (await res.json()) as { signedHead: unknown };
		if (!signedHead) return;
		const kept = read<unknown[]>(HEADS, []);
		write(HEADS, [...kept, signedHead].slice(-MAX_HEADS));
	} catch {
		/* offline: the next vote or statement keeps one */
	}
}

/** Receipts read out in groups of four: easier to copy by hand. */
export const groupReceipt = (receipt: string) => receipt.replace(/(.{4})(?=.)/g, '$1 ');
