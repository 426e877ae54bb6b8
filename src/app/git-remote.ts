import { spawnSync } from 'child_process';
import { resolve } from 'path';
import { normaliseRepositoryUrl } from './repository-url';

/**
 * The web URL of a git remote: an https URL as is, an SSH remote (`git@github.com:acme/app.git`,
 * `ssh://git@github.com/acme/app.git`) as its https form; credentials in the URL are dropped (they must not
 * reach `.projenrc.ts`). Undefined when it names no host and path.
 * @internal
 */
export function remoteWebUrl(remote: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):\/?(.+)$/.exec(remote.trim());
  let url: URL;
  try {
    url = new URL(scp ? `https://${scp[1]}/${scp[2]}` : remote.trim());
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) return undefined;
  return normaliseRepositoryUrl(`https://${url.hostname}${url.pathname}`)?.webUrl;
}

/** The web URL of the `origin` remote of the git repository `dir` is in, or undefined when there is none. @internal */
export function gitRemoteUrl(dir: string): string | undefined {
  const result = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd: dir, encoding: 'utf8' });
  return result.status === 0 ? remoteWebUrl(result.stdout) : undefined;
}

/**
 * `projen new` options with the repository URL of the git remote, when the user gave none and there is one:
 * set in the options and in `__new__.args`, from which projen writes `.projenrc.ts`, so it stays set.
 * Other options are returned as they are.
 * @internal
 */
export function withGitRemote<T extends { readonly repositoryUrl?: string; readonly outdir?: string }>(options: T, cwd = process.cwd()): T {
  const init = (options as any).__new__;
  if (!init || options.repositoryUrl !== undefined) return options;
  const dir = options.outdir === undefined ? cwd : resolve(cwd, options.outdir);
  const repositoryUrl = gitRemoteUrl(dir);
  if (repositoryUrl === undefined) return options;
  return { ...options, repositoryUrl, __new__: { ...init, args: { ...init.args, repositoryUrl } } };
}
