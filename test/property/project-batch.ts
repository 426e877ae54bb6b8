/**
 * Synthesizes many generated projects and runs every artifact through its real validator in batches:
 * identical artifacts (by content hash) are stored and validated once, each tool runs over many files
 * per call, and a finding is attributed back to the projects whose artifact it names.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { GeneratedProject } from './arbitraries';
import { VehicleAppProject } from '../../src';
import { seedProtos } from '../support/protos';
import { HADOLINT_CONFIG, KUBE_VERSION, REPO_ROOT, toolPath, WRAPPER_TOOLS, YAMLLINT_CONFIG } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const MANIFEST_SCHEMA = path.join(REPO_ROOT, 'schemas', 'app-manifest-v3.schema.json');
const RELEASE = 'prop';
const NAMESPACE = 'vehicle-apps';
/** Tools run two at a time: the machine has two cores. */
const PARALLEL = 2;

/** Every tool the batch runs. */
export const BATCH_TOOLS = [...new Set([
  ...WRAPPER_TOOLS.jsonSchemaValidate, ...WRAPPER_TOOLS.hadolint, ...WRAPPER_TOOLS.actionlint, ...WRAPPER_TOOLS.zizmor,
  ...WRAPPER_TOOLS.yamllint, ...WRAPPER_TOOLS.helmLint, ...WRAPPER_TOOLS.kubeValidateStrict,
])];

type Kind = 'manifest' | 'dockerfile' | 'workflow' | 'yaml' | 'chart' | 'k8s';

/** A validator's complaint about one stored artifact, and the projects that produced it. */
export interface Finding {
  readonly tool: string;
  /** Where the artifact came from in a project, e.g. `app/Dockerfile`. */
  readonly artifact: string;
  readonly projects: number[];
  readonly message: string;
}

export interface BatchReport {
  readonly projects: number;
  /** Per artifact kind: how many the projects wrote and how many distinct ones were validated. */
  readonly artifacts: { [kind: string]: { written: number; validated: number } };
  readonly findings: Finding[];
  /** Projects whose synthesis threw, with the error. */
  readonly synthErrors: Array<{ project: number; error: string }>;
  readonly millis: { synth: number; validate: number };
}

interface Stored {
  readonly dir: string;
  /** Where it came from in the first project that wrote it. */
  readonly origin: string;
  readonly owners: Set<number>;
}

/** Content-addressed store of the artifacts to validate: `<root>/<kind>/<hash>/<files>`. */
class ArtifactStore {
  public readonly items = new Map<Kind, Map<string, Stored>>();
  public readonly written = new Map<Kind, number>();
  /** Stored since the last {@link takeFresh}, per kind. */
  private readonly fresh = new Map<Kind, Stored[]>();

  public constructor(public readonly root: string) {}

  public add(kind: Kind, origin: string, owners: Iterable<number>, files: Array<[string, Buffer]>): Stored {
    const hash = createHash('sha256');
    for (const [rel, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(`${rel}\0${content.length}\0`).update(content);
    const key = hash.digest('hex').slice(0, 16);
    const ofKind = this.items.get(kind) ?? new Map<string, Stored>();
    this.items.set(kind, ofKind);
    let stored = ofKind.get(key);
    if (!stored) {
      stored = { dir: path.join(this.root, kind, key), origin, owners: new Set() };
      for (const [rel, content] of files) {
        fs.mkdirSync(path.dirname(path.join(stored.dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(stored.dir, rel), content);
      }
      ofKind.set(key, stored);
      this.fresh.set(kind, [...(this.fresh.get(kind) ?? []), stored]);
    }
    for (const o of owners) stored.owners.add(o);
    this.written.set(kind, (this.written.get(kind) ?? 0) + 1);
    return stored;
  }

  /** What was stored since the last call: each distinct artifact is validated once. */
  public takeFresh(kind: Kind): Stored[] {
    const items = this.fresh.get(kind) ?? [];
    this.fresh.set(kind, []);
    return items;
  }

  /** The stored artifact a line of tool output names, if any. */
  public find(line: string): Stored | undefined {
    const m = /\/(manifest|dockerfile|workflow|yaml|chart|k8s)\/([0-9a-f]{16})\b/.exec(line);
    return m ? this.items.get(m[1] as Kind)?.get(m[2]) : undefined;
  }
}

function readTree(dir: string, prefix = ''): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...readTree(full, path.join(prefix, entry.name)));
    else out.push([path.join(prefix, entry.name), fs.readFileSync(full)]);
  }
  return out;
}

/** Builds a project from generated options into `dir` and writes it. */
export function synthesize(options: GeneratedProject['options'], dir: string): VehicleAppProject {
  const project = new VehicleAppProject({ ...options, outdir: dir } as any);
  project.synth();
  return project;
}

/** Adds a synthesized project's artifacts to the store; returns the chart (for rendering). */
function collect(store: ArtifactStore, index: number, dir: string, chartDir: string): Stored {
  const file = (rel: string): Array<[string, Buffer]> => [[path.basename(rel), fs.readFileSync(path.join(dir, rel))]];
  store.add('manifest', 'app/AppManifest.json', [index], file('app/AppManifest.json'));
  store.add('dockerfile', 'app/Dockerfile', [index], file('app/Dockerfile'));
  const githubFiles = readTree(path.join(dir, '.github'));
  // actionlint reads the self-hosted runner labels from .github/actionlint.yaml at the repository root (found by .git).
  const actionlintConfig = githubFiles.filter(([rel]) => rel === 'actionlint.yaml').map(([rel, c]): [string, Buffer] => [path.join('.github', rel), c]);
  for (const [rel, content] of githubFiles) {
    const origin = path.join('.github', rel);
    if (rel.startsWith(`workflows${path.sep}`)) {
      const stored = store.add('workflow', origin, [index], [[path.join('.github', rel), content], ...actionlintConfig]);
      fs.mkdirSync(path.join(stored.dir, '.git'), { recursive: true });
    } else if (/\.ya?ml$/.test(rel)) {
      store.add('yaml', origin, [index], [[path.basename(rel), content]]);
    } else if (path.basename(rel) === 'Dockerfile') {
      store.add('dockerfile', origin, [index], [['Dockerfile', content]]);
    }
  }
  const chartFiles = readTree(path.join(dir, chartDir));
  for (const [rel, content] of chartFiles) {
    if (/\.ya?ml$/.test(rel) && !rel.split(path.sep).includes('templates')) store.add('yaml', path.join(chartDir, rel), [index], [[path.basename(rel), content]]);
  }
  // helm lint wants the folder named as the chart.
  return store.add('chart', chartDir, [index], chartFiles.map(([rel, c]) => [path.join(path.basename(chartDir), rel), c]));
}

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Seconds each tool ran (summed over its calls, which overlap), for the report. */
export const toolSeconds: { [tool: string]: number } = {};

/** Runs a tool with its output in files (a pipe would stall it while synthesis keeps the event loop busy). */
function run(tool: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const exe = toolPath(tool);
  if (!exe) return Promise.reject(new Error(`validator '${tool}' not found`));
  const started = Date.now();
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-property-out-'));
  const outFile = path.join(outDir, 'stdout');
  const errFile = path.join(outDir, 'stderr');
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(exe, args, { env: { ...process.env, ...env }, cwd: os.tmpdir(), stdio: ['ignore', out, err] });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      toolSeconds[tool] = (toolSeconds[tool] ?? 0) + (Date.now() - started) / 1000;
      resolve({
        status: code ?? -1,
        stdout: fs.readFileSync(outFile, 'utf8'),
        stderr: fs.readFileSync(errFile, 'utf8') + (signal ? `\n[killed by ${signal}]` : ''),
      });
    });
  }).finally(() => {
    fs.closeSync(out);
    fs.closeSync(err);
    fs.rmSync(outDir, { recursive: true, force: true });
  });
}

/** A queue that runs jobs at most PARALLEL at a time, as they are added. */
class JobQueue {
  private readonly waiting: Array<() => Promise<void>> = [];
  private running = 0;
  private idle: Array<() => void> = [];
  private failure: unknown;

  public add(job: () => Promise<void>): void {
    this.waiting.push(job);
    this.next();
  }

  /** Resolves when every job added so far has ended; rejects with the first job's crash. */
  public async drain(): Promise<void> {
    while (this.running > 0 || this.waiting.length > 0) await new Promise<void>(r => this.idle.push(r));
    if (this.failure) throw this.failure;
  }

  private next(): void {
    while (this.running < PARALLEL && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      job().catch(e => { this.failure ??= e; }).finally(() => {
        this.running--;
        this.next();
        if (this.running === 0 && this.waiting.length === 0) this.idle.splice(0).forEach(r => r());
      });
    }
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface RawFinding {
  readonly tool: string;
  /** The artifact, whose owners are read at the end (later projects may share it). */
  readonly stored?: Stored;
  readonly origin: string;
  readonly owners?: number[];
  readonly message: string;
}

class Findings {
  public readonly raw: RawFinding[] = [];
  public constructor(private readonly store: ArtifactStore) {}

  /** Attributes each output line that names a stored artifact (and the lines after it) to that artifact. */
  public attribute(tool: string, result: Run, failed = result.status !== 0, lines = `${result.stdout}\n${result.stderr}`.split('\n')): void {
    if (!failed) return;
    const byArtifact = new Map<Stored, string[]>();
    let current: Stored | undefined;
    const unattributed: string[] = [];
    for (const line of lines) {
      // Progress lines (zizmor's "INFO audit: completed <file>") name every file, not only those with findings.
      if (/^\s*INFO\b/.test(line)) continue;
      current = this.store.find(line) ?? current;
      if (current) byArtifact.set(current, [...(byArtifact.get(current) ?? []), line]);
      else if (line.trim()) unattributed.push(line);
    }
    for (const [stored, text] of byArtifact) this.add(tool, stored, text.join('\n'));
    // A failing run that names no artifact still fails the batch.
    if (byArtifact.size === 0) this.raw.push({ tool, origin: '(whole batch)', owners: [], message: `exit ${result.status}\n${unattributed.join('\n')}` });
  }

  public add(tool: string, stored: Stored, message: string): void {
    this.raw.push({ tool, stored, origin: stored.origin, message: message.slice(0, 4000) });
  }

  public resolve(): Finding[] {
    return this.raw.map(f => ({
      tool: f.tool,
      artifact: f.origin,
      projects: f.owners ?? [...(f.stored?.owners ?? [])].sort((a, b) => a - b),
      message: f.message,
    }));
  }
}

type ChartValues = GeneratedProject['chartValues'];
const valuesKey = (values: ChartValues) => Object.entries(values).sort().map(([k, v]) => `${k}=${v}`).join(',');
const setArgs = (values: ChartValues) => Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

/** One chart rendered with one set of values, and the projects that asked for it. */
interface Render {
  readonly chart: Stored;
  readonly chartName: string;
  readonly values: ChartValues;
  readonly owners: Set<number>;
  /** The distinct objects it rendered. */
  readonly objects: Stored[];
}

/** Projects synthesized between two validation rounds: the tools work on one chunk while the next is synthesized. */
const CHUNK = 50;

/**
 * Synthesizes `projects` (index = position) into temporary folders and validates every artifact.
 * Project folders are removed as soon as their artifacts are stored; the store is removed at the end.
 */
export async function validateProjects(projects: GeneratedProject[]): Promise<BatchReport> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-property-'));
  const store = new ArtifactStore(path.join(root, 'store'));
  const findings = new Findings(store);
  const queue = new JobQueue();
  const synthErrors: BatchReport['synthErrors'] = [];
  const renders = new Map<string, Render>();
  let synthMillis = 0;
  const t0 = Date.now();
  try {
    for (const chunk of chunks(projects.map((p, i) => [p, i] as const), CHUNK)) {
      const fresh: Render[] = [];
      for (const [generated, index] of chunk) {
        const started = Date.now();
        const dir = path.join(root, 'projects', String(index));
        try {
          // A grpc-interface's .proto is read at synth: each project keeps its copy (app/proto/ for a URL), as a user's does.
          seedProtos(dir, generated.options.interfaces);
          const project = synthesize(generated.options, dir);
          const chart = collect(store, index, dir, project.helmChart.chartDir);
          const key = `${chart.dir}|${valuesKey(generated.chartValues)}`;
          let render = renders.get(key);
          if (!render) {
            render = { chart, chartName: path.basename(project.helmChart.chartDir), values: generated.chartValues, owners: new Set(), objects: [] };
            renders.set(key, render);
            fresh.push(render);
          }
          render.owners.add(index);
        } catch (e: any) {
          synthErrors.push({ project: index, error: String(e?.stack ?? e) });
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
        synthMillis += Date.now() - started;
        // Let finished tools hand over to the next queued ones.
        await new Promise(resolve => setImmediate(resolve));
      }
      queueValidation(store, findings, queue, fresh);
    }
    await queue.drain();
    // An object's projects are those of every render that produced it.
    for (const render of renders.values()) for (const object of render.objects) render.owners.forEach(o => object.owners.add(o));
    const artifacts: BatchReport['artifacts'] = {};
    for (const [kind, written] of store.written) artifacts[kind] = { written, validated: store.items.get(kind)!.size };
    // A round that validated nothing of a kind checked nothing (unless synthesis or rendering already failed).
    if (renders.size > 0 && findings.raw.length === 0) {
      for (const kind of ['manifest', 'dockerfile', 'workflow', 'yaml', 'chart', 'k8s'] as Kind[]) {
        if (!artifacts[kind]?.validated) findings.raw.push({ tool: kind, origin: '(whole batch)', owners: [], message: `no ${kind} artifact was validated` });
      }
    }
    const total = Date.now() - t0;
    const millis = { synth: synthMillis, validate: total - synthMillis };
    return { projects: projects.length, artifacts, findings: findings.resolve(), synthErrors, millis };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Queues every tool over the artifacts stored since the last call. */
function queueValidation(store: ArtifactStore, findings: Findings, queue: JobQueue, renders: Render[]): void {
  const files = (items: Stored[], sub = '') => items.flatMap(s => {
    const dir = path.join(s.dir, sub);
    return fs.readdirSync(dir).filter(f => !f.startsWith('.')).map(f => path.join(dir, f));
  });
  const batch = (tool: string, args: (files: string[]) => string[], list: string[], size: number, env?: Record<string, string>) => {
    for (const part of chunks(list, size)) queue.add(async () => findings.attribute(tool, await run(tool, args(part), env)));
  };
  const manifests = files(store.takeFresh('manifest'));
  const dockerfiles = files(store.takeFresh('dockerfile'));
  const workflows = files(store.takeFresh('workflow'), path.join('.github', 'workflows'));
  const yamls = files(store.takeFresh('yaml'));
  batch('check-jsonschema', f => ['--color', 'never', '--schemafile', MANIFEST_SCHEMA, ...f], manifests, 1000);
  batch('hadolint', f => ['--config', HADOLINT_CONFIG, '--strict-labels', '--no-color', '--failure-threshold', 'style', ...f], dockerfiles, 500);
  const shellcheck = toolPath('shellcheck');
  batch('actionlint', f => ['-no-color', '-shellcheck', shellcheck ?? 'shellcheck', ...f], workflows, Math.ceil(workflows.length / PARALLEL));
  const workflowConfig = `{extends: ${JSON.stringify(YAMLLINT_CONFIG)}, rules: {truthy: {allowed-values: ['true', 'false'], check-keys: false}}}`;
  batch('yamllint', f => ['--strict', '-f', 'parsable', '-d', workflowConfig, ...f], workflows, 500);
  batch('yamllint', f => ['--strict', '-f', 'parsable', '-c', YAMLLINT_CONFIG, ...f], yamls, 500);
  // zizmor's pedantic persona reports everything the default one does and more; nothing is waived (no config).
  const zizmorInputs = [...workflows, ...yamls.filter(f => /\/(dependabot|action)\.yml$/.test(f))];
  batch('zizmor', f => ['--offline', '--no-config', '--persona', 'pedantic', '--no-progress', '--color', 'never', ...f], zizmorInputs, 500, { ZIZMOR_OFFLINE: 'true' });
  // helm lint --strict, one call per set of chart values over the charts rendered with them; [INFO] lines are advice.
  const lintGroups = new Map<string, { values: ChartValues; charts: string[] }>();
  for (const r of renders) {
    const group = lintGroups.get(valuesKey(r.values)) ?? { values: r.values, charts: [] };
    group.charts.push(path.join(r.chart.dir, r.chartName));
    lintGroups.set(valuesKey(r.values), group);
  }
  for (const { values, charts } of lintGroups.values()) {
    for (const part of chunks(charts, 300)) {
      queue.add(async () => {
        const result = await run('helm', ['lint', '--strict', '--kube-version', KUBE_VERSION, ...setArgs(values), ...part]);
        // One section per chart ("==> Linting <chart>"); a chart fails with a [WARNING] or [ERROR] line in its section.
        const sections = result.stdout.split(/^(?===> Linting )/m);
        const failing = sections.filter(section => /^\[(WARNING|ERROR)\]/m.test(section));
        for (const section of failing) {
          const stored = store.find(section.split('\n')[0]);
          if (stored) findings.add('helm lint', stored, `${setArgs(values).join(' ')}\n${section}`);
        }
        if (failing.length === 0) findings.attribute('helm lint', result);
      });
    }
  }
  // Every chart rendered with its values; the distinct objects of the round then validated strictly in one call per core.
  store.takeFresh('chart');
  let rendered = 0;
  for (const r of renders) {
    queue.add(async () => {
      const chart = path.join(r.chart.dir, r.chartName);
      const result = await run('helm', ['template', RELEASE, chart, '--namespace', NAMESPACE, '--kube-version', KUBE_VERSION, ...setArgs(r.values)]);
      if (result.status !== 0) {
        findings.add('helm template', r.chart, `${setArgs(r.values).join(' ')}\n${result.stderr}`);
      } else {
        for (const doc of parseAllDocuments(result.stdout)) {
          const object = doc.toJSON();
          if (!object || typeof object !== 'object') continue;
          const name = `${object.kind}_${object.metadata?.name}`.replace(/[^A-Za-z0-9.-]+/g, '_');
          r.objects.push(store.add('k8s', `${r.chart.origin} ${name}`, [], [[`${name}.json`, Buffer.from(`${JSON.stringify(object)}\n`)]]));
        }
      }
      if (++rendered === renders.length) queueKubeValidate(store, findings, queue, files(store.takeFresh('k8s')));
    });
  }
}

function queueKubeValidate(store: ArtifactStore, findings: Findings, queue: JobQueue, objects: string[]): void {
  for (const part of chunks(objects, Math.ceil(objects.length / PARALLEL))) {
    queue.add(async () => {
      const result = await run('kubernetes-validate', ['--strict', '--kubernetes-version', KUBE_VERSION, ...part]);
      const lines = `${result.stdout}\n${result.stderr}`.split('\n');
      const problems = lines.filter(l => /^(ERROR|WARN)\b/.test(l) || /Couldn't (parse|find)/.test(l));
      findings.attribute('kubernetes-validate', result, result.status !== 0 || problems.length > 0, problems.length > 0 ? problems : lines);
      // Each file holds one object: a file without its "passed" line was not checked.
      const passed = new Set(lines.filter(l => /^INFO .* passed for resource /.test(l)).map(l => l.split(' ')[1]));
      for (const file of part) {
        const stored = store.find(file);
        if (stored && !passed.has(file) && !problems.some(p => p.includes(file))) {
          findings.add('kubernetes-validate', stored, `${file}: no "passed" line: the object was not validated`);
        }
      }
    });
  }
}
