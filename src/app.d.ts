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
		}
	}
}

export {};
