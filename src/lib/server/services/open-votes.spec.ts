import { describe, expect, it } from 'vitest';
import * as tally from '../domain/tally';
import type { Db } from '../db/client';
import { closedTally, forgetOpenVote, loadedOpenVote, openVote, OpenVote } from './open-votes';

const spec: tally.VoteSpec = {
	id: 'v',
	kind: 'yes_no_abstain',
	options: [
		{ id: 'yes', label: 'yes' },
		{ id: 'no', label: 'no' },
		{ id: 'abstain', label: 'abstain' }
	],
	minChoices: 1,
	maxChoices: 1,
	status: 'open',
	tallyMode: 'live',
	rule: { kind: 'majority_cast' },
	eligible: [
		{ key: 'a', headcount: 1, area: 8_950 },
		{ key: 'b', headcount: 1, area: 12_001 },
		{ key: 'c', headcount: 1, area: 7_733 }
	]
};

describe('OpenVote (in-memory ballots of an open vote)', () => {
	it('counts exactly what the domain counts from the same ballots, changes included', () => {
		const v = new OpenVote(spec, ['a', 'b', 'c'], [{ voterKey: 'a', choice: ['yes'] }]);
		v.put('b', ['no']);
		v.put('b', ['yes']); // a changeable ballot changed
		v.put('c', ['abstain']);
		const ballots = [
			{ voterKey: 'a', choice: ['yes'] },
			{ voterKey: 'b', choice: ['yes'] },
			{ voterKey: 'c', choice: ['abstain'] }
		];
		expect(v.tally()).toEqual(tally.view(spec, ballots));
		expect(v.tally().counts!.yes).toEqual({ headcount: 2, area: 209.51 });
		expect(v.ballotCount).toBe(3);
		expect(v.choiceOf('b')).toEqual(['yes']);
		expect(v.eligibleKeys.has('c')).toBe(true);
	});
});

describe('openVote cache', () => {
	const db = {} as Db;

	it('loads once per vote, even when asked concurrently', async () => {
		let loads = 0;
		const load = async () => {
			loads++;
			return new OpenVote(spec, ['a'], []);
		};
		const [x, y] = await Promise.all([openVote(db, 'v1', load), openVote(db, 'v1', load)]);
		expect(x).toBe(y);
		expect(loads).toBe(1);
		expect(await loadedOpenVote(db, 'v1')).toBe(x);
		forgetOpenVote(db, 'v1');
		expect(await loadedOpenVote(db, 'v1')).toBeNull();
	});

	it('does not keep a vote that is not open, nor a failed load', async () => {
		expect(await openVote(db, 'v2', async () => null)).toBeNull();
		expect(await loadedOpenVote(db, 'v2')).toBeNull();
		await expect(
			openVote(db, 'v3', async () => {
				throw new Error('db down');
			})
		).rejects.toThrow('db down');
		expect(await loadedOpenVote(db, 'v3')).toBeNull();
	});

	it('computes a closed tally once', async () => {
		let made = 0;
		const make = async () => {
			made++;
			return tally.view({ ...spec, status: 'closed' }, []);
		};
		await closedTally(db, 'v4', make);
		await closedTally(db, 'v4', make);
		expect(made).toBe(1);
	});
});
