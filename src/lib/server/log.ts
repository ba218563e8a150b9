import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON object per line on stdout (REFERENCE.md §1). */
export function createLogger(level: string): Logger {
	return pino({ level, base: { app: 'yishi' }, timestamp: pino.stdTimeFunctions.isoTime });
}
