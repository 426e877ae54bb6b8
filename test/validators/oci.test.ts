/**
 * Smoke test of the real OCI build harness (./oci): buildah builds, skopeo
 * inspects, podman runs — with local stand-in base images, the proxy CA as a
 * build secret, and an arm64 cross build run under qemu-user-static.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BASE_IMAGES,
  BASE_IMAGE_TOOLS,
  HOST_CA_BUNDLE,
  OCI_TOOLS,
  PLATFORM_STANDINS,
  buildahBuild,
  ensureBaseImages,
  ensureBinfmt,
  imageFileList,
  imageFiles,
  imageLayerFiles,
  imageLayers,
  inspectImage,
  podmanRun,
  withImageRootfs,
} from './oci';
import { testWithTools } from './tools';

const BUILD_TOOLS = [...OCI_TOOLS, ...BASE_IMAGE_TOOLS];
const ARM64_TOOLS = [...BUILD_TOOLS, 'qemu-aarch64-static', 'update-binfmts'];
// First run on a fresh machine debootstraps the base images (~3 min) before building.
const SLOW = 30 * 60_000;

let workDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-smoke-'));
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function context(name: string, files: Record<string, string>): string {
  const dir = path.join(workDir, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, f), content);
  }
  return dir;
}

/** PEM blocks of `bundle` (normalised). */
function pemBlocks(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

const PY_DOCKERFILE = `# syntax=docker/dockerfile:1
FROM ${BASE_IMAGES.python} AS build
RUN python3 -m venv /opt/venv
RUN --mount=type=secret,id=ca,target=/run/secrets/ca.pem \\
    --mount=type=cache,target=/root/.cache/pip \\
    PIP_CERT=/run/secrets/ca.pem SSL_CERT_FILE=/run/secrets/ca.pem \\
    /opt/venv/bin/pip install --disable-pip-version-check six==1.17.0

FROM ${BASE_IMAGES.python}
COPY --from=build /opt/venv /opt/venv
LABEL org.opencontainers.image.title="oci-smoke"
USER 10001
ENTRYPOINT ["/opt/venv/bin/python", "-c", "import os, six; print('six', six.__version__, 'uid', os.getuid())"]
`;

const HELLO_C = `#include <stdio.h>
int main(void) {
#if defined(__aarch64__)
  puts("hello from aarch64");
#else
  puts("hello from another arch");
#endif
  return 0;
}
`;

// apt-get over http://deb.debian.org: no CA secret needed for the builder stage.
const CROSS_DOCKERFILE = `# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM ${BASE_IMAGES.debian} AS build
ARG TARGETARCH
RUN apt-get update \\
 && apt-get install -y --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross \\
 && rm -rf /var/lib/apt/lists/*
COPY hello.c /src/hello.c
RUN test "$TARGETARCH" = arm64 \\
 && mkdir -p /out \\
 && aarch64-linux-gnu-gcc -static -O2 -o /out/hello /src/hello.c

FROM scratch
COPY --from=build /out/hello /hello
USER 10001
ENTRYPOINT ["/hello"]
`;

describe('OCI build harness (buildah + skopeo + podman)', () => {
  testWithTools(BUILD_TOOLS, 'stand-in base images carry the real names and a base-image config', () => {
    ensureBaseImages();
    const py = inspectImage(BASE_IMAGES.python);
    expect(py.architecture).toBe('amd64');
    expect(py.os).toBe('linux');
    expect(py.cmd).toEqual(['python3']);
    expect(py.labels).toEqual({}); // like the official image: built images inherit no labels
    expect(py.env.PATH).toMatch(/^\/usr\/local\/sbin:\/usr\/local\/bin:/);
    const deb = inspectImage(BASE_IMAGES.debianSlim);
    expect(deb.cmd).toEqual(['bash']);
    expect(inspectImage(BASE_IMAGES.debian).raw).toEqual(deb.raw);
    const res = podmanRun(BASE_IMAGES.python, ['-c', 'import sys; print(sys.executable)'], { entrypoint: 'python' });
    expect(res).toMatchObject({ status: 0 });
    expect(res.stdout.trim()).toBe('/usr/local/bin/python');
  }, SLOW);

  testWithTools(BUILD_TOOLS, 'a failing build throws with the full build log', () => {
    ensureBaseImages();
    const dir = context('failing', {
      Dockerfile: `FROM ${BASE_IMAGES.debianSlim}\nRUN echo oci-marker-7f3a && exit 3\n`,
    });
    expect(() => buildahBuild({ contextDir: dir, dockerfile: 'Dockerfile', tag: 'velocitas-oci-smoke/failing:test' }))
      .toThrow(/oci-marker-7f3a[\s\S]*exit status 3/);
  }, SLOW);

  testWithTools(BUILD_TOOLS, 'python multi-stage: pip through the proxy with the CA as a build secret', () => {
    ensureBaseImages();
    const tag = 'localhost/velocitas-oci-smoke/python:test';
    const dir = context('python', { Dockerfile: PY_DOCKERFILE });
    const build = buildahBuild({ contextDir: dir, dockerfile: 'Dockerfile', tag, secrets: { ca: HOST_CA_BUNDLE } });
    expect(build.imageId).toMatch(/^[0-9a-f]{64}$/);

    const cfg = inspectImage(tag);
    expect(cfg.user).toBe('10001');
    expect(cfg.entrypoint[0]).toBe('/opt/venv/bin/python');
    expect(cfg.labels).toEqual({ 'org.opencontainers.image.title': 'oci-smoke' });
    expect(cfg.architecture).toBe('amd64');
    expect(Object.keys(cfg.env).filter((k) => /CERT|PIP/.test(k))).toEqual([]);

    const res = podmanRun(tag, []);
    expect(res.stderr).toBe('');
    expect(res).toMatchObject({ status: 0, stdout: 'six 1.17.0 uid 10001\n' });

    // Neither the secret nor the pip cache is in the final image ...
    expect(imageFiles(tag, ['/run/secrets/ca.pem', '/root/.cache/pip', '/opt/venv/bin/python'])).toEqual({
      '/run/secrets/ca.pem': false,
      '/root/.cache/pip': false,
      '/opt/venv/bin/python': true,
    });
    // ... nor in any layer (not even deleted later) ...
    const layers = imageLayerFiles(tag);
    expect(layers).toHaveLength(2); // base rootfs + COPY of the venv
    expect(imageLayers(tag).filter((l) => !l.emptyLayer).map((l) => l.createdBy)).toEqual([
      expect.any(String),
      expect.stringMatching(/COPY/),
    ]);
    const layerFiles = layers.flat();
    expect(layerFiles.length).toBeGreaterThan(100);
    expect(layerFiles.filter((p) => /run\/secrets\/.|root\/\.cache\/pip/.test(p))).toEqual([]);
    // ... and the proxy CA (in the host bundle, not in Debian's) is nowhere
    // in the final image's certificate stores, venv or home directories.
    withImageRootfs(tag, (root) => {
      const imageBundle = fs.readFileSync(path.join(root, 'etc/ssl/certs/ca-certificates.crt'), 'utf8');
      const known = new Set(pemBlocks(imageBundle));
      const hostOnly = pemBlocks(fs.readFileSync(HOST_CA_BUNDLE, 'utf8')).filter((b) => !known.has(b));
      if (hostOnly.length === 0) {
        console.warn('host CA bundle adds no certificate to Debian\'s: CA leak check is vacuous here');
      }
      const needles = hostOnly.map((b) => b.split('\n')[1]);
      const scan = (rel: string): void => {
        const abs = path.join(root, rel);
        let st: fs.Stats;
        try {
          st = fs.lstatSync(abs);
        } catch {
          return;
        }
        if (st.isDirectory()) {
          fs.readdirSync(abs).forEach((e) => scan(path.join(rel, e)));
        } else if (st.isFile() && st.size < 8 * 1024 * 1024) {
          const text = fs.readFileSync(abs, 'latin1');
          for (const n of needles) {
            if (text.includes(n)) {
              throw new Error(`proxy CA certificate found in final image file /${rel}`);
            }
          }
        }
      };
      ['etc/ssl', 'usr/local', 'usr/share/ca-certificates', 'opt', 'root', 'tmp', 'run', 'var/tmp'].forEach(scan);
    });
  }, SLOW);

  // Opt-in: the arm64 python stand-in costs ~20 min of qemu debootstrap.
  const optIn: typeof testWithTools = process.env.BASE_IMAGES_ARM64 === '1'
    ? testWithTools
    : (_tools, name, fn, timeoutMs) => test.skip(name, async () => fn(), timeoutMs);
  optIn(ARM64_TOOLS, 'python multi-stage for linux/arm64 (BASE_IMAGES_ARM64=1): RUN under qemu, arm64 stand-in', () => {
    ensureBaseImages({ arm64Python: true });
    ensureBinfmt('aarch64');
    const tag = 'localhost/velocitas-oci-smoke/python:arm64';
    const dir = context('python-arm64', { Dockerfile: PY_DOCKERFILE });
    const build = buildahBuild({ contextDir: dir, dockerfile: 'Dockerfile', tag, platform: 'linux/arm64', secrets: { ca: HOST_CA_BUNDLE } });
    expect(build.log).toContain(`${BASE_IMAGES.python}=container-image://${PLATFORM_STANDINS['linux/arm64'][BASE_IMAGES.python]}`);
    expect(inspectImage(tag)).toMatchObject({ architecture: 'arm64', user: '10001' });
    const res = podmanRun(tag, [], { platform: 'linux/arm64' });
    expect(res).toMatchObject({ status: 0, stdout: 'six 1.17.0 uid 10001\n' });
    const machine = podmanRun(tag, ['-c', 'import platform; print(platform.machine())'], {
      platform: 'linux/arm64',
      entrypoint: '/opt/venv/bin/python',
    });
    expect(machine.stdout).toBe('aarch64\n');
  }, SLOW);

  testWithTools(ARM64_TOOLS, 'C cross-compiled on the build platform, FROM scratch for linux/arm64, run under qemu', () => {
    ensureBaseImages();
    ensureBinfmt('aarch64');
    const tag = 'localhost/velocitas-oci-smoke/hello:arm64';
    const dir = context('cross', { 'Dockerfile': CROSS_DOCKERFILE, 'hello.c': HELLO_C });
    const build = buildahBuild({ contextDir: dir, dockerfile: 'Dockerfile', tag, platform: 'linux/arm64' });
    // The builder stage ran natively (no qemu): it saw the build platform.
    expect(build.log).not.toMatch(/exec format error/);

    const cfg = inspectImage(tag);
    expect(cfg).toMatchObject({ architecture: 'arm64', os: 'linux', user: '10001', entrypoint: ['/hello'] });
    expect(imageFileList(tag)).toEqual(['/hello']);
    withImageRootfs(tag, (root) => {
      const elf = fs.readFileSync(path.join(root, 'hello'));
      expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
      expect(elf.readUInt16LE(18)).toBe(183); // EM_AARCH64
    });

    const res = podmanRun(tag, [], { platform: 'linux/arm64' });
    expect(res).toMatchObject({ status: 0, stdout: 'hello from aarch64\n' });
  }, SLOW);
});
