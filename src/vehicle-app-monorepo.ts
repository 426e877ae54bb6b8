import { Component, FileBase, javascript } from 'projen';
import { normaliseRepositoryUrl } from './app/repository-url';
import { synthesizeAtomically } from './atomic-synth';
import { BaseImagePinFile, readImagePins } from './container/base-image-pins';
import { ComponentsFreeze, FileIndex } from './file-index';
import { HelmChart } from './helm/helm-chart';
import { SharedRuntimeChart } from './helm/shared-runtime-chart';
import { checkOptionShape } from './option-shapes';
import { addProjenrc, checkRepositoryOptions, checkRepositoryOptionTypes, repositoryProjectOptions } from './project-setup';
import { DATABROKER, MQTT_BROKER, SHARED_RUNTIME_RELEASE } from './runtime/runtime-service-catalogue';
import { Problems, rules } from './validation';
import { AppOptions, checkAppOptions, ResolvedApp, resolveApp, VehicleAppParts } from './vehicle-app-parts';
import { CHANGED_APPS_SCRIPT, MonorepoWorkflows } from './workflows/monorepo-workflows';
import { checkWorkflowsOptions, VehicleAppWorkflowsOptions } from './workflows/vehicle-app-workflows';

/** Options of a repository of several vehicle apps. */
export interface VehicleAppMonorepoOptions {
  /**
   * Name of the repository (the npm package of its .projenrc.ts).
   * @default $BASEDIR
   */
  readonly name: string;
  /**
   * One-line description of the repository.
   * @default - none
   */
  readonly description?: string;
  /**
   * The apps, each in `apps/<name>/`; `addApp` adds more.
   * @default []
   * @featured
   */
  readonly apps?: AppOptions[];
  /**
   * The GitHub repository URL; each app's default image is `ghcr.io/<owner>/<repo>/<app>`.
   * @default - none
   * @featured
   */
  readonly repositoryUrl?: string;
  /**
   * SPDX license of the repository: one projen has a LICENSE text for; MIT and MIT-0 name `authorName` as copyright owner.
   * @default 'Apache-2.0'
   */
  readonly license?: string;
  /**
   * Who maintains the apps: package.json `author` and, unless an app's `helm.maintainers` is set, its chart's maintainer.
   * @default - none
   */
  readonly authorName?: string;
  /**
   * Email address of the author.
   * @default - none
   */
  readonly authorEmail?: string;
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
   * The workflows every app's jobs share (runners, scan, integration test, release, Dependabot).
   * @default - every part on, as for a single app
   */
  readonly workflows?: VehicleAppWorkflowsOptions;
}

/** One app of the repository and what was built for it. @internal */
export interface MonorepoApp {
  readonly options: AppOptions;
  readonly model: ResolvedApp;
  readonly appDir: string;
  readonly parts: VehicleAppParts;
}

const SUBJECT = 'VehicleAppMonorepo';

/**
 * Several Velocitas vehicle apps in one repository: each app in `apps/<name>/` with its own AppManifest,
 * Dockerfile, image and chart (`deploy/helm/<name>/`), the runtime services installed once per namespace
 * (`deploy/helm/runtime/`) and shared by the apps, one CI workflow that builds and tests only the apps a
 * change touches, and one release workflow that releases an app by its tag `<app>/v<semver>`.
 *
 * @pjid vehicle-app-monorepo
 */
export class VehicleAppMonorepo extends javascript.NodeProject {
  /** Folder of an app's sources, Dockerfile and AppManifest: `apps/<name>`. */
  public static appDirOf(appName: string): string {
    return `apps/${appName}`;
  }

  private readonly apps: MonorepoApp[] = [];
  private readonly repoOptions: VehicleAppMonorepoOptions;
  private readonly pinnedImages: { [stage: string]: string };
  private readonly pinFile?: BaseImagePinFile;
  private readonly validations: Array<(problems: Problems) => void> = [];
  /** Option path of the app whose components are being built: their checks report under it. */
  private scope = '';
  private fileIndex?: FileIndex;
  private frozenComponents?: Component[];

  public constructor(options: VehicleAppMonorepoOptions) {
    options = checkRepositoryOptionTypes(options, SUBJECT, 'VehicleAppMonorepoOptions');
    super(repositoryProjectOptions(options, SUBJECT, monorepoReadme(options.name, options.description)));
    this.repoOptions = options;
    const checkRepository = (problems: Problems) => checkMonorepoOptions(problems, options);
    const problems = new Problems(SUBJECT);
    checkRepository(problems);
    problems.throwIfAny();
    this._addValidation(checkRepository);
    this._addValidation(found => this.checkApps(found));

    const dependabot = options.workflows?.dependabot ?? true;
    this.pinnedImages = dependabot ? readImagePins(this.outdir) : {};
    this.pinFile = dependabot ? new BaseImagePinFile(this, 'apps/*/Dockerfile') : undefined;
    addProjenrc(this, options.devDeps);
    for (const app of options.apps ?? []) this.addApp(app);
  }

  /**
   * The apps and what was built for them (the end-to-end test deploys them).
   * @internal
   */
  public get _apps(): readonly MonorepoApp[] {
    return this.apps;
  }

  /** The names of the apps, in the order they were added. */
  public get appNames(): string[] {
    return this.apps.map(a => a.model.app.name);
  }

  /**
   * Adds an app in `apps/<name>/` with its AppManifest, Dockerfile, image, chart and sample sources. Its options
   * are checked at once, with the apps added before: a problem throws naming `apps[<index>].<option>`.
   */
  public addApp(options: AppOptions): void {
    const index = this.apps.length;
    const path = `apps[${index}].`;
    const shapeProblems = new Problems(SUBJECT);
    checkOptionShape(shapeProblems, `apps[${index}]`, options, 'AppOptions');
    shapeProblems.throwIfAny();
    const model = resolveApp(options, {
      projectDir: this.outdir,
      repositoryUrl: this.repoOptions.repositoryUrl,
      pinnedImages: this.pinnedImages,
      warn: message => this.logger.warn(`${path}${message}`),
    });
    const problems = new Problems(SUBJECT);
    scoped(problems, path, found => checkAppOptions(found, options, model));
    // The workflow options are the repository's: their problems keep their own path (the image's get the app's).
    scoped(problems, path, found => checkWorkflowsOptions(found, this.repoOptions.workflows ?? {}, model.image), 'workflows');
    checkAgainstEarlierApps(problems, index, model, this.apps.map(a => a.model));
    problems.throwIfAny();

    const appDir = VehicleAppMonorepo.appDirOf(model.app.name);
    const author = this.repoOptions.authorName
      ? [{ name: this.repoOptions.authorName, email: rules.isEmail(this.repoOptions.authorEmail ?? '') ? this.repoOptions.authorEmail : undefined }]
      : undefined;
    this.scope = path;
    try {
      const parts = new VehicleAppParts(this, {
        model,
        options,
        appDir,
        repositoryUrl: this.repoOptions.repositoryUrl,
        license: this.repoOptions.license,
        maintainers: author,
        pinFile: this.pinFile,
        taskPrefix: `${model.app.name}:`,
        sharedRuntimeRelease: SHARED_RUNTIME_RELEASE,
      });
      this.apps.push({ options, model, appDir, parts });
    } finally {
      this.scope = '';
    }
  }

  /**
   * Registers a check that runs again before anything is written; a check registered while an app's parts are
   * built reports under that app's option path.
   * @internal
   */
  public _addValidation(check: (problems: Problems) => void): void {
    const path = this.scope;
    this.validations.push(path === '' ? check : problems => scoped(problems, path, check));
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

  /** Builds what every app shares (the runtime chart, the workflows), then validates everything before anything is written. */
  public preSynthesize(): void {
    if (this.apps.length > 0) this.addSharedParts();
    this._validate();
    super.preSynthesize();
    new ComponentsFreeze(this, () => this.frozenComponents = super.components);
  }

  /** Synthesizes all or nothing: a failure at any stage leaves the repository as it was (node_modules aside). */
  public synth(): void {
    try {
      synthesizeAtomically(this.outdir, () => super.synth(), ['package-lock.json']);
    } finally {
      this.frozenComponents = undefined;
    }
  }

  /** The components; during synthesis, when no component is added any more, listed once. */
  public get components(): Component[] {
    return this.frozenComponents ?? super.components;
  }

  /** Like projen's, from an index of the files rather than a walk of every construct (50 apps have thousands of files). */
  public tryFindFile(filePath: string): FileBase | undefined {
    this.fileIndex ??= new FileIndex(this);
    return this.fileIndex.find(filePath);
  }

  public tryRemoveFile(filePath: string): FileBase | undefined {
    const removed = super.tryRemoveFile(filePath);
    if (removed) this.fileIndex?.forget();
    return removed;
  }

  private addSharedParts(): void {
    const runtimes = this.apps.map(a => a.model.runtime);
    new SharedRuntimeChart(this, {
      chartDir: HelmChart.dirOf(SHARED_RUNTIME_RELEASE),
      name: SHARED_RUNTIME_RELEASE,
      version: '1.0.0',
      apps: runtimes,
      repositoryUrl: normaliseRepositoryUrl(this.repoOptions.repositoryUrl)?.webUrl,
    });
    this.pinFile?.list(DATABROKER.name, runtimes[0].databrokerImage);
    this.pinFile?.list(MQTT_BROKER.name, runtimes[0].mqttBrokerImage);
    new MonorepoWorkflows(this, {
      apps: this.apps.map(a => ({
        app: a.model.app,
        image: a.model.image,
        appDir: a.appDir,
        language: a.parts.language,
        runtime: a.model.runtime,
        chartDir: a.parts.chartDir,
        pythonVersion: a.parts.toolchainVersion,
      })),
      ownedPaths: Object.fromEntries(this.apps.map(a => [a.model.app.name, ownedPaths(a)])),
      pinsImages: this.pinFile !== undefined,
      options: this.repoOptions.workflows,
    });
  }

  /** The checks across apps, again before writing (consumers may change a model in .projenrc.ts). */
  private checkApps(problems: Problems): void {
    this.apps.forEach((app, i) => checkAgainstEarlierApps(problems, i, app.model, this.apps.slice(0, i).map(a => a.model)));
  }
}

/** The files of one app: a change to any of them touches that app only (the changed-apps script's patterns). */
function ownedPaths(app: MonorepoApp): string[] {
  const name = app.model.app.name;
  return [`${app.appDir}/*`, `${HelmChart.dirOf(name)}/*`, `deploy/kanto/${name}.json`];
}

/** Runs `check` and reports its problems under `path` (e.g. `apps[1].`), except those of a repository option (`own`). */
function scoped(problems: Problems, path: string, check: (problems: Problems) => void, own?: string): void {
  const found = new Problems(SUBJECT);
  check(found);
  for (const p of found.list) {
    const isOwn = own !== undefined && (p.path === own || p.path.startsWith(`${own}.`));
    problems.addRendered(isOwn ? p.path : `${path}${p.path}`, p.value, p.rule, p.fix);
  }
}

/** What the repository owns: the license, the author, the projen version, the repository URL. */
function checkMonorepoOptions(problems: Problems, options: VehicleAppMonorepoOptions): void {
  checkRepositoryOptions(problems, options);
  problems.check(rules.isDnsLabel(String(options.name)) || /^[a-z0-9@/._-]+$/.test(String(options.name)), 'name', options.name,
    'is not a package name (lowercase letters, digits, "-", "_", ".")', 'use e.g. "vehicle-apps"');
}

/**
 * What two apps of one repository cannot share: a name (folder, chart, task prefix, release tag), an image,
 * a Kanto host port; and no app may take the shared runtime's name.
 */
function checkAgainstEarlierApps(problems: Problems, index: number, model: ResolvedApp, earlier: ResolvedApp[]): void {
  const at = `apps[${index}]`;
  const name = model.app.name;
  const same = earlier.findIndex(e => e.app.name === name);
  problems.check(same < 0, `${at}.name`, name, `is the name of apps[${same}] too, and each app needs its own folder, chart, image and release tag`,
    'give every app its own name');
  problems.check(name !== SHARED_RUNTIME_RELEASE, `${at}.name`, name,
    `is the name of the shared runtime services' chart and release (deploy/helm/${SHARED_RUNTIME_RELEASE}/)`, `name the app after what it does, e.g. "${name}-app"`);
  if (same < 0) {
    const sameImage = earlier.findIndex(e => e.image.name === model.image.name);
    problems.check(sameImage < 0, `${at}.image.repository`, model.image.repository,
      `gives the image ${model.image.name} of apps[${sameImage}] too, so each app's pushes would overwrite the other's tags`,
      'give each app its own image repository (the default is <owner>/<repo>/<app>)');
  }
  // Kanto publishes each port on the device's host: two apps on one port cannot both start.
  if (!model.runtime.kanto) return;
  model.app.ports.forEach((port, p) => {
    const other = earlier.findIndex(e => e.runtime.kanto && e.app.ports.some(q => q.port === port.port));
    problems.check(other < 0, `${at}.ports[${p}].port`, port.port,
      `is a port of apps[${other}] too, and the Kanto manifests publish both on the device's host port ${port.port}`,
      'give the app another port number, or set runtime.kanto to false on one of them');
  });
}

/** The repository's README: written once, then the user's. */
function monorepoReadme(name: string, description: string | undefined): string {
  return `# ${name}

${description ?? 'Velocitas vehicle apps.'}

This repository is defined in \`.projenrc.ts\` ([projen-velocitas](https://github.com/projen-velocitas/projen-velocitas)):
add an app there with \`project.addApp({ name: 'my-app', ... })\` and run \`npx projen\`.

| path | what |
| --- | --- |
| \`apps/<app>/\` | each app's sources, tests, \`AppManifest.json\` and \`Dockerfile\` |
| \`deploy/helm/<app>/\` | each app's Helm chart; its SDV_* addresses name the shared runtime |
| \`deploy/helm/${SHARED_RUNTIME_RELEASE}/\` | the runtime services (databroker, MQTT broker), installed once per namespace as release \`${SHARED_RUNTIME_RELEASE}\` |
| \`.github/workflows/ci.yml\` | builds and tests the apps a change touches (\`${CHANGED_APPS_SCRIPT}\` lists them) |
| \`.github/workflows/release.yml\` | releases the app a tag \`<app>/v1.2.3\` names |

## Deploy

\`\`\`sh
helm install ${SHARED_RUNTIME_RELEASE} deploy/helm/${SHARED_RUNTIME_RELEASE} --namespace apps --create-namespace
helm install <app> deploy/helm/<app> --namespace apps
\`\`\`
`;
}
