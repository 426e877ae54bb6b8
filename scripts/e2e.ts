// End-to-end test of every example on a real single-node Kubernetes (scripts/cluster/): synthesize, build
// the app image from the generated Dockerfile, install the generated chart with its runtime subcharts by
// the DeployPlan's command, wait for every pod, helm test, the app's generated integration tests against
// port-forwarded services, NetworkPolicies enforced, no restarts, uninstall, nothing left.
// Then the same run with a broken MQTT address must fail, naming the example and the step.
// Prints one line per example: `e2e <example>: deployed in <s> s, helm test passed, <n> integration tests passed, 0 restarts`.
//
// Usage: sudo npm run e2e [-- example...]   Env: E2E_KEEP_CLUSTER=1 leaves the cluster running.
// A machine that cannot run the cluster reports the e2e as skipped with the reason; with CI=true it fails.
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module');

const ROOT = path.resolve(__dirname, '..');
// The examples import 'projen-velocitas' as a user would; here that name means this repository's sources.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request: string, ...rest: unknown[]) {
  return resolveFilename.call(this, request === 'projen-velocitas' ? path.join(ROOT, 'src', 'index.ts') : request, ...rest);
};

/* eslint-disable @typescript-eslint/no-require-imports */
const { VehicleAppMonorepo, VehicleAppProject } = require('../src') as typeof import('../src');
const { AppLanguage } = require('../src/app/vehicle-app') as typeof import('../src/app/vehicle-app');
const { DeployPlan } = require('../src/deploy/deploy-plan') as typeof import('../src/deploy/deploy-plan');
const { deploymentTarget, IMAGE_VALUES } = require('../src/workflows/deployment-target') as typeof import('../src/workflows/deployment-target');
const { INTEGRATION_REQUIRED, RUNTIME_CLIENT_LABEL, SHARED_RUNTIME_RELEASE } = require('../src/runtime/runtime-service-catalogue') as typeof import('../src/runtime/runtime-service-catalogue');
/** The chart and runtime services the generated CI and local tasks deploy, read as they read them. */
function targetOf(project: Project): ReturnType<typeof deploymentTarget> {
  return deploymentTarget(project.runtime, project.helmChart.chartDir, project.app.name);
}
const { exampleNames, synthesizeExample } = require('../test/support/examples') as typeof import('../test/support/examples');
const { buildahBuild, ensureBaseImages, HOST_CA_BUNDLE } = require('../test/validators/oci') as typeof import('../test/validators/oci');
/* eslint-enable @typescript-eslint/no-require-imports */
type Project = InstanceType<typeof VehicleAppProject>;
type Monorepo = InstanceType<typeof VehicleAppMonorepo>;
type Plan = InstanceType<typeof DeployPlan>;
type DeployValue = import('../src/deploy/deploy-plan').DeployValue;

const COMMAND = 'sudo npm run e2e';
/** The repository of several apps: its apps deploy together beside one shared runtime. */
const MONOREPO_EXAMPLE = 'monorepos/vehicle-apps';
const CACHE = process.env.PV_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'projen-velocitas');
const RUNTIME_INDEX = path.join(CACHE, 'runtime-images', 'index.tsv');
const LOG_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-'));

/** A failed step of one example: the message names both. */
class StepFailure extends Error {
  public constructor(public readonly example: string, public readonly step: string, detail: string) {
    super(`e2e ${example}: ${step} failed: ${detail}`);
  }
}

function sh(command: string, opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-c', `set -euo pipefail\n${command}`], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...clusterEnv(), ...(opts.env ?? {}) },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 10 * 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs one step of an example; a failure becomes a StepFailure with the command's output. */
function step(example: string, name: string, command: string, opts: Parameters<typeof sh>[1] = {}): string {
  const started = Date.now();
  const res = sh(command, opts);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  fs.appendFileSync(path.join(LOG_DIR, `${example}.log`), `### ${name} (${seconds} s)\n$ ${command}\n${res.stdout}${res.stderr}\n`);
  if (res.status !== 0) throw new StepFailure(example, name, `exit ${res.status ?? res.signal}\n${tail(res.stdout + res.stderr)}`);
  return res.stdout;
}

let clusterEnvCache: Record<string, string> | undefined;
function clusterEnv(): Record<string, string> {
  if (!clusterEnvCache) {
    const res = spawnSync('bash', ['-c', 'eval "$(bash scripts/cluster/env.sh)"; printf "%s\\n%s" "$KUBECONFIG" "$PATH"'], { cwd: ROOT, encoding: 'utf8' });
    const [kubeconfig, pathVar] = res.stdout.split('\n');
    clusterEnvCache = { KUBECONFIG: kubeconfig, PATH: pathVar };
  }
  return clusterEnvCache;
}

/** The runtime images (name -> image ref and docker-archive) the images scripts built. */
function runtimeImages(): Map<string, { ref: string; archive: string }> {
  const images = new Map<string, { ref: string; archive: string }>();
  for (const line of fs.readFileSync(RUNTIME_INDEX, 'utf8').split('\n').filter(l => l.trim() !== '')) {
    const [name, ref, archive] = line.split('\t');
    images.set(name, { ref, archive });
  }
  for (const name of ['databroker', 'mqtt', 'busybox']) {
    if (!images.has(name)) throw new Error(`${RUNTIME_INDEX} has no line for "${name}"`);
  }
  return images;
}

function splitRef(ref: string): { repository: string; tag: string } {
  const at = ref.lastIndexOf(':');
  if (at <= ref.lastIndexOf('/')) return { repository: ref, tag: 'latest' };
  return { repository: ref.slice(0, at), tag: ref.slice(at + 1) };
}

/** Values that swap the published runtime and test images for the locally built ones (never pulled). */
function runtimeImageValues(images: Map<string, { ref: string }>, services: string[]): DeployValue[] {
  const image = (prefix: string, name: string): DeployValue[] => {
    const { repository, tag } = splitRef(images.get(name)!.ref);
    return [
      { key: `${prefix}image.repository`, value: repository },
      { key: `${prefix}image.tag`, value: tag },
      { key: `${prefix}image.digest`, value: '' },
      { key: `${prefix}image.pullPolicy`, value: 'Never' },
    ];
  };
  const tests = (prefix: string): DeployValue[] => {
    const { repository, tag } = splitRef(images.get('busybox')!.ref);
    return [
      { key: `${prefix}tests.image.repository`, value: repository },
      { key: `${prefix}tests.image.tag`, value: tag },
      { key: `${prefix}tests.image.digest`, value: '' },
    ];
  };
  return [
    ...tests(''),
    ...services.flatMap(s => [...image(`${s}.`, s === 'databroker' ? 'databroker' : 'mqtt'), ...tests(`${s}.`)]),
  ];
}

/** Synthesizes an example and returns the object of `type` its .projenrc.ts built (caught as it synthesizes). */
function synthesizeAs<T extends Project>(type: { prototype: T; name: string }, example: string, outdir: string): T {
  let captured: T | undefined;
  const synth = type.prototype.synth;
  type.prototype.synth = function (this: T) {
    captured = this;
    return synth.call(this);
  };
  try {
    synthesizeExample(example, outdir);
  } finally {
    type.prototype.synth = synth;
  }
  if (!captured) throw new StepFailure(example, 'synthesize', `the .projenrc.ts built no ${type.name}`);
  return captured;
}

/** A venv with the app's requirements (cached by their content) whose python runs the integration tests. */
function pythonVenv(example: string, appDir: string): string {
  const requirements = ['requirements.txt', 'requirements-dev.txt'].map(f => path.join(appDir, f)).filter(f => fs.existsSync(f));
  const hash = crypto.createHash('sha256').update(requirements.map(f => fs.readFileSync(f, 'utf8')).join('\n')).digest('hex').slice(0, 16);
  const venv = path.join(CACHE, 'e2e-venv', hash);
  if (!fs.existsSync(path.join(venv, '.done'))) {
    fs.rmSync(venv, { recursive: true, force: true });
    step(example, 'python venv', [
      `/usr/bin/python3 -m venv '${venv}'`,
      `'${venv}/bin/pip' install --quiet --disable-pip-version-check ${requirements.map(r => `-r '${r}'`).join(' ')}`,
      `touch '${venv}/.done'`,
    ].join('\n'), { timeoutMs: 15 * 60_000 });
  }
  return venv;
}

interface ExampleRun {
  readonly example: string;
  readonly project: Project;
  readonly outdir: string;
  readonly imageArchive: string;
  readonly imageRef: { repository: string; tag: string };
}

/** Synthesize and build the app image into a docker-archive (once per example). */
function prepare(example: string): ExampleRun {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `e2e-${example}-`));
  const project = synthesizeAs(VehicleAppProject, example, outdir);
  const { imageRef, imageArchive } = buildImage(example, path.join(outdir, project.appDir), example);
  return { example, project, outdir, imageArchive, imageRef };
}

/** Builds an app's image from its generated Dockerfile and imports it into the cluster. */
function buildImage(example: string, appDir: string, name: string): { imageRef: { repository: string; tag: string }; imageArchive: string } {
  const imageRef = { repository: `localhost/e2e/${name}`, tag: 'e2e' };
  try {
    buildahBuild({
      contextDir: appDir,
      dockerfile: 'Dockerfile',
      tag: `${imageRef.repository}:${imageRef.tag}`,
      // PyPI and Debian are reached through an intercepting proxy: its CA goes in as the `ca` secret.
      secrets: { ca: HOST_CA_BUNDLE },
      buildArgs: { OCI_REVISION: 'e2e', OCI_CREATED: new Date().toISOString() },
      timeoutMs: 30 * 60_000,
    });
  } catch (e) {
    throw new StepFailure(example, 'image build', tail((e as Error).message));
  }
  // Per example: two examples may each have an app of one name (speed-monitor stands alone and in the monorepo).
  const imageArchive = path.join(LOG_DIR, `${example.replace(/[^A-Za-z0-9._-]/g, '-')}-${name}.tar`);
  step(example, 'image export', `buildah push --quiet '${imageRef.repository}:${imageRef.tag}' 'docker-archive:${imageArchive}:${imageRef.repository}:${imageRef.tag}'`);
  step(example, 'image import', `bash scripts/cluster/import-image.sh '${imageArchive}'`);
  return { imageRef, imageArchive };
}

/** The app's generated integration tests, as its language runs them. */
function integrationTestCommand(example: string, appDir: string, language: string, buildDir: string): string {
  return language === AppLanguage.PYTHON
    ? `cd '${appDir}' && '${pythonVenv(example, appDir)}/bin/python' -m pytest tests/integration -p no:cacheprovider`
    : [
      `cmake -S '${appDir}' -B '${buildDir}' -DBUILD_TESTING=ON > '${LOG_DIR}/${example}-cmake.log'`,
      `cmake --build '${buildDir}' --parallel 2 >> '${LOG_DIR}/${example}-cmake.log'`,
      `ctest --test-dir '${buildDir}' --label-regex integration --output-on-failure --no-tests=error`,
    ].join(' && ');
}

function planFor(run: ExampleRun, namespace: string, images: Map<string, { ref: string }>, extra: DeployValue[] = [], timeout?: string): Plan {
  const target = targetOf(run.project);
  const appDir = path.join(run.outdir, run.project.appDir);
  return new DeployPlan({
    release: run.example,
    namespace,
    chartDir: path.join(run.outdir, target.chartDir),
    services: target.runtimeServices,
    values: [
      { key: IMAGE_VALUES.repository, value: run.imageRef.repository },
      { key: IMAGE_VALUES.tag, value: run.imageRef.tag },
      { key: IMAGE_VALUES.pullPolicy, value: 'Never' },
      ...runtimeImageValues(images, target.runtimeServices.map(s => s.chartName)),
      ...extra,
    ],
    timeout,
    integrationTestCommand: integrationTestCommand(run.example, appDir, run.project.app.language, path.join(run.outdir, 'build')),
    integrationRequiredVariable: INTEGRATION_REQUIRED,
  });
}

/** Restarts of every container of the namespace's pods. */
function restarts(example: string, namespace: string): number {
  const out = step(example, 'restart count', `kubectl get pods -n '${namespace}' -o json | jq '[.items[].status.containerStatuses[]?.restartCount] | add // 0'`);
  return Number(out.trim());
}

/** Can a pod with these labels in that namespace open a TCP connection to host:port? (busybox nc, 3 s) */
function connects(example: string, namespace: string, labels: string, host: string, port: number, busybox: string): boolean {
  const name = `netcheck-${crypto.randomBytes(3).toString('hex')}`;
  const res = sh([
    `kubectl run '${name}' -n '${namespace}' --image='${busybox}' --image-pull-policy=Never --restart=Never --labels='${labels}' \\`,
    `  --overrides='{"spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":65534,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"${name}","image":"${busybox}","imagePullPolicy":"Never","command":["nc","-w","3","${host}","${port}"],"stdin":false,"securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}}}]}}' \\`,
    '  > /dev/null',
    `kubectl wait -n '${namespace}' --for=jsonpath='{.status.phase}'=Succeeded pod/${name} --timeout=20s > /dev/null 2>&1 && ok=1 || ok=0`,
    `kubectl delete pod -n '${namespace}' '${name}' --wait=true > /dev/null`,
    '[ "$ok" = 1 ]',
  ].join('\n'));
  fs.appendFileSync(path.join(LOG_DIR, `${example}.log`), `### connect ${labels} in ${namespace} -> ${host}:${port}: ${res.status === 0}\n${res.stderr}\n`);
  return res.status === 0;
}

/** The app's services admit pods of the release and refuse pods of another release or namespace. */
function checkNetworkPolicies(run: ExampleRun, plan: Plan, namespace: string, busybox: string): void {
  const service = plan.portForwards[0];
  if (!service) return;
  const host = `${service.target.replace('service/', '')}.${namespace}.svc.cluster.local`;
  const own = `app.kubernetes.io/instance=${run.example}`;
  const other = 'app.kubernetes.io/instance=intruder';
  const otherNamespace = `${namespace}-other`;
  step(run.example, 'network policy', `kubectl create namespace '${otherNamespace}' > /dev/null`);
  try {
    if (!connects(run.example, namespace, own, host, service.port, busybox)) {
      throw new StepFailure(run.example, 'network policy', `a pod of release ${run.example} could not reach ${host}:${service.port}`);
    }
    if (connects(run.example, namespace, other, host, service.port, busybox)) {
      throw new StepFailure(run.example, 'network policy', `a pod of another release reached ${host}:${service.port}`);
    }
    if (connects(run.example, otherNamespace, own, host, service.port, busybox)) {
      throw new StepFailure(run.example, 'network policy', `a pod in namespace ${otherNamespace} reached ${host}:${service.port}`);
    }
  } finally {
    sh(`kubectl delete namespace '${otherNamespace}' --wait=true --timeout=60s`);
  }
}

let databrokerShown = false;

/** Deploys, tests and removes one example; returns its summary line. */
function runExample(run: ExampleRun, images: Map<string, { ref: string; archive: string }>, extra: DeployValue[] = [], timeout?: string): string {
  const namespace = `e2e-${run.example}`;
  const plan = planFor(run, namespace, images, extra, timeout);
  try {
    const started = Date.now();
    step(run.example, 'install', plan.installCommand());
    const deploySeconds = Math.round((Date.now() - started) / 100) / 10;
    step(run.example, 'pods ready', `kubectl wait -n '${namespace}' --for=condition=Ready pod --all --timeout=120s`);
    const databroker = plan.portForwards.find(f => f.target.endsWith('-databroker'));
    if (databroker && !databrokerShown) {
      // The version the running databroker reports, not the one its image is tagged with.
      const started = step(run.example, 'databroker version', `kubectl logs -n '${namespace}' '${databroker.target.replace('service/', 'deployment/')}' | grep -m1 -o 'Kuksa Databroker [0-9][0-9.]*'`);
      const ref = images.get('databroker')!.ref;
      // localhost/ refs are built here from source by scripts/runtime-images/; others were copied from a registry.
      console.log(`e2e runtime: ${started.trim()} (image ${ref}${ref.startsWith('localhost/') ? ', built here from source' : ''})`);
      databrokerShown = true;
    }
    step(run.example, 'helm test', plan.testCommand());
    const tests = step(run.example, 'integration tests', `bash <<'SCRIPT'\n${plan.integrationTestScript(LOG_DIR)}\nSCRIPT`, { timeoutMs: 15 * 60_000 });
    const passed = integrationTestsPassed(tests);
    if (passed === 0) throw new StepFailure(run.example, 'integration tests', `no integration test passed:\n${tail(tests)}`);
    checkNetworkPolicies(run, plan, namespace, images.get('busybox')!.ref);
    const count = restarts(run.example, namespace);
    if (count !== 0) {
      const detail = sh(`kubectl get pods -n '${namespace}'; kubectl logs -n '${namespace}' --all-containers --previous -l 'app.kubernetes.io/instance=${run.example}' --tail=20 || true`);
      throw new StepFailure(run.example, 'restarts', `${count} container restarts:\n${detail.stdout}${detail.stderr}`);
    }
    step(run.example, 'uninstall', plan.uninstallCommand());
    // helm waits for the objects it deleted; their pods terminate after them.
    step(run.example, 'pods terminated', `kubectl wait -n '${namespace}' --for=delete pod --all --timeout=120s`);
    const left = step(run.example, 'namespace empty',
      `kubectl get all,configmaps,secrets,networkpolicies,serviceaccounts,pvc -n '${namespace}' -o name | grep -v -e '^configmap/kube-root-ca.crt$' -e '^serviceaccount/default$' || true`).trim();
    if (left !== '') throw new StepFailure(run.example, 'namespace empty', `left after uninstall:\n${left}`);
    return `e2e ${run.example}: deployed in ${deploySeconds} s, helm test passed, ${passed} integration tests passed, 0 restarts`;
  } catch (e) {
    if (e instanceof StepFailure) {
      const state = sh(`kubectl get pods -n '${namespace}' -o wide; kubectl describe pods -n '${namespace}' | tail -40; kubectl logs -n '${namespace}' --all-containers --prefix --tail=30 -l 'app.kubernetes.io/instance=${run.example}' || true`);
      fs.appendFileSync(path.join(LOG_DIR, `${run.example}.log`), `### cluster state\n${state.stdout}${state.stderr}\n`);
    }
    throw e;
  } finally {
    sh(`kubectl delete namespace '${namespace}' --ignore-not-found --wait=true --timeout=120s`);
  }
}

/**
 * The apps of one repository deployed together: the shared runtime once (release `runtime`), then every app
 * in the same namespace; helm test of each (its test pod reaches the shared services), each app's
 * integration tests against the forwarded shared services, the runtime's NetworkPolicy admits the apps'
 * label and refuses another release, no restarts, nothing left.
 */
function runMonorepo(images: Map<string, { ref: string; archive: string }>): string {
  // The name in messages and log files (a file name: no slash).
  const example = MONOREPO_EXAMPLE.replace(/\//g, '-');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-monorepo-'));
  const monorepo = synthesizeAs(VehicleAppMonorepo, MONOREPO_EXAMPLE, outdir);
  const apps = monorepo._apps.map(a => ({ name: a.model.app.name, appDir: path.join(outdir, a.appDir), chartDir: path.join(outdir, a.parts.chartDir), a }));
  const built = apps.map(app => ({ ...app, ...buildImage(example, app.appDir, app.name) }));
  const namespace = 'e2e-monorepo';
  const runtimeTarget = deploymentTarget({
    databroker: apps.some(app => app.a.model.runtime.databroker),
    mqttBroker: apps.some(app => app.a.model.runtime.mqttBroker),
  }, path.join(outdir, 'deploy', 'helm', SHARED_RUNTIME_RELEASE), SHARED_RUNTIME_RELEASE);
  const services = runtimeTarget.runtimeServices;
  // The runtime chart has no test pod of its own, only its subcharts'.
  const runtimeValues = runtimeImageValues(images, services.map(s => s.chartName)).filter(v => !v.key.startsWith('tests.'));
  const runtimePlan = (testCommand: string) => new DeployPlan({
    release: SHARED_RUNTIME_RELEASE, namespace, chartDir: runtimeTarget.chartDir, services, values: runtimeValues,
    integrationTestCommand: testCommand, integrationRequiredVariable: INTEGRATION_REQUIRED,
  });
  const appPlans = built.map(app => ({
    app,
    plan: new DeployPlan({
      release: app.name,
      namespace,
      chartDir: app.chartDir,
      services: [],
      values: [
        { key: IMAGE_VALUES.repository, value: app.imageRef.repository },
        { key: IMAGE_VALUES.tag, value: app.imageRef.tag },
        { key: IMAGE_VALUES.pullPolicy, value: 'Never' },
        ...runtimeImageValues(images, []),
      ],
      integrationTestCommand: '',
      integrationRequiredVariable: INTEGRATION_REQUIRED,
    }),
  }));
  try {
    const started = Date.now();
    step(example, 'install runtime', runtimePlan('').installCommand());
    for (const { plan } of appPlans) step(example, `install ${plan.release}`, plan.installCommand());
    const deploySeconds = Math.round((Date.now() - started) / 100) / 10;
    step(example, 'pods ready', `kubectl wait -n '${namespace}' --for=condition=Ready pod --all --timeout=120s`);
    step(example, 'helm test runtime', runtimePlan('').testCommand());
    let passed = 0;
    for (const { app, plan } of appPlans) {
      step(example, `helm test ${app.name}`, plan.testCommand());
      const command = integrationTestCommand(`${example}-${app.name}`, app.appDir, app.a.model.app.language, path.join(outdir, 'build', app.name));
      const tests = step(example, `integration tests ${app.name}`, `bash <<'SCRIPT'\n${runtimePlan(command).integrationTestScript(LOG_DIR)}\nSCRIPT`, { timeoutMs: 15 * 60_000 });
      const count = integrationTestsPassed(tests);
      if (count === 0) throw new StepFailure(example, `integration tests ${app.name}`, `no integration test passed:\n${tail(tests)}`);
      passed += count;
    }
    // The shared runtime admits the apps by their label, and nobody else of another release.
    const databroker = runtimePlan('').portForwards[0];
    if (databroker) {
      const host = `${databroker.target.replace('service/', '')}.${namespace}.svc.cluster.local`;
      const busybox = images.get('busybox')!.ref;
      if (!connects(example, namespace, `app.kubernetes.io/instance=intruder,${RUNTIME_CLIENT_LABEL}=${SHARED_RUNTIME_RELEASE}`, host, databroker.port, busybox)) {
        throw new StepFailure(example, 'network policy', `a pod with the runtime-client label could not reach ${host}:${databroker.port}`);
      }
      if (connects(example, namespace, 'app.kubernetes.io/instance=intruder', host, databroker.port, busybox)) {
        throw new StepFailure(example, 'network policy', `a pod of another release without the runtime-client label reached ${host}:${databroker.port}`);
      }
    }
    const count = restarts(example, namespace);
    if (count !== 0) throw new StepFailure(example, 'restarts', `${count} container restarts`);
    for (const { plan } of appPlans) step(example, `uninstall ${plan.release}`, plan.uninstallCommand());
    step(example, 'uninstall runtime', runtimePlan('').uninstallCommand());
    step(example, 'pods terminated', `kubectl wait -n '${namespace}' --for=delete pod --all --timeout=120s`);
    const left = step(example, 'namespace empty',
      `kubectl get all,configmaps,secrets,networkpolicies,serviceaccounts,pvc -n '${namespace}' -o name | grep -v -e '^configmap/kube-root-ca.crt$' -e '^serviceaccount/default$' || true`).trim();
    if (left !== '') throw new StepFailure(example, 'namespace empty', `left after uninstall:\n${left}`);
    return `e2e ${example}: ${apps.length} apps (${apps.map(a => a.name).join(', ')}) and the shared runtime deployed together in ${deploySeconds} s, `
      + `helm test passed for each, ${passed} integration tests passed, 0 restarts`;
  } catch (e) {
    if (e instanceof StepFailure) {
      const state = sh(`kubectl get pods -n '${namespace}' -o wide; kubectl describe pods -n '${namespace}' | tail -40; kubectl logs -n '${namespace}' --all-containers --prefix --tail=30 -l 'app.kubernetes.io/name' || true`);
      fs.appendFileSync(path.join(LOG_DIR, `${example}.log`), `### cluster state\n${state.stdout}${state.stderr}\n`);
    }
    throw e;
  } finally {
    sh(`kubectl delete namespace '${namespace}' --ignore-not-found --wait=true --timeout=120s`);
  }
}

/** pytest's "N passed" or ctest's "out of N" (all passed, else the step failed already). */
function integrationTestsPassed(output: string): number {
  const pytest = /(\d+) passed/.exec(output);
  if (pytest) return Number(pytest[1]);
  const ctest = /100% tests passed, 0 tests failed out of (\d+)/.exec(output);
  return ctest ? Number(ctest[1]) : 0;
}

function skipOrFail(reason: string): never {
  if (process.env.CI === 'true') {
    console.error(`e2e FAILED: ${reason}`);
    process.exit(1);
  }
  console.log(`e2e skipped: ${reason} (run: ${COMMAND})`);
  process.exit(0);
}

function main(): void {
  const requested = process.argv.slice(2);
  const examples = (requested.length > 0 ? requested : exampleNames()).filter(e => e !== MONOREPO_EXAMPLE);
  const withMonorepo = requested.length === 0 || requested.includes(MONOREPO_EXAMPLE);
  const preflight = spawnSync('bash', ['scripts/cluster/preflight.sh'], { cwd: ROOT, encoding: 'utf8' });
  if (preflight.status !== 0) skipOrFail(`this machine cannot run the cluster: ${preflight.stdout.trim()}`);

  const started = Date.now();
  const up = spawnSync('bash', ['scripts/cluster/up.sh'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) {
    console.error('e2e FAILED: the cluster did not start (component logs above)');
    process.exit(1);
  }
  let failed = false;
  try {
    const imagesBuild = path.join(ROOT, 'scripts', 'runtime-images', 'build.sh');
    if (fs.existsSync(imagesBuild)) {
      const res = spawnSync('bash', [imagesBuild], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
      if (res.status !== 0) throw new Error(`${imagesBuild} failed`);
    }
    if (!fs.existsSync(RUNTIME_INDEX)) throw new Error(`no runtime images: ${RUNTIME_INDEX} is missing (scripts/runtime-images/build.sh writes it)`);
    const images = runtimeImages();
    step('runtime images', 'import', `bash scripts/cluster/import-image.sh ${[...images.values()].map(i => `'${i.archive}'`).join(' ')}`);
    ensureBaseImages();
    const lines: string[] = [];
    const runs = new Map<string, ExampleRun>();
    for (const example of examples) {
      try {
        const run = prepare(example);
        runs.set(example, run);
        lines.push(runExample(run, images));
        console.log(lines[lines.length - 1]);
      } catch (e) {
        failed = true;
        console.error((e as Error).message);
      }
    }
    if (withMonorepo) {
      try {
        lines.push(runMonorepo(images));
        console.log(lines[lines.length - 1]);
      } catch (e) {
        failed = true;
        console.error((e as Error).message);
      }
    }
    const negative = runs.get('seat-adjuster') ?? [...runs.values()][0];
    if (negative) console.log(expectBrokenMqttFails(negative, images));
    const total = examples.length + (withMonorepo ? 1 : 0);
    console.log(`e2e: ${lines.length} passed, ${total - lines.length} failed in ${Math.round((Date.now() - started) / 1000)} s; logs in ${LOG_DIR}`);
  } catch (e) {
    failed = true;
    console.error(`e2e FAILED: ${(e as Error).message}; logs in ${LOG_DIR}`);
  } finally {
    if (process.env.E2E_KEEP_CLUSTER !== '1') spawnSync('bash', ['scripts/cluster/down.sh'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    // The logs stay for a failing run; the image archives (hundreds of MB) do not.
    for (const f of fs.readdirSync(LOG_DIR).filter(n => n.endsWith('.tar'))) fs.rmSync(path.join(LOG_DIR, f));
  }
  process.exit(failed ? 1 : 0);
}

/** The broken run must fail with a message naming the example and the failing step; returns what it showed. */
function expectBrokenMqttFails(run: ExampleRun, images: Map<string, { ref: string; archive: string }>): string {
  const broken: DeployValue = { key: 'env.SDV_MQTT_ADDRESS', value: 'mqtt://e2e-no-such-broker:1883' };
  try {
    // The app waits for its broker and never gets ready: helm's wait fails after this timeout (a good deploy takes ~10 s).
    runExample(run, images, [broken], '30s');
  } catch (e) {
    if (e instanceof StepFailure && e.example === run.example) {
      return `e2e fails when it should: with a broken MQTT address, "${e.message.split('\n')[0]}"`;
    }
    throw e;
  }
  throw new Error(`e2e ${run.example} passed with a broken MQTT address (${broken.value}): the e2e cannot detect a broken deployment`);
}

main();
