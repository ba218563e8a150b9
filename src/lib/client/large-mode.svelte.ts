import { getContext, setContext } from 'svelte';
import { LARGE_COOKIE, LARGE_COOKIE_MAX_AGE } from '$lib/large-mode';

const KEY = Symbol('yishi.large');

/**
 * Whether this phone reads the pages in 长辈版. The server renders the first paint from the
 * cookie (`src/hooks.server.ts`); switching here changes the page at once, without a reload that
 * would drop the room's sockets, and writes the cookie for the next page.
 */
export class LargeMode {
	on = $state(false);

	constructor(initial: boolean) {
		this.on = initial;
	}

	set(on: boolean): void {
		this.on = on;
		const secure = location.protocol === 'https:' ? '; secure' : '';
		document.cookie = on
			? `${LARGE_COOKIE}=1; path=/; max-age=${LARGE_COOKIE_MAX_AGE}; samesite=lax${secure}`
			: `${LARGE_COOKIE}=; path=/; max-age=0; samesite=lax${secure}`;
		if (on) document.documentElement.dataset.large = '1';
		else delete document.documentElement.dataset.large;
	}
}

export const provideLargeMode = (mode: LargeMode) => setContext(KEY, mode);
/** The page's large mode; off where no layout provided one (a component rendered alone). */
export const useLargeMode = (): LargeMode =>
	getContext<LargeMode | undefined>(KEY) ?? new LargeMode(false);
