/**
 * The layers of src/lib/server/ARCHITECTURE.md, held by `npm run lint`:
 * domain (pure) ← db ← services ← realtime / routes; drizzle only inside db/; routes reach the
 * store through services; components hold no server code; no import cycle anywhere in src/.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			severity: 'error',
			comment: 'An import cycle makes every module in it load (and change) together.',
			from: { path: '^src/' },
			to: { circular: true }
		},
		{
			name: 'domain-is-pure',
			severity: 'error',
			comment: 'domain/ takes state + command and returns state + events: no I/O, no outer layer.',
			from: { path: '^src/lib/server/domain/', pathNot: '[.]spec[.]ts$' },
			to: {
				path: [
					'^src/lib/server/(db|services|realtime|auth|cluster|access)/',
					'^src/routes/',
					'^(node:)?(fs|net|http|https|child_process)$',
					'drizzle-orm',
					'socket[.]io',
					'postgres',
					'@electric-sql/pglite'
				]
			}
		},
		{
			name: 'drizzle-only-in-db',
			severity: 'error',
			comment: 'Queries live in db/, one module per aggregate; everything else calls those.',
			from: { path: '^src/', pathNot: '^src/lib/server/db/' },
			// Not anchored: a git worktree whose node_modules is a symlink resolves it elsewhere.
			to: { path: '(^|/)node_modules/drizzle-orm/' }
		},
		{
			name: 'db-below-services',
			severity: 'error',
			comment: 'db/ knows tables, not orchestration or transport.',
			from: { path: '^src/lib/server/db/' },
			to: { path: '^src/lib/server/(services|realtime|access)/' }
		},
		{
			name: 'services-below-transport',
			severity: 'error',
			comment:
				'Services reach sockets only through the RealtimeHooks seam, never realtime/ or routes/.',
			from: { path: '^src/lib/server/services/' },
			to: { path: ['^src/lib/server/realtime/', '^src/routes/'] }
		},
		{
			name: 'routes-call-services',
			severity: 'error',
			comment: 'Routes are thin: parse, call a service, answer. The store is behind services.',
			from: { path: '^src/routes/' },
			to: { path: '^src/lib/server/db/' }
		},
		{
			name: 'no-server-in-components',
			severity: 'error',
			comment: 'Components run in the browser: nothing under lib/server, no server-only file.',
			from: { path: '^src/lib/(components|client)/' },
			to: { path: ['^src/lib/server/', '[.]server[.]ts$'] }
		}
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		exclude: { path: ['^src/lib/paraglide/', '[.]svelte-kit'] },
		// `$lib` resolved through a small tsconfig of its own: SvelteKit's generated one has no baseUrl.
		tsConfig: { fileName: 'tests/tools/tsconfig.layers.json' },
		tsPreCompilationDeps: true,
		enhancedResolveOptions: {
			exportsFields: ['exports'],
			conditionNames: ['import', 'require', 'node', 'default', 'types'],
			extensions: ['.ts', '.js', '.svelte', '.svelte.ts', '.json']
		}
	}
};
