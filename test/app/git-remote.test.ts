import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { VehicleAppProject } from '../../src';
import { remoteWebUrl, withGitRemote } from '../../src/app/git-remote';

process.env.PROJEN_DISABLE_POST = 'true';

/** An empty git repository, with `origin` set when a remote is given. */
function gitRepo(remote?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'git-remote-'));
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  };
  git('init', '--quiet');
  if (remote) git('remote', 'add', 'origin', remote);
  return dir;
}

/** Options as `projen new` passes them: the args, and the same args under __new__ (from which it writes .projenrc.ts). */
function newOptions(args: Record<string, unknown>): any {
  return { ...args, __new__: { fqn: 'projen-velocitas.VehicleAppProject', args, comments: 0, synth: true, post: false } };
}

describe('projen new takes the repository URL from the git remote', () => {
  test.each([
    ['git@github.com:acme/seat-adjuster.git', 'https://github.com/acme/seat-adjuster'],
    ['ssh://git@github.com/acme/seat-adjuster.git', 'https://github.com/acme/seat-adjuster'],
    ['https://github.com/acme/seat-adjuster.git', 'https://github.com/acme/seat-adjuster'],
    // A token in the remote must never reach .projenrc.ts.
    ['https://x-access-token:ghs_secret@github.com/acme/seat-adjuster.git', 'https://github.com/acme/seat-adjuster'],
    ['/srv/git/seat-adjuster.git', undefined],
    ['file:///srv/git/seat-adjuster.git', undefined],
  ])('the remote %s is the repository %s', (remote, expected) => {
    expect(remoteWebUrl(remote)).toBe(expected);
  });

  test('in a clone, the remote is set in the options and in the args .projenrc.ts is written from', () => {
    const dir = gitRepo('git@github.com:acme/seat-adjuster.git');
    const options = withGitRemote(newOptions({ name: 'seat-adjuster' }), dir);
    expect(options.repositoryUrl).toBe('https://github.com/acme/seat-adjuster');
    expect(options.__new__.args.repositoryUrl).toBe('https://github.com/acme/seat-adjuster');
  });

  test('a URL the user gives wins; without a remote, or outside projen new, nothing changes', () => {
    const clone = gitRepo('git@github.com:acme/seat-adjuster.git');
    const given = newOptions({ name: 'seat-adjuster', repositoryUrl: 'https://github.com/other/repo' });
    expect(withGitRemote(given, clone)).toBe(given);
    const bare = newOptions({ name: 'seat-adjuster' });
    expect(withGitRemote(bare, gitRepo())).toBe(bare);
    const synth: { name: string; repositoryUrl?: string } = { name: 'seat-adjuster' };
    expect(withGitRemote(synth, clone)).toBe(synth);
  });

  test('the project created in a clone gets the ghcr.io owner of its remote', () => {
    const dir = gitRepo('git@github.com:acme/seat-adjuster.git');
    // A project type projen resolves without a compiled assembly: only the constructor's handling of __new__ is under test.
    const project = new VehicleAppProject({
      name: 'seat-adjuster',
      outdir: dir,
      ...({ __new__: { fqn: 'projen.typescript.TypeScriptProject', args: { name: 'seat-adjuster' }, comments: 0, synth: false, post: false } } as {}),
    });
    expect(project.image.name).toBe('ghcr.io/acme/seat-adjuster/seat-adjuster');
  });
});
