import { api } from '$lib/server/http';
import * as opinions from '$lib/server/services/opinions';
import type { RequestHandler } from './$types';

/** Proxies and WeChat's gateways drop an idle stream; a comment line every so often keeps it. */
const KEEPALIVE_MS = 25_000;

/**
 * The community board as server-sent events, for readers without a sign-in (REFERENCE.md §6):
 * `event: changed` whenever `GET …/opinions` would answer something new, and `event: ready`
 * once following, so a reader fetches the list then and on every change after it.
 */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const encoder = new TextEncoder();
		let push: (chunk: string) => void = () => {};
		let stop = () => {};
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				push = (chunk) => {
					try {
						controller.enqueue(encoder.encode(chunk));
					} catch {
						stop();
					}
				};
			},
			cancel: () => stop()
		});
		const data = JSON.stringify({ communityId: event.params.communityId });
		const unwatch = await opinions.followBoard(event.locals.ctx, event.params.communityId, () =>
			push(`event: changed\ndata: ${data}\n\n`)
		);
		const keepalive = setInterval(() => push(': keepalive\n\n'), KEEPALIVE_MS);
		stop = () => {
			clearInterval(keepalive);
			unwatch();
		};
		push(`retry: 5000\nevent: ready\ndata: ${data}\n\n`);
		return new Response(stream, {
			headers: {
				'content-type': 'text/event-stream; charset=utf-8',
				'cache-control': 'no-store',
				// nginx buffers proxied answers by default, which would hold every event back.
				'x-accel-buffering': 'no'
			}
		});
	});
