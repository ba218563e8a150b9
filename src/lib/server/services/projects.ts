/**
 * Projects (举手立项 → 居民全过程参与 → 公示评价, REFERENCE.md §6): an opinion with enough raised hands
 * becomes a project with its own cloud session; the committee posts milestones, then opens a
 * public notice during which community participants rate the result.
 */
import { notice } from '$lib/notice-text';
import { milestoneSchema, projectCreateSchema, type ProjectView } from '$lib/protocol/community';
import * as clock from '../clock';
import * as searchIndex from './search-index';
import * as opinionsDb from '../db/opinions';
import * as projectsDb from '../db/projects';
import * as sessionsDb from '../db/sessions';
import { DAY_MS, handThreshold, PROJECT_SESSION_DAYS, shanghaiTime } from '../domain/opinions';
import { newId } from '../ids';
import * as communityService from './community';
import type { Ctx, Viewer } from './context';
import { notFound, parse, ServiceError } from './errors';
import { notify } from './notifications';
import * as followUps from './follow-ups';
import * as photos from './photos';
import { requireCan } from '../access/check';
import { maskHidden } from './hiding';
import { actorOfUser } from './transcript';
import { recordWords } from './words';

export const projectUrl = (id: string) => `/projects/${id}`;

export async function create(
	ctx: Ctx,
	viewer: Viewer,
	opinionId: string,
	input: unknown,
	now = clock.now()
): Promise<{ projectId: string; sessionId: string }> {
	const user = await requireCan(ctx, viewer, 'community.manage', { opinionId });
	const body = parse(projectCreateSchema, input);
	const closesAt = body.closesAt
		? new Date(body.closesAt)
		: new Date(now.getTime() + PROJECT_SESSION_DAYS * DAY_MS);
	if (closesAt.getTime() <= now.getTime()) {
		throw new ServiceError(400, 'invalid_payload', 'closesAt: must be in the future');
	}
	const found = await opinionsDb.find(ctx.db, opinionId);
	if (!found) throw notFound('opinion_not_found', 'opinion');
	const community = await communityService.requireCommunity(ctx, found.communityId);
	const result = await ctx.db.transaction(async (tx) => {
		// Locked: two moderators pressing 立项 at once make one project.
		const opinion = (await opinionsDb.findForUpdate(tx, opinionId))!;
		if (opinion.projectId) {
			throw new ServiceError(409, 'already_project', 'this opinion is already a project');
		}
		const hands = await opinionsDb.handCount(tx, opinionId);
		const check = handThreshold(hands, community.opinionHandThreshold);
		if (!check.ok) throw new ServiceError(409, 'not_enough_hands', check.message);
		const projectId = newId();
		const sessionId = newId();
		const itemId = newId();
		await projectsDb.insert(tx, {
			id: projectId,
			communityId: opinion.communityId,
			opinionId,
			title: opinion.title,
			createdBy: user.id,
			createdAt: now
		});
		await opinionsDb.setProject(tx, opinionId, projectId);
		await searchIndex.put(tx, {
			kind: 'project',
			refId: projectId,
			communityId: opinion.communityId,
			public: true,
			title: opinion.title,
			body: opinion.text,
			url: `/projects/${projectId}`,
			at: now
		});
		// The item carries the opinion as its description; the proposal document starts empty
		// and residents write it together in the cloud session.
		const session = await sessionsDb.insert(
			tx,
			{
				id: sessionId,
				communityId: opinion.communityId,
				title: opinion.title,
				kind: 'cloud',
				currentItemId: itemId,
				opensAt: now,
				closesAt,
				projectId,
				createdBy: user.id
			},
			[
				{
					id: itemId,
					sessionId,
					position: 0,
					title: opinion.title,
					body: opinion.text,
					docName: `item-${itemId}`
				}
			]
		);
		// The item's description is the resident's opinion: the chain commits to those words and
		// keeps them beside it (services/words.ts), so hiding the opinion hides them here too.
		await recordWords(
			tx,
			sessionId,
			'session_created',
			actorOfUser(user),
			{
				title: session.title,
				kind: session.kind,
				projectId,
				opinionId,
				items: session.items.map((i) => ({ id: i.id, title: i.title }))
			},
			{ kind: 'opinion', id: opinionId, authorId: null, text: opinion.text }
		);
		await notify(
			tx,
			{ audience: 'community', communityId: opinion.communityId },
			{
				...notice('project_created', {
					title: opinion.title,
					hands: String(hands),
					at: shanghaiTime(closesAt)
				}),
				url: projectUrl(projectId),
				at: now
			}
		);
		for (const memberId of await opinionsDb.backers(tx, opinionId)) {
			await notify(
				tx,
				{ audience: 'member', memberId, communityId: opinion.communityId },
				{
					...notice('project_created', { title: opinion.title }),
					url: projectUrl(projectId),
					at: now
				}
			);
		}
		return { projectId, sessionId };
	});
	ctx.timers.poke();
	ctx.realtime.boardChanged(found.communityId);
	ctx.log.info({ opinionId, ...result, by: user.id }, 'project created');
	return result;
}

async function requireProject(ctx: Ctx, id: string) {
	const project = await projectsDb.find(ctx.db, id);
	if (!project) throw notFound('project_not_found', 'project');
	return project;
}

/** The project as a follow-up subject (services/follow-ups.ts). */
function subjectOf(project: projectsDb.Project): followUps.Subject {
	return {
		kind: 'project',
		id: project.id,
		communityId: project.communityId,
		title: project.title,
		url: projectUrl(project.id)
	};
}

export async function addMilestone(
	ctx: Ctx,
	viewer: Viewer,
	projectId: string,
	input: unknown,
	now = clock.now()
): Promise<{ id: string }> {
	const user = await requireCan(ctx, viewer, 'community.manage', { projectId });
	const body = parse(milestoneSchema, input);
	const project = await requireProject(ctx, projectId);
	if (body.photoId) await photos.requirePhotoOf(ctx, body.photoId, project.communityId);
	const id = await ctx.db.transaction((tx) =>
		followUps.addUpdate(tx, subjectOf(project), user.username, body, now)
	);
	ctx.log.info({ projectId, milestoneId: id }, 'milestone added');
	return { id };
}

export async function openNotice(
	ctx: Ctx,
	viewer: Viewer,
	projectId: string,
	input: unknown,
	now = clock.now()
) {
	await requireCan(ctx, viewer, 'community.manage', { projectId });
	const project = await requireProject(ctx, projectId);
	return followUps.openNotice(ctx, subjectOf(project), input, now);
}

export async function rate(
	ctx: Ctx,
	viewer: Viewer,
	projectId: string,
	input: unknown,
	now = clock.now()
): Promise<{ stars: number }> {
	const project = await requireProject(ctx, projectId);
	return followUps.rate(ctx, viewer, subjectOf(project), input, now);
}

/** The whole path on one page; public (residents' right to know, 知情权). */
export async function get(
	ctx: Ctx,
	viewer: Viewer,
	projectId: string,
	now = clock.now()
): Promise<ProjectView> {
	const project = await requireProject(ctx, projectId);
	const found = (await opinionsDb.find(ctx.db, project.opinionId))!;
	// The opinion's words as this viewer may see them (hidden ones: the reason in their place).
	const [shown] = await maskHidden(ctx, viewer, 'opinion', project.communityId, [
		{ id: found.id, title: found.title, text: found.text }
	]);
	const opinion = { ...found, title: shown!.title, text: shown!.text };
	const [hands, responses, followUp, sessions] = await Promise.all([
		opinionsDb.handCount(ctx.db, opinion.id),
		opinionsDb.responsesFor(ctx.db, [opinion.id]),
		followUps.view(ctx, viewer, subjectOf(project), now),
		projectsDb.sessionsOf(ctx.db, projectId)
	]);
	const votes = await projectsDb.votesOf(
		ctx.db,
		sessions.map((s) => s.id)
	);
	const { updates: milestones, ...followUpFields } = followUp;
	const view: ProjectView = {
		id: project.id,
		title: project.title,
		communityId: project.communityId,
		createdAt: project.createdAt.toISOString(),
		opinion: {
			id: opinion.id,
			title: opinion.title,
			text: opinion.text,
			author: opinion.authorName,
			at: opinion.createdAt.toISOString(),
			hands,
			photoUrl: photos.photoUrl(opinion.photoId),
			responses: responses.map((r) => ({
				id: r.id,
				text: r.text,
				author: r.authorName,
				at: r.at.toISOString()
			})),
			...(shown!.hidden ? { hidden: shown!.hidden } : {})
		},
		sessions: sessions.map((s) => ({
			id: s.id,
			title: s.title,
			status: s.status,
			closesAt: s.closesAt?.toISOString() ?? null,
			votes: votes
				.filter((v) => v.sessionId === s.id && v.status !== 'draft')
				.map((v) => ({
					id: v.id,
					question: v.question,
					status: v.status,
					passed: (v.result as { passed?: boolean } | null)?.passed ?? null
				}))
		})),
		milestones,
		...followUpFields
	};
	return view;
}

export async function listForCommunity(ctx: Ctx, communityId: string) {
	return projectsDb.listForCommunity(ctx.db, communityId);
}
