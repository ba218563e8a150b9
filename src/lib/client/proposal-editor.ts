/**
 * The proposal editor and its document connection, loaded together on demand by the room: one
 * dynamic import makes one chunk (ProseMirror, y-prosemirror, Yjs and y-websocket) instead of
 * three that share Yjs — one request and one gzip stream.
 */
export { default as ProposalEditor } from '$lib/components/ProposalEditor.svelte';
export { ProposalConnection } from './proposal.svelte';
