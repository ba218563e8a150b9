import type { ParamMatcher } from '@sveltejs/kit';

export const match = ((param: string): param is 'accept' | 'reject' =>
	param === 'accept' || param === 'reject') satisfies ParamMatcher;
