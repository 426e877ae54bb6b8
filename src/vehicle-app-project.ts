import { javascript } from 'projen';
import { AppLanguage, VehicleApp } from './app/vehicle-app';
import { synthesizeAtomically } from './atomic-synth';
import { BaseImagePinFile, readImagePins } from './container/base-image-pins';
import { ContainerBuild } from './container/container-build';
import { ContainerImage } from './container/container-image';
import { Dockerfile } from './container/dockerfile';
import { checkLocalDevelopmentOptions, LocalDevelopment, LocalDevelopmentOptions } from './devcontainer/local-development';
import { HelmChart } from './helm/helm-chart';
import { LanguageProfile } from './languages/language-profile';
import { addProjenrc, checkRepositoryOptions, checkRepositoryOptionTypes, repositoryProjectOptions } from './project-setup';
import { LocalRuntime } from './runtime/local-runtime';
import { DATABROKER, MQTT_BROKER } from './runtime/runtime-service-catalogue';
import { RuntimeServices } from './runtime/runtime-services';
import { projectReadme } from './samples/readme';
import { Problems, rules } from './validation';
import { AppOptions, checkAppOptions, DEFAULT_LANGUAGE, ResolvedApp, resolveApp, VehicleAppParts } from './vehicle-app-parts';
import { checkWorkflowsOptions, kindNodeImage, VehicleAppWorkflows, VehicleAppWorkflowsOptions } from './workflows/vehicle-app-workflows';

/** Options of a vehicle app project: the app's options and what the repository owns. */
export interface VehicleAppProjectOptions extends AppOptions {
  /**
   * The GitHub repository URL; the default image repository is derived from it.
   * @default - `projen new` takes the URL of the git remote "origin" when there is one; otherwise none
   * @featured
   */
  readonly repositoryUrl?: string;
  /**
   * SPDX license of the app: one projen has a LICENSE text for; MIT and MIT-0 name `authorName` as copyright owner.
   * @default 'Apache-2.0'
   */
  readonly license?: string;
  /**
   * Who maintains the app: package.json `author` and, unless `helm.maintainers` is set, the chart's maintainer.
   * @default - none
   */
  readonly authorName?: string;
  /**
   * Email address of the author.
   * @default - none
   */
  readonly authorEmail?: string;
  /**
   * The devcontainer and the `local:*` tasks (kind cluster, deploy, test) that mirror the CI integration test.
   * @default - the language's devcontainer image with Node 22, Docker, kubectl, helm and kind
   */
  readonly localDevelopment?: LocalDevelopmentOptions;
  /**
   * Directory of the project, relative to the parent or absolute.
   * @default '.'
   */
  readonly outdir?: string;
  /**
   * More npm dev dependencies of the project (`projen new --from` passes the projen-velocitas spec here).
   * @default - projen-velocitas, typescript and the construct libraries
   */
  readonly devDeps?: string[];
  /**
   * Version of projen the generated project pins: a version or npm range, e.g. "~0.103.25".
   * @default - the version this library was built with
   */
  readonly projenVersion?: string;
  /**
   * The GitHub workflows (ci.yml, release.yml) and Dependabot.
   * @default - every part on: tests, drift check, native per-platform builds, scan, kind integration test, release with signing
   */
  readonly workflows?: VehicleAppWorkflowsOptions;
}

const SUBJECT = 'VehicleAppProject';

/** What the generated README says about the language; empty for an unknown language, which validation reports. */
function readmeFactsOf(language: AppLanguage | undefined): { unitTestCommand: string; heartbeatCheck: string } {
  const spec = LanguageProfile.tryOf(language ?? DEFAULT_LANGUAGE)?._spec;
  return { unitTestCommand: spec?.unitTestCommand ?? '', heartbeatCheck: spec?.heartbeatCheckText ?? '' };
}

/** Every option's problems, including what a component or library would reject later. */
function checkProjectOptions(problems: Problems, options: VehicleAppProjectOptions, model: ResolvedApp): void {
  checkRepositoryOptions(problems, options);
  checkAppOptions(problems, options, model);
  checkWorkflowsOptions(problems, options.workflows ?? {}, model.image);
  checkLocalDevelopmentOptions(problems, options.localDevelopment ?? {});
}

/**
 * A Velocitas vehicle app: the AppManifest, container build, workflows, Helm chart and runtime
 * services, all synthesized from one typed model.
 *
 * @pjid vehicle-app
 */
export class VehicleAppProject extends javascript.NodeProject {
  /** The app model every artifact is rendered from. */
  public readonly app: VehicleApp;
  /** The one image reference of the app. */
  public readonly image: ContainerImage;
  /** Folder of the app's sources, Dockerfile and AppManifest. */
  public readonly appDir: string = 'app';
  /** The container build: Dockerfile, .dockerignore and image build tasks. */
  public readonly containerBuild: ContainerBuild;
  /** The app's Dockerfile model (`app/Dockerfile`); change stages and instructions here. */
  public readonly dockerfile: Dockerfile;
  /** The runtime services (KUKSA databroker, MQTT broker) and their Kanto manifests. */
  public readonly runtime: RuntimeServices;
  /** The app's Helm chart in `deploy/helm/<app>/`. */
  public readonly helmChart: HelmChart;
  /** The GitHub workflows and Dependabot; patch steps by id, e.g. `workflows.ci.patchStep('build', 'build', {...})`. */
  public readonly workflows: VehicleAppWorkflows;
  /** The devcontainer and the local deploy-and-test tasks. */
  public readonly localDevelopment: LocalDevelopment;
  /** The runtime services without Kubernetes (`runtime:up` / `runtime:down`), the signal mock and the VS Code launch. */
  public readonly localRuntime: LocalRuntime;

  private readonly validations: Array<(problems: Problems) => void> = [];

  public constructor(options: VehicleAppProjectOptions) {
    options = checkRepositoryOptionTypes(options, SUBJECT, 'VehicleAppProjectOptions');
    super(repositoryProjectOptions(options, SUBJECT,
      projectReadme({ name: options.name, description: options.description, ...readmeFactsOf(options.language) })));

    const dependabot = options.workflows?.dependabot ?? true;
    // The pins Dependabot bumps, read as an input (the pin file component writes them back).
    const pinnedImages = dependabot ? readImagePins(this.outdir) : {};
    const resolved = resolveApp(options, {
      projectDir: this.outdir,
      repositoryUrl: options.repositoryUrl,
      pinnedImages,
      warn: message => this.logger.warn(message),
    });
    this.app = resolved.app;
    this.image = resolved.image;
    const runtimeSettings = resolved.runtime;

    // Every option in one pass, before any component exists: a bad value is reported, never met by a library.
    const checkOptions = (found: Problems) => checkProjectOptions(found, options, resolved);
    const problems = new Problems(SUBJECT);
    checkOptions(problems);
    problems.throwIfAny();
    // Again before writing: consumers may change the model (e.g. the manifest) in .projenrc.ts.
    this._addValidation(checkOptions);

    const pinFile = dependabot ? new BaseImagePinFile(this, `${this.appDir}/Dockerfile`) : undefined;
    // A bad authorEmail is reported once, under its own name (above), not again as the chart's maintainer.
    const author = options.authorName ? [{ name: options.authorName, email: rules.isEmail(options.authorEmail ?? '') ? options.authorEmail : undefined }] : undefined;
    // The app's own files (manifest, image build, chart, samples): the same code path as each app of a VehicleAppMonorepo.
    const parts = new VehicleAppParts(this, {
      model: resolved,
      options,
      appDir: this.appDir,
      repositoryUrl: options.repositoryUrl,
      license: options.license,
      maintainers: author,
      pinFile,
    });
    this.containerBuild = parts.containerBuild;
    this.dockerfile = parts.dockerfile;
    this.runtime = parts.runtime;
    this.helmChart = parts.helmChart;
    const profile = parts.language;
    const toolchainVersion = parts.toolchainVersion;
    const chartDir = parts.chartDir;
    const common = { app: this.app, image: this.image, language: profile };

    this.workflows = new VehicleAppWorkflows(this, {
      ...common,
      appDir: this.appDir,
      runtime: runtimeSettings,
      chartDir,
      pythonVersion: toolchainVersion,
      pinsImages: pinFile !== undefined,
      options: options.workflows,
    });
    this.localDevelopment = new LocalDevelopment(this, {
      ...common,
      appDir: this.appDir,
      runtime: runtimeSettings,
      chartDir,
      localTag: ContainerBuild.localTagOf(options.container ?? {}),
      imageBuildTask: ContainerBuild.LOCAL_BUILD_TASK,
      kindNodeImage: kindNodeImage(options.workflows ?? {}),
      toolchainVersion,
      options: options.localDevelopment,
    });
    this.localRuntime = new LocalRuntime(this, { ...common, appDir: this.appDir, runtime: runtimeSettings });
    pinFile?.list(DATABROKER.name, runtimeSettings.databrokerImage);
    pinFile?.list(MQTT_BROKER.name, runtimeSettings.mqttBrokerImage);

    // What the components resolved (pin files, the Dockerfile model) is checked too, still before anything is written.
    this._validate();

    addProjenrc(this, options.devDeps);
  }

  /**
   * Registers a check that runs when the project is constructed and again before anything is written.
   * @internal
   */
  public _addValidation(check: (problems: Problems) => void): void {
    this.validations.push(check);
  }

  /**
   * Runs every registered check and throws one error listing all problems.
   * @internal
   */
  public _validate(): void {
    const problems = new Problems(SUBJECT);
    for (const check of this.validations) check(problems);
    problems.throwIfAny();
  }

  /**
   * Synthesizes all project files into `outdir` as projen does, all or nothing: when any stage fails (a component,
   * a write, a full disk, npm install), the project directory is left as it was, byte for byte and mode for mode
   * (node_modules aside, which npm owns).
   */
  public synth(): void {
    synthesizeAtomically(this.outdir, () => super.synth(), ['package-lock.json']);
  }

  /** Validates again, including what consumers changed after construction, before anything is written. */
  public preSynthesize(): void {
    super.preSynthesize();
    this._validate();
  }
}
