import { MAX_PHOTO_BYTES } from './services/photos';
import { ServiceError } from './services/errors';

/** Reads a raw photo body, refusing one over 3 MB before reading it when its length says so. */
export async function readPhotoBody(request: Request): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(declared) && declared > MAX_PHOTO_BYTES) {
		throw new ServiceError(413, 'photo_too_large', 'the photo is larger than 3 MB');
	}
	return new Uint8Array(await request.arrayBuffer());
}
