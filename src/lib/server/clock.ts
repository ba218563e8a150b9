/**
 * The server clock. Everything that compares with "now" — deadlines, session ends, expiry —
 * reads it here, so a test can move time forward instead of sleeping (the cloud issue's
 * simulated week). Only a process started with `YISHI_TEST_CLOCK=1` lets anyone move it
 * (`POST /api/v1/test/clock`); otherwise it is the wall clock.
 *
 * The offset lives on globalThis: the server entry, the SvelteKit bundle and Vite's dev graph
 * must all read the same clock.
 */
const KEY = Symbol.for('yishi.clock');
type State = { offsetMs: number; listeners?: Set<(offsetMs: number) => void> };
type Holder = { [KEY]?: State };
const holder = globalThis as unknown as Holder;
const state = (holder[KEY] ??= { offsetMs: 0 });

export function now(): Date {
	return new Date(Date.now() + state.offsetMs);
}

export function nowMs(): number {
	return Date.now() + state.offsetMs;
}

/** Moves the clock forward (never back: deadlines already passed stay passed). */
export function advance(ms: number): Date {
	if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
	state.offsetMs += ms;
	for (const listener of state.listeners ?? []) listener(state.offsetMs);
	return now();
}

/** Another node moved its clock: ours follows (never back). Answers whether it moved. */
export function catchUp(offsetMs: number): boolean {
	if (!(offsetMs > state.offsetMs)) return false;
	state.offsetMs = offsetMs;
	return true;
}

/** Called after every local `advance` (the cluster tells the other nodes). */
export function onAdvance(listener: (offsetMs: number) => void): () => void {
	(state.listeners ??= new Set()).add(listener);
	return () => state.listeners?.delete(listener);
}

export function offsetMs(): number {
	return state.offsetMs;
}
