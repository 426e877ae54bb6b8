import { JsonFile, SampleFile, javascript, typescript } from 'projen';
import { AppInterface } from './app/app-interface';
import { AppManifest } from './app/app-manifest';
import { AppLanguage, AppPort, LogLevel, VehicleApp } from './app/vehicle-app';
import { ContainerImage, ContainerImageOptions } from './container/container-image';
import { sampleSources } from './samples';
import { Problems } from './validation';

/** Options of a vehicle app project. */
export interface VehicleAppProjectOptions {
  /** App name: a DNS-1123 label (lowercase, digits, "-"), used for the package, image, chart and Kubernetes objects. */
  readonly name: string;
  /**
   * The app's language.
   * @default AppLanguage.PYTHON
   */
  readonly language?: AppLanguage;
  /**
   * The app's version (semver); the image tag and chart appVersion follow it.
   * @default '0.1.0'
   */
  readonly appVersion?: string;
  /**
   * One-line description of the app.
   * @default - none
   */
  readonly description?: string;
  /**
   * The interfaces of the AppManifest. Use this or `manifest`.
   * @default []
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
   */
  readonly image?: ContainerImageOptions;
  /**
   * The GitHub repository URL; the default image repository is derived from it.
   * @default - none
   */
  readonly repositoryUrl?: string;
  /**
   * SPDX license of the app.
   * @default 'Apache-2.0'
   */
  readonly license?: string;
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
   * Version of projen the generated project pins.
   * @default - the version this library was built with
   */
  readonly projenVersion?: string;
}

const SUBJECT = 'VehicleAppProject';

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

  private readonly validations: Array<(problems: Problems) => void> = [];

  public constructor(options: VehicleAppProjectOptions) {
    super({
      name: options.name,
      description: options.description,
      outdir: options.outdir,
      defaultReleaseBranch: 'main',
      repository: options.repositoryUrl,
      license: options.license ?? 'Apache-2.0',
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
    });

    const manifest = options.manifest ?? new AppManifest({ name: options.name, interfaces: options.interfaces });
    this.app = new VehicleApp({
      name: options.name,
      language: options.language ?? AppLanguage.PYTHON,
      version: options.appVersion ?? '0.1.0',
      description: options.description,
      manifest,
      ports: options.ports,
      logLevel: options.logLevel,
      env: options.env,
    });
    this.image = new ContainerImage({ appName: options.name, repositoryUrl: options.repositoryUrl, options: options.image });

    this._addValidation(problems => {
      problems.check(!(options.manifest && options.interfaces), 'interfaces', '(set together with manifest)',
        'conflicts with manifest: the manifest already holds the interfaces', 'pass either manifest or interfaces');
      this.app._validate(problems, '');
      this.app.manifest._validate(problems, options.manifest ? 'manifest' : '');
      this.image._validate(problems, 'image');
    });
    // Fail fast on the options themselves; components added below register their own checks.
    this._validate();

    // .projenrc.ts runs without type-checking (fast); `npx projen typecheck` checks it.
    const projenrc = new typescript.ProjenrcTs(this, { runner: typescript.TypeScriptRunner.tsx({ tsconfig: 'tsconfig.projen.json' }) });
    this.addDevDeps('tsx', 'typescript', '@types/node@^22', 'projen-velocitas', 'constructs', 'cdk8s', 'cdk8s-plus-27');
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
      for (const [path, contents] of Object.entries(sampleSources(this.app))) {
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
