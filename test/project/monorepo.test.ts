import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { AppInterface, AppOptions, DatapointAccess, VehicleAppMonorepo, VehicleAppProject } from '../../src';
import { listFiles, synthesizeExample } from '../support/examples';
import {
  WRAPPER_TOOLS, actionlint, hadolint, helmLint, helmTemplate, jsonSchemaValidate, kubeValidateStrict, shellcheck, testWithTools,
  workflowSchemaValidate, yamllint, zizmor,
} from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const EXAMPLE = 'monorepos/vehicle-apps';
const APPS = ['speed-monitor', 'seat-adjuster'];
const SCHEMA = path.resolve(__dirname, '..', '..', 'schemas', 'app-manifest-v3.schema.json');

const SPEED: AppOptions = {
  name: 'speed-monitor',
  interfaces: [
    AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
    AppInterface.pubSub({ writes: ['speedmonitor/currentSpeed'] }),
  ],
};

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `monorepo-${prefix}-`));
}

function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

/** The Kubernetes objects of a rendered chart. */
function objects(rendered: string): any[] {
  return YAML.parseAllDocuments(rendered).map(d => d.toJS()).filter(o => o && o.kind);
}

function git(cwd: string, ...args: string[]): string {
  const res = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`git ${args.join(' ')}: ${res.stderr}`);
  return res.stdout.trim();
}

describe('VehicleAppMonorepo example (two Python apps)', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthesizeExample(EXAMPLE, tmp('example'));
  });

  test('each app has its own folder, AppManifest, Dockerfile, image, chart and tasks', () => {
    const files = listFiles(outdir);
    const tasks = JSON.parse(read(outdir, '.projen/tasks.json')).tasks;
    for (const app of APPS) {
      expect(files).toEqual(expect.arrayContaining([
        `apps/${app}/AppManifest.json`, `apps/${app}/Dockerfile`, `apps/${app}/.dockerignore`, `apps/${app}/src/main.py`,
        `deploy/helm/${app}/Chart.yaml`, `deploy/helm/${app}/values.yaml`, `deploy/kanto/${app}.json`,
      ]));
      expect(JSON.parse(read(outdir, `apps/${app}/AppManifest.json`)).name).toBe(app);
      const values = YAML.parse(read(outdir, `deploy/helm/${app}/values.yaml`));
      expect(values.image.repository).toBe(`ghcr.io/acme-automotive/vehicle-apps/${app}`);
      expect(tasks[`${app}:image:build`].steps[0].exec).toContain(`apps/${app}/Dockerfile`);
      // The app chart ships no runtime subcharts: the runtime runs once, beside the apps.
      expect(files.some(f => f.startsWith(`deploy/helm/${app}/charts/`))).toBe(false);
      expect(YAML.parse(read(outdir, `deploy/helm/${app}/Chart.yaml`)).dependencies).toBeUndefined();
    }
    expect(files.some(f => f.startsWith('app/'))).toBe(false);
  });

  test('the runtime services are one chart whose databroker serves the signals of both apps; the apps address its services', () => {
    const runtime = YAML.parse(read(outdir, 'deploy/helm/runtime/values.yaml'));
    expect(runtime.databroker.enabled).toBe(true);
    expect(runtime.mqtt.enabled).toBe(true);
    const vss = read(outdir, 'deploy/helm/runtime/charts/databroker/files/vss.json');
    const vssTree = JSON.parse(vss);
    expect(vssTree.Vehicle.children.Speed.datatype).toBe('float');
    expect(vssTree.Vehicle.children.Cabin.children.Seat.children.Row1.children.DriverSide.children.Position.type).toBe('actuator');
    for (const app of APPS) {
      const env = YAML.parse(read(outdir, `deploy/helm/${app}/values.yaml`)).env;
      expect(env.SDV_VEHICLEDATABROKER_ADDRESS).toBe('grpc://runtime-databroker:55555');
      expect(env.SDV_MQTT_ADDRESS).toBe('mqtt://runtime-mqtt:1883');
    }
    // The runtime's own Kanto manifests are not written per app (two apps would write the same files).
    expect(fs.existsSync(path.join(outdir, 'deploy/kanto/databroker.json'))).toBe(false);
  });

  testWithTools([...WRAPPER_TOOLS.helmLint, ...WRAPPER_TOOLS.kubeValidateStrict], 'every chart passes helm lint --strict; runtime and apps render valid objects whose NetworkPolicy admits the apps', () => {
    const charts = ['runtime', 'runtime/charts/databroker', 'runtime/charts/mqtt', ...APPS].map(c => path.join(outdir, 'deploy/helm', c));
    for (const chart of charts) helmLint(chart);
    const runtime = helmTemplate(path.join(outdir, 'deploy/helm/runtime'), 'runtime');
    kubeValidateStrict(runtime);
    const clientPolicies = objects(runtime).filter(o => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-clients'));
    expect(clientPolicies.map(p => p.metadata.name).sort()).toEqual(['runtime-databroker-clients', 'runtime-mqtt-clients']);
    const services = objects(runtime).filter(o => o.kind === 'Service').map(o => o.metadata.name).sort();
    expect(services).toEqual(['runtime-databroker', 'runtime-mqtt']);
    for (const app of APPS) {
      const rendered = helmTemplate(path.join(outdir, 'deploy/helm', app), app);
      kubeValidateStrict(rendered);
      const deployment = objects(rendered).find(o => o.kind === 'Deployment');
      const testPod = objects(rendered).find(o => o.kind === 'Pod');
      // Each client policy admits exactly the label the app's pods, and its helm test pod, carry.
      for (const labels of [deployment.spec.template.metadata.labels, testPod.metadata.labels]) {
        for (const policy of clientPolicies) {
          const admitted = policy.spec.ingress[0].from[0].podSelector.matchLabels;
          expect(Object.entries(admitted).every(([k, v]) => labels[k] === v)).toBe(true);
        }
      }
      // helm test of the app reaches the shared services, by the names the runtime gives them.
      expect(JSON.stringify(testPod.spec.containers[0])).toContain('reach runtime-databroker 55555');
    }
  });

  testWithTools([...WRAPPER_TOOLS.actionlint, ...WRAPPER_TOOLS.zizmor, ...WRAPPER_TOOLS.yamllint, ...WRAPPER_TOOLS.workflowSchemaValidate, 'shellcheck'],
    'its workflows pass actionlint with shellcheck, zizmor (default and pedantic), yamllint and the schema; the changed-apps script passes shellcheck', () => {
      fs.mkdirSync(path.join(outdir, '.git'), { recursive: true });
      const workflows = ['ci.yml', 'release.yml'].map(f => path.join(outdir, '.github/workflows', f));
      actionlint(workflows);
      yamllint(workflows, { workflow: true });
      workflowSchemaValidate(workflows);
      workflowSchemaValidate([path.join(outdir, '.github/dependabot.yml')], 'vendor.dependabot');
      zizmor([path.join(outdir, '.github')]);
      zizmor([path.join(outdir, '.github')], 'pedantic');
      shellcheck([path.join(outdir, '.github/scripts/changed-apps.sh')]);
      fs.rmSync(path.join(outdir, '.git'), { recursive: true });
    });

  testWithTools(WRAPPER_TOOLS.hadolint, 'hadolint reports nothing on each Dockerfile', () => {
    for (const app of APPS) hadolint(path.join(outdir, `apps/${app}/Dockerfile`));
  });

  testWithTools(['check-jsonschema'], 'each AppManifest passes the Velocitas v3 schema', () => {
    jsonSchemaValidate(SCHEMA, APPS.map(app => path.join(outdir, `apps/${app}/AppManifest.json`)));
  });

  test('ci.yml: a first job lists the changed apps, every app job needs it and runs only for its app', () => {
    const ci = YAML.parse(read(outdir, '.github/workflows/ci.yml'));
    expect(ci.jobs.changes.outputs.apps).toBe('${{ steps.apps.outputs.apps }}');
    expect(ci.jobs.changes.permissions).toEqual({ contents: 'read' });
    for (const app of APPS) {
      const jobs = Object.entries<any>(ci.jobs).filter(([id]) => id.startsWith(`${app}-`));
      expect(jobs.map(([id]) => id).sort()).toEqual([`${app}-build`, `${app}-integration-test`, `${app}-merge`, `${app}-unit-test`]);
      for (const [, job] of jobs) {
        expect(job.needs).toContain('changes');
        expect(job.if).toContain(`contains(fromJSON(needs.changes.outputs.apps), '${app}')`);
        expect(job.env.IMAGE_NAME).toBe(`ghcr.io/acme-automotive/vehicle-apps/${app}`);
      }
      // The app's jobs need each other, never another app's.
      expect(ci.jobs[`${app}-merge`].needs).toEqual(expect.arrayContaining(['drift', `${app}-build`, `${app}-unit-test`, `${app}-integration-test`]));
      const build = ci.jobs[`${app}-build`].steps.find((s: any) => s.id === 'build');
      expect(build.with.context).toBe(`apps/${app}`);
      expect(build.with['cache-to']).toContain(`scope=${app}-`);
      const upload = ci.jobs[`${app}-build`].steps.find((s: any) => s.id === 'upload-digest');
      expect(upload.with.name).toBe(`${app}-digest-\${{ matrix.slug }}`);
    }
  });

  test('the changed-apps script, run in a git repository, lists exactly the apps a commit touches', () => {
    const repo = tmp('git');
    fs.cpSync(outdir, repo, { recursive: true });
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'initial');
    const changed = (base: string) => {
      const res = spawnSync('bash', ['.github/scripts/changed-apps.sh', base], { cwd: repo, encoding: 'utf8' });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      return JSON.parse(res.stdout);
    };
    const commitTouching = (file: string) => {
      fs.appendFileSync(path.join(repo, file), '\n# changed\n');
      git(repo, 'commit', '--quiet', '-am', `touch ${file}`);
      return git(repo, 'rev-parse', 'HEAD~1');
    };
    expect(changed(commitTouching('apps/speed-monitor/src/main.py'))).toEqual(['speed-monitor']);
    expect(changed(commitTouching('deploy/helm/seat-adjuster/values.yaml'))).toEqual(['seat-adjuster']);
    const base = git(repo, 'rev-parse', 'HEAD');
    commitTouching('apps/seat-adjuster/src/main.py');
    commitTouching('apps/speed-monitor/src/main.py');
    expect(changed(base)).toEqual(['speed-monitor', 'seat-adjuster']);
    // A shared file touches every app; so does a push without a known base (a new branch: zeros).
    expect(changed(commitTouching('.projenrc.ts'))).toEqual(APPS);
    expect(changed(commitTouching('deploy/helm/runtime/values.yaml'))).toEqual(APPS);
    expect(changed('0000000000000000000000000000000000000000')).toEqual(APPS);
    expect(changed('')).toEqual(APPS);
    // A commit that touches nothing of any app (an empty commit) builds nothing.
    git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'empty');
    expect(changed(git(repo, 'rev-parse', 'HEAD~1'))).toEqual([]);
  });

  test('release.yml: a tag <app>/v<semver> releases that app only, and the version step reads the version after the prefix', () => {
    const release = YAML.parse(read(outdir, '.github/workflows/release.yml'));
    expect(release.on.push.tags).toEqual(APPS.map(app => `${app}/v*`));
    const tagStep = release.jobs.tag.steps[0];
    for (const app of APPS) {
      expect(release.jobs[`${app}-promote`].if).toBe(`needs.tag.outputs.app == '${app}'`);
      expect(release.jobs[`${app}-chart`].needs).toEqual(['tag', `${app}-promote`]);
      const version = release.jobs[`${app}-promote`].steps.find((s: any) => s.id === 'version');
      // Run the generated steps as the runner would.
      const ghOutput = path.join(tmp('gh'), 'output');
      const env = { ...process.env, GITHUB_REF_NAME: `${app}/v1.2.3`, GITHUB_OUTPUT: ghOutput };
      expect(spawnSync('bash', ['-eo', 'pipefail', '-c', tagStep.run], { env }).status).toBe(0);
      expect(spawnSync('bash', ['-eo', 'pipefail', '-c', version.run], { env }).status).toBe(0);
      expect(fs.readFileSync(ghOutput, 'utf8')).toBe(`app=${app}\nversion=1.2.3\n`);
      const wrong = spawnSync('bash', ['-eo', 'pipefail', '-c', version.run], { env: { ...env, GITHUB_REF_NAME: `${app}/1.2.3` }, encoding: 'utf8' });
      expect(wrong.status).toBe(1);
      expect(wrong.stdout).toContain(`is not ${app}/v<semver>`);
    }
  });

  test('a second synth changes nothing', () => {
    const snapshot = () => Object.fromEntries(listFiles(outdir).map(f => [f, read(outdir, f)]));
    const before = snapshot();
    synthesizeExample(EXAMPLE, outdir);
    expect(snapshot()).toEqual(before);
  });
});

describe('VehicleAppMonorepo', () => {
  test('an app is built by the same code as a VehicleAppProject: the same Dockerfile, AppManifest and sample sources', () => {
    const mono = new VehicleAppMonorepo({ name: 'fleet', outdir: tmp('same'), repositoryUrl: 'https://github.com/acme/fleet' });
    mono.addApp(SPEED);
    mono.synth();
    const single = new VehicleAppProject({ ...SPEED, outdir: tmp('single'), repositoryUrl: 'https://github.com/acme/fleet' });
    single.synth();
    for (const file of ['Dockerfile', 'AppManifest.json', 'src/main.py', 'tests/unit/test_logic.py']) {
      expect(read(mono.outdir, `apps/speed-monitor/${file}`)).toBe(read(single.outdir, `app/${file}`));
    }
  });

  const clashes: Array<[string, AppOptions[], string[]]> = [
    ['two apps of one name', [SPEED, { ...SPEED, interfaces: [] }],
      ['apps[1].name: "speed-monitor" is the name of apps[0] too']],
    ['an app named like the shared runtime', [{ name: 'runtime' }],
      ['apps[0].name: "runtime" is the name of the shared runtime services\' chart and release']],
    ['two apps pushing one image', [SPEED, { name: 'other', image: { repository: 'acme/fleet/speed-monitor' } }],
      ['apps[1].image.repository: "acme/fleet/speed-monitor" gives the image ghcr.io/acme/fleet/speed-monitor of apps[0] too']],
    ['two apps publishing one Kanto host port', [{ name: 'a', ports: [{ name: 'http', port: 8080 }] }, { name: 'b', ports: [{ name: 'web', port: 8080 }] }],
      ['apps[1].ports[0].port: 8080 is a port of apps[0] too']],
    ['an app option of the second app', [SPEED, { name: 'b', helm: { replicaCount: -1 } }],
      ['apps[1].helm.replicaCount: -1 is not a replica count']],
  ];
  test.each(clashes)('%s: one error naming the option path, and nothing is written', (_name, apps, messages) => {
    const outdir = tmp('clash');
    let error: Error | undefined;
    try {
      const mono = new VehicleAppMonorepo({ name: 'fleet', outdir, repositoryUrl: 'https://github.com/acme/fleet' });
      for (const app of apps) mono.addApp(app);
      mono.synth();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^VehicleAppMonorepo: \d+ problems? in the options; nothing was written\./);
    for (const message of messages) expect(error?.message).toContain(message);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a problem of a repository option keeps its own path, not the app\'s', () => {
    const build = (apps: AppOptions[]) => () => new VehicleAppMonorepo({ name: 'fleet', outdir: tmp('repo-option'), workflows: { nodeVersion: 'latest' }, apps });
    expect(build([SPEED])).toThrow(/^VehicleAppMonorepo: 1 problem in the options; nothing was written\.\n {2}- workflows\.nodeVersion: "latest" /);
    const platforms = { name: 'b', image: { platforms: ['linux/arm/v7'] } };
    expect(() => new VehicleAppMonorepo({ name: 'fleet', outdir: tmp('repo-option'), apps: [SPEED, platforms] }))
      .toThrow(/workflows\.integrationTest: true needs linux\/amd64 or linux\/arm64/);
  });

  test('apps given as an option and added later are checked together before synthesis', () => {
    const mono = new VehicleAppMonorepo({ name: 'fleet', outdir: tmp('later'), apps: [SPEED] });
    expect(() => mono.addApp({ name: 'speed-monitor' })).toThrow(/apps\[1\]\.name: "speed-monitor" is the name of apps\[0\] too/);
    mono.addApp({ name: 'logger' });
    expect(mono.appNames).toEqual(['speed-monitor', 'logger']);
  });
});
