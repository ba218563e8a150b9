/**
 * Markdown minutes of a session: the same content as the printed minutes — title,
 * time, attendance by bloc, agenda and outcomes, statements and minutes in order, votes with
 * every rule check, proposals' final text, escalations and answers, the head hash at the end.
 */
import { m } from '$lib/paraglide/messages.js';
import { checkLine, formatArea, formatPercent } from '$lib/components/meeting/format';
import { ruleLabel } from '$lib/components/console/labels';
import {
	blocLabel,
	formatDateTime,
	heldLabel,
	joinNames,
	resultLabel,
	sessionKindLabel,
	statusLabel
} from './labels';
import type { ArchiveRecord, RecordVote } from '$lib/protocol/public-record';

/** Escapes what Markdown (and the HTML it may become) would read as markup. */
export function escapeMarkdown(text: string): string {
	return text.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`).replace(/^(\s*)([-+])/gm, '$1\\$2');
}

/** A multi-line text as a block quote, each line escaped. */
function quote(text: string): string {
	return text
		.split('\n')
		.map((line) => (line.trim() === '' ? '>' : `> ${escapeMarkdown(line)}`))
		.join('\n');
}

/** "参与面积 71.2% ≥ 2/3（13,650.20 / 19,170.40 m²）满足" */
export function checkText(check: RecordVote['checks'][number]): string {
	const line = checkLine(check);
	const detail = line.detail ? m.archive_paren({ text: line.detail }) : '';
	return `${line.label} ${line.measured} ${line.required}${detail} ${
		line.ok ? `✓ ${m.archive_check_ok()}` : `✗ ${m.archive_check_not_ok()}`
	}`;
}

export function participationText(vote: RecordVote): string {
	const p = vote.participation;
	const people = m.archive_vote_participation({
		headcount: p.headcount,
		eligible: p.eligibleHeadcount
	});
	const share = p.eligibleHeadcount ? ` · ${formatPercent(p.headcount / p.eligibleHeadcount)}` : '';
	if (vote.eligibility !== 'households' || !p.eligibleArea) return people + share;
	return `${people}${share} · ${m.archive_vote_participation_area({
		area: formatArea(p.area),
		eligible: formatArea(p.eligibleArea)
	})}`;
}

export function minutesMarkdown(record: ArchiveRecord, transcriptUrl: string): string {
	const out: string[] = [];
	const s = record.session;
	out.push(`# ${escapeMarkdown(s.title)} · ${m.print_minutes_title()}`, '');
	out.push(`- ${m.print_minutes_time({ held: heldLabel(s.openedAt, s.closedAt) })}`);
	out.push(`- ${m.print_minutes_kind({ kind: sessionKindLabel(s.kind) })}`, '');

	out.push(`## ${m.print_minutes_attendance()}`, '');
	if (record.attendance.length === 0) out.push(m.archive_attendance_none());
	for (const bloc of record.attendance) {
		out.push(`- **${blocLabel(bloc.role)}**：${escapeMarkdown(joinNames(bloc.names))}`);
	}
	out.push('');

	out.push(`## ${m.print_minutes_agenda()}`, '');
	record.items.forEach((item, i) => {
		out.push(
			`${i + 1}. ${escapeMarkdown(item.title)} — ${m.archive_item_outcome({ status: statusLabel(item.status) })}`
		);
	});
	out.push('');

	out.push(`## ${m.print_minutes_record()}`, '');
	if (record.notes.length === 0) out.push(m.print_minutes_record_none(), '');
	for (const note of record.notes) {
		const kind = note.type === 'minutes' ? m.archive_kind_minutes() : m.archive_kind_speech();
		const speaker = note.speaker
			? note.bloc
				? m.archive_by({ name: note.speaker, bloc: blocLabel(note.bloc) })
				: note.speaker
			: kind;
		const meta = [formatDateTime(note.at), kind];
		if (note.type === 'minutes' && note.recordedBy)
			meta.push(m.print_minutes_recorded_by({ name: note.recordedBy }));
		out.push(
			`**${escapeMarkdown(speaker)}**${escapeMarkdown(m.archive_paren({ text: meta.join(' · ') }))}`,
			''
		);
		out.push(quote(note.text), '');
	}

	out.push(`## ${m.print_minutes_votes()}`, '');
	if (record.votes.length === 0) out.push(m.archive_votes_none(), '');
	for (const vote of record.votes) {
		out.push(`### ${escapeMarkdown(vote.question)} — ${resultLabel(vote.passed)}`, '');
		out.push(`- ${m.archive_vote_item({ title: escapeMarkdown(vote.itemTitle) })}`);
		out.push(`- ${m.archive_vote_rule({ rule: ruleLabel(vote.rule) })}`);
		out.push(`- ${participationText(vote)}`);
		for (const count of vote.counts) {
			const area = vote.eligibility === 'households' ? `，${formatArea(count.area)} m²` : '';
			out.push(`- ${escapeMarkdown(count.label)}：${count.headcount}${area}`);
		}
		if (vote.checks.length) {
			out.push(`- ${m.archive_vote_checks()}：`);
			for (const check of vote.checks) out.push(`  - ${checkText(check)}`);
		}
		if (vote.secret) out.push(`- ${m.archive_vote_secret()}`);
		out.push('');
		if (vote.ballots && vote.ballots.length) {
			out.push(
				`| ${m.archive_ballot_voter()} | ${m.archive_ballot_key()} | ${m.archive_ballot_choice()} |`,
				'| --- | --- | --- |'
			);
			for (const b of vote.ballots) {
				const who = b.name
					? b.role
						? m.archive_by({ name: b.name, bloc: blocLabel(b.role) })
						: b.name
					: '—';
				const paper = b.paper ? m.archive_paren({ text: m.archive_ballot_paper() }) : '';
				out.push(
					`| ${escapeMarkdown(who)} | \`${b.voter.replace(/`/g, '')}\` | ${escapeMarkdown(b.choice)}${paper} |`
				);
			}
			out.push('');
		}
	}

	out.push(`## ${m.print_minutes_proposals()}`, '');
	for (const item of record.items) {
		out.push(`### ${escapeMarkdown(item.title)}`, '');
		if (!item.proposal || !item.proposal.text) {
			out.push(m.archive_item_no_proposal(), '');
			continue;
		}
		out.push(quote(item.proposal.text), '');
		if (item.proposal.authors.length)
			out.push(
				m.history_authors_at({ names: escapeMarkdown(joinNames(item.proposal.authors)) }),
				''
			);
	}

	out.push(`## ${m.print_minutes_escalations()}`, '');
	if (record.escalations.length === 0) out.push(m.archive_escalations_none(), '');
	for (const esc of record.escalations) {
		out.push(`### ${escapeMarkdown(esc.itemTitle)}`, '');
		out.push(`- ${m.archive_escalated_at({ time: formatDateTime(esc.at) })}`);
		out.push(`- ${m.archive_case_deadline({ time: formatDateTime(esc.deadline) })}`, '');
		out.push(`**${m.archive_escalation_note()}**`, '', quote(esc.note), '');
		if (esc.answer !== null && esc.answeredAt) {
			const timing = esc.onTime ? m.archive_case_on_time() : m.archive_case_late();
			out.push(
				`**${m.archive_escalation_answer()}**${m.archive_paren({ text: `${m.archive_answered_at({ time: formatDateTime(esc.answeredAt) })} · ${timing}` })}`,
				'',
				quote(esc.answer),
				''
			);
		} else {
			out.push(m.archive_escalation_waiting({ time: formatDateTime(esc.deadline) }), '');
		}
	}

	out.push('---', '');
	out.push(`${m.print_minutes_head()}\`${record.head}\``, '');
	out.push(m.print_minutes_verify({ count: record.entryCount }), '');
	out.push(m.print_minutes_source({ url: `<${transcriptUrl}>` }), '');
	return out.join('\n');
}
