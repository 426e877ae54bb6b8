import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { BASE, project } from './support';
import { ActionPinning, AppInterface, AppLanguage, DatapointAccess, VehicleAppProject, VehicleAppProjectOptions } from '../../src';
import { ACTION_PINS } from '../../src/workflows/action-pins';
import { WRAPPER_TOOLS, hadolint, testWithTools } from '../validators/tools';

const NEW_SHA = 'f'.repeat(40);
const TAG_PINS = { workflows: { actionPinning: ActionPinning.VERSION } };
const NEW_DIGEST = `sha256:${'a'.repeat(64)}`;

function read(outdir: string, file: string): string {
  return fs.readFileSync(path.join(outdir, file), 'utf8');
}

/** Edits a pin file the way a Dependabot pull request does: one reference (and its comment) replaced. */
function bump(outdir: string, file: string, from: string, to: string): void {
  const text = read(outdir, file);
  expect(text).toContain(from);
  fs.writeFileSync(path.join(outdir, file), text.replace(from, to));
}

/** Constructs and synthesizes the project again in the same folder, as `npx projen` on the bumped branch. */
function resynth(outdir: string, options: Partial<VehicleAppProjectOptions> = {}): void {
  new VehicleAppProject({ ...BASE, outdir, ...options } as VehicleAppProjectOptions).synth();
}

/** Every file below `dir`, with its content. */
function snapshot(dir: string): { [file: string]: string } {
  const files: { [file: string]: string } = {};
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach(e => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else files[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
  });
  walk(dir);
  return files;
}

describe('pin files: Dependabot bumps them, npx projen renders the bumps into the generated files', () => {
  test('a bumped action release reaches every workflow step that uses it, by SHA or by tag, and the pin file keeps it', () => {
    // GIVEN a synthesized project (actions referenced by commit SHA, the default)
    const p = project();
    p.synth();
    const checkout = ACTION_PINS['actions/checkout'];
    expect(read(p.outdir, '.github/workflows/ci.yml')).toContain(`actions/checkout@${checkout.sha}  # ${checkout.version}\n`);

    // WHEN Dependabot bumps actions/checkout in the pin file and the project is synthesized again
    bump(p.outdir, '.github/pins/action.yml', `actions/checkout@${checkout.sha}  # ${checkout.version}`, `actions/checkout@${NEW_SHA}  # v4.3.0`);
    resynth(p.outdir);

    // THEN every step uses the new SHA with the new tag as its comment, and the pin file keeps it
    for (const workflow of ['ci.yml', 'release.yml']) {
      const text = read(p.outdir, `.github/workflows/${workflow}`);
      expect(text).toContain(`actions/checkout@${NEW_SHA}  # v4.3.0\n`);
      expect(text).not.toContain(checkout.sha);
    }
    expect(read(p.outdir, '.github/pins/action.yml')).toContain(`actions/checkout@${NEW_SHA}  # v4.3.0\n`);

    // WHEN the project switches to tag pins: THEN the bumped release is what every step uses
    resynth(p.outdir, TAG_PINS);
    for (const workflow of ['ci.yml', 'release.yml']) {
      const text = read(p.outdir, `.github/workflows/${workflow}`);
      expect(text).toContain('actions/checkout@v4.3.0\n');
      expect(text).not.toContain(`actions/checkout@${checkout.version}`);
    }
  });

  test('a pin older than the library\'s (an upgrade of projen-velocitas) gives way to the library\'s', () => {
    // GIVEN a pin file holding an older checkout than the library knows
    const p = project();
    p.synth();
    const checkout = ACTION_PINS['actions/checkout'];
    bump(p.outdir, '.github/pins/action.yml', `actions/checkout@${checkout.sha}  # ${checkout.version}`, `actions/checkout@${NEW_SHA}  # v4.0.0`);
    // WHEN
    resynth(p.outdir);
    // THEN the library's release is used and written back
    expect(read(p.outdir, '.github/workflows/ci.yml')).toContain(`actions/checkout@${checkout.sha}  # ${checkout.version}\n`);
    expect(read(p.outdir, '.github/pins/action.yml')).toContain(`actions/checkout@${checkout.sha}  # ${checkout.version}\n`);
  });

  test('a bumped base image tag and digest reach the Dockerfile; an image set in the options is not listed', () => {
    // GIVEN
    const p = project();
    p.synth();
    expect(read(p.outdir, '.github/pins/Dockerfile')).toContain('FROM docker.io/library/python:3.12-slim-bookworm AS python\n');

    // WHEN Dependabot moves the tag and pins a digest
    const bumped = `docker.io/library/python:3.13-slim-bookworm@${NEW_DIGEST}`;
    bump(p.outdir, '.github/pins/Dockerfile', 'docker.io/library/python:3.12-slim-bookworm', bumped);
    resynth(p.outdir);

    // THEN
    expect(read(p.outdir, 'app/Dockerfile')).toContain(`ARG PYTHON_IMAGE=${bumped}\n`);
    expect(read(p.outdir, '.github/pins/Dockerfile')).toContain(`FROM ${bumped} AS python\n`);
    // AND the CI tests and the devcontainer follow the image's Python
    expect(read(p.outdir, '.github/workflows/ci.yml')).toContain('python-version: "3.13"');
    expect(JSON.parse(read(p.outdir, '.devcontainer/devcontainer.json')).image).toBe('mcr.microsoft.com/devcontainers/python:1-3.13-bookworm');

    // WHEN the options choose the image: the option wins and the pin file no longer lists it
    resynth(p.outdir, { language: AppLanguage.CPP, container: { cpp: { builderImage: 'registry.corp/debian:bookworm' } } });
    expect(read(p.outdir, 'app/Dockerfile')).toContain('ARG BUILDER_IMAGE=registry.corp/debian:bookworm\n');
    expect(read(p.outdir, '.github/pins/Dockerfile')).not.toMatch(/ AS (python|cpp-builder)$/m);
  });

  test('a bumped runtime-service image reaches the chart and the Kanto manifests', () => {
    // GIVEN a project whose pin file lists the runtime services
    const p = project({ interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] })] });
    p.synth();
    // WHEN Dependabot moves the databroker to a new tag and digest
    const bumped = `ghcr.io/eclipse-kuksa/kuksa-databroker:0.6.0@${NEW_DIGEST}`;
    bump(p.outdir, '.github/pins/Dockerfile', 'ghcr.io/eclipse-kuksa/kuksa-databroker:0.5.0', bumped);
    resynth(p.outdir, { interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] })] });
    // THEN
    const chart = `deploy/helm/${p.app.name}/charts/databroker`;
    expect(parse(read(p.outdir, `${chart}/Chart.yaml`)).appVersion).toBe('0.6.0');
    expect(parse(read(p.outdir, `${chart}/values.yaml`)).image).toMatchObject({ repository: 'ghcr.io/eclipse-kuksa/kuksa-databroker', digest: NEW_DIGEST });
    expect(JSON.parse(read(p.outdir, 'deploy/kanto/databroker.json')).image.name).toBe(bumped);
    expect(read(p.outdir, '.github/pins/Dockerfile')).toContain(`FROM ${bumped} AS databroker\n`);
  });

  test('a digest from container.baseImageDigests is written into the pin file, where Dependabot takes it over', () => {
    const p = project({ container: { baseImageDigests: { 'docker.io/library/python:3.12-slim-bookworm': NEW_DIGEST } } });
    p.synth();
    expect(read(p.outdir, '.github/pins/Dockerfile')).toContain(`FROM docker.io/library/python:3.12-slim-bookworm@${NEW_DIGEST} AS python\n`);
    // The option and the pin now say the same; synthesizing again changes nothing.
    const options = { container: { baseImageDigests: { 'docker.io/library/python:3.12-slim-bookworm': NEW_DIGEST } } };
    const before = snapshot(p.outdir);
    resynth(p.outdir, options);
    expect(snapshot(p.outdir)).toEqual(before);
    // When Dependabot moves the tag and digest on, the pin file wins and the (now stale) option is no error.
    const bumped = `docker.io/library/python:3.13-slim-bookworm@sha256:${'b'.repeat(64)}`;
    bump(p.outdir, '.github/pins/Dockerfile', `docker.io/library/python:3.12-slim-bookworm@${NEW_DIGEST}`, bumped);
    resynth(p.outdir, options);
    expect(read(p.outdir, 'app/Dockerfile')).toContain(`ARG PYTHON_IMAGE=${bumped}\n`);
  });

  test('the action pin file lists exactly the actions the workflows use', () => {
    const p = project({ workflows: { release: false, signing: false, scan: false } });
    p.synth();
    const listed = [...read(p.outdir, '.github/pins/action.yml').matchAll(/uses: ([^@]+)@/g)].map(m => m[1]);
    const workflow = read(p.outdir, '.github/workflows/ci.yml');
    const used = [...new Set([...workflow.matchAll(/uses: ([^@]+)@/g)].map(m => m[1]))].sort();
    expect(listed).toEqual(used);
    expect(listed).not.toContain('sigstore/cosign-installer');
  });

  test('an unreadable pin line, or a tag where a SHA is required, fails naming the file and line; nothing is written', () => {
    // GIVEN a synthesized project pinning SHAs whose pin files a hand edit broke
    const p = project();
    p.synth();
    bump(p.outdir, '.github/pins/Dockerfile', ' AS python', '');
    const kind = ACTION_PINS['helm/kind-action'];
    bump(p.outdir, '.github/pins/action.yml', `helm/kind-action@${kind.sha}  # ${kind.version}`, 'helm/kind-action@v1.13.0');
    bump(p.outdir, '.github/pins/action.yml', `actions/setup-node@${ACTION_PINS['actions/setup-node'].sha}`, 'actions/setup-node@@bad');
    const before = snapshot(p.outdir);

    // WHEN / THEN
    expect(() => resynth(p.outdir)).toThrow(new RegExp([
      '\\.github/pins/Dockerfile:4: "FROM docker\\.io/library/python:3\\.12-slim-bookworm" is not a pin line \\("FROM <image>:<tag>\\[@sha256:<digest>\\] AS <role>"\\)',
      '\\.github/pins/action\\.yml:\\d+: "- uses: actions/setup-node@@bad.*" is not a pin line .*Fix: correct the line',
      'workflows\\.actionPinning: "commit-sha" cannot be honoured: no known commit SHA for helm/kind-action\\. Fix: pin the release\'s commit SHA in \\.github/pins/action\\.yml',
    ].join('[\\s\\S]*')));
    expect(snapshot(p.outdir)).toEqual(before);
  });

  test('without Dependabot there are no pin files (those of an earlier synth are removed) and the library pins apply', () => {
    const p = project();
    p.synth();
    expect(fs.existsSync(path.join(p.outdir, '.github/pins/action.yml'))).toBe(true);
    resynth(p.outdir, { workflows: { dependabot: false, actionPinning: ActionPinning.COMMIT_SHA } });
    expect(fs.existsSync(path.join(p.outdir, '.github/pins'))).toBe(false);
    expect(read(p.outdir, '.github/workflows/ci.yml')).toContain(`actions/checkout@${ACTION_PINS['actions/checkout'].sha}`);
  });

  testWithTools(WRAPPER_TOOLS.hadolint, 'hadolint reports nothing on the base image pin file (both languages)', () => {
    for (const language of [AppLanguage.PYTHON, AppLanguage.CPP]) {
      const p = project({ language });
      p.synth();
      hadolint(path.join(p.outdir, '.github/pins/Dockerfile'));
    }
  });
});
