/**
 * Short seat codes (`src/lib/server/domain/seat-code.ts`): given to households when their slips
 * are listed, looked up when someone types one, and claims throttled against guessing.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Household } from '../db/households';
import * as households from '../db/households';
import * as shortCodes from '../db/short-codes';
import { parseSeatCode, shortCodeFrom } from '../domain/seat-code';
import type { Ctx } from './context';
import { ServiceError } from './errors';

/** Short codes of these households, drawing one for each that has none yet. */
export async function ensure(ctx: Ctx, rows: Household[]): Promise<Map<string, string>> {
	const codes = await shortCodes.forHouseholds(
		ctx.db,
		rows.map((r) => r.id)
	);
	for (const row of rows) {
		if (codes.has(row.id)) continue;
		// A clash is one in a billion per draw: a few tries always find a free code.
		for (let attempt = 0; attempt < 8; attempt++) {
			const code = shortCodeFrom(crypto.getRandomValues(new Uint8Array(6)));
			if (await shortCodes.assign(ctx.db, row.id, code)) {
				codes.set(row.id, code);
				break;
			}
			const again = await shortCodes.forHouseholds(ctx.db, [row.id]);
			if (again.has(row.id)) {
				codes.set(row.id, again.get(row.id)!);
				break;
			}
		}
	}
	return codes;
}

// Per participant: a few typos are fine, a search through codes is not. Per address, only
// misses count: a meeting hall's Wi-Fi puts a hundred honest phones behind one address.
const perParticipant = new RateLimiterMemory({ keyPrefix: 'seat_p', points: 10, duration: 600 });
const missesPerAddress = new RateLimiterMemory({ keyPrefix: 'seat_ip', points: 30, duration: 600 });

function tooMany(rejection: unknown): never {
	if (rejection instanceof RateLimiterRes) {
		const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
		throw new ServiceError(
			429,
			'too_many_attempts',
			`too many seat codes tried; wait ${seconds} s and try again`
		);
	}
	throw rejection;
}

/**
 * The household a typed or scanned code names, or null. Throws 429 `too_many_attempts` once
 * this participant or address tried too often.
 */
export async function lookup(
	ctx: Ctx,
	text: string,
	who: { participantId: string; address: string | null }
): Promise<Household | null> {
	await perParticipant.consume(who.participantId).catch(tooMany);
	if (who.address) {
		const spent = await missesPerAddress.get(who.address);
		if (spent && spent.remainingPoints <= 0) tooMany(spent);
	}
	const parsed = parseSeatCode(text);
	const found = !parsed
		? null
		: parsed.kind === 'short'
			? await shortCodes.findHousehold(ctx.db, parsed.code)
			: await households.findBySeatCode(ctx.db, parsed.code);
	if (!found && who.address) await missesPerAddress.consume(who.address).catch(tooMany);
	return found;
}
