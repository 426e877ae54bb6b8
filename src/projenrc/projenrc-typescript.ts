import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Task } from 'projen';

/**
 * Compiler options of `.projenrc.ts`: written to tsconfig.projen.json (for `npx projen typecheck` and editors)
 * and used by the loader that runs it, so both read the file the same way.
 * @internal
 */
export const PROJENRC_COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'commonjs',
  moduleResolution: 'node',
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
};

/**
 * The default task's command: plain Node with our loader preloaded, no npx wrapper, no TypeScript loader over node_modules.
 * @internal
 */
export function projenrcCommand(projenrcFile: string): string {
  return `node --require projen-velocitas/lib/projenrc/register ${projenrcFile}`;
}

/**
 * Makes `task` (the project's default task) run `.projenrc.ts` with the loader.
 * @internal
 */
export function runProjenrcWithLoader(task: Task, projenrcFile: string): void {
  task.reset(projenrcCommand(projenrcFile));
  // Synthesis needs no node_modules/.bin on PATH: the caller's PATH spares the `npx -c` projen's NodeProject
  // evaluates before every task (about 1 s of CPU, as long as the whole synthesis).
  task.env('PATH', '$(echo $PATH)');
}

/** Where transpiled `.projenrc.ts` files and Node's compile cache live (node_modules is never committed). */
export function projenrcCacheDir(projectDir: string): string {
  return path.join(projectDir, 'node_modules', '.cache', 'projen-velocitas');
}

/**
 * JavaScript for one TypeScript file of the project's projenrc, transpiled once per content and cached:
 * a synth whose `.projenrc.ts` did not change never loads the TypeScript compiler.
 * @internal
 */
export function transpileProjenrc(source: string, fileName: string, cacheDir: string): string {
  const typescriptDir = path.dirname(require.resolve('typescript/package.json', { paths: [path.dirname(fileName)] }));
  const typescriptVersion = JSON.parse(fs.readFileSync(path.join(typescriptDir, 'package.json'), 'utf8')).version;
  const key = crypto.createHash('sha256')
    .update(JSON.stringify([typescriptVersion, PROJENRC_COMPILER_OPTIONS, fileName]))
    .update(source)
    .digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached, 'utf8');

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(typescriptDir) as typeof import('typescript');
  const { options, errors } = ts.convertCompilerOptionsFromJson(PROJENRC_COMPILER_OPTIONS, path.dirname(fileName));
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, '\n'));
  const javascript = ts.transpileModule(source, { compilerOptions: { ...options, noEmit: false }, fileName }).outputText;
  // Rename into place: a synth interrupted mid-write never leaves a truncated cache entry.
  fs.mkdirSync(cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(partial, javascript);
  fs.renameSync(partial, cached);
  return javascript;
}
