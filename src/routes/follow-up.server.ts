/**
 * Form plumbing shared by the two pages that follow a decision through — a 举手 project
 * (/projects/[id]) and a decided item (/outcomes/[itemId]); the rules live in
 * services/follow-ups.ts.
 */
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { canModerate } from '$lib/protocol/roles';
import type { Ctx, Viewer } from '$lib/server/services/context';
import { ServiceError } from '$lib/server/services/errors';
import * as photos from '$lib/server/services/photos';

/** A refusal as words next to the form that caused it. */
export function followUpRefusal(e: unknown, action: string) {
	if (!(e instanceof ServiceError)) throw e;
	const message =
		e.code === 'already_rated'
			? m.projects_error_already_rated()
			: e.code === 'notice_closed' || e.code === 'notice_not_open'
				? m.projects_error_notice()
				: e.code === 'session_open'
					? m.followup_notice_before_close()
					: e.code === 'no_outcome'
						? m.followup_error_no_outcome()
						: e.code === 'photo_too_large'
							? m.opinions_photo_too_large()
							: e.code === 'photo_unsupported' || e.code === 'photo_empty'
								? m.opinions_photo_bad()
								: e.status === 401 || e.status === 403
									? m.projects_rate_join()
									: e.code === 'invalid_payload'
										? m.opinions_error_fields()
										: m.opinions_error_generic();
	return fail(e.status, { action, message, code: e.code });
}

export function ratingInput(form: FormData) {
	return {
		stars: Number(form.get('stars') ?? 0),
		comment: String(form.get('comment') ?? '') || undefined
	};
}

/** Words and status of an update form; an empty status means "leave it as it is". */
export function updateInput(form: FormData): { text: string; status?: string } {
	const status = String(form.get('status') ?? '');
	// Any other status goes on to the service, whose schema refuses it with a clear error.
	return { text: String(form.get('text') ?? ''), ...(status ? { status } : {}) };
}

/** The update's photo, stored only for staff (anyone else is refused before a byte is kept). */
export async function updatePhoto(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string,
	form: FormData
): Promise<string | undefined> {
	const photo = form.get('photo');
	if (!(photo instanceof File) || photo.size === 0) return undefined;
	if (!viewer.user || !canModerate(viewer.user.role)) {
		throw new ServiceError(403, 'forbidden', 'only a moderator can do this');
	}
	const bytes = new Uint8Array(await photo.arrayBuffer());
	return (await photos.upload(ctx, viewer, communityId, bytes)).id;
}
