// Preloaded by the default task (`node --require projen-velocitas/lib/projenrc/register .projenrc.ts`):
// the project's own .ts files are transpiled (cached), everything in node_modules loads as plain JavaScript.
import * as fs from 'fs';
import { projenrcCacheDir, transpileProjenrc } from './projenrc-typescript';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module');
const cacheDir = projenrcCacheDir(process.cwd());

// Node 22.1+ keeps compiled bytecode of every module loaded from here on (half the cost of loading the libraries).
Module.enableCompileCache?.(`${cacheDir}/v8`);

Module._extensions['.ts'] = (module: { _compile(code: string, fileName: string): void }, fileName: string) => {
  module._compile(transpileProjenrc(fs.readFileSync(fileName, 'utf8'), fileName, cacheDir), fileName);
};
