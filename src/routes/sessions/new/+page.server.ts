import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import * as sessions from '$lib/server/services/sessions';
import { ServiceError } from '$lib/server/services/errors';
import { parseShanghaiInput } from '$lib/deadlines';
import { windowErrorText } from '$lib/components/cloud/format';
import { invalidField, pageError, requireModerator } from '../../guards.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireModerator(event);
	return {};
};

const fieldMessages: Record<string, () => string> = {
	title: m.sessions_error_title,
	kind: m.sessions_error_kind,
	items: m.sessions_error_items
};

export const actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const title = String(form.get('title') ?? '');
		const kind = String(form.get('kind') ?? '');
		const agenda = String(form.get('items') ?? '');
		// Cloud sessions: date-time inputs read as Beijing time (whatever the server's zone).
		const opensInput = String(form.get('opensAt') ?? '').trim();
		const closesInput = String(form.get('closesAt') ?? '').trim();
		const window =
			kind === 'cloud'
				? {
						opensAt: opensInput ? (parseShanghaiInput(opensInput) ?? 'invalid') : undefined,
						closesAt: closesInput ? (parseShanghaiInput(closesInput) ?? 'invalid') : undefined
					}
				: {};
		const kept = { title, kind, items: agenda, opensAt: opensInput, closesAt: closesInput };
		for (const field of ['opensAt', 'closesAt'] as const) {
			if (window[field as keyof typeof window] === 'invalid') {
				return fail(400, { ...kept, field, message: m.cloud_error_invalid_time() });
			}
		}
		// One agenda item per line; blank lines are spacing, not items.
		const items = agenda
			.split(/\r?\n/)
			.map((line) => line.trim())
			.filter((line) => line !== '')
			.map((line) => ({ title: line }));
		const { ctx, viewer } = event.locals;
		let created: sessions.SessionWithItems;
		try {
			created = await sessions.create(ctx, viewer, { title, kind, items, ...window });
		} catch (e) {
			if (!(e instanceof ServiceError) || e.status !== 400) pageError(e, event.url);
			const windowMessage = windowErrorText(e.code);
			if (windowMessage) return fail(400, { ...kept, field: 'closesAt', message: windowMessage });
			const field = invalidField(e) ?? 'title';
			const message = (fieldMessages[field] ?? m.sessions_error_title)();
			return fail(400, { ...kept, field, message });
		}
		redirect(303, `/sessions/${created.id}`);
	}
} satisfies Actions;
