import * as fs from 'fs';
import * as path from 'path';
import { projenrcCommand } from '../../src/projenrc/projenrc-typescript';
import { missingLockEntries } from '../support/lock-file';
import { digest, packLibrary, PROJEN_VERSION, run } from '../support/projen-new';

describe('npx projen new --from <tarball> vehicle-app', () => {
  test('creates a project whose own `npx projen` succeeds and leaves no drift', () => {
    // GIVEN the library as users get it: compiled by jsii and packed
    const { work, tarball } = packLibrary('projen-new-');
    const project = path.join(work, 'seat-adjuster');
    fs.mkdirSync(project);

    // WHEN a user creates a project from it in an empty directory
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tarball, 'vehicle-app', '--no-git'], project);

    // THEN the project definition is TypeScript using our project type
    const projenrc = fs.readFileSync(path.join(project, '.projenrc.ts'), 'utf8');
    expect(projenrc).toMatch(/import \{ VehicleAppProject \} from "projen-velocitas";/);
    expect(projenrc).toMatch(/name: "seat-adjuster"/);
    expect(JSON.parse(fs.readFileSync(path.join(project, 'app', 'AppManifest.json'), 'utf8'))).toMatchObject({ manifestVersion: 'v3', name: 'seat-adjuster' });
    const tasks = JSON.parse(fs.readFileSync(path.join(project, '.projen', 'tasks.json'), 'utf8')).tasks;
    // runs on plain Node through the library's loader: no npx wrapper, no TypeScript loader over node_modules
    expect(tasks.default.steps).toEqual([{ exec: projenrcCommand('.projenrc.ts') }]);

    // AND its own `npx projen` succeeds and changes nothing
    const before = digest(project);
    run('npx', ['projen'], project);
    expect(digest(project)).toEqual(before);

    // AND type-checking .projenrc.ts is a task of its own
    run('npx', ['projen', 'typecheck'], project);

    // AND its lock file is complete, so `npm ci` (what its CI runs) installs from it
    expect(missingLockEntries(path.join(project, 'package-lock.json'))).toEqual([]);
    fs.rmSync(path.join(project, 'node_modules'), { recursive: true, force: true });
    run('npm', ['ci', '--no-audit', '--no-fund'], project);
    run('npx', ['projen'], project);
    expect(digest(project)).toEqual(before);
  }, 900_000);
});
