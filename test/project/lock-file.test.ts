import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { missingLockEntries } from '../support/lock-file';

const ROOT = path.resolve(__dirname, '..', '..');

describe('package-lock.json', () => {
  test('holds an entry for every dependency of every package, other platforms\' optional ones included (npm ci needs them)', () => {
    expect(missingLockEntries(path.join(ROOT, 'package-lock.json'))).toEqual([]);
  });

  test('the check finds an optional binding of another platform that npm left out', () => {
    // GIVEN a lock whose resolver lists two platform bindings but holds one
    const lock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'package-lock.json');
    fs.writeFileSync(lock, JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { devDependencies: { resolver: '^1' } },
        'node_modules/resolver': { version: '1.0.0', optionalDependencies: { 'binding-linux-x64': '1.0.0', 'binding-darwin-arm64': '1.0.0' } },
        'node_modules/binding-linux-x64': { version: '1.0.0', optional: true },
        'node_modules/a': { version: '1.0.0', dependencies: { b: '1' } },
        'node_modules/a/node_modules/b': { version: '1.0.0', dependencies: { resolver: '1' } },
      },
    }));
    // WHEN / THEN the missing binding is named; nested and hoisted entries resolve
    expect(missingLockEntries(lock)).toEqual(['node_modules/resolver -> binding-darwin-arm64']);
  });
});
