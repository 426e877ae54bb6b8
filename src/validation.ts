import { inspect } from 'util';

/**
 * One problem found in the options: where, what, which rule and how to fix it.
 */
export interface ValidationProblem {
  /** Option path, e.g. `interfaces[0].datapoints.required[2].path`. */
  readonly path: string;
  /** The offending value, rendered as JSON. */
  readonly value: string;
  /** The rule the value breaks. */
  readonly rule: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Collects every problem before anything is written, so a user sees them all at once.
 * @internal
 */
export class Problems {
  private readonly found: ValidationProblem[] = [];
  private readonly settled: string[] = [];

  public constructor(private readonly subject: string) {}

  public add(path: string, value: unknown, rule: string, fix: string): void {
    if (this.isSettled(path)) return;
    const problem = { path, value: renderValue(value), rule, fix };
    // A check run by both the project and a component reports once.
    if (this.found.some(p => p.path === path && p.value === problem.value && p.rule === rule)) return;
    this.found.push(problem);
  }

  /** Reports no more problems at or below `path`: its value is of the wrong kind, and that one problem says all. */
  public settle(path: string): void {
    this.settled.push(path);
  }

  private isSettled(path: string): boolean {
    return this.settled.some(s => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
  }

  /** Adds a problem whose value is already rendered (taken over from another report). */
  public addRendered(path: string, value: string, rule: string, fix: string): void {
    this.found.push({ path, value, rule, fix });
  }

  /** Adds a problem unless `ok` holds; returns `ok` so callers can skip dependent checks. */
  public check(ok: boolean, path: string, value: unknown, rule: string, fix: string): boolean {
    if (!ok) this.add(path, value, rule, fix);
    return ok;
  }

  public get list(): readonly ValidationProblem[] {
    return this.found;
  }

  public throwIfAny(): void {
    if (this.found.length === 0) return;
    const lines = this.found.map(p => `  - ${p.path}: ${p.value} ${p.rule}. Fix: ${p.fix}`);
    const noun = this.found.length === 1 ? 'problem' : 'problems';
    throw reportError(`${this.subject}: ${this.found.length} ${noun} in the options; nothing was written.\n${lines.join('\n')}`);
  }
}

// Marks a report, across copies of this library (sources and lib/ in one process).
const REPORT = Symbol.for('projen-velocitas.ProblemReport');

/**
 * An error that is its report: its stack is the message, and when nothing catches it (`npx projen` running
 * .projenrc.ts) the report alone goes to stderr, without node's code frame and stack trace.
 */
function reportError(report: string): Error {
  const error = new Error(report);
  error.stack = report;
  Object.defineProperty(error, REPORT, { value: true });
  printUncaughtReportsAlone();
  return error;
}

function printUncaughtReportsAlone(): void {
  const host = process as unknown as { [REPORT]?: boolean };
  if (host[REPORT]) return;
  host[REPORT] = true;
  process.on('uncaughtException', error => {
    if ((error as any)?.[REPORT] === true) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    } else if (process.listenerCount('uncaughtException') === 1) {
      // No one else handles it: what node does without a handler (the stack, exit code 1).
      process.stderr.write(`${inspect(error)}\n`);
      process.exit(1);
    }
  });
}

/**
 * Registers a check with a project that collects them (VehicleAppProject runs them before writing);
 * returns false for any other projen project, whose components then check on their own.
 * @internal
 */
export function tryAddValidation(project: object, check: (problems: Problems) => void): boolean {
  const host = project as { _addValidation?: (c: (problems: Problems) => void) => void };
  if (typeof host._addValidation !== 'function') return false;
  host._addValidation(check);
  return true;
}

function renderValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
// A VSS path: dot-separated branch/leaf names, starting at a root branch such as `Vehicle`.
const VSS_PATH = /^[A-Z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/;
// OCI distribution spec: path components of lowercase alphanumerics with separators.
const IMAGE_PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const REGISTRY_HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const NODE_VERSION = /^[1-9][0-9]*(\.[0-9]+){0,2}$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
// npm's range grammar (node-semver): partial versions with x/* wildcards, comparators, hyphen ranges, "||".
const RANGE_PART = '(?:0|[1-9]\\d*|[xX*])';
const RANGE_VERSION = `v?${RANGE_PART}(?:\\.${RANGE_PART}(?:\\.${RANGE_PART}(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?)?)?`;
const RANGE_COMPARATOR = new RegExp(`^(?:[~^]|[<>]=?|=)?${RANGE_VERSION}$`);
const RANGE_HYPHEN = new RegExp(`^${RANGE_VERSION} - ${RANGE_VERSION}$`);

/** Rules shared by every component. @internal */
export const rules = {
  isDnsLabel: (value: string) => typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value),
  dnsLabelRule: 'is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)',

  isSemver: (value: string) => typeof value === 'string' && SEMVER.test(value),
  semverRule: 'is not a semantic version (MAJOR.MINOR.PATCH with optional -prerelease and +build)',

  isVssPath: (value: string) => typeof value === 'string' && VSS_PATH.test(value),
  vssPathRule: 'is not a VSS path (dot-separated names starting with a root branch, e.g. "Vehicle.Speed")',

  isImagePath: (value: string) =>
    typeof value === 'string' && value.length > 0 && value.length <= 255 && value.split('/').every(c => IMAGE_PATH_COMPONENT.test(c)),
  imagePathRule: 'is not a valid image repository (lowercase path components of letters and digits separated by ".", "_", "__" or "-", joined by "/")',

  isRegistryHost: (value: string) => typeof value === 'string' && REGISTRY_HOST.test(value) && !value.includes('/'),
  registryRule: 'is not a registry host (a DNS name with an optional :port, without scheme or path, e.g. "ghcr.io")',

  isEnvName: (value: string) => typeof value === 'string' && ENV_NAME.test(value),
  envNameRule: 'is not an environment variable name (uppercase letters, digits and "_", not starting with a digit)',

  isPort: (value: number) => Number.isInteger(value) && value >= 1 && value <= 65535,
  portRule: 'is not a TCP/UDP port (an integer from 1 to 65535)',

  /** MQTT topic name (publishing) or filter (subscribing, wildcards allowed). */
  isMqttTopic: (value: string, allowWildcards: boolean) => mqttTopicProblem(value, allowWildcards) === undefined,
  mqttTopicProblem,

  /** An absolute http(s) URL, or a relative/absolute file path without spaces. */
  isUrlOrPath: (value: string) => urlOrPathProblem(value) === undefined,
  urlOrPathProblem,

  /** An email address (one "@", no spaces): Chart.yaml maintainers and package.json author. */
  isEmail: (value: string) => typeof value === 'string' && EMAIL.test(value),

  /** An absolute http(s) URL, e.g. a maintainer's home page. */
  httpUrlProblem,

  /** A Node.js version as tools such as actions/setup-node and the devcontainer feature take it. */
  isNodeVersion: (value: string) => typeof value === 'string' && NODE_VERSION.test(value),
  nodeVersionRule: 'is not a Node.js version (MAJOR[.MINOR[.PATCH]])',

  /** An npm version spec: a version, a range such as "^1.2.0" or ">=1.0.0 <2.0.0", or the dist-tag "latest". */
  isNpmVersionRange,
  npmVersionRangeRule: 'is not a semantic version or npm version range (e.g. "0.103.25", "~0.103.25" or ">=0.103.0 <0.104.0")',

  /** The web URL of the source repository (it becomes the image's source label and package.json `repository`). */
  repositoryUrlProblem,
};

function mqttTopicProblem(value: string, allowWildcards: boolean): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'is not an MQTT topic (a non-empty string)';
  if (Buffer.byteLength(value, 'utf8') > 65535) return 'is longer than the 65535 bytes MQTT allows';
  if (value.includes('\u0000')) return 'contains a NUL character, which MQTT forbids';
  if (/\s/.test(value)) return 'contains whitespace, which topic matching treats literally and clients rarely expect';
  const levels = value.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.includes('#') || level.includes('+')) {
      if (!allowWildcards) return 'contains a wildcard ("+" or "#"), which is not allowed in a topic the app writes to';
      if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return 'uses "#" other than as the whole last level';
      if (level.includes('+') && level !== '+') return 'uses "+" other than as a whole level';
    }
  }
  return undefined;
}

function urlOrPathProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) return 'is not a URL or path (a non-empty string)';
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'is not a well-formed URL';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:' && url.protocol !== 'file:') {
      return `uses the scheme "${url.protocol}", but only https, http and file are fetched`;
    }
    // No host check: the URL parser rejects an http(s) URL without one ("is not a well-formed URL").
    return undefined;
  }
  if (/\s/.test(value)) return 'is a path containing whitespace';
  return undefined;
}

function httpUrlProblem(value: string): string | undefined {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return 'is not an http(s) URL';
  return urlOrPathProblem(value);
}

function isNpmVersionRange(value: string): boolean {
  if (typeof value !== 'string') return false;
  if (value === 'latest') return true;
  return value.split('||').every(set => {
    const s = set.trim();
    return s.length > 0 && (RANGE_HYPHEN.test(s) || s.split(/\s+/).every(c => RANGE_COMPARATOR.test(c)));
  });
}

// An scp-like SSH remote, e.g. git@github.com:owner/repo.git.
const SSH_REMOTE = /^[\w.-]+@([\w.-]+):\/?(.+?)(?:\.git)?\/?$/;

/** The problem with a repository URL and how to fix it, or undefined when it is an http(s) URL with a host and a path. */
function repositoryUrlProblem(value: string): { rule: string; fix: string } | undefined {
  const example = 'use the https URL of the repository, e.g. "https://github.com/acme/seat-adjuster"';
  if (typeof value !== 'string' || value.trim().length === 0) return { rule: 'is not a repository URL (a non-empty string)', fix: example };
  const ssh = SSH_REMOTE.exec(value);
  if (ssh) {
    // The OCI source label must be a web URL (GHCR links the package to the repository through it).
    return { rule: 'is an SSH remote, but the image source label needs the web URL', fix: `use "https://${ssh[1]}/${ssh[2]}"` };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { rule: 'is not a URL (accepted: https or http URL of the repository)', fix: example };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { rule: `uses the scheme "${url.protocol}", but only https and http repository URLs are accepted`, fix: example };
  }
  if (!url.hostname || /\s/.test(value) || url.pathname.replace(/\/+$/, '').length === 0) {
    return { rule: 'is not a repository URL (an http(s) URL with a host and the repository path)', fix: example };
  }
  return undefined;
}

/** Levenshtein distance of two strings, or `limit + 1` as soon as it must exceed `limit`. @internal */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}
