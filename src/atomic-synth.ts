// The module object itself (not a namespace copy): projen calls its functions through it, so a wrapper set here is seen.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fs = require('fs');
import * as path from 'path';

// Taken when this module loads, before anything (a test's spy included) replaces them: a rollback must not fail the same way.
const real = {
  lstatSync: fs.lstatSync,
  readFileSync: fs.readFileSync,
  readdirSync: fs.readdirSync,
  readlinkSync: fs.readlinkSync,
  writeFileSync: fs.writeFileSync,
  chmodSync: fs.chmodSync,
  mkdirSync: fs.mkdirSync,
  rmSync: fs.rmSync,
  symlinkSync: fs.symlinkSync,
};

/** The fs functions that change the tree, and which of their arguments name paths they change. */
const MUTATORS: { [name: string]: number[] } = {
  writeFileSync: [0],
  appendFileSync: [0],
  truncateSync: [0],
  chmodSync: [0],
  lchmodSync: [0],
  mkdirSync: [0],
  rmSync: [0],
  rmdirSync: [0],
  unlinkSync: [0],
  copyFileSync: [1],
  cpSync: [1],
  renameSync: [0, 1],
  symlinkSync: [1],
  linkSync: [1],
};

type Original =
  | { readonly kind: 'absent' }
  | { readonly kind: 'file'; readonly mode: number; readonly content: Buffer }
  | { readonly kind: 'dir'; readonly mode: number }
  | { readonly kind: 'link'; readonly target: string };

/**
 * Runs `synth` so that it changes the tree under `outdir` completely or not at all: every path is remembered (content,
 * mode, or absence) before its first change, and when `synth` throws, every remembered path is put back.
 *
 * In-process writes are journaled (projen's files, cleanup of orphaned files, sample files, chmod). `alsoKeep` names
 * paths a child process may change (npm install writes package-lock.json); node_modules is npm's and not kept.
 * @internal
 */
export function synthesizeAtomically(outdir: string, synth: () => void, alsoKeep: string[] = []): void {
  const journal = new Journal(path.resolve(outdir));
  for (const kept of alsoKeep) journal.remember(path.resolve(outdir, kept));
  const unwatch = journal.watch();
  try {
    synth();
  } catch (error) {
    unwatch();
    try {
      journal.rollBack();
    } catch (rollBackError) {
      // The one case the tree may stay changed: say so, with both causes.
      throw new Error(`${(error as Error).message}\nRestoring ${outdir} after that failed too, so files may be changed: ${(rollBackError as Error).message}`);
    }
    throw error;
  } finally {
    unwatch();
  }
}

class Journal {
  private readonly originals = new Map<string, Original>();

  public constructor(private readonly root: string) {
    // A project directory that synth would create goes too, with the missing folders above it.
    let missing: string | undefined;
    for (let dir = root; !exists(dir) && dir !== path.dirname(dir); dir = path.dirname(dir)) missing = dir;
    if (missing !== undefined) this.originals.set(missing, { kind: 'absent' });
  }

  /** Wraps the fs mutators to remember each path first; returns the function that unwraps them. */
  public watch(): () => void {
    const fsModule = fs as unknown as { [name: string]: (...args: unknown[]) => unknown };
    const wrapped: Array<[string, (...args: unknown[]) => unknown]> = [];
    for (const [name, pathArgs] of Object.entries(MUTATORS)) {
      const original = fsModule[name];
      if (typeof original !== 'function') continue;
      const journal = this;
      fsModule[name] = function (this: unknown, ...args: unknown[]) {
        for (const i of pathArgs) journal.beforeChange(args[i], name === 'mkdirSync');
        return original.apply(this, args);
      };
      wrapped.push([name, original]);
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const [name, original] of wrapped) fsModule[name] = original;
    };
  }

  /** Remembers `target` (recursively, for a directory) unless it is outside the tree or already remembered. */
  public remember(target: string): void {
    if (!this.isInside(target) || this.originals.has(target)) return;
    let stat: fs.Stats;
    try {
      stat = real.lstatSync(target);
    } catch {
      this.originals.set(target, { kind: 'absent' });
      return;
    }
    if (stat.isSymbolicLink()) {
      this.originals.set(target, { kind: 'link', target: real.readlinkSync(target) });
    } else if (stat.isDirectory()) {
      this.originals.set(target, { kind: 'dir', mode: permissionsOf(stat) });
      for (const entry of real.readdirSync(target)) this.remember(path.join(target, entry));
    } else {
      this.originals.set(target, { kind: 'file', mode: permissionsOf(stat), content: real.readFileSync(target) });
    }
  }

  /** Puts every remembered path back as it was: new paths go, changed and removed ones return with their mode. */
  public rollBack(): void {
    const entries = [...this.originals.entries()];
    for (const [target, original] of [...entries].reverse()) {
      if (original.kind === 'absent') real.rmSync(target, { recursive: true, force: true });
    }
    for (const [target, original] of entries) {
      if (original.kind === 'dir') {
        if (!isDirectory(target)) {
          real.rmSync(target, { recursive: true, force: true });
          real.mkdirSync(target, { recursive: true });
        }
      } else if (original.kind !== 'absent') {
        real.rmSync(target, { recursive: true, force: true });
        real.mkdirSync(path.dirname(target), { recursive: true });
        if (original.kind === 'link') {
          real.symlinkSync(original.target, target);
        } else {
          real.writeFileSync(target, original.content);
          real.chmodSync(target, original.mode);
        }
      }
    }
    // Last, so that a read-only directory's files could be written first.
    for (const [target, original] of entries) if (original.kind === 'dir') real.chmodSync(target, original.mode);
  }

  private beforeChange(target: unknown, creates: boolean): void {
    if (typeof target !== 'string' && !(target instanceof URL) && !Buffer.isBuffer(target)) return;
    const absolute = path.resolve(this.root, target instanceof URL ? target.pathname : target.toString());
    if (creates) {
      // mkdir changes nothing that exists; mkdir -p creates the missing ancestors too.
      for (let dir = absolute; this.isInside(dir) && !exists(dir); dir = path.dirname(dir)) this.remember(dir);
      return;
    }
    this.remember(absolute);
  }

  private isInside(target: string): boolean {
    const relative = path.relative(this.root, target);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }
}

function exists(target: string): boolean {
  try {
    real.lstatSync(target);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(target: string): boolean {
  try {
    return real.lstatSync(target).isDirectory();
  } catch {
    return false;
  }
}

/** The permission bits (with setuid, setgid and sticky) of a stat's mode. */
function permissionsOf(stat: fs.Stats): number {
  return stat.mode % 0o10000;
}
