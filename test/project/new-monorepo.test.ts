import * as fs from 'fs';
import * as path from 'path';
import { listFiles } from '../support/examples';
import { digest, packLibrary, PROJEN_VERSION, run } from '../support/projen-new';

describe('npx projen new --from <tarball> vehicle-app-monorepo', () => {
  test('creates a repository to which an app is added in .projenrc.ts; its own `npx projen` writes the app and leaves no drift', () => {
    // GIVEN the library as users get it: compiled by jsii and packed
    const { work, tarball } = packLibrary('projen-new-monorepo-');
    const project = path.join(work, 'fleet');
    fs.mkdirSync(project);

    // WHEN a user creates a repository from it and adds an app
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tarball, 'vehicle-app-monorepo', '--no-git'], project);
    const projenrcFile = path.join(project, '.projenrc.ts');
    const projenrc = fs.readFileSync(projenrcFile, 'utf8');
    expect(projenrc).toMatch(/import \{ VehicleAppMonorepo \} from "projen-velocitas";/);
    expect(projenrc).toMatch(/name: "fleet"/);
    fs.writeFileSync(projenrcFile, projenrc.replace('project.synth();', "project.addApp({ name: 'speed-monitor' });\nproject.synth();"));
    run('npx', ['projen'], project);

    // THEN the app, its chart, the shared runtime and the workflows are there
    const files = listFiles(project);
    expect(files).toEqual(expect.arrayContaining([
      'apps/speed-monitor/AppManifest.json', 'apps/speed-monitor/Dockerfile', 'deploy/helm/speed-monitor/Chart.yaml',
      'deploy/helm/runtime/Chart.yaml', '.github/workflows/ci.yml', '.github/workflows/release.yml', '.github/scripts/changed-apps.sh',
    ]));
    // AND a second `npx projen` changes nothing
    const before = digest(project);
    run('npx', ['projen'], project);
    expect(digest(project)).toEqual(before);
  }, 900_000);
});
