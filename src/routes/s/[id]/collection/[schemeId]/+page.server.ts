import { fail } from '@sveltejs/kit';
import * as collections from '$lib/server/services/cost-collections';
import { ServiceError } from '$lib/server/services/errors';
import { describe, pageError, requireStaff } from '../../../../guards.server';
import type { Actions, PageServerLoad } from './$types';

/** The collection checklist of a chosen cost scheme: staff tick off who paid. */
export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const { ctx, viewer } = event.locals;
	try {
		return await collections.checklistFor(ctx, viewer, event.params.id, event.params.schemeId);
	} catch (e) {
		pageError(e, event.url);
	}
};

async function mark(
	event: Parameters<NonNullable<Actions['paid']>>[0],
	paid: boolean
): Promise<ReturnType<typeof fail> | { done: string }> {
	const form = await event.request.formData();
	const householdId = String(form.get('householdId') ?? '');
	try {
		await collections.recordPayment(event.locals.ctx, event.locals.viewer, event.params.schemeId, {
			householdId,
			paid
		});
		return { done: householdId };
	} catch (e) {
		if (e instanceof ServiceError) return fail(e.status, { message: describe(e) });
		throw e;
	}
}

export const actions = {
	paid: (event) => mark(event, true),
	outstanding: (event) => mark(event, false)
} satisfies Actions;
