import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { renameSchema } from '$lib/protocol/api';
import * as accounts from '$lib/server/services/accounts';
import { parse, ServiceError } from '$lib/server/services/errors';
import * as orgs from '$lib/server/services/orgs';
import { accountRefusal, readAccountForm } from '../accounts.server';
import { pageError, requireAdmin } from '../guards.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const { ctx, viewer } = event.locals;
	const [users, { streets, communities }] = await Promise.all([
		accounts.listUsers(ctx, viewer),
		orgs.directory(ctx)
	]);
	return {
		users: users.map((u) => ({
			id: u.id,
			username: u.username,
			role: u.role,
			createdAt: u.createdAt.toISOString()
		})),
		streets: streets.map((s) => ({ id: s.id, name: s.name })),
		communities: communities.map((c) => ({ id: c.id, name: c.name }))
	};
};

/** Renames one street or community (administrators). */
async function rename(event: RequestEvent, kind: 'street' | 'community') {
	requireAdmin(event);
	const form = await event.request.formData();
	const id = String(form.get('id') ?? '');
	const name = String(form.get('name') ?? '');
	let parsed: { name: string };
	try {
		parsed = parse(renameSchema, { name });
	} catch {
		return fail(400, { action: kind, id, message: m.admin_error_name() });
	}
	const { ctx, viewer } = event.locals;
	const found = await orgs.rename(ctx, viewer, kind, id, parsed.name);
	if (!found) return fail(404, { action: kind, id, message: m.error_generic() });
	return { action: kind, id, renamed: parsed.name };
}

export const actions = {
	createUser: async (event) => {
		const { username, password, role } = readAccountForm(await event.request.formData());
		const { ctx, viewer } = event.locals;
		try {
			const user = await accounts.createUser(ctx, viewer, { username, password, role });
			return { action: 'createUser' as const, created: user.username };
		} catch (e) {
			const refusal = accountRefusal(e, { username, role });
			if (!refusal) pageError(e, event.url);
			return fail(e instanceof ServiceError ? e.status : 400, {
				action: 'createUser' as const,
				...refusal
			});
		}
	},
	renameStreet: (event) => rename(event, 'street'),
	renameCommunity: (event) => rename(event, 'community')
} satisfies Actions;
