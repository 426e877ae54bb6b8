import * as fs from 'fs';
import { dirname, join } from 'path';
import { JsonFile, SampleFile, javascript, typescript } from 'projen';
import { AppInterface } from './app/app-interface';
import { AppManifest } from './app/app-manifest';
import { HEARTBEAT } from './app/heartbeat';
import { normaliseRepositoryUrl } from './app/repository-url';
import { AppLanguage, AppPort, LogLevel, VehicleApp } from './app/vehicle-app';
import { BaseImagePinFile, readImagePins } from './container/base-image-pins';
import { checkContainerBuildOptions, ContainerBuild, resolveBaseImages } from './container/container-build';
import { ContainerBuildOptions } from './container/container-build-options';
import { ContainerImage, ContainerImageOptions } from './container/container-image';
import { Dockerfile } from './container/dockerfile';
import { checkLocalDevelopmentOptions, LocalDevelopment, LocalDevelopmentOptions } from './devcontainer/local-development';
import { checkHelmChartOptions, HelmChart, HelmChartOptions } from './helm/helm-chart';
import { LanguageProfile } from './languages/language-profile';
import { checkDeploymentNames } from './runtime/deployment-names';
import { DATABROKER, MQTT_BROKER } from './runtime/runtime-service-catalogue';
import { checkRuntimeServicesOptions, RuntimeServices, RuntimeServiceSettings, RuntimeServicesOptions } from './runtime/runtime-services';
import { projectReadme } from './samples/readme';
import { Problems, rules } from './validation';
import { checkWorkflowsOptions, kindNodeImage, VehicleAppWorkflows, VehicleAppWorkflowsOptions } from './workflows/vehicle-app-workflows';

/** Options of a vehicle app project. */
export interface VehicleAppProjectOptions {
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
   * The GitHub repository URL; the default image repository is derived from it.
   * @default - none
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
   * Write the sample app sources (once; you own them afterwards).
   * @default true
   */
  readonly sampleCode?: boolean;
  /**
   * Directory of the project, relative to the parent or absolute.
   * @default '.'
   */
  readonly outdir?: string;
  /**
   * More npm dev dependencies of the project (`projen new --from` passes the projen-velocitas spec here).
   * @default - projen-velocitas, tsx, typescript and the construct libraries
   */
  readonly devDeps?: string[];
  /**
   * Version of projen the generated project pins: a version or npm range, e.g. "~0.103.25".
   * @default - the version this library was built with
   */
  readonly projenVersion?: string;
  /**
   * The app's Helm chart (`deploy/helm/<app>/`).
   * @default - chart version = app version, small resources, hardened pods
   */
  readonly helm?: HelmChartOptions;
  /**
   * Runtime services deployed with the app (databroker, MQTT broker) and Kanto manifests.
   * @default - services enabled according to the manifest's interfaces
   */
  readonly runtime?: RuntimeServicesOptions;
  /**
   * The GitHub workflows (ci.yml, release.yml) and Dependabot.
   * @default - every part on: tests, drift check, native per-platform builds, scan, kind integration test, release with signing
   */
  readonly workflows?: VehicleAppWorkflowsOptions;
}

const SUBJECT = 'VehicleAppProject';
const LIBRARY = 'projen-velocitas';
const DEFAULT_LANGUAGE = AppLanguage.PYTHON;

/**
 * projen writes LICENSE from its own `license-text/<spdx>.txt` and throws mid-construction when there is none or
 * when the text names a copyright owner and none is given; checking first reports it with every other problem.
 */
function checkLicense(problems: Problems, options: VehicleAppProjectOptions): void {
  const spdx = options.license ?? 'Apache-2.0';
  const textDir = join(dirname(require.resolve('projen/package.json')), 'license-text');
  // The id becomes a file name: nothing but SPDX id characters.
  const textFile = /^[A-Za-z0-9.+-]+$/.test(String(spdx)) ? join(textDir, `${spdx}.txt`) : undefined;
  const known = textFile !== undefined && fs.existsSync(textFile);
  const ids = known ? [] : fs.readdirSync(textDir).filter(f => f.endsWith('.txt')).map(f => f.slice(0, -'.txt'.length)).sort();
  if (!problems.check(known, 'license', spdx, 'is not a license projen can write a LICENSE file for',
    `use an SPDX id projen knows, such as Apache-2.0 (one of ${ids.join(', ')})`)) return;
  const needsOwner = fs.readFileSync(textFile!, 'utf8').includes('$copyright_owner');
  problems.check(!needsOwner || !!options.authorName, 'license', spdx, 'needs a copyright owner in the LICENSE file, and authorName is not set',
    'set authorName (the copyright owner)');
}

/** The name every part is built from; any other kind than a string would crash projen's package setup before validation runs. */
function nameOf(options: VehicleAppProjectOptions): string {
  if (typeof options.name === 'string') return options.name;
  const problems = new Problems(SUBJECT);
  problems.add('name', options.name, 'is not a string', 'use a DNS-1123 label such as "seat-adjuster"');
  problems.throwIfAny();
  return '';
}

/** Whether projen can write the license; when not, the project goes without one until validation reports why. */
function isLicenseUsable(options: VehicleAppProjectOptions): boolean {
  const problems = new Problems(SUBJECT);
  checkLicense(problems, options);
  return problems.list.length === 0;
}

/** What the generated README says about the language; empty for an unknown language, which validation reports. */
function readmeFactsOf(language: AppLanguage | undefined): { unitTestCommand: string; heartbeatCheck: string } {
  const spec = LanguageProfile.tryOf(language ?? DEFAULT_LANGUAGE)?._spec;
  return { unitTestCommand: spec?.unitTestCommand ?? '', heartbeatCheck: spec?.heartbeatCheckText ?? '' };
}

/** The model and resolved inputs the option checks read. */
interface ResolvedModel {
  readonly app: VehicleApp;
  readonly image: ContainerImage;
  /** Undefined for a language without a profile (reported). */
  readonly language?: LanguageProfile;
  readonly runtime: RuntimeServiceSettings;
  readonly pinnedImages: { [stage: string]: string };
  readonly outdir: string;
}

/** Every option's problems, including what a component or library would reject later. */
function checkProjectOptions(problems: Problems, options: VehicleAppProjectOptions, model: ResolvedModel): void {
  checkLicense(problems, options);
  if (options.projenVersion !== undefined) {
    problems.check(rules.isNpmVersionRange(options.projenVersion), 'projenVersion', options.projenVersion, rules.npmVersionRangeRule,
      'use e.g. "0.103.25" or "~0.103.25"');
  }
  problems.check(!(options.manifest && options.interfaces), 'interfaces', '(set together with manifest)',
    'conflicts with manifest: the manifest already holds the interfaces', 'pass either manifest or interfaces');
  // The choices from the enum, so a new language is named without editing this line.
  const languages = Object.keys(AppLanguage).map(key => `AppLanguage.${key}`).join(' or ');
  problems.check(model.language !== undefined, 'language', model.app.language, 'is not a supported language', `use ${languages}`);
  model.app._validate(problems, '');
  model.app.manifest._validate(problems, options.manifest ? 'manifest' : '');
  model.app._signals._validate(problems, options.manifest ? 'manifest' : '');
  model.image._validate(problems, 'image');
  if (options.authorEmail !== undefined) {
    problems.check(rules.isEmail(options.authorEmail), 'authorEmail', options.authorEmail, 'is not an email address', 'use e.g. "team@example.com"');
    problems.check(!!options.authorName, 'authorEmail', options.authorEmail, 'is set without authorName, and package.json names an author by name',
      'set authorName too, or leave out authorEmail');
  }
  const urlProblem = options.repositoryUrl === undefined ? undefined : rules.repositoryUrlProblem(options.repositoryUrl);
  if (urlProblem) problems.add('repositoryUrl', options.repositoryUrl, urlProblem.rule, urlProblem.fix);
  checkContainerBuildOptions(problems, 'container', options.container ?? {}, Object.values(model.pinnedImages));
  checkHelmChartOptions(problems, options.helm ?? {}, model.app.version);
  checkRuntimeServicesOptions(problems, options.runtime ?? {});
  checkWorkflowsOptions(problems, options.workflows ?? {}, model.image);
  checkLocalDevelopmentOptions(problems, options.localDevelopment ?? {});
  checkDeploymentNames(problems, model.app, model.runtime);
}

/** npm needs `name@file:path` for a local tarball or folder; projen passes the bare path. */
function asDependencySpec(spec: string): string {
  const isPath = /^(\.{0,2}\/|[A-Za-z]:\\)/.test(spec) || spec.endsWith('.tgz');
  if (!isPath) return spec;
  const base = spec.replace(/\\/g, '/').split('/').pop() ?? '';
  const name = base.startsWith(LIBRARY) ? LIBRARY : base.replace(/-\d+\.\d+\.\d+.*$/, '').replace(/\.tgz$/, '');
  return `${name}@file:${spec}`;
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

  private readonly validations: Array<(problems: Problems) => void> = [];

  public constructor(options: VehicleAppProjectOptions) {
    super({
      name: nameOf(options),
      description: options.description,
      outdir: options.outdir,
      defaultReleaseBranch: 'main',
      repository: normaliseRepositoryUrl(options.repositoryUrl)?.webUrl,
      license: options.license ?? 'Apache-2.0',
      licensed: isLicenseUsable(options),
      authorName: options.authorName,
      // projen throws on an email without a name; validation reports it.
      authorEmail: options.authorName ? options.authorEmail : undefined,
      packageManager: javascript.NodePackageManager.NPM,
      projenVersion: options.projenVersion,
      projenrcJs: false,
      projenrcJson: false,
      jest: false,
      release: false,
      buildWorkflow: false,
      githubOptions: { mergify: false, pullRequestLint: false },
      depsUpgrade: false,
      pullRequestTemplate: false,
      package: false,
      npmignoreEnabled: false,
      stale: false,
      entrypoint: '',
      minNodeVersion: '20.16.0',
      readme: { contents: projectReadme({ name: options.name, description: options.description, ...readmeFactsOf(options.language) }) },
      // `projen new` hands its bootstrap data through this key; without it no .projenrc.ts is written.
      ...({ __new__: (options as any).__new__ } as {}),
    });

    const manifest = options.manifest ?? new AppManifest({ name: options.name, interfaces: options.interfaces });
    // A v1/v2 manifest loses what v3 cannot hold; say so instead of dropping it silently.
    const migrationNotes = manifest.migrationNotes;
    if (migrationNotes.length > 0) {
      this.logger.warn(`AppManifest: ${migrationNotes.length} part(s) of the v1/v2 manifest have no v3 form and were not carried over:`);
      for (const note of migrationNotes) this.logger.warn(`  - ${note}`);
    }
    this.app = new VehicleApp({
      name: options.name,
      language: options.language ?? DEFAULT_LANGUAGE,
      version: options.version ?? '0.1.0',
      description: options.description,
      manifest,
      ports: options.ports,
      logLevel: options.logLevel,
      env: options.env,
      projectDir: this.outdir,
    });
    this.image = new ContainerImage({ appName: options.name, repositoryUrl: options.repositoryUrl, options: options.image });
    if (this.image.registry === 'ghcr.io' && !this.image.repository.includes('/')) {
      // A warning, not an error: a project fresh from `projen new` has no repository URL yet.
      this.logger.warn(`image: ${this.image.name} has no owner, and ghcr.io only accepts ghcr.io/<owner>/<name>. `
        + 'Set repositoryUrl (https://github.com/<owner>/<repo>) or image.repository.');
    }
    // The one place the language is chosen; every language-specific artifact reads this profile.
    const language = LanguageProfile.tryOf(this.app.language);
    const dependabot = options.workflows?.dependabot ?? true;
    // The pins Dependabot bumps, read as an input (the pin file component writes them back).
    const pinnedImages = dependabot ? readImagePins(this.outdir) : {};
    const runtimeSettings = new RuntimeServiceSettings({ app: this.app, options: options.runtime, pinnedImages });

    // Every option in one pass, before any component exists: a bad value is reported, never met by a library.
    const resolved: ResolvedModel = { app: this.app, image: this.image, language, runtime: runtimeSettings, pinnedImages, outdir: this.outdir };
    const checkOptions = (found: Problems) => checkProjectOptions(found, options, resolved);
    const problems = new Problems(SUBJECT);
    checkOptions(problems);
    problems.throwIfAny();
    // Again before writing: consumers may change the model (e.g. the manifest) in .projenrc.ts.
    this._addValidation(checkOptions);

    // Resolved inputs: the base images and what follows from them.
    const profile = language!;
    const pinFile = dependabot ? new BaseImagePinFile(this, `${this.appDir}/Dockerfile`) : undefined;
    const toolchainVersion = profile._spec.toolchainVersion(resolveBaseImages(options.container ?? {}, pinnedImages));
    const repositoryUrl = normaliseRepositoryUrl(options.repositoryUrl)?.webUrl;
    const entrypoint = profile._spec.entrypoint(this.app, options.container ?? {});
    const chartDir = HelmChart.dirOf(this.app.name);
    // A bad authorEmail is reported once, under its own name (above), not again as the chart's maintainer.
    const author = options.authorName ? [{ name: options.authorName, email: rules.isEmail(options.authorEmail ?? '') ? options.authorEmail : undefined }] : undefined;
    const common = { app: this.app, image: this.image, language: profile };

    // Each component reads these inputs only, never another component: the order below is free.
    this.containerBuild = new ContainerBuild(this, {
      ...common,
      appDir: this.appDir,
      license: options.license,
      sourceUrl: repositoryUrl,
      options: options.container,
      pinnedImages,
    });
    this.dockerfile = this.containerBuild.dockerfile;
    this.runtime = new RuntimeServices(this, { app: this.app, image: this.image, settings: runtimeSettings });
    this.helmChart = new HelmChart(this, {
      app: this.app,
      image: this.image,
      runtime: runtimeSettings,
      options: { ...options.helm, maintainers: options.helm?.maintainers ?? author },
      heartbeatCheck: profile._spec.heartbeatCheck(entrypoint),
      heartbeatLivenessCheck: profile._spec.heartbeatCheck(entrypoint, HEARTBEAT.livenessMaxAgeSeconds),
      repositoryUrl,
    });
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
    for (const [stage, image] of Object.entries(this.containerBuild.pinnableBaseImages)) pinFile?.list(stage, image);
    pinFile?.list(DATABROKER.name, runtimeSettings.databrokerImage);
    pinFile?.list(MQTT_BROKER.name, runtimeSettings.mqttBrokerImage);
    this.gitignore.exclude(...profile._spec.gitignore(this.appDir));

    // What the components resolved (pin files, the Dockerfile model) is checked too, still before anything is written.
    this._validate();

    // .projenrc.ts runs without type-checking (fast); `npx projen typecheck` checks it.
    const projenrc = new typescript.ProjenrcTs(this, { runner: typescript.TypeScriptRunner.tsx({ tsconfig: 'tsconfig.projen.json' }) });
    // `projen new --from <spec>` passes the spec it installed from: a version, or a tarball or folder path.
    const devDeps = (options.devDeps ?? []).map(asDependencySpec);
    const hasLibrary = devDeps.some(d => d === LIBRARY || d.startsWith(`${LIBRARY}@`));
    this.addDevDeps('tsx@^4.20.0', 'typescript@~5.9.3', '@types/node@^22', 'constructs', 'cdk8s', 'cdk8s-plus-27', ...(hasLibrary ? [] : [LIBRARY]), ...devDeps);
    projenrc.tsconfig.file.addOverride('compilerOptions', {
      target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true,
    });
    this.addTask('typecheck', { description: 'Type-check .projenrc.ts', exec: 'tsc --noEmit -p tsconfig.projen.json' });

    new JsonFile(this, `${this.appDir}/AppManifest.json`, {
      obj: () => this.app.manifest.toJson(),
      marker: false,
      readonly: true,
      newline: true,
    });

    if (options.sampleCode ?? true) {
      for (const [path, contents] of Object.entries(profile._spec.samples(this.app))) {
        new SampleFile(this, `${this.appDir}/${path}`, { contents });
      }
    }
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

  /** Validates again, including what consumers changed after construction, before anything is written. */
  public preSynthesize(): void {
    super.preSynthesize();
    this._validate();
  }
}
