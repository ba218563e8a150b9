import { describe, expect, it } from 'vitest';
import { createInviteSchema, createUserSchema } from '$lib/protocol/api';
import { isExpiryPreset } from '$lib/components/invite-form';
import { parse, ServiceError } from '$lib/server/services/errors';
import { accountRefusal, readAccountForm } from './accounts.server';
import { inviteRefusal, readInviteForm } from './invites.server';

const form = (fields: Record<string, string>) => {
	const data = new FormData();
	for (const [key, value] of Object.entries(fields)) data.set(key, value);
	return data;
};

/** The error the service throws for a body, as the API would answer it. */
function refusalOf(schema: Parameters<typeof parse>[0], body: unknown): unknown {
	try {
		parse(schema, body);
	} catch (e) {
		return e;
	}
	throw new Error('the schema accepted the body');
}

describe('the invite form, read on the server (zh-CN, the base locale)', () => {
	it('reads a session invite as the API body: blank seat cap and "长期有效" mean none', () => {
		const body = readInviteForm(form({ role: 'owner', maxUses: ' ', expiresInMinutes: '' }));
		expect(body).toMatchObject({ role: 'owner', maxUses: null, expiresInMinutes: null });
		expect(
			readInviteForm(form({ role: 'resident', maxUses: '30', expiresInMinutes: '1440' }))
		).toMatchObject({ maxUses: 30, expiresInMinutes: 1440 });
	});

	it('turns a community link’s days into minutes, and a blank into no end', () => {
		expect(readInviteForm(form({ role: 'resident', days: '30' })).expiresInMinutes).toBe(
			30 * 24 * 60
		);
		expect(readInviteForm(form({ role: 'resident', days: '' })).expiresInMinutes).toBeNull();
	});

	it('marks the field the service refused, in the words of the page the form is on', () => {
		const body = readInviteForm(form({ role: 'owner', maxUses: 'abc', expiresInMinutes: '' }));
		const e = refusalOf(createInviteSchema, body);
		expect(inviteRefusal(e, 'session', 'owner')).toEqual({
			field: 'maxUses',
			message: '人数上限需为 1 到 100000 之间的整数。',
			role: 'owner'
		});
		const days = refusalOf(createInviteSchema, readInviteForm(form({ role: 'owner', days: '0' })));
		expect(inviteRefusal(days, 'community', 'owner')).toMatchObject({
			field: 'expiry',
			message: '请检查填写的内容。'
		});
		const role = refusalOf(createInviteSchema, readInviteForm(form({ role: 'mayor' })));
		expect(inviteRefusal(role, 'session', 'mayor')).toMatchObject({
			field: 'role',
			message: '请选择参会身份。'
		});
	});

	it('leaves anything but a refused body to the error page', () => {
		expect(inviteRefusal(new ServiceError(403, 'forbidden', 'no'), 'session', 'owner')).toBeNull();
		expect(inviteRefusal(new Error('boom'), 'session', 'owner')).toBeNull();
	});

	it('offers only the expiries the street office may choose', () => {
		expect(['60', '1440', '10080', ''].every(isExpiryPreset)).toBe(true);
		expect(isExpiryPreset('525600')).toBe(false);
	});
});

describe('the account form, read on the server (zh-CN)', () => {
	it('names the field the account rules refused, and keeps what was typed', () => {
		const typed = readAccountForm(form({ username: 'x', password: 'long enough', role: 'clerk' }));
		const e = refusalOf(createUserSchema, typed);
		expect(accountRefusal(e, typed)).toEqual({
			field: 'username',
			message: '用户名需为 2–32 个字，只能包含汉字、字母、数字和 _ . -',
			username: 'x',
			role: 'clerk'
		});
		const short = readAccountForm(form({ username: '王主任', password: 'short', role: 'clerk' }));
		expect(accountRefusal(refusalOf(createUserSchema, short), short)).toMatchObject({
			field: 'password',
			message: '密码至少需要 8 位。'
		});
	});

	it('says a taken username by name', () => {
		const e = new ServiceError(409, 'username_taken', 'username "wang" is taken');
		expect(accountRefusal(e, { username: ' wang ' })).toMatchObject({
			field: 'username',
			message: '用户名“wang”已被占用，请换一个。'
		});
	});

	it('leaves anything but a refused account to the error page', () => {
		expect(accountRefusal(new ServiceError(403, 'forbidden', 'no'), { username: 'a' })).toBeNull();
	});
});
