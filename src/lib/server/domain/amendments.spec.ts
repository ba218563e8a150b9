import { describe, expect, it } from 'vitest';
import { decide, documentOrder, mergeable, overlaps, staleAfterMerge } from './amendments';

describe('amendment rules', () => {
	it('[AMEND-1] passages overlap when they share a character; touching passages do not', () => {
		expect(overlaps({ from: 2, to: 5 }, { from: 4, to: 8 })).toBe(true);
		expect(overlaps({ from: 2, to: 5 }, { from: 5, to: 8 })).toBe(false);
		expect(overlaps({ from: 2, to: 9 }, { from: 4, to: 5 })).toBe(true);
		// A collapsed passage strictly inside the merged one overlaps it; at its edge it does not.
		expect(overlaps({ from: 2, to: 9 }, { from: 4, to: 4 })).toBe(true);
		expect(overlaps({ from: 2, to: 9 }, { from: 2, to: 2 })).toBe(false);
	});

	it('[AMEND-2] a merge makes the open amendments it overlaps stale, and no others', () => {
		const stale = staleAfterMerge({ id: 'a', range: { from: 10, to: 20 } }, [
			{ id: 'a', status: 'open', range: { from: 10, to: 20 } },
			{ id: 'b', status: 'open', range: { from: 15, to: 25 } },
			{ id: 'c', status: 'open', range: { from: 20, to: 30 } },
			{ id: 'd', status: 'rejected', range: { from: 12, to: 14 } },
			{ id: 'e', status: 'open', range: null },
			{ id: 'f', status: 'open', range: { from: 0, to: 11 } }
		]);
		expect(stale).toEqual(['b', 'f']);
	});

	it('[AMEND-3] document order: by where the passage begins, then by time; unresolved last', () => {
		const t = (s: number) => new Date(1_000_000 + s);
		const ordered = documentOrder([
			{ id: 'x', range: { from: 30, to: 35 }, createdAt: t(1) },
			{ id: 'y', range: null, createdAt: t(0) },
			{ id: 'z', range: { from: 5, to: 9 }, createdAt: t(3) },
			{ id: 'w', range: { from: 5, to: 7 }, createdAt: t(2) }
		]);
		expect(ordered.map((a) => a.id)).toEqual(['w', 'z', 'x', 'y']);
	});

	it('[AMEND-4] only an open amendment is decided; a passage without text cannot be merged', () => {
		expect(decide('open', 'accept')).toBe('accepted');
		expect(decide('open', 'reject')).toBe('rejected');
		expect(decide('accepted', 'reject')).toBeNull();
		expect(decide('stale', 'accept')).toBeNull();
		expect(mergeable({ from: 3, to: 3 }, '')).toBe(false);
		expect(mergeable(null, '')).toBe(false);
		expect(mergeable({ from: 3, to: 5 }, '电梯')).toBe(true);
	});
});
