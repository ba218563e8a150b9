import { error } from '@sveltejs/kit';
import * as photos from '$lib/server/services/photos';
import { ServiceError } from '$lib/server/services/errors';
import type { RequestHandler } from './$types';

/** A stored photo; ids are never reused, so a public one may be cached for good. */
export const GET: RequestHandler = async ({ locals, params }) => {
	let photo;
	try {
		photo = await photos.get(locals.ctx, locals.viewer, params.id);
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, { code: e.code, message: e.message });
		throw e;
	}
	return new Response(photo.bytes as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': photo.mime,
			'content-length': String(photo.bytes.length),
			'cache-control': photo.evidence ? 'private, no-store' : 'public, max-age=31536000, immutable',
			'x-content-type-options': 'nosniff'
		}
	});
};
