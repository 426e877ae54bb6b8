/** What the Python preset needs to know about the app's sources (paths relative to the app folder). */
export interface PythonImageOptions {
  /**
   * Base image of the builder and the final stage (they must match: the venv links to its Python). It must
   * ship pip 22.3 or newer (the official python images do): that pip installs into the venv, which gets none.
   * Write `image:tag@sha256:<digest>` to pin it, or use `ContainerBuildOptions.baseImageDigests`.
   * @default - the pin in `.github/pins/Dockerfile` (Dependabot bumps it), at first 'docker.io/library/python:3.12-slim-bookworm'
   */
  readonly baseImage?: string;
  /**
   * The pinned dependency list, installed before the sources are copied.
   * @default 'requirements.txt'
   */
  readonly requirementsFile?: string;
  /**
   * Folder of the app's Python sources; copied to `/app` in the image.
   * @default 'src'
   */
  readonly sourceDir?: string;
  /**
   * Script inside `sourceDir` that starts the app.
   * @default 'main.py'
   */
  readonly entryScript?: string;
  /**
   * Debian packages the builder needs to build wheels from source (e.g. `build-essential`); never in the final image.
   * @default []
   */
  readonly builderPackages?: string[];
}

/** What the C++ preset needs to know about the app's build (paths relative to the app folder). */
export interface CppImageOptions {
  /**
   * Debian image of the builder; it runs on the build platform and cross-compiles.
   * Write `image:tag@sha256:<digest>` to pin it, or use `ContainerBuildOptions.baseImageDigests`.
   * @default - the pin in `.github/pins/Dockerfile` (Dependabot bumps it), at first 'docker.io/library/debian:bookworm'
   */
  readonly builderImage?: string;
  /**
   * Image of the final stage. The binary is linked statically, so `scratch` (nothing else) is enough;
   * a distroless image such as `gcr.io/distroless/static-debian12` adds CA certificates and /etc/passwd.
   * @default 'scratch'
   */
  readonly runtimeImage?: string;
  /**
   * Name of the CMake executable target that is the app.
   * @default - the app name
   */
  readonly binaryTarget?: string;
  /**
   * CMake build type.
   * @default 'Release'
   */
  readonly buildType?: string;
  /**
   * More options for the CMake configure step, one argument per entry (each is shell-quoted for you, so write
   * `-DCMAKE_CXX_FLAGS=-O2 -g` without quotes), e.g. `['-DBUILD_TESTING=OFF']`.
   * @default []
   */
  readonly cmakeOptions?: string[];
  /**
   * Resolve dependencies with Conan 2 from `conanfile.txt` (copied and installed before the sources).
   * Opt-in: Conan Center must be reachable from the builder (it is not on every CI or corporate
   * network; set a Conan remote in the conanfile's folder if you mirror it).
   * @default false
   */
  readonly conan?: boolean;
  /**
   * Conan version installed in the builder.
   * @default '2.21.0'
   */
  readonly conanVersion?: string;
}

/**
 * How the app image is built: the Dockerfile preset for the app's language and the knobs for
 * corporate networks (proxy, mirrors, an extra CA) and reproducible base images.
 *
 * Proxies: `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` (and lower-case) are BuildKit's predefined build
 * arguments; the generated tasks pass them from the environment, they reach every RUN and are not
 * persisted in the image or its history. The Dockerfile does not declare them on purpose (declaring
 * one would persist it).
 */
export interface ContainerBuildOptions {
  /**
   * Python preset settings (used when the app language is Python).
   * @default - the sample layout: requirements.txt, src/main.py
   */
  readonly python?: PythonImageOptions;
  /**
   * C++ preset settings (used when the app language is C++).
   * @default - CMake target named like the app, static binary on scratch
   */
  readonly cpp?: CppImageOptions;
  /**
   * Pin base images by digest: image reference (as written in the preset options) → `sha256:<64 hex>`.
   * The FROM lines then read `image:tag@sha256:...`, the form Dependabot and Renovate bump. A default
   * image pinned here is written with its digest into `.github/pins/Dockerfile`, where Dependabot
   * bumps tag and digest from then on.
   * @default {} - base images are named by tag only
   */
  readonly baseImageDigests?: { [image: string]: string };
  /**
   * The BuildKit frontend image named in the Dockerfile's `# syntax=` line: pin it by digest
   * (`docker/dockerfile:1@sha256:<digest>`), or name a mirror the builders can reach.
   * @default 'docker/dockerfile:1'
   */
  readonly syntaxImage?: string;
  /**
   * Default package index of pip (`PIP_INDEX_URL` build argument; override per build with `--build-arg`).
   * @default 'https://pypi.org/simple'
   */
  readonly pipIndexUrl?: string;
  /**
   * Default Debian mirror replacing `http://deb.debian.org` (`APT_MIRROR` build argument).
   * @default '' - the mirror of the base image
   */
  readonly aptMirror?: string;
  /**
   * Id of the optional build secret holding an extra CA certificate (PEM) that pip, apt and curl trust
   * while a RUN downloads. It is mounted only into those RUNs and never reaches a layer.
   * Pass it with `--secret id=ca,src=corp-ca.pem`; the tasks do when `EXTRA_CA_CERT` names a file.
   * @default 'ca'
   */
  readonly caSecretId?: string;
  /**
   * Tag of the image the local build tasks produce.
   * @default 'dev'
   */
  readonly localTag?: string;
}
