/**
 * Real OCI builds of the generated Dockerfiles (buildah, chroot isolation) from the local stand-in
 * base images; the images are run with podman and their config read with skopeo. Minutes per build.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppInterface, AppLanguage, VehicleAppProject } from '../../src';
import {
  HOST_CA_BUNDLE, OCI_TOOLS, buildahBuild, ensureBaseImages, ensureBinfmt, imageFiles, imageLayerFiles, inspectImage, podmanRun, removeImages,
  withImageRootfs,
} from '../validators/oci';
import { testWithTools } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const BUILD_TIMEOUT = 30 * 60_000;
const REVISION = '0123456789abcdef0123456789abcdef01234567';
const CREATED = '2026-01-02T03:04:05Z';
const TOOLS = [...OCI_TOOLS];

/** Synthesizes a project with its sample sources into a temp dir; returns the app folder (the build context). */
function synthApp(language: AppLanguage): { appDir: string; project: VehicleAppProject } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-build-'));
  const project = new VehicleAppProject({
    name: 'seat-adjuster',
    language,
    outdir,
    version: '1.2.3',
    repositoryUrl: 'https://github.com/acme/seat.git',
    interfaces: [AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response'] })],
  } as any);
  project.synth();
  return { appDir: path.join(outdir, 'app'), project };
}

function build(appDir: string, tag: string, platform?: string) {
  return buildahBuild({
    contextDir: appDir,
    dockerfile: 'Dockerfile',
    tag,
    platform,
    // PyPI and Debian are reached through an intercepting proxy: its CA goes in as the `ca` secret.
    secrets: { ca: HOST_CA_BUNDLE },
    buildArgs: {
      OCI_REVISION: REVISION,
      OCI_CREATED: CREATED,
      // buildah 1.28 leaves $BUILDPLATFORM in `FROM --platform=$BUILDPLATFORM` empty; BuildKit sets it itself.
      BUILDPLATFORM: 'linux/amd64',
    },
    // buildah 1.28 keys its layer cache without build-arg values, so a cached LABEL would keep stale
    // label values; cache mounts (pip, apt, cmake) still make these builds fast.
    noCache: true,
    timeoutMs: BUILD_TIMEOUT,
  });
}

/** What every app image must show in its config, and what must never be in it. */
function expectHardenedImage(tag: string, project: VehicleAppProject, entrypoint: string[]): void {
  const config = inspectImage(tag);
  expect(config.user).toBe('10001:10001');
  expect(config.entrypoint).toEqual(entrypoint);
  expect(config.labels).toMatchObject({
    'org.opencontainers.image.source': 'https://github.com/acme/seat',
    'org.opencontainers.image.revision': REVISION,
    'org.opencontainers.image.version': '1.2.3',
    'org.opencontainers.image.created': CREATED,
    'org.opencontainers.image.title': 'seat-adjuster',
    'org.opencontainers.image.licenses': 'Apache-2.0',
  });
  for (const v of project.app.environment()) expect(config.env[v.name]).toBe(v.value);
  expect(config.env.SDV_MQTT_ADDRESS).toBe('mqtt://localhost:1883');
  // The CA secret, the bundle made from it and the proxy settings never reach the image.
  expect(Object.keys(config.env).filter(k => /PROXY|PIP_CERT|SSL_CERT|CA_BUNDLE|APT_CONFIG/i.test(k))).toEqual([]);
  const everyLayerPath = imageLayerFiles(tag).flat();
  expect(everyLayerPath.filter(p => /run\/secrets|extra-ca|bundle\.pem|\.cache\/pip|cross-target/.test(p))).toEqual([]);
}

describe('real image builds', () => {
  beforeAll(() => {
    if (TOOLS.every(t => fs.existsSync(`/usr/bin/${t}`))) ensureBaseImages();
  }, BUILD_TIMEOUT);

  testWithTools(TOOLS, 'Python preset: builds, runs as 10001 with the SDK, minimal final stage', () => {
    // GIVEN
    const { appDir, project } = synthApp(AppLanguage.PYTHON);
    const tag = 'localhost/container-test/python:latest';

    // WHEN
    build(appDir, tag);

    // THEN
    expectHardenedImage(tag, project, ['/opt/venv/bin/python3', '/app/main.py']);
    const run = podmanRun(tag, [], {
      entrypoint: ['/opt/venv/bin/python3', '-c', 'import os, sys; sys.path.insert(0, "/app"); import main, velocitas_sdk; print("ok", os.getuid(), os.getgid())'],
    });
    expect(run.stderr).not.toContain('Traceback');
    expect(run.stdout.trim()).toBe('ok 10001 10001');
    expect(run.status).toBe(0);
    const files = imageFiles(tag, ['/opt/venv/bin/python3', '/app/main.py', '/opt/venv/bin/pip', '/root/.cache/pip', '/tmp/requirements.txt', '/usr/bin/gcc', '/usr/bin/cc', '/run/secrets/ca']);
    expect(files).toEqual({
      '/opt/venv/bin/python3': true,
      '/app/main.py': true,
      '/opt/venv/bin/pip': false,
      '/root/.cache/pip': false,
      '/tmp/requirements.txt': false,
      '/usr/bin/gcc': false,
      '/usr/bin/cc': false,
      '/run/secrets/ca': false,
    });
    removeImages(tag);
  }, BUILD_TIMEOUT);

  testWithTools(TOOLS, 'C++ preset: static binary on scratch, built natively and cross-compiled for arm64 (runs under qemu)', () => {
    // GIVEN
    const { appDir, project } = synthApp(AppLanguage.CPP);
    const amd64 = 'localhost/container-test/cpp:amd64';
    const arm64 = 'localhost/container-test/cpp:arm64';

    // WHEN
    build(appDir, amd64);
    const cross = build(appDir, arm64, 'linux/arm64');

    // THEN
    expectHardenedImage(amd64, project, ['/app/seat-adjuster']);
    expectHardenedImage(arm64, project, ['/app/seat-adjuster']);
    // The whole final image is the binary: nothing else to exploit or patch.
    expect(imageLayerFiles(amd64).flat().filter(p => !/^\/?(app\/?|app\/seat-adjuster)$/.test(p))).toEqual([]);
    expect(inspectImage(arm64).architecture).toBe('arm64');
    // The binaries themselves are for the image's machine (ELF e_machine), not just labelled so.
    const machine = (tag: string) => withImageRootfs(tag, root => fs.readFileSync(path.join(root, 'app', 'seat-adjuster')).readUInt16LE(18));
    expect([machine(amd64), machine(arm64)]).toEqual([62, 183]); // EM_X86_64, EM_AARCH64
    // The toolchain ran natively and cross-compiled: no RUN step executed under emulation.
    expect(cross.log).toMatch(/g\+\+-aarch64-linux-gnu/);
    for (const [tag, platform] of [[amd64, undefined], [arm64, 'linux/arm64']] as const) {
      if (platform) ensureBinfmt('aarch64');
      const run = podmanRun(tag, [], { platform, extraArgs: ['--timeout', '5'] });
      const output = run.stdout + run.stderr;
      expect(output).toContain('seat-adjuster');
      expect(output).not.toMatch(/exec format error|not found|Segmentation/i);
    }
    removeImages(amd64, arm64);
  }, 2 * BUILD_TIMEOUT);
});
