/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/** Forks tests/bench/crowd.js and talks to it. */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CROWD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../crowd.js');

export function startCrowd() {
	const child = fork(CROWD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	const ask = (msg, answer) =>
		new Promise((resolve, reject) => {
			const on = (m) => {
				if (m.type === 'error') {
					child.off('message', on);
					reject(new Error(m.error));
				} else if (m.type === answer) {
					child.off('message', on);
					resolve(m);
				}
			};
			child.on('message', on);
			child.send(msg);
		});
	return {
		pid: child.pid,
		open: (server, sessionId, docName, members) => ask({ type: 'open', server, sessionId, docName, members }, 'ready'),
		stats: () => ask({ type: 'stats' }, 'stats'),
		close: () => ask({ type: 'close' }, 'closed').catch(() => child.kill('SIGKILL'))
	};
}
