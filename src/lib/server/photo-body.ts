import { checkPhoto } from './services/photos';

/**
 * Reads a raw photo body. The whole body is read (the server caps bodies at BODY_SIZE_LIMIT, 4 MB)
 * before the size is judged: answering 413 over an unread body resets the connection, and the
 * phone would see a network error instead of "the photo is larger than 3 MB".
 */
export async function readPhotoBody(request: Request): Promise<Uint8Array> {
	const bytes = new Uint8Array(await request.arrayBuffer());
	checkPhoto(bytes);
	return bytes;
}
