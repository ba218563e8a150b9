/**
 * Putting an item's cost schemes to a vote: one vote whose options are the schemes' titles,
 * each option linked to its scheme (and the scheme's households frozen). The vote itself is an
 * ordinary vote of votes.ts — any kind, any rule; raising a maintenance-fund levy is matter 6 of
 * Civil Code art. 278, so the default rule is `civil_code_278` "major" over the register.
 */
import * as schemesDb from '../db/cost-schemes';
import type { Ctx, Viewer } from './context';
import { notFound, ServiceError } from './errors';
import { linkToVote } from './cost-tables';
import * as votesService from './votes';

const invalid = (message: string) => new ServiceError(400, 'invalid_payload', message);
const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Vote fields a caller may set; everything else about the options comes from the schemes. */
const PASSED_THROUGH = [
	'secret',
	'tally',
	'eligibility',
	'changeable',
	'rule',
	'closesAt',
	'min',
	'max'
];

/** Once a scheme of the item is chosen (by hand), its schemes are not put to a vote again. */
function refuseIfChosen(schemes: schemesDb.CostScheme[]) {
	if (schemes.some((s) => s.chosenBy || s.chosenVoteId)) {
		throw new ServiceError(
			409,
			'scheme_already_chosen',
			'a scheme of this item has been chosen already'
		);
	}
}

export async function putToVote(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const body = isRecord(input) ? input : {};
	const all = await schemesDb.listForItem(ctx.db, itemId);
	refuseIfChosen(all);
	let schemeIds: string[];
	if (body.schemeIds === undefined) schemeIds = all.map((s) => s.id);
	else if (Array.isArray(body.schemeIds) && body.schemeIds.every((x) => typeof x === 'string'))
		schemeIds = [...new Set(body.schemeIds as string[])];
	else throw invalid('schemeIds: a list of cost scheme ids');
	const byId = new Map(all.map((s) => [s.id, s]));
	const stranger = schemeIds.find((id) => !byId.has(id));
	if (stranger) throw notFound('cost_scheme_not_found', `cost scheme ${stranger} of this item`);
	const kind = typeof body.kind === 'string' ? body.kind : 'single';
	if (kind === 'yes_no_abstain' ? schemeIds.length !== 1 : schemeIds.length < 2) {
		throw invalid(
			kind === 'yes_no_abstain'
				? 'schemeIds: a yes/no vote takes exactly one scheme'
				: 'schemeIds: at least two schemes to choose between'
		);
	}
	const schemes = schemeIds.map((id) => byId.get(id)!);
	const question =
		typeof body.question === 'string'
			? body.question
			: kind === 'yes_no_abstain'
				? schemes[0]!.title
				: '选择分摊方案';
	const voteInput: Record<string, unknown> = {
		question,
		kind,
		secret: false,
		tally: 'live',
		eligibility: 'households',
		rule: { kind: 'civil_code_278', matter: 'major' }
	};
	for (const key of PASSED_THROUGH) if (body[key] !== undefined) voteInput[key] = body[key];
	if (kind !== 'yes_no_abstain') voteInput.options = schemes.map((s) => ({ label: s.title }));
	const created = await votesService.create(ctx, viewer, itemId, voteInput);
	const links =
		kind === 'yes_no_abstain'
			? [{ optionId: 'yes', schemeId: schemes[0]!.id }]
			: created.options.map((o, i) => ({ optionId: o.id, schemeId: schemes[i]!.id }));
	await ctx.db.transaction((tx) => linkToVote(tx, created.id, links));
	return { ...created, schemes: links };
}

/**
 * The `costSchemeIds` a client may add to `POST /api/v1/items/:itemId/votes`: option i stands
 * for scheme i (a yes/no vote: "yes" for the one scheme). Checked before the vote is created.
 */
export async function checkLinks(ctx: Ctx, itemId: string, input: unknown) {
	const ids = isRecord(input) ? input.costSchemeIds : undefined;
	if (ids === undefined) return null;
	if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string')) {
		throw invalid('costSchemeIds: a list of cost scheme ids');
	}
	const all = await schemesDb.listForItem(ctx.db, itemId);
	refuseIfChosen(all);
	const known = new Set(all.map((s) => s.id));
	const stranger = (ids as string[]).find((id) => !known.has(id));
	if (stranger) throw notFound('cost_scheme_not_found', `cost scheme ${stranger} of this item`);
	return ids as string[];
}

export async function linkCreated(
	ctx: Ctx,
	vote: { id: string; options: { id: string }[] },
	schemeIds: string[]
) {
	const links =
		vote.options[0]?.id === 'yes'
			? [{ optionId: 'yes', schemeId: schemeIds[0]! }]
			: schemeIds
					.slice(0, vote.options.length)
					.map((schemeId, i) => ({ optionId: vote.options[i]!.id, schemeId }));
	await ctx.db.transaction((tx) => linkToVote(tx, vote.id, links));
}
