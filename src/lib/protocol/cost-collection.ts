/** Body of `POST /api/v1/cost-schemes/:id/collections` (src/lib/protocol/REFERENCE.md §12). */
import * as v from 'valibot';

export const collectionSchema = v.object({
	householdId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
	paid: v.boolean()
});
