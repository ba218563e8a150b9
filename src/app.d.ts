import type { Ctx, Viewer } from '$lib/server/services/context';

declare global {
	namespace App {
		interface Error {
			code?: string;
			message: string;
		}
		interface Locals {
			ctx: Ctx;
			viewer: Viewer;
			/** 长辈版 is on for this request (its cookie). */
			large: boolean;
			/** This request met a lost store (hooks.server.ts: answered 503 `store_unavailable`). */
			storeUnavailable?: boolean;
		}
	}
}

export {};
