import { fail, redirect } from '@sveltejs/kit';
import { isExpiryPreset } from '$lib/components/invite-form';
import { checkLine } from '$lib/components/meeting/format';
import { entryLine, isConsultRole, type CaseStep } from '$lib/components/street/labels';
import { m } from '$lib/paraglide/messages.js';
import * as escalations from '$lib/server/services/escalations';
import { ServiceError } from '$lib/server/services/errors';
import * as invites from '$lib/server/services/invites';
import * as orgs from '$lib/server/services/orgs';
import { readable } from '$lib/transcript-words';
import { pageError } from '../../guards.server';
import { inviteFailure, inviteRows, readInviteForm } from '../../invites.server';
import { requireStreet } from '../guard.server';
import type { Actions, PageServerLoad } from './$types';

type Case = Awaited<ReturnType<typeof escalations.get>>;
type Entry = Case['transcript']['entries'][number];

const STEPS: readonly CaseStep[] = ['accept', 'start', 'answer', 'close'];

const field = (value: unknown, key: string): unknown =>
	value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** The consultation session the street opened on this case, from the case's own chain. */
function consultationOf(c: Case): string | null {
	const opened = c.caseTranscript.entries.find((e) => e.type === 'consultation_opened');
	const sessionId = field(opened?.data, 'sessionId');
	return typeof sessionId === 'string' ? sessionId : null;
}

/** Option labels of each vote, as its `vote_created` entry recorded them. */
function optionLabels(entries: Entry[]): Map<string, Map<string, string>> {
	const byVote = new Map<string, Map<string, string>>();
	for (const e of entries) {
		if (e.type !== 'vote_created') continue;
		const voteId = field(e.data, 'voteId');
		const options = field(e.data, 'options');
		if (typeof voteId !== 'string' || !Array.isArray(options)) continue;
		const labels = new Map<string, string>();
		for (const o of options) {
			const id = field(o, 'id');
			const label = field(o, 'label');
			if (typeof id === 'string' && typeof label === 'string') labels.set(id, label);
		}
		byVote.set(voteId, labels);
	}
	return byVote;
}

function voteViews(c: Case) {
	const labels = optionLabels(c.transcript.entries);
	return c.votes.map((t) => {
		const names = labels.get(t.voteId) ?? new Map<string, string>();
		const ids = [...new Set([...names.keys(), ...Object.keys(t.counts ?? {})])];
		return {
			voteId: t.voteId,
			question: t.question,
			status: t.status,
			options: ids.map((id) => ({
				id,
				label: names.get(id) ?? id,
				headcount: t.counts?.[id]?.headcount ?? 0,
				area: t.counts?.[id]?.area ?? 0
			})),
			participation: t.participation,
			result: t.result ? { passed: t.result.passed, checks: t.result.checks.map(checkLine) } : null
		};
	});
}

export const load: PageServerLoad = async (event) => {
	requireStreet(event);
	const { ctx, viewer } = event.locals;
	let c: Case;
	let deliveries: Awaited<ReturnType<typeof escalations.deliveries>>;
	try {
		c = await escalations.get(ctx, viewer, event.params.id);
		deliveries = await escalations.deliveries(ctx, viewer, event.params.id);
	} catch (e) {
		pageError(e, event.url);
	}
	const communityName = await orgs.communityName(ctx, c.communityId);
	const consultationId = consultationOf(c);
	let inviteList: ReturnType<typeof inviteRows> = [];
	if (consultationId) {
		try {
			inviteList = inviteRows(ctx, await invites.list(ctx, viewer, consultationId));
		} catch (e) {
			pageError(e, event.url);
		}
	}
	return {
		case: {
			id: c.id,
			status: c.status,
			deadline: c.deadline,
			overdue: c.overdue,
			note: c.note,
			itemTitle: c.itemTitle,
			itemStatus: c.item.status,
			community: communityName ?? c.communityId
		},
		proposal: c.proposal,
		answer: c.answer ?? null,
		votes: voteViews(c),
		transcript: {
			head: c.transcript.head,
			lines: c.transcript.entries.map((e) => entryLine(readable(e)))
		},
		history: {
			head: c.caseTranscript.head,
			lines: c.caseTranscript.entries.map(entryLine)
		},
		consultation: consultationId
			? { sessionId: consultationId, invites: inviteList.filter((i) => i.status === 'active') }
			: null,
		deliveries
	};
};

export const actions = {
	step: async (event) => {
		requireStreet(event);
		const form = await event.request.formData();
		const step = String(form.get('step') ?? '') as CaseStep;
		const text = String(form.get('text') ?? '');
		if (!STEPS.includes(step)) {
			return fail(400, {
				action: 'step' as const,
				field: null,
				message: m.street_error_transition(),
				text
			});
		}
		const { ctx, viewer } = event.locals;
		try {
			const c = await escalations.advance(ctx, viewer, event.params.id, step, { text });
			return { action: 'step' as const, done: step, status: c.status };
		} catch (e) {
			if (e instanceof ServiceError && e.code === 'invalid_transition') {
				return fail(409, {
					action: 'step' as const,
					field: null,
					message: m.street_error_transition(),
					text
				});
			}
			if (e instanceof ServiceError && e.status === 400) {
				return fail(400, {
					action: 'step' as const,
					field: 'text',
					message: m.street_error_answer(),
					text
				});
			}
			pageError(e, event.url);
		}
	},
	consult: async (event) => {
		requireStreet(event);
		const { ctx, viewer } = event.locals;
		try {
			await escalations.openConsultation(ctx, viewer, event.params.id);
		} catch (e) {
			pageError(e, event.url);
		}
		redirect(303, `/street/${event.params.id}#consultation`);
	},
	invite: async (event) => {
		requireStreet(event);
		const { role, expiresInMinutes, expiry } = readInviteForm(await event.request.formData());
		// Checked before the consultation is opened: a refused form opens nothing.
		if (!isConsultRole(role) || !isExpiryPreset(expiry)) {
			const wrong = isConsultRole(role) ? 'expiry' : 'role';
			return fail(400, {
				action: 'invite' as const,
				...inviteFailure('consultation', wrong, role)
			});
		}
		const { ctx, viewer } = event.locals;
		let inviteId: string;
		try {
			// Idempotent: the case's existing consultation session, else a new one.
			const { sessionId } = await escalations.openConsultation(ctx, viewer, event.params.id);
			const created = await invites.create(ctx, viewer, sessionId, { role, expiresInMinutes });
			inviteId = created.id;
		} catch (e) {
			pageError(e, event.url);
		}
		redirect(303, `/street/${event.params.id}#invite-${inviteId}`);
	}
} satisfies Actions;
