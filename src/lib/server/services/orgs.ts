import { eq } from 'drizzle-orm';
import * as v from 'valibot';
import { streets } from '../db/schema';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, unauthorized } from './errors';

const streetSettingsSchema = v.object({
	name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))),
	/** Hours to answer an escalated case; 0 makes every case due at once. */
	responseHours: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(24 * 30)))
});

/** Street settings: its name and the response time for escalated cases (admin, street). */
export async function updateStreet(ctx: Ctx, viewer: Viewer, streetId: string, input: unknown) {
	if (!viewer.user) throw unauthorized();
	if (viewer.user.role !== 'admin' && viewer.user.role !== 'street') throw forbidden();
	const body = parse(streetSettingsSchema, input);
	const [row] = await ctx.db.update(streets).set(body).where(eq(streets.id, streetId)).returning();
	if (!row) throw notFound('street_not_found', 'street');
	return { id: row.id, name: row.name, responseHours: row.responseHours };
}
