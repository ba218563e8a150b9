// Compiles src/server.ts to build/server.js (Node 20 cannot run TypeScript; src/lib/server/ARCHITECTURE.md trap 9).
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const source = readFileSync('src/server.ts', 'utf8');
const { outputText, diagnostics } = ts.transpileModule(source, {
	compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
	reportDiagnostics: true,
	fileName: 'server.ts'
});
if (diagnostics?.length) {
	console.error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})));
	process.exit(1);
}
const out = `${process.env.YISHI_BUILD_DIR || 'build'}/server.js`;
writeFileSync(out, outputText);
console.log(`${out} written`);
