import { execSync } from 'child_process';
import { createHash } from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { Component, javascript } from 'projen';
import { AppInterface, VehicleAppProject, VehicleAppProjectOptions } from '../../src';
// The module object itself, so a spy replaces the function projen calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports, import/order
import fs = require('fs');

const FIRST: Partial<VehicleAppProjectOptions> = { repositoryUrl: 'https://github.com/acme/seat-adjuster' };
// Changes most files, adds some and makes release.yml an orphan that synth deletes.
const SECOND: Partial<VehicleAppProjectOptions> = {
  ...FIRST,
  version: '2.0.0',
  interfaces: [AppInterface.pubSub({ reads: ['seat/request'], writes: ['seat/response'] })],
  workflows: { release: false },
};

function project(outdir: string, options: Partial<VehicleAppProjectOptions>): VehicleAppProject {
  return new VehicleAppProject({ name: 'seat-adjuster', outdir, ...options });
}

/** Every path under `dir` with its type, mode and content hash: equal strings mean byte- and mode-equal trees. */
function tree(dir: string): string {
  const lines: string[] = [];
  const walk = (current: string) => {
    for (const name of fs.readdirSync(current).sort()) {
      const full = path.join(current, name);
      const stat = fs.lstatSync(full);
      const mode = (stat.mode % 0o10000).toString(8);
      const relative = path.relative(dir, full);
      if (stat.isDirectory()) {
        lines.push(`${relative}/ ${mode}`);
        walk(full);
      } else {
        const content = stat.isSymbolicLink() ? fs.readlinkSync(full) : fs.readFileSync(full);
        lines.push(`${relative} ${mode} ${createHash('sha256').update(content).digest('hex')}`);
      }
    }
  };
  walk(dir);
  return lines.join('\n');
}

/** A synthesized project with a file of the user's (executable) beside the generated ones. */
function synthesizedOnce(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-atomic-'));
  project(outdir, FIRST).synth();
  fs.writeFileSync(path.join(outdir, 'app', 'run.sh'), '#!/bin/sh\nexec python3 src/main.py\n', { mode: 0o755 });
  expect(fs.existsSync(path.join(outdir, '.github', 'workflows', 'release.yml'))).toBe(true);
  return outdir;
}

/** A component that throws at one stage, after checking that synth had already changed the tree. */
class FailingComponent extends Component {
  public treeChangedBeforeFailure = false;
  public constructor(owner: VehicleAppProject, private readonly stage: 'preSynthesize' | 'synthesize' | 'postSynthesize', private readonly before: string) {
    super(owner);
  }
  public preSynthesize(): void {
    this.failAt('preSynthesize');
  }
  public synthesize(): void {
    this.failAt('synthesize');
  }
  public postSynthesize(): void {
    this.failAt('postSynthesize');
  }
  private failAt(stage: string): void {
    if (stage !== this.stage) return;
    this.treeChangedBeforeFailure = tree(this.project.outdir) !== this.before;
    throw new Error(`injected failure in ${stage}`);
  }
}

function errnoError(code: string, target: unknown): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, write '${String(target)}'`), { code });
}

describe('a failing synth leaves the tree as it was, byte for byte and mode for mode', () => {
  const savedPost = process.env.PROJEN_DISABLE_POST;
  beforeEach(() => {
    process.env.PROJEN_DISABLE_POST = 'true';
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env.PROJEN_DISABLE_POST = savedPost;
  });

  test('a problem in the options stops construction', () => {
    // GIVEN
    const outdir = synthesizedOnce();
    const before = tree(outdir);
    // WHEN
    expect(() => project(outdir, { ...SECOND, version: 'two' })).toThrow(/version: "two" is not a semantic version/);
    // THEN
    expect(tree(outdir)).toEqual(before);
  });

  test.each(['preSynthesize', 'synthesize'] as const)('a component throws in %s', stage => {
    // GIVEN
    const outdir = synthesizedOnce();
    const before = tree(outdir);
    const changed = project(outdir, SECOND);
    const failing = new FailingComponent(changed, stage, before);
    // WHEN
    expect(() => changed.synth()).toThrow(`injected failure in ${stage}`);
    // THEN (in synthesize, the other components had written their files and release.yml was gone)
    expect(failing.treeChangedBeforeFailure).toBe(stage === 'synthesize');
    expect(tree(outdir)).toEqual(before);
  });

  test.each([
    ['ENOSPC (disk full), midway through a file', 'ENOSPC'],
    ['EACCES (read-only file)', 'EACCES'],
  ])('a write fails with %s', (_name, code) => {
    // GIVEN
    const outdir = synthesizedOnce();
    const before = tree(outdir);
    const changed = project(outdir, SECOND);
    const write = fs.writeFileSync;
    let writes = 0;
    jest.spyOn(fs, 'writeFileSync').mockImplementation((file, data, options) => {
      if (++writes < 20) return write(file, data, options);
      // What a full disk leaves: the first half of the file.
      if (code === 'ENOSPC') write(file, String(data).slice(0, String(data).length / 2));
      throw errnoError(code, file);
    });
    // WHEN
    expect(() => changed.synth()).toThrow(code);
    // THEN
    expect(writes).toBe(20);
    expect(tree(outdir)).toEqual(before);
  });

  test('chmod fails after the file was written', () => {
    // GIVEN
    const outdir = synthesizedOnce();
    const before = tree(outdir);
    const changed = project(outdir, SECOND);
    const chmod = fs.chmodSync;
    jest.spyOn(fs, 'chmodSync').mockImplementation((file, mode) => {
      if (String(file).endsWith(path.join('app', 'Dockerfile'))) throw errnoError('EPERM', file);
      chmod(file, mode);
    });
    // WHEN / THEN
    expect(() => changed.synth()).toThrow('EPERM');
    expect(tree(outdir)).toEqual(before);
  });

  test('a component throws in postSynthesize', () => {
    // GIVEN post-synthesis on, npm install left out (it needs the registry)
    const outdir = synthesizedOnce();
    delete process.env.PROJEN_DISABLE_POST;
    const before = tree(outdir);
    const changed = project(outdir, SECOND);
    jest.spyOn(changed.package as any, 'installDependencies').mockImplementation(() => undefined);
    const failing = new FailingComponent(changed, 'postSynthesize', before);
    // WHEN
    expect(() => changed.synth()).toThrow('injected failure in postSynthesize');
    // THEN
    expect(failing.treeChangedBeforeFailure).toBe(true);
    expect(tree(outdir)).toEqual(before);
  });

  test('npm install fails after rewriting package-lock.json in its own process', () => {
    // GIVEN a project with a lock file
    const outdir = synthesizedOnce();
    delete process.env.PROJEN_DISABLE_POST;
    fs.writeFileSync(path.join(outdir, 'package-lock.json'), '{"lockfileVersion": 3}\n');
    const before = tree(outdir);
    const changed = project(outdir, SECOND);
    jest.spyOn(changed.package as any, 'installDependencies').mockImplementation(() => {
      execSync('echo "{}" > package-lock.json && mkdir -p node_modules', { cwd: outdir });
      throw new Error('npm ERR! network: getaddrinfo ENOTFOUND registry.npmjs.org');
    });
    // WHEN
    expect(() => changed.synth()).toThrow('ENOTFOUND');
    // THEN everything but node_modules (npm's) is as it was
    fs.rmSync(path.join(outdir, 'node_modules'), { recursive: true, force: true });
    expect(tree(outdir)).toEqual(before);
  });

  test('a failing synth into a new directory removes it', () => {
    // GIVEN
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-atomic-')), 'new', 'seat-adjuster');
    const fresh = project(outdir, SECOND);
    new FailingComponent(fresh, 'synthesize', '');
    // WHEN / THEN
    expect(() => fresh.synth()).toThrow('injected failure');
    expect(fs.existsSync(path.dirname(outdir))).toBe(false);
  });
});

describe('a successful synth', () => {
  beforeEach(() => {
    process.env.PROJEN_DISABLE_POST = 'true';
  });

  test('writes the tree projen writes without the journal', () => {
    // GIVEN two copies of a synthesized project
    const journaled = synthesizedOnce();
    const plain = synthesizedOnce();
    // WHEN one is changed through VehicleAppProject.synth, the other through projen's own synth
    project(journaled, SECOND).synth();
    javascript.NodeProject.prototype.synth.call(project(plain, SECOND));
    // THEN both trees are equal, and release.yml was deleted in both
    expect(tree(journaled)).toEqual(tree(plain));
    expect(fs.existsSync(path.join(journaled, '.github', 'workflows', 'release.yml'))).toBe(false);
  });

  test('leaves fs as it was', () => {
    const write = fs.writeFileSync;
    const remove = fs.rmSync;
    project(fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-atomic-')), FIRST).synth();
    expect(fs.writeFileSync).toBe(write);
    expect(fs.rmSync).toBe(remove);
  });
});
