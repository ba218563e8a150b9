import { redirect } from '@sveltejs/kit';
import { DEFAULT_COMMUNITY_ID } from '$lib/server/services/orgs';
import type { PageServerLoad } from './$types';

/** One community for now: the archive's front door is its page. */
export const load: PageServerLoad = () => {
	redirect(307, `/archive/${DEFAULT_COMMUNITY_ID}`);
};
