// Synthesizes the seat-adjuster example into demo-out/ and lists what it wrote.
import * as fs from 'fs';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module');

const root = path.resolve(__dirname, '..');
// The example imports 'projen-velocitas' as a user would; here that name means this repository's sources.
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request: string, ...rest: unknown[]) {
  return resolve.call(this, request === 'projen-velocitas' ? path.join(root, 'src', 'index.ts') : request, ...rest);
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { synthesizeExample, listFiles } = require('../test/support/examples');

const example = process.argv[2] ?? 'seat-adjuster';
const outdir = path.join(root, 'demo-out', example);
fs.rmSync(outdir, { recursive: true, force: true });
const started = Date.now();
synthesizeExample(example, outdir);
const files: string[] = listFiles(outdir);
console.log(`Synthesized examples/${example}/.projenrc.ts into ${path.relative(root, outdir)}/ in ${Date.now() - started} ms:`);
for (const file of files) {
  console.log(`  ${file.padEnd(56)} ${fs.statSync(path.join(outdir, file)).size} bytes`);
}
console.log(`${files.length} files.`);
