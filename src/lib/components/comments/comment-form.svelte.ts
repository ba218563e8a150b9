import { OnDemand } from '$lib/client/on-demand.svelte';

/** The comment form: downloaded the first time someone starts writing a comment or reply. */
export const commentForm = new OnDemand(() =>
	import('./CommentForm.svelte').then((module) => module.default)
);
