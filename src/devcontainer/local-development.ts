import { Component, JsonFile, Project, Task } from 'projen';
import { requireToolsStep } from './required-tools';
import { parseImageReference } from '../container/image-reference';
import { AppDeploymentProps } from '../deploy/app-deployment-props';
import { DeployPlan, HELM_VERSION } from '../deploy/deploy-plan';
import { LanguageProfile } from '../languages/language-profile';
import { NODE_MAJOR } from '../node-version';
import { INTEGRATION_REQUIRED } from '../runtime/runtime-service-catalogue';
import { Problems, rules, tryAddValidation } from '../validation';
import { deploymentTarget, IMAGE_VALUES } from '../workflows/deployment-target';

/** Options of the devcontainer and the local deploy-and-test loop. */
export interface LocalDevelopmentOptions {
  /**
   * The devcontainer image.
   * @default - `mcr.microsoft.com/devcontainers/python:1-<the base image's Python>-bookworm` for Python, `mcr.microsoft.com/devcontainers/cpp:1-debian-12` for C++
   */
  readonly image?: string;
  /**
   * Node.js version in the container (projen runs on it): a major such as "24" or a version such as "24.11.0".
   * @default '24'
   */
  readonly nodeVersion?: string;
}

/** What the devcontainer and the local tasks are built from. */
export interface LocalDevelopmentProps extends AppDeploymentProps {
  /** Tag of the images the local build tasks produce. */
  readonly localTag: string;
  /** Name of the task that builds the app image for this machine. */
  readonly imageBuildTask: string;
  /** kind's node image: the Kubernetes of the CI integration test. */
  readonly kindNodeImage: string;
  /**
   * The language toolchain's version in the app's base image (Python's), which the devcontainer follows.
   * @default - the language's default
   */
  readonly toolchainVersion?: string;
  /**
   * The user's options.
   * @default {}
   */
  readonly options?: LocalDevelopmentOptions;
}

/**
 * `.devcontainer/devcontainer.json` plus the `local:*` tasks: a kind cluster in the container, the image
 * built and loaded into it, the generated charts installed with the same values the CI integration test
 * uses, and `helm test` and the app's integration tests run against it.
 */
export class LocalDevelopment extends Component {
  /** The devcontainer.json file. */
  public readonly file: JsonFile;
  private readonly props: LocalDevelopmentProps;
  private readonly deploy: Task;
  private readonly plan: DeployPlan;
  private deploySteps = false;

  public constructor(project: Project, props: LocalDevelopmentProps) {
    super(project);
    this.props = props;
    const { app, appDir } = props;
    const options = props.options ?? {};
    const language = (props.language ?? LanguageProfile.of(app.language))._spec;
    const target = deploymentTarget(props.runtime, props.chartDir, app.name);
    const cluster = app.name;
    const release = app.name;

    tryAddValidation(project, problems => checkLocalDevelopmentOptions(problems, options));

    this.file = new JsonFile(project, '.devcontainer/devcontainer.json', {
      marker: false,
      obj: {
        name: app.name,
        image: options.image ?? language.devcontainerImage(props.toolchainVersion),
        features: {
          'ghcr.io/devcontainers/features/node:1': { version: options.nodeVersion ?? NODE_MAJOR },
          'ghcr.io/devcontainers/features/docker-in-docker:2': {},
          // The Helm the workflows use (Helm 4), so the local:* tasks run the same commands the same way.
          'ghcr.io/devcontainers/features/kubectl-helm-minikube:1': { minikube: 'none', helm: HELM_VERSION.replace(/^v/, '') },
          'ghcr.io/devcontainers-extra/features/kind:1': {},
        },
        // The app run from a terminal finds the services port-forwarded by `local:test` on localhost.
        containerEnv: {
          ...Object.fromEntries(app.environment().map(v => [v.name, v.value])),
          ...Object.fromEntries(target.runtimeServices.map(s => [s.portVariable, String(s.port)])),
        },
        forwardPorts: target.runtimeServices.map(s => s.port),
        postCreateCommand: language.devcontainerPostCreate(appDir),
        customizations: { vscode: { extensions: [...language.devcontainerExtensions] } },
      },
    });

    project.addTask('local:cluster', {
      description: `Create the kind cluster "${cluster}" unless it exists`,
      exec: requireToolsStep(project, 'local:cluster', ['kind', 'docker']),
    }).exec(
      // The node image of the CI integration test: the same Kubernetes version.
      `kind get clusters | grep -qx '${cluster}' || kind create cluster --name '${cluster}' --image '${props.kindNodeImage}' --wait 120s`,
    );
    // Its steps are added before synthesis, when the image build task exists whatever the order of construction.
    this.deploy = project.addTask('local:deploy', {
      description: 'Build the image, load it into the kind cluster and install the chart as CI does',
      exec: requireToolsStep(project, 'local:deploy', ['docker', 'kind', 'helm']),
    });

    this.plan = new DeployPlan({
      release,
      chartDir: target.chartDir,
      services: target.runtimeServices,
      values: [
        { key: IMAGE_VALUES.repository, value: props.image.name },
        { key: IMAGE_VALUES.tag, value: props.localTag },
        { key: IMAGE_VALUES.pullPolicy, value: 'Never' },
      ],
      integrationTestCommand: language.integrationTestCommand(appDir),
      integrationRequiredVariable: INTEGRATION_REQUIRED,
    });
    const test = project.addTask('local:test', {
      description: 'Run helm test and the app\'s integration tests against the local cluster',
      exec: requireToolsStep(project, 'local:test', ['helm', 'kubectl', 'bash']),
    });
    test.exec(this.plan.testCommand());
    // Tasks run in sh; the script waits for the forwarded ports with bash's /dev/tcp.
    test.exec(`bash <<'SCRIPT'\n${this.plan.integrationTestScript('${TMPDIR:-/tmp}')}\nSCRIPT`);

    project.addTask('local:down', {
      description: `Delete the kind cluster "${cluster}"`,
      exec: requireToolsStep(project, 'local:down', ['kind']),
    }).exec(`kind delete cluster --name '${cluster}'`);
  }

  public preSynthesize(): void {
    super.preSynthesize();
    if (this.deploySteps) return;
    this.deploySteps = true;
    const { app, image, localTag } = this.props;
    const cluster = app.name;
    const build = this.project.tasks.tryFind(this.props.imageBuildTask);
    if (!build) {
      throw new Error(`LocalDevelopment: no task "${this.props.imageBuildTask}" builds the app image. Fix: add a ContainerBuild to the project.`);
    }
    const deploy = this.deploy;
    deploy.spawn(this.project.tasks.tryFind('local:cluster')!);
    deploy.spawn(build);
    deploy.exec(`kind load docker-image '${image.reference(localTag)}' --name '${cluster}'`);
    deploy.exec(this.plan.installCommand());
  }
}

/**
 * The local development options' problems, checked before any component is built.
 * @internal
 */
export function checkLocalDevelopmentOptions(problems: Problems, options: LocalDevelopmentOptions): void {
  if (options.image !== undefined) {
    const parsed = parseImageReference(options.image);
    problems.check(typeof parsed !== 'string', 'localDevelopment.image', options.image, typeof parsed === 'string' ? parsed : '',
      'use an image reference such as "mcr.microsoft.com/devcontainers/python:1-3.12-bookworm"');
  }
  if (options.nodeVersion !== undefined) {
    problems.check(rules.isNodeVersion(options.nodeVersion), 'localDevelopment.nodeVersion', options.nodeVersion, rules.nodeVersionRule, `use e.g. "${NODE_MAJOR}" or "${NODE_MAJOR}.11.0"`);
  }
}
