import { closedRecord } from '../record.server';
import type { PageServerLoad } from './$types';

/** Printed minutes (纪要) of a closed session: what a committee files on paper. */
export const load: PageServerLoad = async ({ locals, params }) => {
	const record = await closedRecord(locals.ctx, locals.viewer, params.sessionId);
	return {
		record,
		transcriptUrl: `${locals.ctx.config.origin}/api/v1/sessions/${record.session.id}/transcript`
	};
};
