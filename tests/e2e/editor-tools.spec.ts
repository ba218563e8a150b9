/**
 * The proposal editor's toolbar, keys and Markdown shortcuts in a real browser (Tiptap), what
 * another phone sees of them, and read-only observers.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
	adminClient,
	expectStatus,
	startServer,
	tokenOf,
	type ServerHandle,
	type SessionView
} from '../integration/harness';
import { joinOnPhone, openEditor } from './phones';

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.dispose();
});

async function join(browser: Browser, joinUrl: string, name: string): Promise<Page> {
	const page = await joinOnPhone(browser, joinUrl, name, { locale: 'zh-CN' });
	await expect(page.getByTestId('proposal-reader')).toBeVisible();
	return page;
}

test('toolbar, keys and Markdown shortcuts format the proposal; observers only read', async ({
	browser
}) => {
	const admin = await adminClient(server);
	const session = expectStatus<SessionView>(
		await admin.post('/api/v1/sessions', {
			title: '编辑器',
			kind: 'live',
			items: [{ title: '方案' }]
		}),
		201
	);
	const invite = async (role: string) =>
		expectStatus<{ url: string }>(
			await admin.post(`/api/v1/sessions/${session.id}/invites`, { role, maxUses: 5 }),
			201
		).url;
	const a = await join(
		browser,
		server.publicUrl(`/join/${tokenOf(await invite('resident'))}`),
		'甲'
	);
	await openEditor(a);
	const editor = a.locator('.proposal-text');
	await editor.click();

	// Markdown shortcuts: a heading, then a bullet list; Enter makes the next item.
	await a.keyboard.type('## 总则');
	await a.keyboard.press('Enter');
	await a.keyboard.type('- 第一项');
	await a.keyboard.press('Enter');
	await a.keyboard.type('第二项');
	await expect(editor.locator('h2')).toHaveText('总则');
	await expect(editor.locator('ul > li')).toHaveCount(2);

	// Out of the list with the toolbar, then bold by key and italic by button.
	await a.getByRole('button', { name: '圆点列表' }).click();
	await expect(editor.locator('ul > li')).toHaveCount(1);
	await a.keyboard.press('End');
	await a.keyboard.press('Enter');
	await a.keyboard.press('Control+b');
	await a.keyboard.type('重点');
	await a.keyboard.press('Control+b');
	// A pause longer than the undo manager's 500 ms capture window starts a new undo step.
	await a.waitForTimeout(700);
	await a.getByRole('button', { name: '斜体' }).click();
	await a.keyboard.type('说明');
	await expect(editor.locator('strong')).toHaveText('重点');
	await expect(editor.locator('em')).toHaveText('说明');
	await expect(a.getByRole('button', { name: '斜体' })).toHaveAttribute('aria-pressed', 'true');

	// Undo (the Yjs undo manager) takes the last typing back as a whole, not one character.
	await a.getByRole('button', { name: '撤销' }).click();
	await expect(editor).not.toContainText('说');
	await expect(editor.locator('strong')).toHaveText('重点');
	await expect(editor.locator('h2')).toHaveText('总则');

	// Another resident's phone gets the same structure; an observer reads it without a toolbar.
	const b = await join(
		browser,
		server.publicUrl(`/join/${tokenOf(await invite('resident'))}`),
		'乙'
	);
	await expect(b.getByTestId('proposal-reader').locator('h2')).toHaveText('总则');
	await expect(b.getByTestId('proposal-reader').locator('strong')).toHaveText('重点');
	await openEditor(b);
	await expect(b.locator('.proposal-text h2')).toHaveText('总则');
	const o = await join(
		browser,
		server.publicUrl(`/join/${tokenOf(await invite('observer'))}`),
		'丙'
	);
	// Observers read without the editor and are never offered it.
	await expect(o.getByTestId('proposal-reader').locator('h2')).toHaveText('总则');
	await expect(o.getByRole('button', { name: '编辑', exact: true })).toHaveCount(0);
	await expect(o.locator('.proposal-text')).toHaveCount(0);
	await expect(o.getByRole('button', { name: '粗体' })).toHaveCount(0);
});
