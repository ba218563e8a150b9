import { renderProposal, type ProposalNode } from '$lib/proposal-render';
import { ProposalConnection } from './proposal.svelte';

/**
 * Reading a proposal live without the editor: a read-only Yjs connection (no awareness of its
 * own, nothing written) whose document is rendered by `renderProposal` after every change, at
 * most once a frame. Until the first sync the server-rendered tree stays on screen.
 */
export class ProposalReading {
	tree = $state.raw<ProposalNode[]>([]);
	readonly connection: ProposalConnection;
	#frame = 0;

	constructor(docName: string, initial: ProposalNode[]) {
		this.tree = initial;
		this.connection = new ProposalConnection(docName, { name: '', color: '' }, false);
		this.connection.fragment.observeDeep(this.#changed);
	}

	get status() {
		return this.connection.status;
	}

	destroy(): void {
		if (this.#frame) cancelAnimationFrame(this.#frame);
		this.connection.fragment.unobserveDeep(this.#changed);
		this.connection.destroy();
	}

	#changed = () => {
		if (this.#frame) return;
		this.#frame = requestAnimationFrame(() => {
			this.#frame = 0;
			this.tree = renderProposal(this.connection.fragment);
		});
	};
}
