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
type Holder = { [KEY]?: { offsetMs: number } };
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
	return now();
}

export function offsetMs(): number {
	return state.offsetMs;
}
