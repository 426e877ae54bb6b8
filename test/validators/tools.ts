/**
 * Test harness for the external validators installed by
 * `scripts/install-validators.sh` (see scripts/VALIDATORS.md).
 *
 * Tools are resolved from `<repoRoot>/.tools/bin` first, then from PATH.
 * A test that needs a missing tool is never counted as passed: it is skipped
 * locally (with an install hint) and FAILS when `CI=true`.
 *
 * Every wrapper throws an Error carrying the tool's complete output when the
 * tool reports anything, so a failing test shows the findings.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Repository root (this file lives in `<root>/test/validators`). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Directory holding the project-local validator binaries: `<repoRoot>/.tools/bin`,
 * or `$VALIDATORS_TOOLS_DIR/bin` (the same variable the install script honours).
 */
export const TOOLS_BIN = path.join(process.env.VALIDATORS_TOOLS_DIR ?? path.join(REPO_ROOT, '.tools'), 'bin');

/** Kubernetes version every manifest is validated against. */
export const KUBE_VERSION = '1.27.0';

/** The command that installs every validator. */
export const INSTALL_HINT = 'bash scripts/install-validators.sh';

/** Strict yamllint config (see the file for the rules). */
export const YAMLLINT_CONFIG = path.join(__dirname, 'yamllint.yaml');

/** hadolint config: every finding fails, down to `style`. */
export const HADOLINT_CONFIG = path.join(__dirname, 'hadolint.yaml');

/**
 * The tools each wrapper needs: pass these to {@link testWithTools}, e.g.
 * `testWithTools(WRAPPER_TOOLS.actionlint, 'workflow is clean', () => ...)`.
 */
export const WRAPPER_TOOLS = {
  yamllint: ['yamllint'],
  actionlint: ['actionlint', 'shellcheck'],
  shellcheck: ['shellcheck'],
  zizmor: ['zizmor'],
  hadolint: ['hadolint'],
  helmLint: ['helm'],
  helmTemplate: ['helm'],
  /** The last Helm 3 (`helm` is Helm 4): charts must lint and render with both. */
  helm3: ['helm3'],
  kubeValidateStrict: ['kubernetes-validate'],
  kubeLint: ['checkov'],
  kubeScore: ['kube-score'],
  jsonSchemaValidate: ['check-jsonschema'],
  workflowSchemaValidate: ['check-jsonschema'],
} as const;

export interface RunToolOptions {
  /** Working directory (default: the repository root). */
  readonly cwd?: string;
  /** Data written to the tool's standard input. */
  readonly input?: string;
  /** Extra environment variables (merged over process.env). */
  readonly env?: Record<string, string>;
  /** Kill the tool after this many milliseconds (default 300000). */
  readonly timeoutMs?: number;
}

export interface ToolResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function isExecutableFile(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Absolute path of a tool: `<repoRoot>/.tools/bin/<name>` first, then PATH. */
export function toolPath(name: string): string | undefined {
  const local = path.join(TOOLS_BIN, name);
  if (isExecutableFile(local)) {
    return local;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

function requireTool(name: string): string {
  const p = toolPath(name);
  if (!p) {
    throw new Error(`validator '${name}' not found in ${TOOLS_BIN} or on PATH — run: ${INSTALL_HINT}`);
  }
  return p;
}

/** Run a tool synchronously. Throws if the tool is missing, cannot start or times out. */
export function runTool(name: string, args: string[], opts: RunToolOptions = {}): ToolResult {
  const exe = requireTool(name);
  const res = spawnSync(exe, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    input: opts.input,
    env: { ...process.env, ...(opts.env ?? {}) },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (res.error) {
    throw new Error(`${name} ${args.join(' ')}: could not run ${exe}: ${res.error.message}`);
  }
  let stderr = res.stderr ?? '';
  let status = res.status;
  if (status === null) {
    stderr += `\n[killed by signal ${res.signal}]`;
    status = -1;
  }
  return { status, stdout: res.stdout ?? '', stderr };
}

function describe(name: string, args: string[], res: ToolResult): string {
  return [
    `${name} ${args.join(' ')} exited with status ${res.status}`,
    '--- stdout ---',
    res.stdout.trimEnd(),
    '--- stderr ---',
    res.stderr.trimEnd(),
  ].join('\n');
}

/** Run a tool and throw (with its full stdout/stderr) unless it exits 0. */
export function expectToolPasses(name: string, args: string[], opts: RunToolOptions = {}): ToolResult {
  const res = runTool(name, args, opts);
  if (res.status !== 0) {
    throw new Error(describe(name, args, res));
  }
  return res;
}

const warnedMissing = new Set<string>();

/** The subset of `tools` that cannot be found. */
export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => toolPath(t) === undefined);
}

/**
 * Register a jest test that needs external tools.
 *
 * - all tools present: a normal `test`;
 * - some missing and `CI=true`: a test that FAILS naming them;
 * - some missing otherwise: `test.skip`, with one console warning per tool.
 */
export function testWithTools(
  tools: readonly string[],
  name: string,
  fn: () => void | Promise<void>,
  timeoutMs = 300_000,
): void {
  const missing = missingTools(tools);
  const run = async (): Promise<void> => {
    await fn();
  };
  if (missing.length === 0) {
    test(name, run, timeoutMs);
    return;
  }
  const message = `missing validator(s) ${missing.join(', ')} — run: ${INSTALL_HINT}`;
  if (process.env.CI === 'true') {
    test(name, () => {
      throw new Error(message);
    });
    return;
  }
  for (const t of missing) {
    if (!warnedMissing.has(t)) {
      warnedMissing.add(t);
      console.warn(`skipping tests that need '${t}': missing validator(s) ${t} — run: ${INSTALL_HINT}`);
    }
  }
  test.skip(name, run, timeoutMs);
}

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `velocitas-${prefix}-`));
}

function withTmpFile<T>(prefix: string, fileName: string, content: string, fn: (file: string) => T): T {
  const dir = tmpDir(prefix);
  try {
    const file = path.join(dir, fileName);
    fs.writeFileSync(file, content);
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function nonEmpty(what: string, items: readonly string[]): void {
  if (items.length === 0) {
    throw new Error(`${what}: nothing to check (empty file list)`);
  }
}

export interface YamllintOptions {
  /**
   * The files are GitHub workflows: allow truthy KEYS (the `on:` trigger key).
   * Truthy VALUES (`on: yes`) are still errors.
   */
  readonly workflow?: boolean;
}

/** yamllint --strict with test/validators/yamllint.yaml: any warning or error fails. */
export function yamllint(files: string[], opts: YamllintOptions = {}): void {
  nonEmpty('yamllint', files);
  const config = opts.workflow
    ? ['-d', `{extends: ${JSON.stringify(YAMLLINT_CONFIG)}, rules: {truthy: {allowed-values: ['true', 'false'], check-keys: false}}}`]
    : ['-c', YAMLLINT_CONFIG];
  expectToolPasses('yamllint', ['--strict', '-f', 'parsable', ...config, ...files]);
}

/** actionlint, with shellcheck (required) checking every `run:` script. */
export function actionlint(files: string[]): void {
  nonEmpty('actionlint', files);
  const shellcheckPath = requireTool('shellcheck');
  expectToolPasses('actionlint', ['-no-color', '-shellcheck', shellcheckPath, ...files]);
}

/** shellcheck on shell scripts (all severities, external sources followed). */
export function shellcheck(files: string[]): void {
  nonEmpty('shellcheck', files);
  expectToolPasses('shellcheck', ['--external-sources', '--severity=style', ...files]);
}

/**
 * zizmor, offline audits only, without any config file (nothing waived): any finding fails. The default
 * ("regular") persona, or e.g. `pedantic`, which adds the audits of style and documentation.
 */
export function zizmor(paths: string[], persona: 'regular' | 'pedantic' | 'auditor' = 'regular'): void {
  nonEmpty('zizmor', paths);
  expectToolPasses('zizmor', ['--offline', '--no-config', '--persona', persona, '--no-progress', '--color', 'never', ...paths], {
    env: { ZIZMOR_OFFLINE: 'true' },
  });
}

/** The identifiers of zizmor's findings (offline, no config) on `paths`, sorted and unique. */
export function zizmorFindings(paths: string[], persona: 'regular' | 'pedantic' | 'auditor' = 'regular'): string[] {
  nonEmpty('zizmor', paths);
  const result = runTool('zizmor', ['--offline', '--no-config', '--persona', persona, '--no-progress', '--format', 'json', ...paths], {
    env: { ZIZMOR_OFFLINE: 'true' },
  });
  const findings: Array<{ ident: string }> = JSON.parse(result.stdout);
  return [...new Set(findings.map(f => f.ident))].sort();
}

/**
 * kube-score on rendered manifests: any CRITICAL fails (WARNINGs are advice). Checks a chart exempts
 * itself from carry a `kube-score/ignore` annotation with the reason beside it in the chart's code.
 */
export function kubeScore(manifests: string): void {
  const result = runTool('kube-score', ['score', '--output-format', 'ci', '-'], { input: manifests });
  const critical = result.stdout.split('\n').filter(l => l.startsWith('[CRITICAL]'));
  if (critical.length > 0 || (result.status !== 0 && !/\[CRITICAL\]/.test(result.stdout))) {
    throw new Error(`kube-score reports ${critical.length} CRITICAL:\n${critical.join('\n')}\n${result.stderr}`);
  }
}

/** hadolint with zero tolerance: findings at every level (error..style) fail; labels must follow the config's label schema. */
export function hadolint(dockerfile: string): void {
  expectToolPasses('hadolint', [
    '--config', HADOLINT_CONFIG,
    // Only the labels of the config's label schema, each of its type.
    '--strict-labels',
    '--no-color',
    '--failure-threshold', 'style',
    dockerfile,
  ]);
}

function valuesArgs(valuesFiles: readonly string[] | undefined): string[] {
  return (valuesFiles ?? []).flatMap((f) => ['--values', f]);
}

/** `helm lint --strict` (warnings fail), with the Kubernetes version pinned. */
export function helmLint(chartDir: string, valuesFiles?: string[], helm: 'helm' | 'helm3' = 'helm'): void {
  expectToolPasses(helm, [
    'lint', chartDir,
    '--strict',
    '--kube-version', KUBE_VERSION,
    ...valuesArgs(valuesFiles),
  ]);
}

/**
 * `helm template` and return the rendered YAML.
 * `setArgs` is either `key=value` strings or a record of them (`--set`).
 */
export function helmTemplate(
  chartDir: string,
  releaseName: string,
  valuesFiles?: string[],
  setArgs?: string[] | Record<string, string>,
  helm: 'helm' | 'helm3' = 'helm',
): string {
  const sets = Array.isArray(setArgs)
    ? setArgs
    : Object.entries(setArgs ?? {}).map(([k, v]) => `${k}=${v}`);
  const res = expectToolPasses(helm, [
    'template', releaseName, chartDir,
    '--kube-version', KUBE_VERSION,
    ...valuesArgs(valuesFiles),
    ...sets.flatMap((s) => ['--set', s]),
  ]);
  return res.stdout;
}

export interface KubeValidateOptions {
  /** Kubernetes version (default {@link KUBE_VERSION}). */
  readonly kubernetesVersion?: string;
  /** Accept input that contains no object at all (default: such input fails). */
  readonly allowEmpty?: boolean;
}

/**
 * Validate every object in `renderedYaml` strictly (unknown fields are errors)
 * against the Kubernetes 1.27 schemas bundled in kubernetes-validate (offline).
 * An object whose kind/apiVersion has no schema in that version (a removed API
 * such as batch/v1beta1 CronJob, or a CRD) also fails.
 */
export function kubeValidateStrict(renderedYaml: string, opts: KubeValidateOptions = {}): void {
  const version = opts.kubernetesVersion ?? KUBE_VERSION;
  withTmpFile('kubeval', 'manifests.yaml', renderedYaml, (file) => {
    const args = ['--strict', '--kubernetes-version', version, file];
    const res = runTool('kubernetes-validate', args);
    const lines = `${res.stdout}\n${res.stderr}`.split('\n');
    const problems = lines.filter((l) => /^(ERROR|WARN)\b/.test(l) || /Couldn't (parse|find)/.test(l));
    const passed = lines.filter((l) => /^INFO .* passed for resource /.test(l));
    if (res.status !== 0 || problems.length > 0) {
      throw new Error(`${describe('kubernetes-validate', args, res)}\n--- input ---\n${renderedYaml}`);
    }
    if (passed.length === 0 && !opts.allowEmpty) {
      throw new Error(`kubernetes-validate: no Kubernetes object found in the input\n--- input ---\n${renderedYaml}`);
    }
  });
}

export interface KubeLintOptions {
  /** checkov check IDs to skip (e.g. `CKV_K8S_43`); none by default. */
  readonly skipChecks?: string[];
}

/**
 * Security/best-practice lint of Kubernetes manifests with checkov's
 * kubernetes framework (kube-linter cannot be installed here, see VALIDATORS.md).
 * Accepts rendered YAML text, a YAML file or a directory of manifests.
 */
export function kubeLint(renderedYamlOrDir: string, opts: KubeLintOptions = {}): void {
  // --skip-download: no policy/guideline download (offline); --framework first
  // so that its multi-value argument ends at the next flag.
  const common = ['--framework', 'kubernetes', '--skip-download', '--compact', '--quiet'];
  if (opts.skipChecks && opts.skipChecks.length > 0) {
    common.push('--skip-check', opts.skipChecks.join(','));
  }
  const isPath = !renderedYamlOrDir.includes('\n') && fs.existsSync(renderedYamlOrDir);
  if (isPath) {
    const target = fs.statSync(renderedYamlOrDir).isDirectory() ? '-d' : '-f';
    expectToolPasses('checkov', [target, renderedYamlOrDir, ...common]);
    return;
  }
  withTmpFile('kubelint', 'manifests.yaml', renderedYamlOrDir, (file) => {
    expectToolPasses('checkov', ['-f', file, ...common]);
  });
}

/** Validate instance file(s) (JSON or YAML) against a JSON schema file. */
export function jsonSchemaValidate(schemaFile: string, instanceFile: string | string[]): void {
  const instances = Array.isArray(instanceFile) ? instanceFile : [instanceFile];
  nonEmpty('check-jsonschema', instances);
  expectToolPasses('check-jsonschema', ['--color', 'never', '--schemafile', schemaFile, ...instances]);
}

/** SchemaStore schemas bundled with check-jsonschema (offline) for GitHub's files. */
export type GithubSchema = 'vendor.github-workflows' | 'vendor.github-actions' | 'vendor.dependabot';

/** Validate GitHub workflow files (or, with `schema`, action or Dependabot files) against SchemaStore's schema. */
export function workflowSchemaValidate(files: string[], schema: GithubSchema = 'vendor.github-workflows'): void {
  nonEmpty('check-jsonschema', files);
  expectToolPasses('check-jsonschema', [
    '--color', 'never',
    '--builtin-schema', schema,
    ...files,
  ]);
}
