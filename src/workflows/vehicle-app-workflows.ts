import { Component, Project, YamlFile, github } from 'projen';
import { ACTION_PINS, ActionPinFile, ActionPinning, ActionReferences, commentWorkflow } from './action-pins';
import { CiWorkflow } from './ci-workflow';
import { addDependabotConfig } from './dependabot-config';
import { PinFilesRemoval } from '../pin-file';
import { deploymentTarget } from './deployment-target';
import { ReleaseWorkflow } from './release-workflow';
import { PlatformBuild, WorkflowSettings } from './workflow-settings';
import { ContainerImage } from '../container/container-image';
import { DEFAULT_PYTHON_VERSION } from '../container/image-presets';
import { parseImageReference } from '../container/image-reference';
import { Platform } from '../container/platform';
import { AppDeploymentProps } from '../deploy/app-deployment-props';
import { LanguageProfile } from '../languages/language-profile';
import { NODE_MAJOR } from '../node-version';
import { Problems, rules, tryAddValidation } from '../validation';

/** The lowest vulnerability severity that fails the image scan. */
export enum VulnerabilitySeverity {
  /** Fail on LOW and above. */
  LOW = 'LOW',
  /** Fail on MEDIUM and above. */
  MEDIUM = 'MEDIUM',
  /** Fail on HIGH and CRITICAL. */
  HIGH = 'HIGH',
  /** Fail on CRITICAL only. */
  CRITICAL = 'CRITICAL',
}

const SEVERITY_ORDER = [VulnerabilitySeverity.LOW, VulnerabilitySeverity.MEDIUM, VulnerabilitySeverity.HIGH, VulnerabilitySeverity.CRITICAL];

/** Options of the GitHub workflows of a vehicle app. */
export interface VehicleAppWorkflowsOptions {
  /**
   * Runner label per platform id, e.g. `{ 'linux/arm64': 'my-arm-runner' }`.
   * A self-hosted runner needs Docker Engine 28 or later: the integration test loads the image with `docker save --platform`.
   * @default - the platform's native GitHub-hosted runner (`ubuntu-24.04`, `ubuntu-24.04-arm`); `defaultRunner` under QEMU for the others
   */
  readonly runners?: { [platform: string]: string };
  /**
   * Runner of the jobs that are not per-platform, and of emulated builds.
   * @default 'ubuntu-24.04'
   */
  readonly defaultRunner?: string;
  /**
   * Build platforms without a mapped runner under QEMU emulation. When false, each platform needs a runner.
   * @default true
   */
  readonly emulation?: boolean;
  /**
   * Node.js version of the drift check (`npx projen`).
   * @default '24'
   */
  readonly nodeVersion?: string;
  /**
   * Python version of the Python app's tests.
   * @default - the Python of the app's base image (`container.python.baseImage` or its pin, which Dependabot bumps)
   */
  readonly pythonVersion?: string;
  /**
   * Scan every built image with Trivy and fail on fixable findings.
   * @default true
   */
  readonly scan?: boolean;
  /**
   * The lowest severity of a fixable vulnerability that fails the scan.
   * @default VulnerabilitySeverity.CRITICAL
   */
  readonly scanSeverity?: VulnerabilitySeverity;
  /**
   * Deploy the image built in the run to a kind cluster with the app chart and test it.
   * @default true
   */
  readonly integrationTest?: boolean;
  /**
   * Write `release.yml`, which promotes the tested image on a `v*` tag and publishes the chart.
   * @default true
   */
  readonly release?: boolean;
  /**
   * Attest build provenance (GitHub attestations) in CI and sign released images with cosign keyless.
   * @default true
   */
  readonly signing?: boolean;
  /**
   * How actions are referenced: by that release's commit SHA (its tag as a comment), or by full release tag.
   * @default ActionPinning.COMMIT_SHA
   */
  readonly actionPinning?: ActionPinning;
  /**
   * Node image of the oldest Kubernetes the integration test runs on (and of the local cluster); the test
   * also runs on the newest Kubernetes kind offers (kindest/node v1.36.1 by digest).
   * @default - kindest/node v1.27.16 by digest: the oldest Kubernetes the chart supports (`kubeVersion` >=1.27)
   */
  readonly kindNodeImage?: string;
  /**
   * OCI repository the release pushes the chart to, without `oci://`.
   * @default - `<registry>/<first path segment of the image repository>/charts`, e.g. `ghcr.io/acme/charts`
   */
  readonly chartRepository?: string;
  /**
   * Keep actions, base images and the app's packages current with Dependabot: writes
   * `.github/dependabot.yml` and the pin files it bumps (`.github/pins/action.yml`,
   * `.github/pins/Dockerfile`), whose pins `npx projen` renders into the workflows and the Dockerfile.
   * @default true
   */
  readonly dependabot?: boolean;
}

/** What the workflows are built from. */
export interface VehicleAppWorkflowsProps extends AppDeploymentProps {
  /**
   * The Python of the app's base image, the default of `pythonVersion`.
   * @default '3.12'
   */
  readonly pythonVersion?: string;
  /**
   * `.github/pins/Dockerfile` lists images for Dependabot's docker updates.
   * @default false
   */
  readonly pinsImages?: boolean;
  /**
   * The user's workflow options.
   * @default {}
   */
  readonly options?: VehicleAppWorkflowsOptions;
}

/** kind's node image for Kubernetes 1.27.16, as kind's release notes list it (the same digest in many public pins). */
const KIND_NODE_IMAGE = 'kindest/node:v1.27.16@sha256:2d21a61643eafc439905e18705b8186f3296384750a835ad7a005dceb9546d20';
/** The newest Kubernetes kind offers: kind v0.32.0's default node image (pkg/apis/config/defaults/image.go at tag v0.32.0). */
const KIND_NEWEST_NODE_IMAGE = 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';

const GITHUB_HOSTED = /^(ubuntu|windows|macos)-/;
const RUNNER_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PYTHON_VERSION = /^3\.[0-9]+(\.[0-9]+)?$/;

/**
 * The vehicle app's GitHub workflows: `ci.yml` (tests, drift check, per-platform image build,
 * scan, integration test on kind, multi-platform push), `release.yml` (promotion of the tested
 * digest, signing, chart publishing, GitHub release) and Dependabot.
 *
 * Steps carry ids: patch them with `ci.patchStep('build', 'build', {...})`.
 */
export class VehicleAppWorkflows extends Component {
  /** `ci.yml`. */
  public readonly ci: github.GithubWorkflow;
  /** `release.yml`, unless disabled. */
  public readonly release?: github.GithubWorkflow;
  /** `.github/dependabot.yml`, unless disabled. */
  public readonly dependabot?: YamlFile;
  /** kind's node image of the integration test, which the local cluster uses too. */
  public readonly kindNodeImage: string;

  public constructor(project: Project, props: VehicleAppWorkflowsProps) {
    super(project, 'VehicleAppWorkflows');
    const options = props.options ?? {};
    const gh = github.GitHub.of(project);
    if (!gh) {
      throw new Error('VehicleAppWorkflows: the project has no GitHub component. Fix: keep `github` enabled on the project.');
    }
    const dependabot = options.dependabot ?? true;
    // With Dependabot on, the action pins live in a file it bumps; the library's table fills the rest.
    const actionPins = dependabot ? new ActionPinFile(project) : undefined;
    if (!dependabot) new PinFilesRemoval(project);
    const references = new ActionReferences(options.actionPinning ?? ActionPinning.COMMIT_SHA, actionPins?.table ?? ACTION_PINS);
    const settings = resolveSettings(props, options, references);
    actionPins?.listUsesOf(settings.actions);
    this.kindNodeImage = settings.kindNodeImage;
    tryAddValidation(project, problems => {
      checkWorkflowsOptions(problems, options, props.image);
      checkActionShas(problems, references);
    });

    this.ci = new CiWorkflow(gh, settings);
    this.release = (options.release ?? true) ? new ReleaseWorkflow(gh, settings) : undefined;
    for (const workflow of [this.ci, this.release]) if (workflow) commentWorkflow(workflow, references);
    this.dependabot = dependabot
      ? addDependabotConfig(project, settings.language.dependabotEcosystems(props.appDir), props.pinsImages ?? false)
      : undefined;
    const selfHosted = [...new Set([settings.defaultRunner, ...settings.builds.map(b => b.runner)])].filter(r => !GITHUB_HOSTED.test(r));
    if (selfHosted.length > 0) {
      // actionlint (and the editor plugins built on it) must know the self-hosted runner labels.
      new YamlFile(project, '.github/actionlint.yaml', { obj: { 'self-hosted-runner': { labels: selfHosted } }, committed: true });
    }
  }
}

/** Where each platform is built and which builds the integration test deploys: pure, from the options and the image. */
function resolveBuilds(options: VehicleAppWorkflowsOptions, image: ContainerImage) {
  const defaultRunner = options.defaultRunner ?? 'ubuntu-24.04';
  const runners = options.runners ?? {};
  const builds: PlatformBuild[] = image.platforms.map(platform => {
    const runner = mappedRunner(runners, platform) ?? platform.nativeRunner;
    return { platform, runner: runner ?? defaultRunner, emulated: runner === undefined };
  });
  const integrationTest = options.integrationTest ?? true;
  // Each platform with a native runner that kind supports is tested there, at full speed.
  const testBuilds = integrationTest
    ? builds.filter(b => !b.emulated && (b.platform === Platform.LINUX_AMD64 || b.platform === Platform.LINUX_ARM64))
    : [];
  return { defaultRunner, builds, testBuilds, integrationTest };
}

/** The settings every workflow renderer reads, for one app. @internal */
export function resolveSettings(props: VehicleAppWorkflowsProps, options: VehicleAppWorkflowsOptions, actions: ActionReferences): WorkflowSettings {
  const threshold = options.scanSeverity ?? VulnerabilitySeverity.CRITICAL;
  const image = props.image;
  const owner = image.repository.split('/');
  return {
    ...resolveBuilds(options, image),
    app: props.app,
    image,
    appDir: props.appDir,
    language: (props.language ?? LanguageProfile.of(props.app.language))._spec,
    target: deploymentTarget(props.runtime, props.chartDir, props.app.name),
    actions,
    nodeVersion: options.nodeVersion ?? NODE_MAJOR,
    pythonVersion: options.pythonVersion ?? props.pythonVersion ?? DEFAULT_PYTHON_VERSION,
    scan: options.scan ?? true,
    scanSeverities: SEVERITY_ORDER.slice(Math.max(0, SEVERITY_ORDER.indexOf(threshold))).join(','),
    signing: options.signing ?? true,
    kindNodeImage: kindNodeImage(options),
    kindTestImages: [...new Set([kindNodeImage(options), KIND_NEWEST_NODE_IMAGE])],
    chartRepository: options.chartRepository ?? (owner.length > 1 ? `${image.registry}/${owner[0]}/charts` : `${image.registry}/charts`),
  };
}

/**
 * kind's node image of the integration test and the local cluster.
 * @internal
 */
export function kindNodeImage(options: VehicleAppWorkflowsOptions): string {
  return options.kindNodeImage ?? KIND_NODE_IMAGE;
}

function mappedRunner(runners: { [platform: string]: string }, platform: Platform): string | undefined {
  const key = Object.keys(runners).find(id => Platform.tryFind(id) === platform);
  return key === undefined ? undefined : runners[key];
}

/**
 * The workflow options' problems, checked before any component is built.
 * @internal
 */
export function checkWorkflowsOptions(problems: Problems, options: VehicleAppWorkflowsOptions, image: ContainerImage): void {
  const path = 'workflows';
  const s = {
    ...resolveBuilds(options, image),
    image,
    nodeVersion: options.nodeVersion ?? NODE_MAJOR,
    pythonVersion: options.pythonVersion ?? DEFAULT_PYTHON_VERSION,
    kindNodeImage: kindNodeImage(options),
  };
  const emulation = options.emulation ?? true;
  s.builds.forEach(build => {
    problems.check(emulation || !build.emulated, `${path}.runners["${build.platform.id}"]`, undefined,
      `is not set, ${build.platform.id} has no native GitHub-hosted runner and ${path}.emulation is false`,
      `map ${build.platform.id} to a runner of that architecture in ${path}.runners, or set ${path}.emulation to true to build it under QEMU`);
  });
  const built = new Set(s.builds.map(b => b.platform));
  for (const [id, runner] of Object.entries(options.runners ?? {})) {
    const platform = Platform.tryFind(id);
    problems.check(platform !== undefined && built.has(platform), `${path}.runners["${id}"]`, id,
      `is not one of the built platforms (image.platforms: ${image.platformList})`, 'map only platforms listed in image.platforms');
    problems.check(RUNNER_LABEL.test(String(runner)), `${path}.runners["${id}"]`, runner, 'is not a runner label (letters, digits, ".", "_", "-")', 'use a label such as "ubuntu-24.04-arm"');
  }
  problems.check(RUNNER_LABEL.test(s.defaultRunner), `${path}.defaultRunner`, s.defaultRunner, 'is not a runner label (letters, digits, ".", "_", "-")', 'use a label such as "ubuntu-24.04"');
  problems.check(rules.isNodeVersion(s.nodeVersion), `${path}.nodeVersion`, s.nodeVersion, rules.nodeVersionRule, `use e.g. "${NODE_MAJOR}"`);
  problems.check(PYTHON_VERSION.test(s.pythonVersion), `${path}.pythonVersion`, s.pythonVersion, 'is not a Python 3 version (3.MINOR[.PATCH])', 'use e.g. "3.12"');
  // Without any known platform the image check already reports the problem.
  if (s.integrationTest && s.image.platforms.length > 0) {
    problems.check(s.testBuilds.length > 0, `${path}.integrationTest`, true,
      'needs linux/amd64 or linux/arm64 built on a native runner, and image.platforms has neither',
      'add "linux/amd64" to image.platforms, or set workflows.integrationTest to false');
  }
  const ciTags = s.image.tagCommitSha || s.image.tagBranch || s.image.tagLatest;
  problems.check(ciTags, 'image.tagPolicy', { commitSha: false, branch: false, latestOnDefaultBranch: false },
    'gives CI pushes no tag, so the merged image list cannot be pushed', 'enable image.tagPolicy.commitSha (recommended)');
  if (options.release ?? true) {
    problems.check(s.image.tagCommitSha, 'image.tagPolicy.commitSha', false,
      'is off, but the release workflow finds the tested image of a commit by its sha-<commit> tag',
      'enable image.tagPolicy.commitSha, or set workflows.release to false');
    problems.check(s.image.semverPatterns.length > 0, 'image.tagPolicy.semverPatterns', [], 'is empty, so a release would push no version tag', 'use e.g. ["{{version}}"]');
  }
  const kindNode = parseImageReference(s.kindNodeImage);
  problems.check(typeof kindNode !== 'string' && (kindNode.tag !== undefined || kindNode.digest !== undefined),
    `${path}.kindNodeImage`, s.kindNodeImage, typeof kindNode === 'string' ? kindNode : 'is not an image reference with a tag or digest',
    'use e.g. "kindest/node:v1.30.13"');
  // The default is derived from image.*, which reports its own problems.
  if (options.chartRepository !== undefined) {
    const [host, ...rest] = String(options.chartRepository).split('/');
    problems.check(rules.isRegistryHost(host) && rest.length > 0 && rules.isImagePath(rest.join('/')), `${path}.chartRepository`, options.chartRepository,
      'is not an OCI repository (registry host, then a lowercase path, without oci://)', 'use e.g. "ghcr.io/acme/charts"');
  }
}

/** Whether every action has a commit SHA when actions are pinned by SHA: it depends on the pin file, read by the component. @internal */
export function checkActionShas(problems: Problems, actions: ActionReferences): void {
  const unpinned = actions.withoutSha;
  problems.check(unpinned.length === 0, 'workflows.actionPinning', ActionPinning.COMMIT_SHA,
    `cannot be honoured: no known commit SHA for ${unpinned.join(', ')}`,
    `pin the release's commit SHA in ${ActionPinFile.PATH} ("- uses: owner/name@<SHA> # <tag>"), or use ActionPinning.VERSION`);
}
