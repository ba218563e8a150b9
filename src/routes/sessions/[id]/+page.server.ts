import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { canModerate } from '$lib/protocol/roles';
import * as disclosure from '$lib/server/services/disclosure';
import * as escalations from '$lib/server/services/escalations';
import * as invites from '$lib/server/services/invites';
import * as sessions from '$lib/server/services/sessions';
import { ServiceError } from '$lib/server/services/errors';
import { pageError, requireStaff } from '../../guards.server';
import { inviteRefusal, inviteRows, readInviteForm } from '../../invites.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireStaff(event);
	const { ctx, viewer } = event.locals;
	let session: sessions.SessionWithItems;
	try {
		session = await sessions.get(ctx, viewer, event.params.id);
	} catch (e) {
		pageError(e, event.url);
	}
	const moderator = canModerate(user.role);
	const rows = moderator ? await invites.list(ctx, viewer, session.id) : [];
	return {
		session: {
			...sessions.toView(session),
			createdAt: session.createdAt.toISOString()
		},
		canInvite: moderator,
		invites: inviteRows(ctx, rows),
		canEscalate: moderator,
		escalations: await escalationsOf(event.locals, session.id)
	};
};

/**
 * The session's items escalated to the street (上报街道), newest last: each `escalated` entry of
 * the session's chain names its case; the case tells where the street office is with it. Only
 * the cases the viewer may read: a clerk opens this page too.
 */
async function escalationsOf(locals: App.Locals, sessionId: string) {
	const { ctx, viewer } = locals;
	const { entries } = await disclosure.getTranscript(ctx, viewer, sessionId);
	const ids = entries
		.filter((e) => e.type === 'escalated')
		.map((e) => (e.data as { escalationId?: unknown }).escalationId)
		.filter((id): id is string => typeof id === 'string');
	const cases = await escalations.readable(ctx, viewer, ids);
	return cases.map((c) => ({
		id: c.id,
		itemId: c.itemId,
		itemTitle: c.itemTitle,
		status: c.status,
		deadline: c.deadline,
		overdue: c.overdue,
		note: c.note,
		answer: c.answer ? { text: c.answer.text, at: c.answer.at } : null
	}));
}

export const actions = {
	createInvite: async (event) => {
		const { role, maxUses, expiresInMinutes } = readInviteForm(await event.request.formData());
		const { ctx, viewer } = event.locals;
		let created: Awaited<ReturnType<typeof invites.create>>;
		try {
			created = await invites.create(ctx, viewer, event.params.id, {
				role,
				maxUses,
				expiresInMinutes
			});
		} catch (e) {
			const refusal = inviteRefusal(e, 'session', role);
			if (!refusal) pageError(e, event.url);
			return fail(400, { action: 'createInvite' as const, ...refusal });
		}
		redirect(303, `/sessions/${event.params.id}#invite-${created.id}`);
	},
	escalate: async (event) => {
		const form = await event.request.formData();
		const itemId = String(form.get('itemId') ?? '');
		const note = String(form.get('note') ?? '');
		const { ctx, viewer } = event.locals;
		let created: Awaited<ReturnType<typeof escalations.create>>;
		try {
			created = await escalations.create(ctx, viewer, itemId, { note });
		} catch (e) {
			if (!(e instanceof ServiceError) || (e.status !== 400 && e.code !== 'item_not_unresolved')) {
				pageError(e, event.url);
			}
			const message =
				e.status === 400 ? m.escalate_error_note() : m.escalate_error_not_unresolved();
			return fail(e.status, { action: 'escalate' as const, itemId, note, message });
		}
		redirect(303, `/sessions/${event.params.id}#escalation-${created.id}`);
	},
	revokeInvite: async (event) => {
		const form = await event.request.formData();
		const inviteId = String(form.get('inviteId') ?? '');
		const { ctx, viewer } = event.locals;
		try {
			await invites.revoke(ctx, viewer, inviteId, {
				removeJoined: form.get('removeJoined') === '1'
			});
		} catch (e) {
			pageError(e, event.url);
		}
		redirect(303, `/sessions/${event.params.id}#invite-${inviteId}`);
	}
} satisfies Actions;
