/**
 * A part of a page fetched the first time it is needed (the room's JavaScript). The
 * room shows vote cards, the seat form or the cloud status only when the session has them; their
 * code is not downloaded before.
 */
export class OnDemand<T> {
	#load: () => Promise<T>;
	#started = false;
	#value = $state.raw<T | null>(null);

	constructor(load: () => Promise<T>) {
		this.#load = load;
	}

	/** The loaded value, or null until it arrives; the first call starts the download. */
	get(): T | null {
		if (!this.#started) {
			this.#started = true;
			this.#load().then(
				(value) => (this.#value = value),
				// Offline for now: the next read tries again.
				() => (this.#started = false)
			);
		}
		return this.#value;
	}
}
