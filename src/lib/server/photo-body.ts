/**
 * Reads a raw photo body. The whole body is read (the server caps bodies at BODY_SIZE_LIMIT, 4 MB)
 * before anything is judged: answering over an unread body resets the connection, and the phone
 * would see a network error instead of "the photo is larger than 3 MB". What it holds is judged
 * by `photos.upload`, after the access check, so a stranger learns nothing from the answer.
 */
export async function readPhotoBody(request: Request): Promise<Uint8Array> {
	return new Uint8Array(await request.arrayBuffer());
}
