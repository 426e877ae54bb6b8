import { JsonFile, Project } from 'projen';
import { AppInterface } from './app/app-interface';
import { AppManifest } from './app/app-manifest';
import { HEARTBEAT } from './app/heartbeat';
import { normaliseRepositoryUrl } from './app/repository-url';
import { AppLanguage, AppPort, LogLevel, VehicleApp } from './app/vehicle-app';
import { BaseImagePinFile } from './container/base-image-pins';
import { checkContainerBuildOptions, ContainerBuild, resolveBaseImages } from './container/container-build';
import { ContainerBuildOptions } from './container/container-build-options';
import { ContainerImage, ContainerImageOptions } from './container/container-image';
import { Dockerfile } from './container/dockerfile';
import { checkGrpcProtos, GrpcStubs } from './grpc/grpc-stubs';
import { checkHelmChartOptions, HelmChart, HelmChartMaintainer, HelmChartOptions } from './helm/helm-chart';
import { AppSources } from './languages/app-sources';
import { LanguageProfile } from './languages/language-profile';
import { checkOptionShape } from './option-shapes';
import { checkDeploymentNames } from './runtime/deployment-names';
import { checkRuntimeServicesOptions, RuntimeServices, RuntimeServiceSettings, RuntimeServicesOptions } from './runtime/runtime-services';
import { Problems } from './validation';

/** The options of one vehicle app: what the app owns, not the repository it lives in. */
export interface AppOptions {
  /**
   * App name: a DNS-1123 label (lowercase, digits, "-"), used for the package, image, chart and Kubernetes objects.
   * @default $BASEDIR
   */
  readonly name: string;
  /**
   * The app's language.
   * @default AppLanguage.PYTHON
   * @featured
   */
  readonly language?: AppLanguage;
  /**
   * The app's version (semver); the image tag and chart appVersion follow it.
   * @default '0.1.0'
   * @featured
   */
  readonly version?: string;
  /**
   * One-line description of the app.
   * @default - none
   * @featured
   */
  readonly description?: string;
  /**
   * The interfaces of the AppManifest. Use this or `manifest`.
   * @default []
   * @featured
   */
  readonly interfaces?: AppInterface[];
  /**
   * A whole AppManifest, e.g. `AppManifest.fromFile('app/AppManifest.json')` to adopt an existing app. Use this or `interfaces`.
   * @default - built from `name` and `interfaces`
   */
  readonly manifest?: AppManifest;
  /**
   * Ports the app serves.
   * @default - `grpc` 50051 when the manifest provides a gRPC service, else none
   */
  readonly ports?: AppPort[];
  /**
   * `LOGLEVEL` of the app.
   * @default LogLevel.INFO
   */
  readonly logLevel?: LogLevel;
  /**
   * More environment variables for the app (they may override the SDV_* contract).
   * @default {}
   */
  readonly env?: { [name: string]: string };
  /**
   * Image registry, repository, platforms and tags.
   * @default - ghcr.io/<owner>/<repo>/<app>, linux/amd64 and linux/arm64
   * @featured
   */
  readonly image?: ContainerImageOptions;
  /**
   * How the image is built: Dockerfile preset settings, base image digests, proxy/mirror/CA support.
   * @default - the preset of the app's language with its defaults
   */
  readonly container?: ContainerBuildOptions;
  /**
   * Write the sample app sources (once; you own them afterwards).
   * @default true
   */
  readonly sampleCode?: boolean;
  /**
   * The app's Helm chart (`deploy/helm/<app>/`).
   * @default - chart version = app version, small resources, hardened pods
   */
  readonly helm?: HelmChartOptions;
  /**
   * Runtime services the app needs (databroker, MQTT broker) and Kanto manifests.
   * @default - services enabled according to the manifest's interfaces
   */
  readonly runtime?: RuntimeServicesOptions;
}

/** The language of an app that names none. @internal */
export const DEFAULT_LANGUAGE = AppLanguage.PYTHON;

/** The model of one app, resolved from its options before any component exists. @internal */
export interface ResolvedApp {
  readonly app: VehicleApp;
  readonly image: ContainerImage;
  /** Undefined for a language without a profile (reported). */
  readonly language?: LanguageProfile;
  readonly runtime: RuntimeServiceSettings;
  readonly pinnedImages: { [stage: string]: string };
}

/** What the repository hands an app's model. @internal */
export interface AppModelInputs {
  /** Folder of the project (local VSS files are read relative to it). */
  readonly projectDir: string;
  /** The repository URL the default image repository is derived from. */
  readonly repositoryUrl?: string;
  /** The images of `.github/pins/Dockerfile`, by stage. */
  readonly pinnedImages: { [stage: string]: string };
  /** Where warnings go. */
  readonly warn: (message: string) => void;
}

/** The app model, its image, language and runtime settings: the one resolution of an app's options. @internal */
export function resolveApp(options: AppOptions, inputs: AppModelInputs): ResolvedApp {
  const manifest = options.manifest ?? new AppManifest({ name: options.name, interfaces: options.interfaces });
  // A v1/v2 manifest loses what v3 cannot hold; say so instead of dropping it silently.
  const migrationNotes = manifest.migrationNotes;
  if (migrationNotes.length > 0) {
    inputs.warn(`AppManifest: ${migrationNotes.length} part(s) of the v1/v2 manifest have no v3 form and were not carried over:`);
    for (const note of migrationNotes) inputs.warn(`  - ${note}`);
  }
  const app = new VehicleApp({
    name: options.name,
    language: options.language ?? DEFAULT_LANGUAGE,
    version: options.version ?? '0.1.0',
    description: options.description,
    manifest,
    ports: options.ports,
    logLevel: options.logLevel,
    env: options.env,
    projectDir: inputs.projectDir,
  });
  const image = new ContainerImage({ appName: options.name, repositoryUrl: inputs.repositoryUrl, options: options.image });
  if (image.registry === 'ghcr.io' && !image.repository.includes('/')) {
    // A warning, not an error: a project fresh from `projen new` has no repository URL yet.
    inputs.warn(`image: ${image.name} has no owner, and ghcr.io only accepts ghcr.io/<owner>/<name>. `
      + 'Set repositoryUrl (https://github.com/<owner>/<repo>) or image.repository.');
  }
  // The one place the language is chosen; every language-specific artifact reads this profile.
  const language = LanguageProfile.tryOf(app.language);
  const runtime = new RuntimeServiceSettings({ app, options: options.runtime, pinnedImages: inputs.pinnedImages });
  return { app, image, language, runtime, pinnedImages: inputs.pinnedImages };
}

/** Every problem of one app's options, including what a component or library would reject later. @internal */
export function checkAppOptions(problems: Problems, options: AppOptions, model: ResolvedApp): void {
  // Interfaces added after construction get the checks of those passed as options.
  const interfacesAt = options.manifest ? 'manifest.interfaces' : 'interfaces';
  model.app.manifest.interfaces.forEach((entry, i) => checkOptionShape(problems, `${interfacesAt}[${i}]`, entry, 'AppInterface'));
  problems.check(!(options.manifest && options.interfaces), 'interfaces', '(set together with manifest)',
    'conflicts with manifest: the manifest already holds the interfaces', 'pass either manifest or interfaces');
  // The choices from the enum, so a new language is named without editing this line.
  const languages = Object.keys(AppLanguage).map(key => `AppLanguage.${key}`).join(' or ');
  problems.check(model.language !== undefined, 'language', model.app.language, 'is not a supported language', `use ${languages}`);
  model.app._validate(problems, '');
  model.app.manifest._validate(problems, options.manifest ? 'manifest' : '');
  model.app._signals._validate(problems, options.manifest ? 'manifest' : '');
  model.image._validate(problems, 'image');
  checkContainerBuildOptions(problems, 'container', options.container ?? {}, Object.values(model.pinnedImages));
  checkHelmChartOptions(problems, options.helm ?? {}, model.app.version);
  checkRuntimeServicesOptions(problems, options.runtime ?? {});
  checkDeploymentNames(problems, model.app, model.runtime);
  checkGrpcProtos(problems, model.app);
}

/** What the repository gives the parts of one app. @internal */
export interface VehicleAppPartsProps {
  /** The app's resolved model (checked). */
  readonly model: ResolvedApp;
  /** The app's options. */
  readonly options: AppOptions;
  /** Folder of the app's sources, Dockerfile and AppManifest, relative to the project. */
  readonly appDir: string;
  /** The repository URL option, as given. */
  readonly repositoryUrl?: string;
  /** SPDX license of the repository (the image label). */
  readonly license?: string;
  /** The chart's default maintainers. */
  readonly maintainers?: HelmChartMaintainer[];
  /** `.github/pins/Dockerfile`, when Dependabot keeps the pins. */
  readonly pinFile?: BaseImagePinFile;
  /**
   * Prefix of the app's task names, e.g. `seat:` (several apps in one project each need their own).
   * @default ''
   */
  readonly taskPrefix?: string;
  /**
   * Release name of the runtime services shared by every app of the cluster; the app chart then ships no
   * runtime subcharts and its SDV_* addresses name the shared services.
   * @default - the runtime services are subcharts of the app's chart
   */
  readonly sharedRuntimeRelease?: string;
}

/**
 * One app's files: the AppManifest, the container build, the runtime services' Kanto manifests, the Helm
 * chart and the sample sources. VehicleAppProject has one (in `app/`), VehicleAppMonorepo one per app.
 * @internal
 */
export class VehicleAppParts {
  public readonly containerBuild: ContainerBuild;
  public readonly dockerfile: Dockerfile;
  public readonly runtime: RuntimeServices;
  public readonly helmChart: HelmChart;
  /** The Python (or toolchain) version of the app's base image. */
  public readonly toolchainVersion: string | undefined;
  public readonly chartDir: string;
  public readonly language: LanguageProfile;

  public constructor(project: Project, props: VehicleAppPartsProps) {
    const { model, options, appDir } = props;
    const { app, image, pinnedImages } = model;
    const runtimeSettings = model.runtime;
    // Resolved inputs: the base images and what follows from them.
    const profile = this.language = model.language!;
    const pinFile = props.pinFile;
    this.toolchainVersion = profile._spec.toolchainVersion(resolveBaseImages(options.container ?? {}, pinnedImages));
    const repositoryUrl = normaliseRepositoryUrl(props.repositoryUrl)?.webUrl;
    const entrypoint = profile._spec.entrypoint(app, options.container ?? {});
    this.chartDir = HelmChart.dirOf(app.name);

    // Each component reads these inputs only, never another component: the order below is free.
    this.containerBuild = new ContainerBuild(project, {
      app,
      image,
      language: profile,
      appDir,
      license: props.license,
      sourceUrl: repositoryUrl,
      options: options.container,
      pinnedImages,
      taskPrefix: props.taskPrefix,
    });
    this.dockerfile = this.containerBuild.dockerfile;
    const runtimeServicesKanto = props.sharedRuntimeRelease === undefined;
    this.runtime = new RuntimeServices(project, { app, image, settings: runtimeSettings, runtimeServicesKanto });
    this.helmChart = new HelmChart(project, {
      app,
      image,
      runtime: runtimeSettings,
      options: { ...options.helm, maintainers: options.helm?.maintainers ?? props.maintainers },
      heartbeatCheck: profile._spec.heartbeatCheck(entrypoint),
      heartbeatLivenessCheck: profile._spec.heartbeatCheck(entrypoint, HEARTBEAT.livenessMaxAgeSeconds),
      repositoryUrl,
      sharedRuntimeRelease: props.sharedRuntimeRelease,
    });
    for (const [stage, baseImage] of Object.entries(this.containerBuild.pinnableBaseImages)) pinFile?.list(stage, baseImage);
    project.gitignore.exclude(...profile._spec.gitignore(appDir));
    if (profile._spec.grpcStubs && app.manifest.grpcInterfaces.length > 0) {
      new GrpcStubs(project, { app, appDir, sampleCode: options.sampleCode ?? true, taskPrefix: props.taskPrefix });
    }

    new JsonFile(project, `${appDir}/AppManifest.json`, {
      obj: () => app.manifest.toJson(),
      marker: false,
      readonly: true,
      newline: true,
    });

    // The owned sample (once), the bindings that follow the manifest (every synth), and the test and lint tasks.
    new AppSources(project, { app, appDir, language: profile, sampleCode: options.sampleCode ?? true, taskPrefix: props.taskPrefix });
  }
}
