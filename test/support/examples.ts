import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository's examples: each a real .projenrc.ts importing 'projen-velocitas'. */
export const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

export function exampleNames(): string[] {
  return fs.readdirSync(EXAMPLES_DIR).filter(n => fs.existsSync(path.join(EXAMPLES_DIR, n, '.projenrc.ts'))).sort();
}

/**
 * Runs an example's .projenrc.ts with `outdir` as the working directory, the way `npx projen` would,
 * without the post-synth npm install. 'projen-velocitas' must resolve to this repository's sources
 * (jest moduleNameMapper, or the resolve hook of scripts/demo.ts).
 */
export function synthesizeExample(name: string, outdir?: string): string {
  const dir = outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  fs.mkdirSync(dir, { recursive: true });
  const cwd = process.cwd();
  const previousPost = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    const file = path.join(EXAMPLES_DIR, name, '.projenrc.ts');
    fs.copyFileSync(file, path.join(dir, '.projenrc.ts'));
    process.chdir(dir);
    if (typeof jest !== 'undefined') {
      // A .projenrc.ts is a script: running it means loading it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require(file));
    } else {
      delete require.cache[require.resolve(file)];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    }
  } finally {
    process.chdir(cwd);
    if (previousPost === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = previousPost;
  }
  return dir;
}

/** Every file below `dir`, relative, sorted; node_modules excluded. */
export function listFiles(dir: string): string[] {
  const result: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else result.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return result.sort();
}
