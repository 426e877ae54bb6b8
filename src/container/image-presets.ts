import { BaseImages } from './base-image-pins';
import { ContainerBuildOptions } from './container-build-options';
import { ContainerImage } from './container-image';
import { Dockerfile } from './dockerfile';
import { CacheSharing, Instruction, Mount } from './dockerfile-instruction';
import { DockerfileStage } from './dockerfile-stage';
import { Platform } from './platform';
import { VehicleApp } from '../app/vehicle-app';
import { GRPC_GENERATE_SCRIPT, GRPC_PROTO_DIR, GRPC_REQUIREMENTS, GRPC_STUBS_DIR, GRPC_STUBS_PACKAGE, grpcProtos } from '../grpc/grpc-stubs';

/** Everything a preset reads. @internal */
export interface PresetContext {
  readonly dockerfile: Dockerfile;
  readonly app: VehicleApp;
  readonly image: ContainerImage;
  readonly options: ContainerBuildOptions;
  /** The base images, resolved and pinned. */
  readonly baseImages: BaseImages;
  /** Where each base image was set (an option path or the pin file), for error messages. */
  readonly baseImageOrigins: BaseImages;
  readonly license: string;
  readonly sourceUrl?: string;
}

/** The Python of the default base image; CI and the devcontainer follow the base image's Python. @internal */
export const DEFAULT_PYTHON_VERSION = '3.12';

/** Default base images, by tag. @internal */
export const DEFAULT_IMAGES: BaseImages = {
  python: `docker.io/library/python:${DEFAULT_PYTHON_VERSION}-slim-bookworm`,
  cppBuilder: 'docker.io/library/debian:bookworm',
  cppRuntime: 'scratch',
};

/** Where the app lives in the image. */
const APP_HOME = '/app';
const VENV = '/opt/venv';
/** The extra CA and the bundle made from it live on a tmpfs: gone when the RUN ends. */
const CA_DIR = '/run/extra-ca';
/** Written by the toolchain stage: `<debian arch> <gnu triplet>` of the target platform. */
const TARGET_FILE = '/etc/cross-target';

/** The Python image's entrypoint: the venv's interpreter running the entry script. @internal */
export function pythonEntrypoint(_app: VehicleApp, options: ContainerBuildOptions): string[] {
  return [`${VENV}/bin/python3`, `${APP_HOME}/${options.python?.entryScript ?? 'main.py'}`];
}

/** The C++ image's entrypoint: the static binary. @internal */
export function cppEntrypoint(app: VehicleApp, options: ContainerBuildOptions): string[] {
  return [`${APP_HOME}/${options.cpp?.binaryTarget ?? app.name}`];
}

/** Python: a venv built in a builder stage, copied into a slim final stage with only the app; returns the entrypoint. @internal */
export function pythonPreset(ctx: PresetContext): string[] {
  const o = ctx.options.python ?? {};
  const df = ctx.dockerfile;
  const requirements = o.requirementsFile ?? 'requirements.txt';
  const sourceDir = trimSlashes(o.sourceDir ?? 'src');
  df.addGlobalArg('PYTHON_IMAGE', ctx.baseImages.python, ctx.baseImageOrigins.python);

  const builder = df.addStage('builder', { from: '${PYTHON_IMAGE}' });
  builder.addInstruction('env', Instruction.env({ PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' }));
  const packages = o.builderPackages ?? [];
  if (packages.length > 0) addAptInstall(ctx, builder, packages.join(' '));
  // No pip in the venv: the base image's pip installs into it, so the final image carries no installer.
  builder.addInstruction('venv', Instruction.run([`python3 -m venv --without-pip ${VENV}`]));
  // The dependency list comes before the sources, so a source change keeps the installed venv.
  builder.addInstruction('requirements', Instruction.copy([requirements], '/tmp/requirements.txt'));
  builder.addInstruction('pip-index', Instruction.arg('PIP_INDEX_URL', ctx.options.pipIndexUrl ?? 'https://pypi.org/simple'));
  const ca = caTrust(ctx);
  builder.addInstruction('install-dependencies', Instruction.run([
    'set -eu',
    ca.command,
    `python3 -m pip --python ${VENV}/bin/python install --requirement /tmp/requirements.txt`,
  ], { mounts: [Mount.cache({ target: '/root/.cache/pip', id: 'pip' }), ...ca.mounts] }));
  const grpcStubs = addGrpcGenerate(ctx, builder);

  const runtime = df.addStage('runtime', { from: '${PYTHON_IMAGE}' });
  runtime.addInstruction('env', Instruction.env({
    PATH: `${VENV}/bin:$PATH`,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  }));
  runtime.addInstruction('env-contract', Instruction.env(envContract(ctx.app), { literal: true }));
  runtime.addInstruction('workdir', Instruction.workdir(APP_HOME));
  runtime.addInstruction('venv', Instruction.copy([VENV], VENV, { from: 'builder' }));
  runtime.addInstruction('sources', Instruction.copy([`${sourceDir}/`], `${APP_HOME}/`));
  if (grpcStubs) runtime.addInstruction('grpc-stubs', Instruction.copy([grpcStubs], `${APP_HOME}/${GRPC_STUBS_PACKAGE}`, { from: 'builder' }));
  const entrypoint = pythonEntrypoint(ctx.app, ctx.options);
  finish(ctx, runtime, entrypoint);
  return entrypoint;
}

/**
 * The gRPC stubs, made in the builder by the app's generate script with grpcio-tools in a venv of its own (not the
 * app's), so the image carries the stubs but not the generator; returns where they are, or undefined without gRPC.
 */
function addGrpcGenerate(ctx: PresetContext, builder: DockerfileStage): string | undefined {
  const protos = grpcProtos(ctx.app);
  if (protos.length === 0) return undefined;
  const tools = '/opt/grpc-tools';
  const work = '/build';
  const ca = caTrust(ctx);
  builder.addInstruction('grpc-requirements', Instruction.copy([GRPC_REQUIREMENTS], `/tmp/${GRPC_REQUIREMENTS}`));
  builder.addInstruction('grpc-tools', Instruction.run([
    'set -eu',
    ca.command,
    `python3 -m venv --without-pip ${tools}`,
    `python3 -m pip --python ${tools}/bin/python install --requirement /tmp/${GRPC_REQUIREMENTS}`,
  ], { mounts: [Mount.cache({ target: '/root/.cache/pip', id: 'pip' }), ...ca.mounts] }));
  builder.addInstruction('grpc-script', Instruction.copy([GRPC_GENERATE_SCRIPT], `${work}/${GRPC_GENERATE_SCRIPT}`));
  builder.addInstruction('grpc-protos', Instruction.copy(protos.map(p => p.path), `${work}/${GRPC_PROTO_DIR}/`));
  builder.addInstruction('grpc-generate', Instruction.run([`PYTHON=${tools}/bin/python sh ${work}/${GRPC_GENERATE_SCRIPT}`]));
  // The image build makes its own stubs from the .proto files, never takes a developer's.
  ctx.dockerfile.dockerignore.addPatterns(GRPC_STUBS_DIR);
  return `${work}/${GRPC_STUBS_DIR}/`;
}

/**
 * C++: a toolchain stage on the build platform with a cross-compiler for the target platform, a
 * build stage running CMake with a cache mount, and the static binary alone in the final stage;
 * returns the entrypoint.
 * @internal
 */
export function cppPreset(ctx: PresetContext): string[] {
  const o = ctx.options.cpp ?? {};
  const df = ctx.dockerfile;
  const target = o.binaryTarget ?? ctx.app.name;
  df.addGlobalArg('BUILDER_IMAGE', ctx.baseImages.cppBuilder, ctx.baseImageOrigins.cppBuilder);
  const runtimeImage = ctx.baseImages.cppRuntime;
  if (runtimeImage !== 'scratch') df.addGlobalArg('RUNTIME_IMAGE', runtimeImage, ctx.baseImageOrigins.cppRuntime);

  // The builder runs natively on the build machine and cross-compiles: no emulation, even for arm64.
  const toolchain = df.addStage('toolchain', { from: '${BUILDER_IMAGE}', platform: '$BUILDPLATFORM' });
  toolchain.addInstruction('target-args', Instruction.arg('TARGETARCH'));
  toolchain.addInstruction('target-variant', Instruction.arg('TARGETVARIANT'));
  toolchain.addInstruction('target', Instruction.run([
    'set -eu',
    `case "\${TARGETARCH}\${TARGETVARIANT:-}" in ${targetCases()} *) echo "unsupported target \${TARGETARCH}\${TARGETVARIANT:-}" >&2; exit 1;; esac`,
  ]));
  const conanPackages = o.conan ? ' python3-venv' : '';
  addAptInstall(ctx, toolchain,
    `cmake make ca-certificates${conanPackages} "$(if [ "$DEB_ARCH" = "$(dpkg --print-architecture)" ]; then echo g++; else echo "$CROSS_GXX"; fi)"`,
    [`read -r DEB_ARCH _ CROSS_GXX < ${TARGET_FILE}`]);

  const build = df.addStage('build', { from: 'toolchain' });
  build.addInstruction('workdir', Instruction.workdir('/src'));
  const configure = [
    '-S . -B "/cache/build/$DEB_ARCH"',
    `-DCMAKE_BUILD_TYPE=${o.buildType ?? 'Release'}`,
    '-DCMAKE_C_COMPILER="$GNU_TRIPLET-gcc"',
    '-DCMAKE_CXX_COMPILER="$GNU_TRIPLET-g++"',
    // A static binary needs no libraries at runtime, so it runs on scratch.
    '-DCMAKE_EXE_LINKER_FLAGS="-static"',
    '-DCMAKE_RUNTIME_OUTPUT_DIRECTORY="/cache/build/$DEB_ARCH/bin"',
    ...(o.cmakeOptions ?? []).map(shellWord),
  ];
  const mounts = [Mount.cache({ target: '/cache/build', id: `cmake-${ctx.app.name}` })];
  if (o.conan) {
    addConan(ctx, build, o.conanVersion ?? '2.21.0');
    configure.push('-DCMAKE_TOOLCHAIN_FILE="/cache/deps/$DEB_ARCH/conan_toolchain.cmake"');
    mounts.push(Mount.cache({ target: '/cache/deps', id: `conan-deps-${ctx.app.name}` }));
  }
  build.addInstruction('sources', Instruction.copy(['.'], '.'));
  build.addInstruction('compile', Instruction.run([
    'set -eu',
    `read -r DEB_ARCH GNU_TRIPLET _ < ${TARGET_FILE}`,
    `cmake ${configure.join(' ')}`,
    `cmake --build "/cache/build/$DEB_ARCH" --target ${target} --parallel`,
    `install -D -m 0755 "/cache/build/$DEB_ARCH/bin/${target}" /out/${target}`,
    `"$GNU_TRIPLET-strip" /out/${target}`,
  ], { mounts }));

  const runtime = df.addStage('runtime', { from: runtimeImage === 'scratch' ? 'scratch' : '${RUNTIME_IMAGE}' });
  runtime.addInstruction('env-contract', Instruction.env(envContract(ctx.app), { literal: true }));
  runtime.addInstruction('binary', Instruction.copy([`/out/${target}`], `${APP_HOME}/${target}`, { from: 'build' }));
  const entrypoint = cppEntrypoint(ctx.app, ctx.options);
  finish(ctx, runtime, entrypoint);

  return entrypoint;
}

/** Numeric non-root user, ports, exec-form entrypoint, then OCI labels last (they change every build). */
function finish(ctx: PresetContext, runtime: DockerfileStage, entrypoint: string[]): void {
  runtime.addInstruction('user', Instruction.user(`${ctx.image.uid}`, `${ctx.image.gid}`));
  ctx.app.ports.forEach(p => runtime.addInstruction(`expose-${p.name}`, Instruction.expose(p.port)));
  runtime.addInstruction('entrypoint', Instruction.entrypoint(entrypoint));
  runtime.addInstruction('label-args', Instruction.arg('OCI_SOURCE', ctx.sourceUrl ?? ''));
  runtime.addInstruction('label-revision', Instruction.arg('OCI_REVISION', ''));
  runtime.addInstruction('label-version', Instruction.arg('OCI_VERSION', ctx.app.version));
  runtime.addInstruction('label-created', Instruction.arg('OCI_CREATED', ''));
  runtime.addInstruction('labels', Instruction.label({
    'org.opencontainers.image.source': '${OCI_SOURCE}',
    'org.opencontainers.image.revision': '${OCI_REVISION}',
    'org.opencontainers.image.version': '${OCI_VERSION}',
    'org.opencontainers.image.created': '${OCI_CREATED}',
  }));
  runtime.addInstruction('labels-app', Instruction.label({
    'org.opencontainers.image.title': ctx.app.name,
    'org.opencontainers.image.licenses': ctx.license,
    ...(ctx.app.description ? { 'org.opencontainers.image.description': ctx.app.description } : {}),
  }, { literal: true }));
}

function envContract(app: VehicleApp): { [name: string]: string } {
  return Object.fromEntries(app.environment().map(v => [v.name, v.value]));
}

/** The extra CA: mounted as a secret, merged with the system bundle on a tmpfs, trusted by pip, apt and curl. */
function caTrust(ctx: PresetContext): { mounts: Mount[]; command: string } {
  const id = ctx.options.caSecretId ?? 'ca';
  const secret = `/run/secrets/${id}`;
  const bundle = `${CA_DIR}/bundle.pem`;
  const command = [
    `if [ -s ${secret} ]; then`,
    `cat /etc/ssl/certs/ca-certificates.crt ${secret} > ${bundle} 2>/dev/null || cp ${secret} ${bundle};`,
    `printf 'Acquire::https::CAInfo "%s";\\n' ${bundle} > ${CA_DIR}/apt.conf;`,
    `export PIP_CERT=${bundle} SSL_CERT_FILE=${bundle} CURL_CA_BUNDLE=${bundle} REQUESTS_CA_BUNDLE=${bundle} APT_CONFIG=${CA_DIR}/apt.conf;`,
    'fi',
  ].join(' ');
  return { mounts: [Mount.secret({ id, required: false }), Mount.tmpfs(CA_DIR)], command };
}

/** apt-get install with cache mounts, the optional mirror and the extra CA; nothing of apt stays in the layer. */
function addAptInstall(ctx: PresetContext, stage: DockerfileStage, packages: string, prelude: string[] = []): void {
  stage.addInstruction('apt-mirror', Instruction.arg('APT_MIRROR', ctx.options.aptMirror ?? ''));
  // Keep downloaded .debs in the cache mount instead of deleting them after each install.
  stage.addInstruction('apt-keep-cache', Instruction.run([
    'rm -f /etc/apt/apt.conf.d/docker-clean',
    'echo \'Binary::apt::APT::Keep-Downloaded-Packages "true";\' > /etc/apt/apt.conf.d/keep-cache',
  ]));
  const ca = caTrust(ctx);
  stage.addInstruction('apt-install-reason', Instruction.comment(
    'Debian replaces package versions within a release, so apt pins rot; the base image tag/digest pins the suite.\nhadolint ignore=DL3008'));
  stage.addInstruction('apt-install', Instruction.run([
    'set -eu',
    ...prelude,
    'if [ -n "${APT_MIRROR:-}" ]; then for f in /etc/apt/sources.list /etc/apt/sources.list.d/*; do if [ -f "$f" ]; then sed -i "s|http://deb.debian.org/debian|${APT_MIRROR}|g" "$f"; fi; done; fi',
    ca.command,
    'apt-get update',
    `apt-get install -y --no-install-recommends ${packages}`,
  ], {
    mounts: [
      Mount.cache({ target: '/var/cache/apt', id: 'apt-cache', sharing: CacheSharing.LOCKED }),
      Mount.cache({ target: '/var/lib/apt/lists', id: 'apt-lists', sharing: CacheSharing.LOCKED }),
      ...ca.mounts,
    ],
  }));
}

/** Conan 2 in a venv; the conanfile is installed before the sources are copied. */
function addConan(ctx: PresetContext, build: DockerfileStage, version: string): void {
  const ca = caTrust(ctx);
  build.addInstruction('pip-index', Instruction.arg('PIP_INDEX_URL', ctx.options.pipIndexUrl ?? 'https://pypi.org/simple'));
  build.addInstruction('conan-install-tool', Instruction.run([
    'set -eu',
    ca.command,
    'python3 -m venv /opt/conan',
    `/opt/conan/bin/pip install --no-cache-dir conan==${version}`,
  ], { mounts: ca.mounts }));
  build.addInstruction('conanfile', Instruction.copy(['conanfile.txt'], './'));
  build.addInstruction('conan-install', Instruction.run([
    'set -eu',
    `read -r DEB_ARCH GNU_TRIPLET _ < ${TARGET_FILE}`,
    ca.command,
    'case "$DEB_ARCH" in amd64) ARCH=x86_64;; arm64) ARCH=armv8;; armhf) ARCH=armv7hf;; ppc64el) ARCH=ppc64le;; *) ARCH="$DEB_ARCH";; esac',
    '/opt/conan/bin/conan profile detect --exist-ok',
    '/opt/conan/bin/conan install . --build=missing --output-folder="/cache/deps/$DEB_ARCH" -s:h arch="$ARCH" '
      + '-c:h tools.build:compiler_executables="{\'c\': \'$GNU_TRIPLET-gcc\', \'cpp\': \'$GNU_TRIPLET-g++\'}"',
  ], {
    mounts: [
      Mount.cache({ target: '/root/.conan2', id: `conan-${ctx.app.name}` }),
      Mount.cache({ target: '/cache/deps', id: `conan-deps-${ctx.app.name}` }),
      ...ca.mounts,
    ],
  }));
}

/** `TARGETARCH+TARGETVARIANT` → `<debian arch> <gnu triplet> <cross g++ package>`, from the Platform data. */
function targetCases(): string {
  return Platform.all().map(p => {
    const keys = [`${p.architecture}${p.variant ?? ''}`];
    if (p.architecture === 'arm64') keys.push('arm64v8');
    const line = `${p.debianArchitecture} ${p.gnuTriplet} g++-${p.gnuTriplet.replace(/_/g, '-')}`;
    return `${keys.join('|')}) echo "${line}" > ${TARGET_FILE};;`;
  }).join(' ');
}

/** One shell word: as it is when that is safe, else single-quoted, so an option cannot run a command. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_.,:/@+=%-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

function trimSlashes(path: string): string {
  return path.replace(/^\.?\/+/, '').replace(/\/+$/, '') || '.';
}
