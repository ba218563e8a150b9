import { describe, expect, it } from 'vitest';
import { statusAfterVote } from './item-outcome';

const opened = new Date('2026-12-03T10:00:00Z');
const before = new Date('2026-12-03T09:59:00Z');
const after = new Date('2026-12-03T10:01:00Z');

describe('item status after a vote', () => {
	it('[OUTCOME-1] passed → resolved, failed → unresolved', () => {
		expect(statusAfterVote({ openedAt: opened, passed: true }, null)).toBe('resolved');
		expect(statusAfterVote({ openedAt: opened, passed: false }, null)).toBe('unresolved');
	});

	it('[OUTCOME-2] a status set by hand after the vote opened wins', () => {
		expect(
			statusAfterVote({ openedAt: opened, passed: true }, { at: after, status: 'discussing' })
		).toBeNull();
		expect(
			statusAfterVote({ openedAt: opened, passed: false }, { at: after, status: 'resolved' })
		).toBeNull();
	});

	it('[OUTCOME-3] a status set before the vote opened, or "voting" set while it runs, does not', () => {
		expect(
			statusAfterVote({ openedAt: opened, passed: true }, { at: before, status: 'unresolved' })
		).toBe('resolved');
		expect(
			statusAfterVote({ openedAt: opened, passed: false }, { at: after, status: 'voting' })
		).toBe('unresolved');
	});
});
