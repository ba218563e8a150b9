import { m } from '$lib/paraglide/messages.js';
import type { ProgressStatus } from '$lib/protocol';

const LABELS: Record<ProgressStatus, () => string> = {
	not_started: m.outcomes_progress_not_started,
	in_progress: m.outcomes_progress_in_progress,
	done: m.outcomes_progress_done,
	shelved: m.outcomes_progress_shelved
};

export const progressLabel = (status: ProgressStatus) => LABELS[status]();
export const PROGRESS_ORDER: ProgressStatus[] = ['not_started', 'in_progress', 'done', 'shelved'];
