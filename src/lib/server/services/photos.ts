/**
 * Photos for opinions and milestones: JPEG, PNG or WebP recognised by their magic bytes (never by
 * the name or the declared type), at most 3 MB, kept in the database and served immutable.
 */
import * as communityDb from '../db/community';
import { newId } from '../ids';
import * as communityService from './community';
import type { Ctx, Viewer } from './context';
import { can } from '../access/check';
import { notFound, ServiceError } from './errors';

export const MAX_PHOTO_BYTES = 3 * 1024 * 1024;

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';

/** The image type by its first bytes, or null when it is none we accept. */
export function sniffImage(bytes: Uint8Array): PhotoMime | null {
	const at = (i: number) => bytes[i];
	if (bytes.length >= 3 && at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
	const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
	if (bytes.length >= 8 && png.every((b, i) => at(i) === b)) return 'image/png';
	const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
	if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
	return null;
}

export const photoUrl = (id: string | null | undefined) => (id ? `/photos/${id}` : undefined);

/** Checks and stores one photo; who may: the community's participants and staff. */
export async function upload(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string,
	bytes: Uint8Array
): Promise<{ id: string }> {
	await communityService.requireCommunity(ctx, communityId);
	if (!(await can(ctx, viewer, 'community.staff', { communityId })))
		await communityService.requireMember(ctx, viewer, communityId);
	const mime = checkPhoto(bytes);
	const photo = await communityDb.insertPhoto(ctx.db, {
		id: newId(),
		communityId,
		mime,
		bytes
	});
	ctx.log.info({ communityId, photoId: photo.id, size: bytes.length, mime }, 'photo stored');
	return photo;
}

export function checkPhoto(bytes: Uint8Array): PhotoMime {
	if (bytes.length === 0) throw new ServiceError(400, 'photo_empty', 'no photo was sent');
	if (bytes.length > MAX_PHOTO_BYTES) {
		throw new ServiceError(413, 'photo_too_large', 'the photo is larger than 3 MB');
	}
	const mime = sniffImage(bytes);
	if (!mime) {
		throw new ServiceError(400, 'photo_unsupported', 'only JPEG, PNG or WebP photos are accepted');
	}
	return mime;
}

/** A photo id given with an opinion or milestone must be a photo of the same community. */
export async function requirePhotoOf(ctx: Ctx, photoId: string, communityId: string) {
	const owner = await communityDb.photoCommunity(ctx.db, photoId);
	if (owner !== communityId) throw notFound('photo_not_found', 'photo');
}

/**
 * A stored photo as this viewer may fetch it. Scans of paper ballots and proxy forms are for the
 * community's staff only (their ids appear in the public transcript); to anyone else they do not
 * exist. `evidence` tells the route not to let shared caches keep it.
 */
export async function get(ctx: Ctx, viewer: Viewer, id: string) {
	const photo = await communityDb.findPhoto(ctx.db, id);
	if (!photo) throw notFound('photo_not_found', 'photo');
	const evidence = await communityDb.isEvidence(ctx.db, id);
	if (evidence && !(await can(ctx, viewer, 'community.staff', { communityId: photo.communityId })))
		throw notFound('photo_not_found', 'photo');
	return { ...photo, evidence };
}
