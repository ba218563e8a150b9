/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Shows Web Push messages as notifications and opens their page on a tap. Nothing else: no
 * precaching and no fetch handler, so the app behaves exactly as without a worker. Registered
 * only when someone turns push reminders on (src/lib/client/push.ts).
 */
const sw = self as unknown as ServiceWorkerGlobalScope;

interface PushPayload {
	title?: string;
	body?: string;
	url?: string;
	id?: number;
}

sw.addEventListener('push', (event) => {
	let payload: PushPayload = {};
	try {
		payload = (event.data?.json() as PushPayload | undefined) ?? {};
	} catch {
		payload = { body: event.data?.text() };
	}
	event.waitUntil(
		sw.registration.showNotification(payload.title ?? '议事', {
			body: payload.body ?? '',
			tag: payload.id === undefined ? undefined : `n${payload.id}`,
			data: { url: payload.url ?? '/notifications' }
		})
	);
});

sw.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const path = (event.notification.data as { url?: string } | null)?.url ?? '/notifications';
	const target = new URL(path, sw.location.origin).href;
	event.waitUntil(
		(async () => {
			const open = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
			const same = open.find((c) => c.url === target);
			if (same) return same.focus();
			return sw.clients.openWindow(target);
		})()
	);
});
