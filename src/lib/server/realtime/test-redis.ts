/**
 * Test-only: a private `redis-server` on a random free port, owned (and stopped, restarted) by
 * the test that starts it — nothing persisted, nothing shared with other suites. Without the
 * binary, suites are skipped with a loud line, or fail under REQUIRE_CLUSTER=1 (CI sets it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export const REDIS_BINARY = process.env.REDIS_SERVER_PATH || 'redis-server';

/** Whether `redis-server` can run here; prints the loud skip line once when it cannot. */
export function redisServerAvailable(suite: string): boolean {
	const probe = spawnSync(REDIS_BINARY, ['--version'], { encoding: 'utf8' });
	if (probe.status === 0) return true;
	const message = `${suite}: no ${REDIS_BINARY} on this machine (apt-get install -y redis-server)`;
	if (process.env.REQUIRE_CLUSTER === '1') {
		throw new Error(`${message}, and REQUIRE_CLUSTER=1 makes that a failure`);
	}
	const bar = '!'.repeat(78);
	console.warn(`\n${bar}\n!!  SKIPPED ${message}\n${bar}\n`);
	return false;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export interface PrivateRedis {
	readonly url: string;
	readonly port: number;
	/** SIGTERM and wait for the exit (clients see the connection drop). */
	stop(): Promise<void>;
	/** Starts it again on the same port (after `stop`). */
	start(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
	const port = await freePort();
	let child: ChildProcess | null = null;
	const launch = () =>
		new Promise<void>((resolve, reject) => {
			const proc = spawn(
				REDIS_BINARY,
				['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
				{ stdio: ['ignore', 'pipe', 'pipe'] }
			);
			child = proc;
			let output = '';
			const onData = (chunk: Buffer) => {
				output += chunk.toString();
				if (output.includes('Ready to accept connections')) {
					proc.stdout?.off('data', onData);
					proc.stdout?.resume();
					resolve();
				}
			};
			proc.stdout?.on('data', onData);
			proc.stderr?.resume();
			proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
		});
	const stop = async () => {
		const proc = child;
		child = null;
		if (!proc || proc.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			proc.once('exit', () => resolve());
			proc.kill('SIGTERM');
		});
	};
	process.once('exit', () => child?.kill('SIGKILL'));
	await launch();
	return { url: `redis://127.0.0.1:${port}`, port, stop, start: launch };
}
