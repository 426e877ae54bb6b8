import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { allSteps, project, step, synthYaml } from './support';
import { ActionPinning, AppLanguage, VehicleAppProject, VehicleAppProjectOptions, VulnerabilitySeverity } from '../../src';
import { ACTION_PINS, ActionReferences } from '../../src/workflows/action-pins';
import { argumentsOf } from '../support/shell';
import { testWithTools } from '../validators/tools';

const SERVICES: Partial<VehicleAppProjectOptions> = {
  runtime: { databroker: true, mqttBroker: true },
};

describe('ci.yml', () => {
  test('builds exactly project.image.platforms, each on its native runner, QEMU only where none exists', () => {
    // GIVEN
    const p = project({ image: { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] } });
    // WHEN
    const ci = synthYaml(p).yaml('.github/workflows/ci.yml');
    // THEN
    const include = ci.jobs.build.strategy.matrix.include;
    expect(include.map((m: any) => m.platform)).toEqual(p.image.platforms.map(x => x.id));
    expect(include.map((m: any) => [m.runner, m.emulated])).toEqual([['ubuntu-24.04', false], ['ubuntu-24.04-arm', false], ['ubuntu-24.04', true]]);
    expect(step(ci, 'build', 'qemu').if).toBe('matrix.emulated');
    const build = step(ci, 'build', 'build');
    expect(build.with['cache-from']).toBe('type=gha,scope=${{ matrix.slug }}');
    expect(include.map((m: any) => m.slug)).toEqual(p.image.platforms.map(x => x.slug));
    expect(ci.jobs.merge.env.EXPECTED_PLATFORMS).toBe('linux/amd64,linux/arm/v7,linux/arm64');
  });

  test('every run: block runs in bash with pipefail, in ci.yml and release.yml', () => {
    const out = synthYaml(project());
    for (const file of ['.github/workflows/ci.yml', '.github/workflows/release.yml']) {
      expect(out.yaml(file).defaults).toEqual({ run: { shell: 'bash' } });
    }
  });

  test('no QEMU step when every platform has a native runner', () => {
    const ci = synthYaml(project()).yaml('.github/workflows/ci.yml');
    expect(ci.jobs.build.steps.map((s: any) => s.id)).not.toContain('qemu');
  });

  test('pushes by digest the image the chart deploys', () => {
    // GIVEN
    const p = project(SERVICES);
    // WHEN
    const out = synthYaml(p);
    const ci = out.yaml('.github/workflows/ci.yml');
    const values = out.yaml(`${p.helmChart.chartDir}/values.yaml`);
    // THEN
    expect(ci.env.IMAGE_NAME).toBe(p.image.name);
    expect(values.image.repository).toBe(p.image.name);
    for (const entry of ci.jobs.build.strategy.matrix.include) {
      expect(entry['push-output']).toBe(`type=image,name=${p.image.name},push-by-digest=true,name-canonical=true,push=true`);
    }
    expect(step(ci, 'build', 'build').with.outputs).toBe("${{ env.PUSH_IMAGE == 'true' && matrix.push-output || matrix.local-output }}");
    expect(ci.env.PUSH_IMAGE).toBe("${{ github.event_name != 'pull_request' && !github.event.repository.fork }}");
    expect(ci.jobs.merge.if).toBe("github.event_name != 'pull_request' && !github.event.repository.fork");
  });

  test('the integration test installs the generated chart, by its path, with the image of this run', () => {
    // GIVEN
    const p = project(SERVICES);
    // WHEN
    const out = synthYaml(p);
    const ci = out.yaml('.github/workflows/ci.yml');
    // THEN the chart path is the chart the project generates
    const job = ci.jobs['integration-test'];
    expect(job.env.CHART_DIR).toBe(p.helmChart.chartDir);
    expect(out.files[`${job.env.CHART_DIR}/Chart.yaml`]).toBeDefined();
    expect(out.files[`${job.env.CHART_DIR}/charts/databroker/Chart.yaml`]).toBeDefined();
    expect(out.files[`${job.env.CHART_DIR}/charts/mqtt/Chart.yaml`]).toBeDefined();
    // AND the image under test is the pushed digest (push) or this run's build (pull request), loaded into kind
    expect(step(ci, 'integration-test', 'pull').run).toContain('docker pull "$IMAGE_NAME@$digest"');
    expect(step(ci, 'integration-test', 'pull').run).toContain('docker tag "$IMAGE_NAME@$digest" "$IMAGE_NAME:ci"');
    expect(step(ci, 'integration-test', 'build').with.tags).toBe('${{ env.IMAGE_NAME }}:ci');
    expect(step(ci, 'integration-test', 'download-digest').with.name).toBe('digest-${{ matrix.slug }}');
    expect(step(ci, 'integration-test', 'load').env).toEqual({ PLATFORM: '${{ matrix.platform }}' });
    expect(step(ci, 'integration-test', 'load').run).toContain('docker save --platform "$PLATFORM" "$IMAGE_NAME:ci" --output "$RUNNER_TEMP/image.tar"');
    // AND every natively built platform is tested on its own runner, with the build's artifact names,
    // on the chart's oldest Kubernetes and on the newest kind offers, each kind node image pinned by digest
    expect(job['runs-on']).toBe('${{ matrix.runner }}');
    const floor = expect.stringMatching(/^kindest\/node:v1\.27\.16@sha256:[0-9a-f]{64}$/);
    const newest = expect.stringMatching(/^kindest\/node:v1\.36\.1@sha256:[0-9a-f]{64}$/);
    expect(job.strategy.matrix.include).toEqual([
      { 'platform': 'linux/amd64', 'slug': 'linux-amd64', 'runner': 'ubuntu-24.04', 'kubernetes': 'v1.27.16', 'node-image': floor },
      { 'platform': 'linux/amd64', 'slug': 'linux-amd64', 'runner': 'ubuntu-24.04', 'kubernetes': 'v1.36.1', 'node-image': newest },
      { 'platform': 'linux/arm64', 'slug': 'linux-arm64', 'runner': 'ubuntu-24.04-arm', 'kubernetes': 'v1.27.16', 'node-image': floor },
      { 'platform': 'linux/arm64', 'slug': 'linux-arm64', 'runner': 'ubuntu-24.04-arm', 'kubernetes': 'v1.36.1', 'node-image': newest },
    ]);
    expect(job.name).toBe('Integration test (${{ matrix.platform }}, Kubernetes ${{ matrix.kubernetes }})');
    expect(step(ci, 'integration-test', 'kind').with).toEqual({ version: 'v0.32.0', cluster_name: 'ci', node_image: '${{ matrix.node-image }}' });
    // AND Helm 4 installs and tests the chart
    expect(step(ci, 'integration-test', 'setup-helm').with.version).toMatch(/^v4\./);
    const built = ci.jobs.build.strategy.matrix.include.map((b: any) => [b.platform, b.slug, b.runner]);
    for (const t of job.strategy.matrix.include) expect(built).toContainEqual([t.platform, t.slug, t.runner]);
    // AND a pull request's rebuild carries the same label values as the build job's image
    expect(step(ci, 'integration-test', 'build').with['build-args']).toBe(step(ci, 'build', 'build').with['build-args']);
    expect(step(ci, 'integration-test', 'load').run).toContain('kind load image-archive "$RUNNER_TEMP/image.tar" --name ci');
    // AND the chart is installed with the image under test and the services (the words helm receives)
    const deploy = step(ci, 'integration-test', 'deploy').run;
    expect(argumentsOf('helm', deploy, { RELEASE: 'ci', NAMESPACE: 'ci', CHART_DIR: job.env.CHART_DIR, IMAGE_NAME: 'img' })).toStrictEqual([
      'upgrade', '--install', 'ci', job.env.CHART_DIR, '--namespace', 'ci', '--create-namespace', '--wait', '--timeout', '5m',
      '--set', 'databroker.enabled=true', '--set', 'mqtt.enabled=true',
      '--set-string', 'image.repository=img', '--set-string', 'image.tag=ci', '--set-string', 'image.pullPolicy=Never',
    ]);
    expect(argumentsOf('helm', step(ci, 'integration-test', 'helm-test').run, { RELEASE: 'ci', NAMESPACE: 'ci' }))
      .toStrictEqual(['test', 'ci', '--namespace', 'ci', '--logs', '--timeout', '5m']);
    // AND the cluster runs the oldest Kubernetes the chart supports
    expect(out.yaml(`${job.env.CHART_DIR}/Chart.yaml`).kubeVersion).toBe('>=1.27.0-0');
    // AND the Python integration tests reach the services through port-forwards
    expect(step(ci, 'integration-test', 'port-forward').run).toMatch(/forward "service\/\$RELEASE-databroker" 55555\nforward "service\/\$RELEASE-mqtt" 1883/);
    expect(step(ci, 'integration-test', 'integration-test').env).toEqual({ INTEGRATION_REQUIRED: '1', VDB_PORT: '55555', MQTT_PORT: '1883' });
    // AND tags are pushed only after every gate passed
    expect(ci.jobs.merge.needs).toEqual(['unit-test', 'drift', 'build', 'integration-test']);
  });

  testWithTools(['jq', 'bash'], 'the merge job checks the platforms of the manifest list before it pushes any tag', () => {
    // GIVEN the merge job, with docker answering the dry run from a canned manifest list
    const ci = synthYaml(project()).yaml('.github/workflows/ci.yml');
    const ids = ci.jobs.merge.steps.map((s: any) => s.id);
    expect(ids.indexOf('verify')).toBeLessThan(ids.indexOf('create'));
    expect(step(ci, 'merge', 'verify').run).not.toMatch(/imagetools create (?!--dry-run)/);
    const verify = (platforms: Array<{ os: string; architecture: string; variant?: string }>) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-'));
      fs.mkdirSync(path.join(dir, 'digests'));
      for (const d of ['a', 'b']) fs.writeFileSync(path.join(dir, 'digests', d.repeat(64)), '');
      fs.writeFileSync(path.join(dir, 'list.json'), JSON.stringify({ manifests: platforms.map(platform => ({ platform })) }));
      fs.writeFileSync(path.join(dir, 'docker'), [
        '#!/bin/sh',
        'echo "$*" >> "$RUNNER_TEMP/docker-calls"',
        'case "$*" in *--dry-run*) cat "$RUNNER_TEMP/list.json";; *) exit 9;; esac',
      ].join('\n'), { mode: 0o755 });
      const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', step(ci, 'merge', 'verify').run], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, RUNNER_TEMP: dir, IMAGE_NAME: 'ghcr.io/acme/app', EXPECTED_PLATFORMS: ci.jobs.merge.env.EXPECTED_PLATFORMS },
      });
      return { ...result, calls: fs.readFileSync(path.join(dir, 'docker-calls'), 'utf8') };
    };
    // WHEN / THEN every platform (attestation manifests aside): passes, having only dry-run
    const attestation = { os: 'unknown', architecture: 'unknown' };
    const both = verify([{ os: 'linux', architecture: 'arm64' }, attestation, { os: 'linux', architecture: 'amd64' }, attestation]);
    expect([both.status, both.stderr]).toEqual([0, '']);
    expect(both.calls).toMatch(/^buildx imagetools create --dry-run --tag ghcr\.io\/acme\/app:verify ghcr\.io\/acme\/app@sha256:a{64} ghcr\.io\/acme\/app@sha256:b{64}\n$/);
    // WHEN / THEN a platform missing: fails naming both lists
    const missing = verify([{ os: 'linux', architecture: 'amd64' }, attestation]);
    expect([missing.status, missing.stdout]).toEqual([1, expect.stringContaining('would hold [linux/amd64], expected [linux/amd64,linux/arm64]')]);
  });

  testWithTools(['jq', 'bash'], 'the smoke check tolerates restarts before the soak, and fails on one during it or on a pod not ready', () => {
    // GIVEN the step's script, with kubectl answering from canned pod lists and sleep a no-op
    const smoke = step(synthYaml(project(SERVICES)).yaml('.github/workflows/ci.yml'), 'integration-test', 'smoke').run;
    const pods = (restarts: number, ready: boolean) => JSON.stringify({
      items: [{ status: { phase: 'Running', containerStatuses: [{ restartCount: restarts, ready }] } }, { status: { phase: 'Succeeded' } }],
    });
    const runSmoke = (lists: string[]) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-'));
      lists.forEach((l, i) => fs.writeFileSync(path.join(dir, `pods-${i}.json`), l));
      fs.writeFileSync(path.join(dir, 'kubectl'), [
        '#!/bin/sh',
        'case "$*" in *"-o json"*) n=$(cat "$DIR/count" 2>/dev/null || echo 0); echo $((n + 1)) > "$DIR/count"; cat "$DIR/pods-$n.json";; *) echo "(pod table)";; esac',
      ].join('\n'), { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'sleep'), '#!/bin/sh\n', { mode: 0o755 });
      // GitHub runs `run:` blocks with bash -e -o pipefail.
      return spawnSync('bash', ['-e', '-o', 'pipefail', '-c', smoke], {
        encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, DIR: dir, NAMESPACE: 'ns', RELEASE: 'r' },
      });
    };
    // WHEN / THEN
    expect(runSmoke([pods(2, true), pods(2, true), pods(2, true)]).status).toBe(0);
    const restarted = runSmoke([pods(0, true), pods(1, true), pods(1, true)]);
    expect([restarted.status, restarted.stdout]).toEqual([1, expect.stringContaining('restarted during the soak (0 -> 1 restarts)')]);
    const notReady = runSmoke([pods(0, true), pods(0, true), pods(0, false)]);
    expect([notReady.status, notReady.stdout]).toEqual([1, expect.stringContaining('is not running and ready')]);
  });

  test('C++ apps run ctest unit tests, then their integration tests against the forwarded services', () => {
    const ci = synthYaml(project({ language: AppLanguage.CPP, ...SERVICES })).yaml('.github/workflows/ci.yml');
    expect(step(ci, 'unit-test', 'unit-test').run).toContain('ctest --test-dir');
    expect(step(ci, 'unit-test', 'unit-test').run).toContain('--label-exclude integration');
    expect(step(ci, 'unit-test', 'configure').run).toContain('cmake -S app');
    const ids = ci.jobs['integration-test'].steps.map((s: any) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['deploy', 'helm-test', 'smoke', 'port-forward', 'configure', 'build-tests', 'integration-test']));
    expect(step(ci, 'integration-test', 'build-tests').run).toBe('cmake --build "$RUNNER_TEMP/build" --parallel\n');
    expect(ids.indexOf('port-forward')).toBeLessThan(ids.indexOf('integration-test'));
    expect(ids).not.toContain('setup-python');
    const integration = step(ci, 'integration-test', 'integration-test');
    expect(integration.run).toContain('--label-regex integration');
    expect(integration.env).toEqual({ INTEGRATION_REQUIRED: '1', VDB_PORT: '55555', MQTT_PORT: '1883' });
  });

  test('Python apps lint and unit-test with coverage into the job summary', () => {
    const ci = synthYaml(project()).yaml('.github/workflows/ci.yml');
    expect(step(ci, 'unit-test', 'install').run).toBe('python -m pip install -r app/requirements-dev.txt\n');
    expect(step(ci, 'unit-test', 'unit-test').run).toContain('python -m pytest tests/unit --cov=src');
    expect(step(ci, 'unit-test', 'summary').run).toContain('$GITHUB_STEP_SUMMARY');
  });

  test('the drift check runs npx projen on Node 24 by default, and on the configured version', () => {
    const ci = synthYaml(project()).yaml('.github/workflows/ci.yml');
    expect(step(ci, 'drift', 'setup-node').with['node-version']).toBe('24');
    expect(step(ci, 'drift', 'synth').run).toBe('npx projen\n');
    expect(step(ci, 'drift', 'check').run).toContain('git diff --exit-code');
    const ci22 = synthYaml(project({ workflows: { nodeVersion: '22' } })).yaml('.github/workflows/ci.yml');
    expect(step(ci22, 'drift', 'setup-node').with['node-version']).toBe('22');
  });

  test('the scan fails on fixable findings from the configured severity up', () => {
    const ci = synthYaml(project({ workflows: { scanSeverity: VulnerabilitySeverity.HIGH } })).yaml('.github/workflows/ci.yml');
    expect(step(ci, 'build', 'scan').with).toMatchObject({ 'ignore-unfixed': true, 'severity': 'HIGH,CRITICAL', 'exit-code': '1' });
  });

  test('optional parts switch off', () => {
    const out = synthYaml(project({ workflows: { scan: false, integrationTest: false, release: false, signing: false, dependabot: false } }));
    const ci = out.yaml('.github/workflows/ci.yml');
    expect(Object.keys(ci.jobs)).toEqual(['unit-test', 'drift', 'build', 'merge']);
    expect(ci.jobs.build.steps.map((s: any) => s.id)).not.toContain('scan');
    expect(ci.jobs.merge.steps.map((s: any) => s.id)).not.toContain('attest');
    expect(ci.jobs.merge.permissions['id-token']).toBeUndefined();
    expect(out.files['.github/workflows/release.yml']).toBeUndefined();
    expect(out.files['.github/dependabot.yml']).toBeUndefined();
  });
});

describe('release.yml', () => {
  test('promotes the digest CI pushed as sha-<commit> to the semver tags, without rebuilding', () => {
    // GIVEN
    const p = project({ image: { tagPolicy: { semverPatterns: ['{{version}}', '{{major}}'] } } });
    // WHEN
    const release = synthYaml(p).yaml('.github/workflows/release.yml');
    // THEN
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(step(release, 'promote', 'resolve').run).toContain('ref="$IMAGE_NAME:sha-${GITHUB_SHA::7}"');
    expect(step(release, 'promote', 'meta').with.tags).toBe('type=semver,pattern={{version}}\ntype=semver,pattern={{major}}');
    expect(step(release, 'promote', 'promote').run).toContain('docker buildx imagetools create "${tags[@]}" "$IMAGE_NAME@$DIGEST"');
    const uses = allSteps(release).map(s => String(s.step.uses ?? ''));
    expect(uses.some(u => u.startsWith('docker/build-push-action'))).toBe(false);
    expect(step(release, 'promote', 'sign').run).toContain('cosign sign --yes');
    expect(release.jobs.promote.permissions['id-token']).toBe('write');
  });

  test('packages the chart with the tag version and the promoted digest, pushes it to OCI and attaches it to the release', () => {
    const p = project();
    const release = synthYaml(p).yaml('.github/workflows/release.yml');
    expect(release.jobs.chart.env.CHART_DIR).toBe(p.helmChart.chartDir);
    expect(step(release, 'chart', 'pin-image').run).toContain('.image.digest = strenv(DIGEST)');
    expect(step(release, 'chart', 'package').run).toContain('--version "$VERSION" --app-version "$VERSION"');
    expect(step(release, 'chart', 'push').env.CHART_REPOSITORY).toBe('ghcr.io/acme-automotive/charts');
    expect(step(release, 'chart', 'push').run).toContain(`helm push "$RUNNER_TEMP/dist/${p.helmChart.chartName}-$VERSION.tgz" "oci://$CHART_REPOSITORY"`);
    expect(step(release, 'chart', 'collect').run).toContain('app/AppManifest.json');
    expect(step(release, 'github-release', 'release').run).toContain('gh release create "$GITHUB_REF_NAME"');
    expect(release.jobs['github-release'].permissions).toEqual({ contents: 'write' });
  });

  test('exports one SBOM per platform', () => {
    const release = synthYaml(project()).yaml('.github/workflows/release.yml');
    const run = step(release, 'promote', 'sbom').run;
    expect(run).toContain('(index .SBOM "linux/amd64").SPDX');
    expect(run).toContain('(index .SBOM "linux/arm64").SPDX');
    const single = synthYaml(project({ image: { platforms: ['linux/amd64'] } })).yaml('.github/workflows/release.yml');
    expect(step(single, 'promote', 'sbom').run).toContain('{{json .SBOM.SPDX}}');
  });
});

describe('secure by default', () => {
  const variants: Array<Partial<VehicleAppProjectOptions>> = [{}, SERVICES, { language: AppLanguage.CPP, image: { platforms: ['linux/amd64', 'linux/arm/v7'] } }];
  test.each(variants.map((v, i) => [i, v]))('variant %i: least privilege, no token left behind, no expression in run, timeouts, ids, commit SHA pins', (_i, options) => {
    const out = synthYaml(project(options as Partial<VehicleAppProjectOptions>));
    for (const file of ['.github/workflows/ci.yml', '.github/workflows/release.yml']) {
      const wf = out.yaml(file);
      expect(wf.permissions).toEqual({});
      for (const [id, job] of Object.entries<any>(wf.jobs)) {
        expect([id, typeof job.permissions]).toEqual([id, 'object']);
        expect([id, job['timeout-minutes'] > 0]).toEqual([id, true]);
        if (job.permissions['id-token'] === 'write') expect(['merge', 'promote']).toContain(id);
      }
      for (const { job, step: s } of allSteps(wf)) {
        expect([job, s.id]).toEqual([job, expect.stringMatching(/^[a-z][a-z0-9-]*$/)]);
        if (s.run) expect([job, s.id, s.run.includes('${{')]).toEqual([job, s.id, false]);
        if (s.uses) expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        if (String(s.uses).startsWith('actions/checkout')) expect(s.with['persist-credentials']).toBe(false);
      }
    }
  });

  test('commit SHAs by default, each with its release tag and each permission with its reason as a comment; tags one option away', () => {
    const out = synthYaml(project());
    const checkout = ACTION_PINS['actions/checkout'];
    const ci = out.files['.github/workflows/ci.yml'] as string;
    expect(step(out.yaml('.github/workflows/ci.yml'), 'drift', 'checkout').uses).toBe(`actions/checkout@${checkout.sha}`);
    expect(ci).toContain(`uses: actions/checkout@${checkout.sha}  # ${checkout.version}\n`);
    // Every uses line carries its tag, every permission entry its reason (zizmor pedantic checks the latter).
    for (const file of ['.github/workflows/ci.yml', '.github/workflows/release.yml']) {
      const lines = (out.files[file] as string).split('\n');
      expect(lines.filter(l => /^\s*(- )?uses: /.test(l) && !/  # v\d+\.\d+\.\d+$/.test(l))).toEqual([]);
      lines.forEach((line, i) => {
        if (!/^\s*permissions:$/.test(line)) return;
        const indent = line.search(/\S/);
        for (let k = i + 1; k < lines.length && lines[k].search(/\S/) > indent; k++) expect(lines[k]).toMatch(/^\s+[a-z-]+: (read|write)  # \w.+$/);
      });
    }
    expect(out.files['.github/zizmor.yml']).toBeUndefined();

    const tagged = synthYaml(project({ workflows: { actionPinning: ActionPinning.VERSION } }));
    expect(step(tagged.yaml('.github/workflows/ci.yml'), 'drift', 'checkout').uses).toBe(`actions/checkout@${checkout.version}`);
    expect(tagged.files['.github/zizmor.yml']).toBeUndefined();
  });

  test('steps are patched by id', () => {
    const p = project();
    p.workflows.ci.patchStep('build', 'build', { with: { ...p.workflows.ci.getStep('build', 'build').with, 'build-args': 'X=1' } });
    const ci = synthYaml(p).yaml('.github/workflows/ci.yml');
    expect(step(ci, 'build', 'build').with['build-args']).toBe('X=1');
  });
});

describe('dependabot', () => {
  test('updates the action and base image pin files, the library and the pip requirements; never a generated file', () => {
    const py = synthYaml(project()).yaml('.github/dependabot.yml');
    expect(py.updates.map((u: any) => [u['package-ecosystem'], u.directory])).toEqual([
      ['github-actions', '/.github/pins'], ['docker', '/.github/pins'], ['npm', '/'], ['pip', '/app'],
    ]);
    const cpp = synthYaml(project({ language: AppLanguage.CPP })).yaml('.github/dependabot.yml');
    expect(cpp.updates.map((u: any) => u['package-ecosystem'])).toEqual(['github-actions', 'docker', 'npm']);
    // Every base image chosen in the options: the pin file keeps the runtime services' images for Dependabot.
    const chosen = synthYaml(project({ language: AppLanguage.CPP, container: { cpp: { builderImage: 'registry.corp/debian:bookworm' } } }));
    expect(chosen.yaml('.github/dependabot.yml').updates.map((u: any) => u['package-ecosystem'])).toEqual(['github-actions', 'docker', 'npm']);
    expect((chosen.files['.github/pins/Dockerfile'] as string).split('\n').filter(l => l.startsWith('FROM '))).toEqual([
      'FROM ghcr.io/eclipse-kuksa/kuksa-databroker:0.5.0 AS databroker',
      expect.stringMatching(/^FROM docker\.io\/library\/eclipse-mosquitto:2\.0\.22@sha256:[0-9a-f]{64} AS mqtt$/),
    ]);
  });
});

describe('action pins', () => {
  test('every pinned SHA is a full commit SHA and every version a full release', () => {
    for (const [action, pin] of Object.entries(ACTION_PINS)) {
      expect([action, pin.version]).toEqual([action, expect.stringMatching(/^v\d+\.\d+\.\d+$/)]);
      expect([action, pin.sha]).toEqual([action, expect.stringMatching(/^[0-9a-f]{40}$/)]);
    }
  });

  test('SHA mode records an action without a known SHA, and VERSION mode does not', () => {
    const pins = { 'acme/action': { version: 'v1.0.0' } };
    const sha = new ActionReferences(ActionPinning.COMMIT_SHA, pins);
    expect(sha.uses('acme/action')).toBe('acme/action@v1.0.0');
    expect(sha.withoutSha).toEqual(['acme/action']);
    const version = new ActionReferences(ActionPinning.VERSION, pins);
    version.uses('acme/action');
    expect(version.withoutSha).toEqual([]);
    expect(() => sha.uses('acme/unknown')).toThrow(/not in the action pin table/);
  });
});

describe('bad input fails at synth with a clear error, and nothing is written', () => {
  function emptyDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-workflows-invalid-'));
  }
  const CASES: Array<[string, Partial<VehicleAppProjectOptions>, RegExp]> = [
    ['platform without runner while QEMU is off', { image: { platforms: ['linux/amd64', 'linux/arm/v7'] }, workflows: { emulation: false } },
      /workflows\.runners\["linux\/arm\/v7"\]: \(missing\) is not set, linux\/arm\/v7 has no native GitHub-hosted runner.*Fix: map linux\/arm\/v7/],
    ['invalid registry', { image: { registry: 'https://ghcr.io' } }, /image\.registry: "https:\/\/ghcr.io" is not a registry host/],
    ['bad tag pattern', { image: { tagPolicy: { semverPatterns: ['v{{bogus}}'] } } }, /image\.tagPolicy\.semverPatterns\[0\]: "v\{\{bogus\}\}" is not a tag pattern/],
    ['release without sha tags', { image: { tagPolicy: { commitSha: false } } }, /image\.tagPolicy\.commitSha: false is off, but the release workflow/],
    ['runner for a platform that is not built', { workflows: { runners: { 'linux/riscv64': 'riscv' } } }, /workflows\.runners\["linux\/riscv64"\]: "linux\/riscv64" is not one of the built platforms/],
    ['chart repository with a scheme', { workflows: { chartRepository: 'oci://ghcr.io/acme/charts' } }, /workflows\.chartRepository: "oci:\/\/ghcr.io\/acme\/charts" is not an OCI repository/],
    ['Node version', { workflows: { nodeVersion: 'lts' } }, /workflows\.nodeVersion: "lts" is not a Node.js version/],
    ['kind node image without a tag', { workflows: { kindNodeImage: 'kindest/node' } }, /workflows\.kindNodeImage: "kindest\/node" is not an image reference with a tag or digest/],
    ['integration test without a natively built platform', { image: { platforms: ['linux/arm/v7'] } }, /workflows\.integrationTest: true needs linux\/amd64 or linux\/arm64/],
  ];
  test.each(CASES)('%s', (_name, options, message) => {
    // GIVEN
    const outdir = emptyDir();
    // WHEN / THEN
    expect(() => new VehicleAppProject({ name: 'seat-adjuster', sampleCode: false, outdir, ...options } as VehicleAppProjectOptions).synth()).toThrow(message);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('an action without a known SHA fails SHA mode, naming the action', () => {
    const saved = ACTION_PINS['helm/kind-action'];
    (ACTION_PINS as any)['helm/kind-action'] = { version: saved.version };
    try {
      const outdir = emptyDir();
      const options = { name: 'seat-adjuster', sampleCode: false, outdir, workflows: { actionPinning: ActionPinning.COMMIT_SHA } };
      expect(() => new VehicleAppProject(options).synth())
        .toThrow(/workflows\.actionPinning: "commit-sha" cannot be honoured: no known commit SHA for helm\/kind-action/);
      expect(fs.readdirSync(outdir)).toEqual([]);
    } finally {
      (ACTION_PINS as any)['helm/kind-action'] = saved;
    }
  });
});
