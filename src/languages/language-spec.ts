import { github, TaskStep } from 'projen';
import { VehicleApp } from '../app/vehicle-app';
import { BaseImages } from '../container/base-image-pins';
import { ContainerBuildOptions } from '../container/container-build-options';
import { PresetContext } from '../container/image-presets';

/** What the CI steps of a language read. @internal */
export interface LanguageCiContext {
  /** Folder of the app. */
  readonly appDir: string;
  /** The app: its interfaces decide steps such as generating gRPC stubs. */
  readonly app: VehicleApp;
  /** Python of the app's tests (the base image's, unless set). */
  readonly pythonVersion: string;
  /** `owner/name@ref` of an action, as the workflows pin it. */
  uses(action: string): string;
}

/** An update Dependabot runs for the app's own dependencies. @internal */
export interface DependabotEcosystem {
  readonly ecosystem: string;
  /** Folder, relative to the repository root, starting with "/". */
  readonly directory: string;
}

/**
 * Everything language-specific, in one object per language: the Dockerfile preset and its base images, the
 * sample sources, the CI steps, the devcontainer, Dependabot, the heartbeat check, .gitignore and test commands.
 * @internal
 */
export interface LanguageSpec {
  /** The `AppLanguage` value. */
  readonly id: string;
  /** Human name, e.g. `Python`. */
  readonly displayName: string;
  /** The heartbeat check as the generated README names it. */
  readonly heartbeatCheckText: string;
  /** Generates the stubs of its grpc-interfaces (GrpcStubs); false: the app only gets their address variables. */
  readonly grpcStubs?: boolean;
  /** Time limit of the CI unit-test job, in minutes. */
  readonly ciTimeoutMinutes: number;
  /** VS Code extensions of the devcontainer. */
  readonly devcontainerExtensions: string[];
  /** Shell command that runs the unit tests from the project root (README). */
  readonly unitTestCommand: string;
  /** Shell command of the CI integration tests (the deploy plan's; rendered by ciIntegrationTestSteps). */
  readonly ciIntegrationTestCommand: string;

  /** The base-image roles of its Dockerfile preset (pinned in `.github/pins/Dockerfile` when taken by default). */
  readonly baseImageRoles: Array<keyof BaseImages>;
  /** Builds the app's Dockerfile; returns the image's entrypoint. */
  dockerfile(ctx: PresetContext): string[];
  /** The image's entrypoint, as the preset sets it. */
  entrypoint(app: VehicleApp, options: ContainerBuildOptions): string[];
  /** Command, run in the image, that exits 0 while the app's heartbeat file is younger than `maxAgeSeconds` (default HEARTBEAT.maxAgeSeconds). */
  heartbeatCheck(entrypoint: string[], maxAgeSeconds?: number): string[];
  /** Version of the language's toolchain in the resolved base images (Python's minor version), if it has one. */
  toolchainVersion(baseImages: BaseImages): string | undefined;

  /** The sample sources, by path relative to the app folder: written once, then owned by the developer. */
  samples(app: VehicleApp): { [path: string]: string };
  /**
   * The bindings that follow the manifest (vehicle model, topics, services, the base class the owned code
   * extends), by path relative to the app folder: regenerated on every synth, read-only, marked generated.
   */
  bindings(app: VehicleApp): { [path: string]: string };

  /** Lint and unit-test steps of CI (after checkout). */
  ciUnitTestSteps(ctx: LanguageCiContext): github.workflows.JobStep[];
  /** Steps before the services are forwarded in the integration test (e.g. the test toolchain). */
  ciIntegrationSetupSteps(ctx: LanguageCiContext): github.workflows.JobStep[];
  /** The integration-test steps, the last one with id `integration-test` and the given env. */
  ciIntegrationTestSteps(ctx: LanguageCiContext, env: { [name: string]: string }): github.workflows.JobStep[];

  /** Default devcontainer image, given the toolchain version. */
  devcontainerImage(toolchainVersion: string | undefined): string;
  /** What the devcontainer runs once created. */
  devcontainerPostCreate(appDir: string): string;
  /** The VS Code launch configuration that runs and debugs the app from the project's root with `env` (the local runtime's addresses). */
  vscodeLaunch(app: VehicleApp, appDir: string, env: { [name: string]: string }): { [key: string]: unknown };

  /** Dependabot updates of the app's own dependencies (none when the build system has no Dependabot ecosystem). */
  dependabotEcosystems(appDir: string): DependabotEcosystem[];
  /** Entries of the project's .gitignore (build and tool output). */
  gitignore(appDir: string): string[];
  /** Patterns of the app's .dockerignore (relative to the app folder, the build context). */
  dockerignore(): string[];
  /** What `npx projen test` runs, from the project root: creates the toolchain (venv, build dir) and runs the unit tests. */
  testTaskSteps(appDir: string): TaskStep[];
  /** The lint steps `npx projen build` runs before the tests, from the project root. */
  lintTaskSteps(appDir: string): TaskStep[];
  /** Shell command that runs the integration tests from the project root (local:test). */
  integrationTestCommand(appDir: string): string;
}
