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

type Kind = 'manifest' | 'dockerfile' | 'yaml' | 'github' | 'chart' | 'k8s';

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
    }
    for (const o of owners) stored.owners.add(o);
    this.written.set(kind, (this.written.get(kind) ?? 0) + 1);
    return stored;
  }

  public all(kind: Kind): Stored[] {
    return [...(this.items.get(kind)?.values() ?? [])];
  }

  /** The stored artifact a line of tool output names, if any. */
  public find(line: string): Stored | undefined {
    const m = /\/(manifest|dockerfile|yaml|github|chart|k8s)\/([0-9a-f]{16})\b/.exec(line);
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
  const github = path.join(dir, '.github');
  const githubFiles = readTree(github);
  // .git marks the repository root, where actionlint finds .github/actionlint.yaml (the self-hosted runner labels).
  const stored = store.add('github', '.github', [index], githubFiles.map(([rel, c]) => [path.join('.github', rel), c]));
  fs.mkdirSync(path.join(stored.dir, '.git'), { recursive: true });
  for (const [rel, content] of githubFiles) {
    const origin = path.join('.github', rel);
    if (rel.startsWith('workflows/')) continue;
    if (rel.endsWith('.yml') || rel.endsWith('.yaml')) store.add('yaml', origin, [index], [[path.basename(rel), content]]);
    else if (path.basename(rel) === 'Dockerfile') store.add('dockerfile', origin, [index], [['Dockerfile', content]]);
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

/** Seconds each tool ran (summed over its calls), for the report. */
export const toolSeconds: { [tool: string]: number } = {};

function run(tool: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const exe = toolPath(tool);
  const started = Date.now();
  if (!exe) return Promise.reject(new Error(`validator '${tool}' not found`));
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { env: { ...process.env, ...env }, cwd: os.tmpdir() });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', d => out.push(d));
    child.stderr.on('data', d => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      toolSeconds[tool] = (toolSeconds[tool] ?? 0) + (Date.now() - started) / 1000;
    });
    child.on('close', (code, signal) => resolve({
      status: code ?? -1,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8') + (signal ? `\n[killed by ${signal}]` : ''),
    }));
  });
}

/** Runs `jobs` at most PARALLEL at a time. */
async function pool<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, jobs.length) }, worker));
  return results;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

class Findings {
  public readonly list: Finding[] = [];
  public constructor(private readonly store: ArtifactStore) {}

  /** Attributes each output line that names a stored artifact (and the lines after it) to that artifact. */
  public attribute(tool: string, result: Run, lines: (r: Run) => string[] = r => `${r.stdout}\n${r.stderr}`.split('\n'), failed = result.status !== 0): void {
    if (!failed) return;
    const byArtifact = new Map<Stored, string[]>();
    let current: Stored | undefined;
    const unattributed: string[] = [];
    for (const line of lines(result)) {
      current = this.store.find(line) ?? current;
      if (current) byArtifact.set(current, [...(byArtifact.get(current) ?? []), line]);
      else if (line.trim()) unattributed.push(line);
    }
    for (const [stored, text] of byArtifact) this.add(tool, stored, text.join('\n'));
    // A failing run that names no artifact still fails the batch.
    if (byArtifact.size === 0) {
      this.list.push({ tool, artifact: '(whole batch)', projects: [], message: `exit ${result.status}\n${unattributed.join('\n')}` });
    }
  }

  public add(tool: string, stored: Stored, message: string): void {
    this.list.push({ tool, artifact: stored.origin, projects: [...stored.owners].sort((a, b) => a - b), message: message.slice(0, 4000) });
  }
}

const valuesKey = (values: GeneratedProject['chartValues']) => Object.entries(values).sort().map(([k, v]) => `${k}=${v}`).join(',');

/**
 * Synthesizes `projects` (index = position) into temporary folders and validates every artifact.
 * Project folders are removed as soon as their artifacts are stored; the store is removed at the end.
 */
export async function validateProjects(projects: GeneratedProject[]): Promise<BatchReport> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-property-'));
  const store = new ArtifactStore(path.join(root, 'store'));
  // actionlint looks for its config at the repository root, found by .git: the store has none above it.
  fs.mkdirSync(path.join(root, '.git'));
  const synthErrors: BatchReport['synthErrors'] = [];
  const renders = new Map<string, { chart: Stored; chartName: string; values: GeneratedProject['chartValues']; owners: number[] }>();
  const t0 = Date.now();
  try {
    projects.forEach((generated, index) => {
      const dir = path.join(root, 'projects', String(index));
      try {
        const project = synthesize(generated.options, dir);
        const chart = collect(store, index, dir, project.helmChart.chartDir);
        const key = `${chart.dir}|${valuesKey(generated.chartValues)}`;
        const render = renders.get(key) ?? { chart, chartName: path.basename(project.helmChart.chartDir), values: generated.chartValues, owners: [] };
        render.owners.push(index);
        renders.set(key, render);
      } catch (e: any) {
        synthErrors.push({ project: index, error: String(e?.stack ?? e) });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
    const t1 = Date.now();
    const findings = new Findings(store);
    if (renders.size > 0) await validate(store, findings, [...renders.values()]);
    const artifacts: BatchReport['artifacts'] = {};
    for (const [kind, written] of store.written) artifacts[kind] = { written, validated: store.items.get(kind)!.size };
    return { projects: projects.length, artifacts, findings: findings.list, synthErrors, millis: { synth: t1 - t0, validate: Date.now() - t1 } };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function validate(
  store: ArtifactStore,
  findings: Findings,
  renders: Array<{ chart: Stored; chartName: string; values: GeneratedProject['chartValues']; owners: number[] }>,
): Promise<void> {
  const files = (kind: Kind) => store.all(kind).flatMap(s => fs.readdirSync(s.dir).map(f => path.join(s.dir, f)));
  const jobs: Array<() => Promise<void>> = [];
  const batch = (tool: string, args: (files: string[]) => string[], list: string[], size: number, env?: Record<string, string>, lines?: (r: Run) => string[]) => {
    for (const part of chunks(list, size)) {
      jobs.push(async () => findings.attribute(tool, await run(tool, args(part), env), lines));
    }
    if (list.length === 0) findings.list.push({ tool, artifact: '(whole batch)', projects: [], message: 'nothing to check: the batch holds no file for it' });
  };
  batch('check-jsonschema', f => ['--color', 'never', '--schemafile', MANIFEST_SCHEMA, ...f], files('manifest'), 1000);
  batch('hadolint', f => ['--config', HADOLINT_CONFIG, '--strict-labels', '--no-color', '--failure-threshold', 'style', ...f], files('dockerfile'), 500);
  const shellcheck = toolPath('shellcheck');
  const workflows = store.all('github').flatMap(s => {
    const dir = path.join(s.dir, '.github', 'workflows');
    return fs.readdirSync(dir).map(f => path.join(dir, f));
  });
  batch('actionlint', f => ['-no-color', '-shellcheck', shellcheck ?? 'shellcheck', ...f], workflows, Math.ceil(workflows.length / PARALLEL));
  batch('yamllint', f => ['--strict', '-f', 'parsable', '-d',
    `{extends: ${JSON.stringify(YAMLLINT_CONFIG)}, rules: {truthy: {allowed-values: ['true', 'false'], check-keys: false}}}`, ...f], workflows, 500);
  batch('yamllint', f => ['--strict', '-f', 'parsable', '-c', YAMLLINT_CONFIG, ...f], files('yaml'), 500);
  // zizmor's pedantic persona reports everything the default one does and more; nothing is waived (no config).
  batch('zizmor', f => ['--offline', '--no-config', '--persona', 'pedantic', '--no-progress', '--color', 'never', ...f],
    store.all('github').map(s => path.join(s.dir, '.github')), 300, { ZIZMOR_OFFLINE: 'true' });
  // helm lint --strict, one call per set of chart values over every chart rendered with them.
  const lintGroups = new Map<string, { values: GeneratedProject['chartValues']; charts: Set<string> }>();
  for (const r of renders) {
    const group = lintGroups.get(valuesKey(r.values)) ?? { values: r.values, charts: new Set<string>() };
    group.charts.add(path.join(r.chart.dir, r.chartName));
    lintGroups.set(valuesKey(r.values), group);
  }
  for (const { values, charts } of lintGroups.values()) {
    const sets = Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    batch('helm', f => ['lint', '--strict', '--kube-version', KUBE_VERSION, ...sets, ...f], [...charts], 300, undefined,
      // Sections start with "==> Linting <chart>"; [INFO] lines are advice, [WARNING] and [ERROR] fail under --strict.
      r => r.stdout.split('\n').filter(l => l.startsWith('==> Linting') || /^\[(WARNING|ERROR)\]/.test(l) || /^Error/.test(l)).concat(r.stderr.split('\n')));
  }
  // Every chart rendered with its values; every distinct object then validated strictly, all in few calls.
  const objects = new ArtifactStore(store.root);
  const renderJobs = renders.map(r => async () => {
    const chart = path.join(r.chart.dir, r.chartName);
    const sets = Object.entries(r.values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const result = await run('helm', ['template', RELEASE, chart, '--namespace', NAMESPACE, '--kube-version', KUBE_VERSION, ...sets]);
    if (result.status !== 0) {
      findings.list.push({ tool: 'helm template', artifact: r.chart.origin, projects: r.owners, message: `${sets.join(' ')}\n${result.stderr}` });
      return;
    }
    for (const doc of parseAllDocuments(result.stdout)) {
      const object = doc.toJSON();
      if (!object || typeof object !== 'object') continue;
      const text = `${JSON.stringify(object)}\n`;
      const kind = `${object.kind}/${object.metadata?.name}`.replace(/[^A-Za-z0-9.-]+/g, '_');
      objects.add('k8s', `${r.chart.origin} ${kind}`, r.owners, [[`${kind}.json`, Buffer.from(text)]]);
    }
  });
  await pool([...renderJobs, ...jobs]);
  const manifests: string[] = [];
  for (const s of objects.all('k8s')) manifests.push(...fs.readdirSync(s.dir).map(f => path.join(s.dir, f)));
  store.items.set('k8s', objects.items.get('k8s') ?? new Map());
  store.written.set('k8s', objects.written.get('k8s') ?? 0);
  await pool(chunks(manifests, Math.ceil(manifests.length / PARALLEL) || 1).map(part => async () => {
    const result = await run('kubernetes-validate', ['--strict', '--kubernetes-version', KUBE_VERSION, ...part]);
    const lines = `${result.stdout}\n${result.stderr}`.split('\n');
    const problems = lines.filter(l => /^(ERROR|WARN)\b/.test(l) || /Couldn't (parse|find)/.test(l));
    findings.attribute('kubernetes-validate', { ...result, stdout: problems.join('\n'), stderr: '' }, undefined, result.status !== 0 || problems.length > 0);
    // Each file holds one object: a file without its "passed" line was not checked.
    const passed = new Set(lines.filter(l => /^INFO .* passed for resource /.test(l)).map(l => l.split(' ')[1]));
    for (const file of part) {
      if (!passed.has(file) && !problems.some(p => p.includes(file))) {
        const stored = store.find(file);
        if (stored) findings.add('kubernetes-validate', stored, `${file}: no "passed" line: the object was not validated`);
      }
    }
  }));
}
