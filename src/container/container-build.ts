import { Component, Project } from 'projen';
import { BASE_IMAGE_STAGE, BaseImagePinFile, BaseImages } from './base-image-pins';
import { ContainerBuildOptions } from './container-build-options';
import { ContainerImage } from './container-image';
import { Dockerfile } from './dockerfile';
import { DEFAULT_IMAGES } from './image-presets';
import { parseImageReference } from './image-reference';
import { Platform } from './platform';
import { VehicleApp } from '../app/vehicle-app';
import { LanguageProfile } from '../languages/language-profile';
import { Problems, rules, tryAddValidation } from '../validation';

/** What a ContainerBuild is made from. */
export interface ContainerBuildProps {
  /** The app the image runs. */
  readonly app: VehicleApp;
  /**
   * The app's language profile: its Dockerfile preset and base images.
   * @default - the profile of the app's language
   */
  readonly language?: LanguageProfile;
  /** The image reference and platforms. */
  readonly image: ContainerImage;
  /** Folder of the app: the build context, where the Dockerfile and .dockerignore go. */
  readonly appDir: string;
  /**
   * SPDX license for the image label.
   * @default 'Apache-2.0'
   */
  readonly license?: string;
  /**
   * Source repository URL for the image label.
   * @default - none
   */
  readonly sourceUrl?: string;
  /**
   * The user's build options.
   * @default {}
   */
  readonly options?: ContainerBuildOptions;
  /**
   * The images pinned in `.github/pins/Dockerfile` (where Dependabot bumps them), by stage name: `python`,
   * `cpp-builder`, `cpp-runtime`. A default base image follows its pin; an image set in the options wins.
   * @default {} - the library's default images
   */
  readonly pinnedImages?: { [stage: string]: string };
}

/**
 * The app's container build: `app/Dockerfile` and `app/.dockerignore` from the preset of the app's
 * language, and the tasks that build the image.
 *
 * Tasks (Docker with buildx is what most developers have; `buildah build` takes the same arguments):
 * - `image:build` builds for the local platform with `docker buildx build --load`, tagged `<image>:dev`.
 * - `image:build:all` builds every configured platform (`--platform` from the image's platform list);
 *   append `--push` to publish, otherwise the result stays in the buildx cache.
 * Both pass HTTP(S)_PROXY/NO_PROXY from the environment and, when `EXTRA_CA_CERT` names a PEM file,
 * that file as the CA build secret.
 * With buildah, pass `--build-arg BUILDPLATFORM=linux/amd64` (buildah 1.28 leaves it empty in FROM) and
 * `--no-cache` for release builds (its layer cache ignores build-arg values, so labels could be stale).
 */
export class ContainerBuild extends Component {
  /** The task that builds the app image for this machine. */
  public static readonly LOCAL_BUILD_TASK = 'image:build';

  /** The tag of the images the local build tasks produce, from the build options. */
  public static localTagOf(options: ContainerBuildOptions): string {
    return options.localTag ?? 'dev';
  }

  /** The Dockerfile model; change stages and instructions here. */
  public readonly dockerfile: Dockerfile;
  /** The default base images this build uses, by pin-file stage name: what `.github/pins/Dockerfile` keeps for Dependabot. */
  public readonly pinnableBaseImages: { [stage: string]: string };
  /** Tag of images built by the local tasks, e.g. `dev`. */
  public readonly localTag: string;
  /** The image's entrypoint (exec form), e.g. `['/app/seat-adjuster']`. */
  public readonly entrypoint: string[];
  /**
   * Command, run in the image, that exits 0 while the app's heartbeat file (`APP_HEARTBEAT_FILE`,
   * default `/tmp/heartbeat`, touched by the sample app) is fresh: the exec probe of an app without ports.
   */
  public readonly heartbeatCheck: string[];
  private readonly options: ContainerBuildOptions;
  private readonly props: ContainerBuildProps;
  private readonly usesPythonImage: boolean;
  /** The base images before digests are added. */
  private readonly baseImages: BaseImages;
  /** The images as the options or the library name them, before the pin file: what `baseImageDigests` keys may name. */
  private readonly namedImages: BaseImages;

  public constructor(project: Project, props: ContainerBuildProps) {
    super(project);
    this.options = props.options ?? {};
    this.props = props;
    this.dockerfile = new Dockerfile(project, `${props.appDir}/Dockerfile`, { syntaxImage: props.options?.syntaxImage });
    const o = this.options;
    const pinned = props.pinnedImages ?? {};
    const chosen = chosenBaseImages(o);
    const pinOf = (role: keyof BaseImages) => pinned[BASE_IMAGE_STAGE[role]];
    this.baseImages = resolveBaseImages(o, pinned);
    this.namedImages = {
      python: chosen.python ?? DEFAULT_IMAGES.python,
      cppBuilder: chosen.cppBuilder ?? DEFAULT_IMAGES.cppBuilder,
      cppRuntime: chosen.cppRuntime ?? DEFAULT_IMAGES.cppRuntime,
    };
    const withDigest = (image: string) => {
      const digest = o.baseImageDigests?.[image];
      return digest && !image.includes('@') ? `${image}@${digest}` : image;
    };
    const baseImages: BaseImages = {
      python: withDigest(this.baseImages.python),
      cppBuilder: withDigest(this.baseImages.cppBuilder),
      cppRuntime: withDigest(this.baseImages.cppRuntime),
    };
    // Where each image came from, for error messages.
    const origin = (role: keyof BaseImages, option: string) =>
      chosen[role] === undefined && pinOf(role) ? `${BaseImagePinFile.PATH} (${option})` : option;
    const baseImageOrigins: BaseImages = {
      python: origin('python', 'container.python.baseImage'),
      cppBuilder: origin('cppBuilder', 'container.cpp.builderImage'),
      cppRuntime: origin('cppRuntime', 'container.cpp.runtimeImage'),
    };
    const language = (props.language ?? LanguageProfile.of(props.app.language))._spec;
    this.usesPythonImage = language.baseImageRoles.includes('python');
    const roles = language.baseImageRoles;
    this.pinnableBaseImages = Object.fromEntries(roles.filter(role => chosen[role] === undefined && baseImages[role] !== 'scratch')
      .map(role => [BASE_IMAGE_STAGE[role], baseImages[role]]));
    const ctx = {
      dockerfile: this.dockerfile,
      app: props.app,
      image: props.image,
      options: o,
      baseImages,
      baseImageOrigins,
      license: props.license ?? 'Apache-2.0',
      sourceUrl: props.sourceUrl,
    };
    this.entrypoint = language.dockerfile(ctx);
    this.dockerfile.dockerignore.addPatterns(...language.dockerignore());
    this.heartbeatCheck = language.heartbeatCheck(this.entrypoint);

    tryAddValidation(project, problems => this._validate(problems, 'container'));

    const localTag = this.localTag = ContainerBuild.localTagOf(this.options);
    const secretId = this.options.caSecretId ?? 'ca';
    const common = [
      // Predefined proxy args: passed only when set, reach every RUN, never persisted.
      ...['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'].map(v => `\${${v}:+--build-arg ${v}}`),
      `\${EXTRA_CA_CERT:+--secret id=${secretId},src=$EXTRA_CA_CERT}`,
      '--build-arg OCI_REVISION="$(git rev-parse HEAD 2>/dev/null || true)"',
      '--build-arg OCI_CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"',
      `--file ${props.appDir}/Dockerfile`,
    ];
    project.addTask(ContainerBuild.LOCAL_BUILD_TASK, {
      description: `Build the app image for the local platform and load it as ${props.image.reference(localTag)} (docker buildx)`,
      exec: ['docker buildx build --load', `--tag ${props.image.reference(localTag)}`, ...common, props.appDir].join(' '),
      receiveArgs: true,
    });
    // Docker's default builder cannot build several platforms at once; a docker-container builder can.
    const builder = 'velocitas-multiarch';
    const all = project.addTask('image:build:all', {
      description: `Build the app image for ${props.image.platformList} (docker buildx; append --push to publish, non-native platforms need binfmt/QEMU)`,
    });
    all.exec(`docker buildx inspect ${builder} > /dev/null 2>&1 || docker buildx create --name ${builder} --driver docker-container`);
    all.exec(['docker buildx build', `--builder ${builder}`, `--platform ${props.image.platformList}`, `--tag ${props.image.reference(localTag)}`, ...common, props.appDir].join(' '),
      { receiveArgs: true });
  }

  /** @internal */
  public _validate(problems: Problems, path: string): void {
    const o = this.options;
    checkContainerBuildOptions(problems, path, o, []);
    // A key may name the image of the options or the library (a pin file that Dependabot moved on keeps its own digest).
    const used = [...new Set([...Object.values(this.namedImages), ...Object.values(this.baseImages)].map(image => image.replace(/@.*$/, '')))];
    checkBaseImageDigestKeys(problems, path, o, used);
    // Debian bookworm has no riscv64 port, so neither have the official python:*-bookworm images.
    const python = this.usesPythonImage ? this.baseImages.python : '';
    if (/^(docker\.io\/library\/)?python:[^@]*bookworm/.test(python) && this.props.image.platforms.includes(Platform.LINUX_RISCV64)) {
      problems.add('image.platforms', Platform.LINUX_RISCV64.id, `cannot be built from ${python}, which has no linux/riscv64 image`,
        'use a Debian trixie based Python image (container.python.baseImage, e.g. "docker.io/library/python:3.13-slim-trixie") or drop the platform');
    }
  }
}

function chosenBaseImages(o: ContainerBuildOptions): Partial<BaseImages> {
  return { python: o.python?.baseImage, cppBuilder: o.cpp?.builderImage, cppRuntime: o.cpp?.runtimeImage };
}

/**
 * The base images of a build: an image set in the options wins; otherwise the pin file's (Dependabot-bumped)
 * image, then the library default. Digests from `baseImageDigests` are not added here.
 * @internal
 */
export function resolveBaseImages(o: ContainerBuildOptions, pinnedImages: { [stage: string]: string }): BaseImages {
  const chosen = chosenBaseImages(o);
  const resolve = (role: keyof BaseImages) => chosen[role] ?? pinnedImages[BASE_IMAGE_STAGE[role]] ?? DEFAULT_IMAGES[role];
  return { python: resolve('python'), cppBuilder: resolve('cppBuilder'), cppRuntime: resolve('cppRuntime') };
}

/**
 * The build options' own problems (those that need no base image resolved), checked before any component is built.
 * @internal
 */
export function checkContainerBuildOptions(problems: Problems, path: string, o: ContainerBuildOptions, pinnedImages: string[]): void {
  // A key may name the image of the options, the library's default or a pin of the pin file.
  const chosen = chosenBaseImages(o);
  const named = (Object.keys(DEFAULT_IMAGES) as Array<keyof BaseImages>).map(role => chosen[role] ?? DEFAULT_IMAGES[role]);
  checkBaseImageDigestKeys(problems, path, o, [...new Set([...named, ...pinnedImages].map(image => image.replace(/@.*$/, '')))]);
  // The first FROM of the Dockerfile, so no stage precedes it: the same words as the Dockerfile's own check.
  const images: Array<[string, string | undefined]> = [
    [`${path}.python.baseImage`, o.python?.baseImage], [`${path}.cpp.builderImage`, o.cpp?.builderImage], [`${path}.cpp.runtimeImage`, o.cpp?.runtimeImage],
  ];
  for (const [at, image] of images) {
    if (image === undefined || image === 'scratch') continue;
    const parsed = parseImageReference(image);
    if (typeof parsed === 'string') {
      problems.add(at, image, `is neither an earlier stage (none) nor an image reference: it ${parsed}`,
        'name an earlier stage, or an image such as "docker.io/library/debian:bookworm-slim"');
    } else {
      problems.check(parsed.tag !== undefined || parsed.digest !== undefined, at, image,
        'is neither an earlier stage (none) nor an image reference with a tag or digest',
        'name an earlier stage, or pin the image with a tag (and optionally @sha256:<digest>)');
    }
  }
  for (const [image, digest] of Object.entries(o.baseImageDigests ?? {})) {
    problems.check(/^sha256:[a-f0-9]{64}$/.test(String(digest)), `${path}.baseImageDigests[${JSON.stringify(image)}]`, digest,
      'is not a digest ("sha256:" and 64 lowercase hex digits)', 'copy it from `docker buildx imagetools inspect <image>`');
  }
  if (o.syntaxImage !== undefined) {
    const syntax = parseImageReference(o.syntaxImage);
    problems.check(typeof syntax !== 'string', `${path}.syntaxImage`, o.syntaxImage, typeof syntax === 'string' ? syntax : '',
      'use e.g. "docker/dockerfile:1" or "docker/dockerfile:1@sha256:<digest>"');
  }
  problems.check(rules.isDnsLabel(o.caSecretId ?? 'ca'), `${path}.caSecretId`, o.caSecretId, 'is not a secret id (lowercase letters, digits, "-")', 'use "ca"');
  problems.check(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(ContainerBuild.localTagOf(o)), `${path}.localTag`, o.localTag, 'is not an image tag', 'use e.g. "dev"');
  if (o.pipIndexUrl !== undefined) {
    problems.check(/^https?:\/\/\S+$/.test(o.pipIndexUrl), `${path}.pipIndexUrl`, o.pipIndexUrl, 'is not an http(s) URL', 'use e.g. "https://pypi.example.com/simple"');
  }
  if (o.aptMirror !== undefined && o.aptMirror !== '') {
    problems.check(/^https?:\/\/[^\s|]+$/.test(o.aptMirror), `${path}.aptMirror`, o.aptMirror, 'is not an http(s) URL of a Debian mirror', 'use e.g. "http://mirror.example.com/debian"');
  }
  (o.python?.builderPackages ?? []).forEach((pkg, i) => {
    problems.check(/^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+:~-]+)?$/.test(String(pkg)), `${path}.python.builderPackages[${i}]`, pkg,
      'is not a Debian package name (lowercase letters, digits, "+", "-", ".", with an optional =version)', 'use e.g. "build-essential"');
  });
  const target = o.cpp?.binaryTarget;
  if (target !== undefined) {
    problems.check(/^[A-Za-z0-9_.+-]+$/.test(target), `${path}.cpp.binaryTarget`, target, 'is not a CMake target name', 'use the name given to add_executable()');
  }
}

function checkBaseImageDigestKeys(problems: Problems, path: string, o: ContainerBuildOptions, used: string[]): void {
  for (const image of Object.keys(o.baseImageDigests ?? {})) {
    problems.check(used.includes(image), `${path}.baseImageDigests`, image, `is not a base image of this build (${used.join(', ')})`,
      'use the image reference exactly as the preset options name it');
  }
}
