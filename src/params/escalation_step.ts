import type { ParamMatcher } from '@sveltejs/kit';

export const match = ((param: string): param is 'accept' | 'start' | 'answer' | 'close' =>
	param === 'accept' ||
	param === 'start' ||
	param === 'answer' ||
	param === 'close') satisfies ParamMatcher;
