/**
 * Web Push opt-in for browsers that have it (not WeChat's webview: there the feed is the way).
 * The service worker is registered only here, when someone asks for reminders, so pages and
 * tests without push never run one.
 */
import { dev } from '$app/environment';
import { call } from './cloud';

export function pushSupported(): boolean {
	return (
		typeof window !== 'undefined' &&
		'serviceWorker' in navigator &&
		'PushManager' in window &&
		'Notification' in window
	);
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
	const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
	const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
	const bytes = new Uint8Array(new ArrayBuffer(raw.length));
	for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
	return bytes;
}

async function registration(): Promise<ServiceWorkerRegistration> {
	await navigator.serviceWorker.register('/service-worker.js', {
		type: dev ? 'module' : 'classic'
	});
	return navigator.serviceWorker.ready;
}

/** Whether this browser already sends us pushes. */
export async function pushEnabled(): Promise<boolean> {
	if (!pushSupported()) return false;
	const reg = await navigator.serviceWorker.getRegistration();
	return !!(await reg?.pushManager.getSubscription());
}

export type PushOutcome = 'on' | 'denied' | 'failed';

export async function enablePush(): Promise<PushOutcome> {
	try {
		if ((await Notification.requestPermission()) !== 'granted') return 'denied';
		const key = await call<{ publicKey: string }>('GET', '/push/key');
		if (!key.ok) return 'failed';
		const reg = await registration();
		const sub =
			(await reg.pushManager.getSubscription()) ??
			(await reg.pushManager.subscribe({
				userVisibleOnly: true,
				applicationServerKey: keyBytes(key.data.publicKey)
			}));
		const json = sub.toJSON();
		const saved = await call('POST', '/push/subscriptions', {
			endpoint: json.endpoint,
			keys: json.keys
		});
		return saved.ok ? 'on' : 'failed';
	} catch {
		return 'failed';
	}
}

export async function disablePush(): Promise<void> {
	const reg = await navigator.serviceWorker.getRegistration();
	const sub = await reg?.pushManager.getSubscription();
	if (!sub) return;
	await call('DELETE', '/push/subscriptions', { endpoint: sub.endpoint });
	await sub.unsubscribe();
}
