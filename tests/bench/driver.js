/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * A load-client process: bench.js forks one per scenario, so clients never share an event loop
 * with the server (or with the orchestrator). It runs `scenarios/<name>.js`, whose `run(ctx)`
 * answers a JSON-able result. `ctx.call(target, cmd, args)` reaches the orchestrator:
 *   target 'probe:<server key>' → the server probe (lag, mem, cpu profile, sql)
 *   target 'orch'               → orchestrator services (start/stop a baseline server)
 */
const pending = new Map();
let nextId = 1;

function call(target, cmd, args) {
	return new Promise((resolve, reject) => {
		const id = nextId++;
		pending.set(id, { resolve, reject });
		process.send({ type: 'call', id, target, cmd, args });
	});
}

function log(text) {
	process.send({ type: 'log', text: String(text) });
}

process.on('message', async (msg) => {
	if (msg?.type === 'call-result') {
		const p = pending.get(msg.id);
		if (!p) return;
		pending.delete(msg.id);
		if (msg.error) p.reject(new Error(msg.error));
		else p.resolve(msg.result);
		return;
	}
	if (msg?.type !== 'run') return;
	try {
		const mod = await import(`./scenarios/${msg.scenario}.js`);
		const result = await mod.run({
			params: msg.params,
			servers: msg.servers,
			quick: msg.quick,
			outDir: msg.outDir,
			profile: msg.profile,
			call,
			log
		});
		process.send({ type: 'done', result }, () => process.exit(0));
	} catch (error) {
		process.send({ type: 'failed', error: String(error?.stack ?? error) }, () => process.exit(1));
	}
});
