import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { readPhotoBody } from '$lib/server/photo-body';
import * as photos from '$lib/server/services/photos';
import type { RequestHandler } from './$types';

/** The raw image as the body (any content-type: the bytes decide). */
export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const bytes = await readPhotoBody(event.request);
		const photo = await photos.upload(ctx, viewer, event.params.communityId, bytes);
		return json({ id: photo.id, url: photos.photoUrl(photo.id) }, { status: 201 });
	});
