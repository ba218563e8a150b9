import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import * as escalations from '$lib/server/services/escalations';
import { ServiceError } from '$lib/server/services/errors';
import * as orgs from '$lib/server/services/orgs';
import { pageError } from '../guards.server';
import { requireStreet } from './guard.server';
import type { Actions, PageServerLoad } from './$types';

/** The official's own street (administrators: the default one); it covers its communities. */
const streetOf = (viewer: { user: { streetId: string | null } | null }) =>
	viewer.user?.streetId ?? orgs.DEFAULT_STREET_ID;

export const load: PageServerLoad = async (event) => {
	requireStreet(event);
	const { ctx, viewer } = event.locals;
	let cases: Awaited<ReturnType<typeof escalations.list>>;
	try {
		cases = await escalations.list(ctx, viewer);
	} catch (e) {
		pageError(e, event.url);
	}
	const { streets, communities } = await orgs.directory(ctx);
	const communityName = new Map(communities.map((c) => [c.id, c.name]));
	const STREET_ID = streetOf(viewer);
	const street = streets.find((s) => s.id === STREET_ID);
	return {
		// The service already orders by deadline, soonest first.
		cases: cases.map((c) => ({
			id: c.id,
			status: c.status,
			deadline: c.deadline,
			overdue: c.overdue,
			itemTitle: c.itemTitle,
			community: communityName.get(c.communityId) ?? c.communityId
		})),
		street: { id: STREET_ID, name: street?.name ?? '', responseHours: street?.responseHours ?? 4 }
	};
};

export const actions = {
	settings: async (event) => {
		requireStreet(event);
		const form = await event.request.formData();
		const raw = String(form.get('responseHours') ?? '').trim();
		const hours = raw === '' ? NaN : Number(raw);
		if (!Number.isInteger(hours)) {
			return fail(400, {
				action: 'settings' as const,
				value: raw,
				message: m.street_settings_error()
			});
		}
		const { ctx, viewer } = event.locals;
		try {
			const saved = await orgs.updateStreet(ctx, viewer, streetOf(viewer), {
				responseHours: hours
			});
			return { action: 'settings' as const, saved: saved.responseHours };
		} catch (e) {
			if (!(e instanceof ServiceError) || e.status !== 400) pageError(e, event.url);
			return fail(400, {
				action: 'settings' as const,
				value: raw,
				message: m.street_settings_error()
			});
		}
	}
} satisfies Actions;
