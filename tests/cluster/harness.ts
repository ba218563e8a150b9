/**
 * Cluster harness: a private `redis-server` on a random port (so a test can stop and restart
 * it), a fresh Postgres database, N production nodes (`node build/server.js`, the integration
 * harness's `startServer`) and a small real proxy in front — round-robin, no stickiness, HTTP and
 * WebSocket upgrades forwarded, a refused backend skipped — so clients see one ORIGIN as they
 * would behind nginx.
 *
 * Needs the `redis-server` binary and DATABASE_URL. Without them `clusterAvailability()` says
 * why; the test files then skip loudly, or fail under REQUIRE_CLUSTER=1 (what `.ci/run` sets).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import postgres from 'postgres';
import { startServer, type ServerHandle, type ServerLike } from '../integration/harness';

export function clusterAvailability(): { ok: true } | { ok: false; why: string } {
	if (!process.env.DATABASE_URL) return { ok: false, why: 'DATABASE_URL is not set' };
	const probe = spawnSync(process.env.REDIS_SERVER ?? 'redis-server', ['--version']);
	if (probe.error || probe.status !== 0)
		return { ok: false, why: 'no redis-server binary (apt-get install -y redis-server)' };
	return { ok: true };
}

/** Says loudly why the cluster tests do not run; under REQUIRE_CLUSTER=1 that is a failure. */
export function skipOrFail(): boolean {
	const available = clusterAvailability();
	if (available.ok) return false;
	const line = `!!! CLUSTER TESTS SKIPPED: ${available.why} !!!`;
	if (process.env.REQUIRE_CLUSTER === '1') throw new Error(`${line} (REQUIRE_CLUSTER=1)`);
	console.warn(`\n${line}\n`);
	return true;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as AddressInfo;
			s.close(() => resolve(port));
		});
	});
}

export interface PrivateRedis {
	port: number;
	url: string;
	stop(): Promise<void>;
	start(): Promise<void>;
}

/** A redis-server of our own, without persistence (a restart loses everything, like a crash). */
export async function startRedis(): Promise<PrivateRedis> {
	const port = await freePort();
	let child: ChildProcess | null = null;
	const start = async () => {
		child = spawn(
			process.env.REDIS_SERVER ?? 'redis-server',
			['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
			{ stdio: ['ignore', 'pipe', 'pipe'] }
		);
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
			child!.stdout!.on('data', (chunk: Buffer) => {
				if (/Ready to accept connections/i.test(chunk.toString())) {
					clearTimeout(timer);
					resolve();
				}
			});
			child!.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
		});
	};
	await start();
	return {
		port,
		url: `redis://127.0.0.1:${port}`,
		start,
		async stop() {
			const c = child;
			if (!c || c.exitCode !== null) return;
			await new Promise<void>((resolve) => {
				c.once('exit', () => resolve());
				c.kill('SIGKILL');
			});
		}
	};
}

export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	const base = process.env.DATABASE_URL!;
	const name = `yishi_cluster_${randomBytes(4).toString('hex')}`;
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	await admin.end();
	const url = new URL(base);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		async drop() {
			const a = postgres(base, { max: 1, onnotice: () => {} });
			await a.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
			await a.end();
		}
	};
}

/** Round-robin over live backends; no stickiness; skips a backend that refuses. */
export class Proxy implements ServerLike {
	readonly backends: number[] = [];
	#next = 0;
	#server: Server;
	#sockets = new Set<net.Socket>();
	port = 0;

	constructor() {
		this.#server = createServer((req, res) => {
			const attempt = (tries: number) => {
				const port = this.pick();
				const upstream = request(
					{ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
					(answer) => {
						res.writeHead(answer.statusCode ?? 502, answer.headers);
						answer.pipe(res);
					}
				);
				upstream.on('error', () => {
					if (tries > 0 && !res.headersSent) attempt(tries - 1);
					else if (!res.headersSent) res.writeHead(502).end();
					else res.destroy();
				});
				req.pipe(upstream);
			};
			attempt(this.backends.length);
		});
		this.#server.on('upgrade', (req, client, head) => {
			this.#sockets.add(client as net.Socket);
			client.on('close', () => this.#sockets.delete(client as net.Socket));
			client.on('error', () => client.destroy());
			const attempt = (tries: number) => {
				const upstream = net.connect(this.pick(), '127.0.0.1');
				let opened = false;
				upstream.once('connect', () => {
					opened = true;
					const lines = [`${req.method} ${req.url} HTTP/1.1`];
					for (let i = 0; i < req.rawHeaders.length; i += 2)
						lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
					upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
					if (head.length) upstream.write(head);
					upstream.pipe(client);
					client.pipe(upstream);
					upstream.on('close', () => client.destroy());
					client.on('close', () => upstream.destroy());
				});
				upstream.on('error', () => {
					if (!opened && tries > 0) attempt(tries - 1);
					else client.destroy();
				});
			};
			attempt(this.backends.length);
		});
	}

	private pick(): number {
		const port = this.backends[this.#next++ % this.backends.length];
		if (port === undefined) throw new Error('no backend');
		return port;
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
		this.port = (this.#server.address() as AddressInfo).port;
	}

	get origin() {
		return `http://localhost:${this.port}`;
	}

	url(pathname = '/') {
		return `http://127.0.0.1:${this.port}${pathname}`;
	}

	async close() {
		for (const s of this.#sockets) s.destroy();
		this.#server.closeAllConnections();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}
}

export interface Cluster {
	redis: PrivateRedis;
	databaseUrl: string;
	proxy: Proxy;
	nodes: ServerHandle[];
	/** Starts one more node (all nodes share DATABASE_URL, REDIS_URL and ORIGIN). */
	addNode(): Promise<ServerHandle>;
	dispose(): Promise<void>;
}

export async function startCluster(
	count: number,
	env: Record<string, string | undefined> = {}
): Promise<Cluster> {
	const redis = await startRedis();
	const db = await createDatabase();
	const proxy = new Proxy();
	await proxy.listen();
	const nodes: ServerHandle[] = [];
	const addNode = async () => {
		const node = await startServer({
			store: 'postgres',
			database: db.url,
			env: { REDIS_URL: redis.url, ORIGIN: proxy.origin, ...env }
		});
		nodes.push(node);
		proxy.backends.push(node.port);
		return node;
	};
	// Started together on an empty database: the migrations race is part of what is tested.
	try {
		await Promise.all(Array.from({ length: count }, addNode));
	} catch (error) {
		await Promise.all(nodes.map((n) => n.kill9().catch(() => {})));
		await proxy.close();
		await redis.stop();
		await db.drop();
		throw error;
	}
	return {
		redis,
		databaseUrl: db.url,
		proxy,
		nodes,
		addNode,
		async dispose() {
			await Promise.all(nodes.map((n) => n.kill9().catch(() => {})));
			await proxy.close();
			await redis.stop();
			await db.drop();
		}
	};
}

/** A ServerLike for one node directly (not through the proxy), keeping the cluster's ORIGIN. */
export function direct(node: ServerHandle, proxy: Proxy): ServerLike {
	return { origin: proxy.origin, url: (p = '/') => `http://127.0.0.1:${node.port}${p}` };
}
