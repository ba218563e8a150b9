import { describe, expect, it } from 'vitest';
import type { TranscriptEntryView } from './disclosure';
import type { VoteView } from './meeting';
import { buildRecord, foldPresence, kindOf, stateAt } from './public-record';

const mask = (key: string) => `${key.slice(0, 3)}***`;
const clerk = { id: 'u-clerk', name: 'clerk1', role: 'clerk' };
const wang = { id: 'p-wang', name: '王阿姨', role: 'resident' };
const liu = { id: 'p-liu', name: '刘经理', role: 'property' };

let seq = 0;
const entry = (type: string, actor: unknown, data: unknown, at?: string): TranscriptEntryView => {
	seq += 1;
	return {
		seq,
		at: at ?? `2025-03-14T01:${String(seq).padStart(2, '0')}:00.000Z`,
		type,
		actor,
		data,
		prevHash: '0'.repeat(64),
		hash: String(seq).padStart(64, '0')
	};
};

const vote = (id: string, secret: boolean): VoteView => ({
	id,
	itemId: 'i1',
	question: secret ? '是否同意（不记名）' : '是否同意加装电梯',
	kind: 'yes_no_abstain',
	options: [
		{ id: 'yes', label: '同意' },
		{ id: 'no', label: '反对' },
		{ id: 'abstain', label: '弃权' }
	],
	min: 1,
	max: 1,
	secret,
	tally: 'live',
	eligibility: 'households',
	changeable: false,
	rule: { kind: 'majority_cast' },
	status: 'closed',
	closesAt: null,
	current: {
		voteId: id,
		status: 'closed',
		counts: { yes: { headcount: 2, area: 180 }, no: { headcount: 0, area: 0 } },
		participation: { headcount: 2, area: 180, eligibleHeadcount: 3, eligibleArea: 270 },
		result: {
			passed: true,
			rule: { kind: 'majority_cast' },
			checks: [{ name: 'yes_over_no', value: 1, required: '> 0', ok: true, part: 2, whole: 2 }]
		}
	}
});

function sample() {
	seq = 0;
	const entries = [
		entry('session_created', clerk, { title: '加装电梯议事会', kind: 'live', items: [] }),
		entry('participant_joined', wang, {
			participantId: 'p-wang',
			name: '王阿姨',
			role: 'resident',
			via: 'invite'
		}),
		entry('participant_joined', liu, {
			participantId: 'p-liu',
			name: '刘经理',
			role: 'property',
			via: 'invite'
		}),
		entry('seat_claimed', wang, { householdId: 'hh-3-1202', participantId: 'p-wang' }),
		entry('item_status', clerk, {
			itemId: 'i1',
			title: '加装电梯',
			from: 'pending',
			to: 'discussing'
		}),
		entry('statement', wang, { id: 's1', text: '低层住户也要出钱吗？', itemId: 'i1' }),
		entry('minutes', clerk, { id: 'm1', text: '物业介绍了报价', speaker: '刘经理', itemId: 'i1' }),
		entry('proposal_checkpoint', clerk, {
			itemId: 'i1',
			title: '加装电梯',
			reason: 'periodic',
			text: '每平方米10元',
			stateHash: 'a',
			authors: ['王阿姨']
		}),
		entry('proposal_checkpoint', clerk, {
			itemId: 'i1',
			title: '加装电梯',
			reason: 'status:resolved',
			text: '每平方米15元',
			stateHash: 'b',
			authors: ['刘经理']
		}),
		entry('vote_opened', clerk, {
			voteId: 'v1',
			question: '是否同意加装电梯',
			eligibleHeadcount: 3,
			eligibleArea: 270
		}),
		entry('paper_ballot', clerk, { voteId: 'v1', householdId: 'hh-5-0101', choice: ['yes'] }),
		entry('vote_closed', clerk, {
			voteId: 'v1',
			question: '是否同意加装电梯',
			secret: false,
			tally: {},
			ballots: [
				{ voter: 'owner-017', name: '王阿姨', role: 'owner', choice: ['yes'], paper: false },
				{ voter: 'owner-042', name: null, role: null, choice: ['yes'], paper: true }
			]
		}),
		entry('vote_opened', clerk, {
			voteId: 'v2',
			question: '是否同意（不记名）',
			eligibleHeadcount: 3
		}),
		entry('vote_closed', clerk, {
			voteId: 'v2',
			question: '是否同意（不记名）',
			secret: true,
			tally: {},
			ballots: null
		}),
		entry('item_status', clerk, {
			itemId: 'i1',
			title: '加装电梯',
			from: 'discussing',
			to: 'unresolved'
		}),
		entry(
			'escalated',
			clerk,
			{
				escalationId: 'e1',
				itemId: 'i1',
				title: '加装电梯',
				note: '费用分摊无法达成一致',
				deadline: '2025-03-14T06:00:00.000Z'
			},
			'2025-03-14T02:00:00.000Z'
		),
		entry(
			'escalation_answered',
			{ id: 'u-street', name: 'street1', role: 'street' },
			{
				escalationId: 'e1',
				from: 'in_progress',
				to: 'answered',
				answer: '街道协调维修资金',
				itemId: 'i1'
			},
			'2025-03-14T07:00:00.000Z'
		),
		entry('session_closed', clerk, { items: [] }, '2025-03-14T08:00:00.000Z')
	];
	return buildRecord(
		{
			session: {
				id: 's1',
				title: '加装电梯议事会',
				kind: 'live',
				status: 'closed',
				communityId: 'default-community',
				items: [{ id: 'i1', title: '加装电梯', status: 'unresolved' }]
			},
			entries,
			head: entries[entries.length - 1]!.hash,
			votes: [vote('v1', false), vote('v2', true)]
		},
		mask
	);
}

describe('buildRecord', () => {
	it('never lets a household id or an unmasked voter key through', () => {
		const json = JSON.stringify(sample());
		expect(json).not.toContain('hh-3-1202');
		expect(json).not.toContain('hh-5-0101');
		expect(json).not.toContain('owner-017');
		expect(json).not.toContain('owner-042');
	});

	it('masks named ballots and gives secret votes no ballot list', () => {
		const record = sample();
		const named = record.votes.find((v) => v.id === 'v1')!;
		expect(named.ballots).toEqual([
			{ voter: 'own***', name: '王阿姨', role: 'owner', choice: '同意', paper: false },
			{ voter: 'own***', name: null, role: null, choice: '同意', paper: true }
		]);
		expect(record.votes.find((v) => v.id === 'v2')!.ballots).toBeNull();
		expect(named.passed).toBe(true);
		expect(named.checks[0]!.name).toBe('yes_over_no');
	});

	it('shows a paper ballot by its choice only and a seat by who holds it', () => {
		const record = sample();
		const paper = record.entries.find((e) => e.type === 'paper_ballot')!;
		expect(paper.data).toEqual({ voteId: 'v1', choice: '同意' });
		const seat = record.entries.find((e) => e.type === 'seat_claimed')!;
		expect(seat.data).toEqual({ name: '王阿姨' });
	});

	it('groups attendance by bloc, and gives minutes speakers their bloc', () => {
		const record = sample();
		expect(record.attendance).toEqual([
			{ role: 'resident', names: ['王阿姨'] },
			{ role: 'property', names: ['刘经理'] }
		]);
		expect(record.notes.map((n) => [n.type, n.speaker, n.bloc])).toEqual([
			['statement', '王阿姨', 'resident'],
			['minutes', '刘经理', 'property']
		]);
	});

	it('takes the last checkpoint as the final proposal, with every author', () => {
		const item = sample().items[0]!;
		expect(item.proposal).toMatchObject({
			text: '每平方米15元',
			versions: 2,
			authors: ['王阿姨', '刘经理']
		});
	});

	it('pairs escalations with their answers and tells late from on time', () => {
		const [esc] = sample().escalations;
		expect(esc).toMatchObject({ itemTitle: '加装电梯', answer: '街道协调维修资金', onTime: false });
	});

	it('knows when the session ran', () => {
		const { session } = sample();
		expect(session.openedAt).toBe('2025-03-14T01:01:00.000Z');
		expect(session.closedAt).toBe('2025-03-14T08:00:00.000Z');
	});
});

describe('timeline kinds and replay', () => {
	it('sorts entry types into the filter kinds', () => {
		expect(kindOf('statement')).toBe('speech');
		expect(kindOf('minutes')).toBe('minutes');
		expect(kindOf('floor_given')).toBe('floor');
		expect(kindOf('vote_closed')).toBe('vote');
		expect(kindOf('proposal_checkpoint')).toBe('proposal');
		expect(kindOf('escalation_answered')).toBe('escalation');
		expect(kindOf('item_status')).toBe('agenda');
		expect(kindOf('participant_online')).toBe('attendance');
	});

	it('replays item statuses up to a point', () => {
		const record = sample();
		const at = (n: number) => stateAt(record.items, record.entries, n).items[0]!.status;
		expect(at(1)).toBe('pending');
		expect(at(5)).toBe('discussing');
		expect(at(record.entries.length)).toBe('unresolved');
	});
});

describe('the timeline folds comings and goings', () => {
	const at = (seq: number, type: string) => ({
		seq,
		at: `2026-12-03T10:00:${String(seq).padStart(2, '0')}Z`,
		type,
		kind: kindOf(type),
		actor: { name: '王阿姨', role: 'resident' },
		data: {}
	});
	it('[ARCHIVE-FOLD] runs of three or more online/offline lines fold; nothing else does', () => {
		const entries = [
			at(1, 'participant_joined'),
			at(2, 'participant_online'),
			at(3, 'participant_offline'),
			at(4, 'statement'),
			at(5, 'participant_online'),
			at(6, 'participant_offline'),
			at(7, 'participant_online'),
			at(8, 'participant_offline'),
			at(9, 'vote_opened')
		];
		const rows = foldPresence(entries);
		expect(
			rows.map((r) => (r.kind === 'entry' ? r.entry.seq : r.entries.map((e) => e.seq)))
		).toEqual([1, 2, 3, 4, [5, 6, 7, 8], 9]);
		// Every entry is still there.
		expect(rows.flatMap((r) => (r.kind === 'entry' ? [r.entry] : r.entries))).toHaveLength(9);
	});
});
