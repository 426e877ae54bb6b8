import { spawnSync } from 'child_process';

/**
 * The arguments bash passes to `program` when it runs `script` (the program replaced by a function that
 * prints them, one per line): what a rendered command really does after quoting and variable expansion.
 */
export function argumentsOf(program: string, script: string, env: Record<string, string> = {}): string[] {
  const res = spawnSync('bash', ['-c', `${program}() { printf '%s\\n' "$@"; }\n${script}`], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (res.status !== 0) throw new Error(`bash exited ${res.status}: ${res.stderr}`);
  return res.stdout.trimEnd().split('\n');
}
