import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as community from '$lib/server/services/community';
import * as opinions from '$lib/server/services/opinions';
import * as photos from '$lib/server/services/photos';
import { ServiceError } from '$lib/server/services/errors';
import type { RequestHandler } from './$types';

/**
 * JSON `{title, text, photoId?}`, or multipart/form-data with `title`, `text` and an optional
 * `photo` file (checked like POST …/photos).
 */
export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const { communityId } = event.params;
		const type = event.request.headers.get('content-type') ?? '';
		let body: unknown;
		if (/^multipart\/form-data/i.test(type)) {
			const form = await event.request.formData().catch(() => {
				throw new ServiceError(400, 'invalid_payload', 'body is not a valid form');
			});
			const photo = form.get('photo');
			let photoId: string | undefined;
			if (photo instanceof File && photo.size > 0) {
				// Only a member may post: check before storing the photo.
				await community.requireMember(ctx, viewer, communityId);
				if (photo.size > photos.MAX_PHOTO_BYTES) {
					throw new ServiceError(413, 'photo_too_large', 'the photo is larger than 3 MB');
				}
				const bytes = new Uint8Array(await photo.arrayBuffer());
				photoId = (await photos.upload(ctx, viewer, communityId, bytes)).id;
			}
			body = { title: form.get('title') ?? '', text: form.get('text') ?? '', photoId };
		} else {
			body = await readJson(event.request);
		}
		return json(await opinions.create(ctx, viewer, communityId, body), { status: 201 });
	});

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await opinions.list(ctx, viewer, event.params.communityId));
	});
