/**
 * Real OCI build harness for jest: build generated Dockerfiles with buildah,
 * inspect the result with skopeo and run it with podman — all against the
 * root containers-storage (/var/lib/containers/storage), no Docker daemon and
 * no registry (see scripts/OCI-BUILDS.md).
 *
 * Base images come from `scripts/make-base-images.sh` (local debootstrap
 * stand-ins tagged with the real docker.io names); builds run with
 * `--pull=never` so a missing base image fails fast instead of trying the
 * unreachable registry.
 *
 * Gate the tests with `testWithTools(OCI_TOOLS, ...)` from ./tools.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { INSTALL_HINT, REPO_ROOT, toolPath } from './tools';

/** Tools every helper here needs (for `testWithTools`). */
export const OCI_TOOLS = ['buildah', 'podman', 'skopeo'] as const;

/** Tools `ensureBaseImages` additionally needs. */
export const BASE_IMAGE_TOOLS = ['debootstrap'] as const;

/** The stand-in base images `scripts/make-base-images.sh` produces. */
export const BASE_IMAGES = {
  debianSlim: 'docker.io/library/debian:bookworm-slim',
  debian: 'docker.io/library/debian:bookworm',
  python: 'docker.io/library/python:3.12-slim-bookworm',
} as const;

/**
 * Optional per-architecture stand-ins (`BASE_IMAGES_ARM64=1 bash
 * scripts/make-base-images.sh`, ~20 min). {@link buildahBuild} substitutes
 * them for the docker.io name when building for that platform.
 */
export const PLATFORM_STANDINS: Record<string, Record<string, string>> = {
  'linux/arm64': { [BASE_IMAGES.python]: 'localhost/velocitas-standin/python:3.12-slim-bookworm-arm64' },
};

/** The host CA bundle (trusts the intercepting HTTPS proxy); pass as build secret `ca`. */
export const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Container ulimits. They must not exceed this machine's hard limits
 * (nofile 20000, nproc 96365): without CAP_SYS_RESOURCE, podman's defaults
 * (1048576) make runc fail with "error setting rlimit type 7/6".
 */
export const DEFAULT_ULIMITS = { nofile: '4096:4096', nproc: '4096:4096' } as const;

const MAKE_BASE_IMAGES = path.join(REPO_ROOT, 'scripts', 'make-base-images.sh');

/** The host platform in OCI terms, e.g. `linux/amd64`. */
export function hostPlatform(): string {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return `linux/${arch[process.arch] ?? process.arch}`;
}

interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(tool: string, args: string[], timeoutMs: number, env?: Record<string, string>, input?: string): RunResult {
  const exe = toolPath(tool);
  if (!exe) {
    throw new Error(`missing validator: ${tool} — run: ${INSTALL_HINT}`);
  }
  const res = spawnSync(exe, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...(env ?? {}) },
    input,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (res.error && (res.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') {
    throw new Error(`${tool} ${args.join(' ')}: could not run ${exe}: ${res.error.message}`);
  }
  let stderr = res.stderr ?? '';
  let status = res.status;
  if (status === null) {
    stderr += `\n[${tool} killed by ${res.signal ?? 'signal'}${res.error ? ` (${res.error.message}, timeout ${timeoutMs} ms)` : ''}]`;
    status = -1;
  }
  return { status, stdout: res.stdout ?? '', stderr };
}

function fail(what: string, res: RunResult): never {
  throw new Error([
    `${what} exited with status ${res.status}`,
    '--- stdout ---',
    res.stdout.trimEnd(),
    '--- stderr ---',
    res.stderr.trimEnd(),
  ].join('\n'));
}

function runOk(tool: string, args: string[], timeoutMs = 120_000): RunResult {
  const res = run(tool, args, timeoutMs);
  if (res.status !== 0) {
    fail(`${tool} ${args.join(' ')}`, res);
  }
  return res;
}

/**
 * Fully qualify a local tag the way buildah stores it: a name without a
 * registry host (`foo:1`, `team/foo:1`) lives under `localhost/`.
 */
export function qualifyTag(tag: string): string {
  const first = tag.split('/')[0];
  const hasHost = tag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasHost ? tag : `localhost/${tag}`;
}

const baseImagesReady = new Set<string>();

export interface EnsureBaseImagesOptions {
  /** Also build the linux/arm64 python stand-in (slow: qemu second stage). */
  readonly arm64Python?: boolean;
  /** Default 30 minutes (first run debootstraps; later runs take < 1 s). */
  readonly timeoutMs?: number;
}

/**
 * Run scripts/make-base-images.sh (once per jest worker process). Needs root.
 * Throws with the script's output on failure.
 */
export function ensureBaseImages(opts: EnsureBaseImagesOptions = {}): void {
  const arm64 = opts.arm64Python === true || process.env.BASE_IMAGES_ARM64 === '1';
  const key = arm64 ? 'amd64+arm64' : 'amd64';
  if (baseImagesReady.has(key)) {
    return;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${MAKE_BASE_IMAGES} needs root (debootstrap + root containers-storage)`);
  }
  const res = spawnSync('bash', [MAKE_BASE_IMAGES], {
    cwd: REPO_ROOT,
    env: { ...process.env, BASE_IMAGES_ARM64: arm64 ? '1' : '0' },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    throw new Error(`bash ${MAKE_BASE_IMAGES} failed (${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
  }
  baseImagesReady.add(key);
  if (arm64) {
    baseImagesReady.add('amd64');
  }
}

/**
 * Make foreign-architecture binaries runnable (RUN steps of a non-native
 * stage, `podman run --platform linux/arm64`): mount binfmt_misc if needed
 * and enable the qemu-user-static handler (F flag: works inside containers).
 * Needs root and qemu-user-static + binfmt-support.
 */
export function ensureBinfmt(qemuArch = 'aarch64'): void {
  const dir = '/proc/sys/fs/binfmt_misc';
  if (!fs.existsSync(path.join(dir, 'register'))) {
    const m = spawnSync('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir], { encoding: 'utf8' });
    if (m.status !== 0) {
      throw new Error(`mount binfmt_misc failed: ${m.stderr}`);
    }
  }
  const entry = path.join(dir, `qemu-${qemuArch}`);
  if (!fs.existsSync(entry)) {
    const u = spawnSync('update-binfmts', ['--enable', `qemu-${qemuArch}`], { encoding: 'utf8' });
    if (u.status !== 0 || !fs.existsSync(entry)) {
      throw new Error(`update-binfmts --enable qemu-${qemuArch} failed (install qemu-user-static binfmt-support — ${INSTALL_HINT}): ${u.stderr ?? ''}${u.error?.message ?? ''}`);
    }
  }
  const state = fs.readFileSync(entry, 'utf8');
  if (!state.startsWith('enabled')) {
    throw new Error(`binfmt handler qemu-${qemuArch} is not enabled:\n${state}`);
  }
}

export interface BuildahBuildOptions {
  /** Build context directory. */
  readonly contextDir: string;
  /** Dockerfile path (absolute, or relative to contextDir). */
  readonly dockerfile: string;
  /** Image name to tag the result with (unqualified names go to `localhost/`). */
  readonly tag: string;
  /** Target platform, e.g. `linux/arm64` (default: the host's). */
  readonly platform?: string;
  /**
   * `--build-arg` values. BUILDPLATFORM/BUILDOS/BUILDARCH default to the host
   * platform: buildah 1.28 does not predefine them (BuildKit does), so without
   * this `FROM --platform=$BUILDPLATFORM` expands to the TARGET platform.
   */
  readonly buildArgs?: Record<string, string>;
  /** Build secrets: id -> source file (`--secret id=<id>,src=<file>`). */
  readonly secrets?: Record<string, string>;
  /**
   * `--build-context name=value`, e.g. `{ 'docker.io/library/python:3.12-slim-bookworm':
   * 'container-image://localhost/other:tag' }` to substitute a FROM image.
   */
  readonly buildContexts?: Record<string, string>;
  /**
   * For a foreign `platform`, substitute the {@link PLATFORM_STANDINS} that
   * exist locally (default true). Caveat: the substitution applies to every
   * stage naming that image, also `FROM --platform=$BUILDPLATFORM` ones.
   */
  readonly useStandins?: boolean;
  /** Multi-stage target (`--target`). */
  readonly target?: string;
  /** Image format: `oci` (default) or `docker` (keeps HEALTHCHECK/SHELL). */
  readonly format?: 'oci' | 'docker';
  /** Build-time network: `host` (default: RUN steps can reach the package registries) or `none`. */
  readonly network?: 'host' | 'none';
  /** Don't use the layer cache (`--no-cache`). */
  readonly noCache?: boolean;
  /** Default 20 minutes. */
  readonly timeoutMs?: number;
}

export interface BuildResult {
  /** Full image id (sha256 hex, no prefix). */
  readonly imageId: string;
  /** The fully qualified tag. */
  readonly tag: string;
  /** The complete build output (stdout + stderr). */
  readonly log: string;
}

/**
 * `buildah build --isolation chroot --pull=never --layers ...`.
 * Throws an Error containing the full build log on failure.
 */
export function buildahBuild(opts: BuildahBuildOptions): BuildResult {
  const tag = qualifyTag(opts.tag);
  const dockerfile = path.resolve(opts.contextDir, opts.dockerfile);
  const iidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oci-iid-')), 'iid');
  const args = [
    'build',
    '--isolation', 'chroot',
    '--pull=never',
    '--layers',
    '--format', opts.format ?? 'oci',
    '--network', opts.network ?? 'host',
    '--ulimit', `nofile=${DEFAULT_ULIMITS.nofile}`,
    '--ulimit', `nproc=${DEFAULT_ULIMITS.nproc}`,
    // Labels only from the Dockerfile (no io.buildah.version), as docker build.
    '--identity-label=false',
    '--iidfile', iidFile,
    '-f', dockerfile,
    '-t', tag,
  ];
  if (opts.platform) {
    args.push('--platform', opts.platform);
  }
  if (opts.target) {
    args.push('--target', opts.target);
  }
  if (opts.noCache) {
    args.push('--no-cache');
  }
  const [buildOs, buildArch] = hostPlatform().split('/');
  const buildArgs: Record<string, string> = {
    BUILDPLATFORM: hostPlatform(),
    BUILDOS: buildOs,
    BUILDARCH: buildArch,
    ...(opts.buildArgs ?? {}),
  };
  for (const [k, v] of Object.entries(buildArgs)) {
    args.push('--build-arg', `${k}=${v}`);
  }
  const contexts: Record<string, string> = {};
  const platformKey = opts.platform?.split('/').slice(0, 2).join('/');
  if (platformKey && platformKey !== hostPlatform() && opts.useStandins !== false) {
    for (const [name, standin] of Object.entries(PLATFORM_STANDINS[platformKey] ?? {})) {
      if (run('podman', ['image', 'exists', standin], 60_000).status === 0) {
        contexts[name] = `container-image://${standin}`;
      }
    }
  }
  Object.assign(contexts, opts.buildContexts ?? {});
  for (const [name, value] of Object.entries(contexts)) {
    args.push('--build-context', `${name}=${value}`);
  }
  for (const [id, src] of Object.entries(opts.secrets ?? {})) {
    if (!fs.existsSync(src)) {
      throw new Error(`buildahBuild: secret '${id}' source ${src} does not exist`);
    }
    args.push('--secret', `id=${id},src=${src}`);
  }
  args.push(opts.contextDir);
  try {
    // The log is stdout (steps, RUN output) followed by stderr (warnings,
    // the final error).
    const res = run('buildah', args, opts.timeoutMs ?? 20 * 60_000, { BUILDAH_ISOLATION: 'chroot' });
    const log = `$ buildah ${args.join(' ')}\n${res.stdout}${res.stderr}`;
    if (res.status !== 0) {
      throw new Error(`buildah build of ${dockerfile} (${tag}${opts.platform ? `, ${opts.platform}` : ''}) failed with status ${res.status}:\n${log}`);
    }
    const imageId = fs.readFileSync(iidFile, 'utf8').trim().replace(/^sha256:/, '');
    return { imageId, tag, log };
  } finally {
    fs.rmSync(path.dirname(iidFile), { recursive: true, force: true });
  }
}

export interface ImageConfig {
  readonly user: string;
  readonly entrypoint: string[];
  readonly cmd: string[];
  readonly env: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly architecture: string;
  readonly variant?: string;
  readonly os: string;
  /** e.g. `['8080/tcp']` */
  readonly exposedPorts: string[];
  readonly workingDir: string;
  readonly volumes: string[];
  readonly stopSignal?: string;
  /** The whole OCI config as skopeo printed it. */
  readonly raw: any;
}

/** Image config via `skopeo inspect --config containers-storage:<tag>`. */
export function inspectImage(tag: string): ImageConfig {
  const res = runOk('skopeo', ['inspect', '--config', `containers-storage:${qualifyTag(tag)}`]);
  const raw = JSON.parse(res.stdout);
  const c = raw.config ?? {};
  const env: Record<string, string> = {};
  for (const e of (c.Env ?? []) as string[]) {
    const i = e.indexOf('=');
    if (i < 0) {
      env[e] = '';
    } else {
      env[e.slice(0, i)] = e.slice(i + 1);
    }
  }
  return {
    user: c.User ?? '',
    entrypoint: c.Entrypoint ?? [],
    cmd: c.Cmd ?? [],
    env,
    labels: c.Labels ?? {},
    architecture: raw.architecture ?? '',
    variant: raw.variant,
    os: raw.os ?? '',
    exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
    workingDir: c.WorkingDir ?? '',
    volumes: Object.keys(c.Volumes ?? {}).sort(),
    stopSignal: c.StopSignal,
    raw,
  };
}

export interface ImageLayer {
  /** Uncompressed layer digest (rootfs.diff_ids), undefined for empty (metadata-only) steps. */
  readonly diffId?: string;
  /** The Dockerfile instruction that made it (history created_by). */
  readonly createdBy: string;
  readonly emptyLayer: boolean;
}

/** The image history joined with its layers, oldest first. */
export function imageLayers(tag: string): ImageLayer[] {
  const cfg = inspectImage(tag).raw;
  const diffIds: string[] = cfg.rootfs?.diff_ids ?? [];
  const history: any[] = cfg.history ?? [];
  const out: ImageLayer[] = [];
  let li = 0;
  for (const h of history) {
    const empty = h.empty_layer === true;
    out.push({ diffId: empty ? undefined : diffIds[li++], createdBy: h.created_by ?? '', emptyLayer: empty });
  }
  // Images without (complete) history: list the remaining layers anyway.
  for (; li < diffIds.length; li++) {
    out.push({ diffId: diffIds[li], createdBy: '', emptyLayer: false });
  }
  return out;
}

/**
 * Mount the image's root filesystem read-only-by-convention (`buildah from`
 * + `buildah mount`), call `fn(rootDir)`, then unmount and remove the working
 * container. Works for FROM-scratch images (nothing is executed).
 */
export function withImageRootfs<T>(tag: string, fn: (rootDir: string) => T): T {
  const ctr = runOk('buildah', ['from', '--pull=never', qualifyTag(tag)]).stdout.trim().split('\n').pop()!;
  try {
    const mnt = runOk('buildah', ['mount', ctr]).stdout.trim();
    try {
      return fn(mnt);
    } finally {
      run('buildah', ['umount', ctr], 60_000);
    }
  } finally {
    run('buildah', ['rm', ctr], 60_000);
  }
}

/**
 * Which of `paths` (absolute, inside the image) exist in the final root
 * filesystem (dangling symlinks count as existing).
 */
export function imageFiles(tag: string, paths: string[]): Record<string, boolean> {
  return withImageRootfs(tag, (root) => {
    const out: Record<string, boolean> = {};
    for (const p of paths) {
      try {
        fs.lstatSync(path.join(root, p));
        out[p] = true;
      } catch {
        out[p] = false;
      }
    }
    return out;
  });
}

/** Every path (files, dirs, links; absolute, inside the image) under `dir` in the final root filesystem. */
export function imageFileList(tag: string, dir = '/'): string[] {
  return withImageRootfs(tag, (root) => {
    const out: string[] = [];
    const walk = (rel: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.posix.join(rel, e.name);
        out.push(p);
        if (e.isDirectory()) {
          walk(p);
        }
      }
    };
    walk(path.posix.resolve('/', dir));
    return out.sort();
  });
}

/**
 * The paths in EVERY layer of the image (one list per layer, oldest first),
 * including files a later layer deleted or whiteouts (`.wh.*`) — use it to
 * prove a secret never landed in any layer. Copies the image to a temporary
 * OCI layout with skopeo and lists each layer tar.
 */
export function imageLayerFiles(tag: string): string[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-layers-'));
  try {
    const layout = path.join(dir, 'layout');
    runOk('skopeo', ['copy', '--quiet', `containers-storage:${qualifyTag(tag)}`, `oci:${layout}:x`], 600_000);
    const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
    const blob = (digest: string): string => path.join(layout, 'blobs', ...digest.split(':'));
    const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8'));
    return (manifest.layers as { digest: string }[]).map((l) => {
      const res = spawnSync('tar', ['-tf', blob(l.digest)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      if (res.status !== 0) {
        throw new Error(`tar -tf ${l.digest} failed: ${res.stderr}`);
      }
      return res.stdout.split('\n').filter(Boolean).map((p) => `/${p.replace(/^\.?\//, '')}`);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface PodmanRunOptions {
  /** Run as this image platform (e.g. `linux/arm64`; needs {@link ensureBinfmt}). */
  readonly platform?: string;
  readonly env?: Record<string, string>;
  /** Override the entrypoint: a string, or exec form (sent as JSON). */
  readonly entrypoint?: string | string[];
  /** `--user` override. */
  readonly user?: string;
  /** Default `none`. */
  readonly network?: 'none' | 'host' | 'private';
  /** Read-only root filesystem (`--read-only`). */
  readonly readOnly?: boolean;
  /** Extra raw `podman run` flags (before the image). */
  readonly extraArgs?: string[];
  /** Default 5 minutes. */
  readonly timeoutMs?: number;
}

export interface PodmanRunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `podman run --rm --pull=never --network none --ulimit nofile=… --ulimit nproc=… <tag> args…`.
 * Never throws for a non-zero exit of the container: check `status`.
 */
export function podmanRun(tag: string, args: string[] = [], opts: PodmanRunOptions = {}): PodmanRunResult {
  const a = [
    'run', '--rm', '--pull=never',
    '--network', opts.network ?? 'none',
    '--ulimit', `nofile=${DEFAULT_ULIMITS.nofile}`,
    '--ulimit', `nproc=${DEFAULT_ULIMITS.nproc}`,
  ];
  if (opts.platform) {
    a.push('--platform', opts.platform);
  }
  if (opts.entrypoint !== undefined) {
    a.push('--entrypoint', typeof opts.entrypoint === 'string' ? opts.entrypoint : JSON.stringify(opts.entrypoint));
  }
  if (opts.user !== undefined) {
    a.push('--user', opts.user);
  }
  if (opts.readOnly) {
    a.push('--read-only');
  }
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    a.push('--env', `${k}=${v}`);
  }
  a.push(...(opts.extraArgs ?? []), qualifyTag(tag), ...args);
  return run('podman', a, opts.timeoutMs ?? 300_000);
}

/** Remove images by tag (ignores ones that do not exist). */
export function removeImages(...tags: string[]): void {
  for (const t of tags) {
    run('podman', ['rmi', '--force', '--ignore', qualifyTag(t)], 120_000);
  }
}
