import { OnDemand } from '$lib/client/on-demand.svelte';

/** The comment form: downloaded the first time someone starts writing a comment or reply. */
export const commentForm = new OnDemand(() =>
	import('./CommentForm.svelte').then((module) => module.default)
);

/** A thread and its replies: downloaded with the first comment a page shows. */
export const commentThread = new OnDemand(() =>
	import('./CommentThread.svelte').then((module) => module.default)
);
