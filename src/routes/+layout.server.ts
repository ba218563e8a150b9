import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const user = locals.viewer.user;
	return {
		user: user ? { username: user.username, role: user.role } : null,
		large: locals.large
	};
};
