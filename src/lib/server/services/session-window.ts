/** The deadline rules of a cloud session and its votes, as the API's 400 answers. */
import { ServiceError } from './errors';

const windowMessages = {
	closes_at_required: 'closesAt: a cloud session needs an end time',
	closes_at_in_past: 'closesAt: must lie in the future',
	closes_at_before_opens_at: 'closesAt: must be after opensAt',
	closes_at_after_session_end: 'closesAt: must not be after the session ends',
	closes_at_not_later: 'closesAt: must be later than the current end'
} as const;

/** The deadline rule broken, as the API's 400 (REFERENCE.md §6: times are ISO with offset). */
export function windowError(code: keyof typeof windowMessages) {
	return new ServiceError(400, code, windowMessages[code]);
}
