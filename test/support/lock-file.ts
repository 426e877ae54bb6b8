import * as fs from 'fs';

/**
 * Dependencies a package-lock.json (v2/v3) requires but holds no entry for, as `<dependent> -> <name>`.
 * `npm ci` refuses such a lock ("Missing: ... from lock file"); npm leaves other platforms' optional
 * packages out when it writes the lock on a machine that skips them (npm/cli#4828, #7961).
 */
export function missingLockEntries(lockFile: string): string[] {
  const packages: { [key: string]: any } = JSON.parse(fs.readFileSync(lockFile, 'utf8')).packages ?? {};
  const missing: string[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    if (entry.link) continue;
    const edges = { ...entry.dependencies, ...entry.optionalDependencies, ...(key === '' ? entry.devDependencies : {}) };
    for (const name of Object.keys(edges)) {
      if (!resolves(packages, key, name)) missing.push(`${key || '(root)'} -> ${name}`);
    }
  }
  return missing;
}

/** Node's lookup: `<key>/node_modules/<name>`, then each enclosing node_modules up to the root. */
function resolves(packages: { [key: string]: any }, from: string, name: string): boolean {
  let base = from;
  for (;;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (!base) return false;
    const at = base.lastIndexOf('node_modules/');
    base = at <= 0 ? '' : base.slice(0, at - 1);
  }
}
