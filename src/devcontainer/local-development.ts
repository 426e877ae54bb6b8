import { Component, JsonFile } from 'projen';
import { AppLanguage } from '../app/vehicle-app';
import { parseImageReference } from '../container/image-reference';
import { INTEGRATION_REQUIRED } from '../runtime/runtime-charts';
import { rules } from '../validation';
import type { VehicleAppProject } from '../vehicle-app-project';
import { HELM_VERSION } from '../workflows/ci-workflow';
import { deploymentTarget, IMAGE_VALUES, RuntimeServiceTarget } from '../workflows/deployment-target';

/** Options of the devcontainer and the local deploy-and-test loop. */
export interface LocalDevelopmentOptions {
  /**
   * The devcontainer image.
   * @default - `mcr.microsoft.com/devcontainers/python:1-3.12-bookworm` for Python, `mcr.microsoft.com/devcontainers/cpp:1-debian-12` for C++
   */
  readonly image?: string;
  /**
   * Node.js version in the container (projen runs on it): a major such as "22" or a version such as "22.11.0".
   * @default '22'
   */
  readonly nodeVersion?: string;
}

/**
 * `.devcontainer/devcontainer.json` plus the `local:*` tasks: a kind cluster in the container, the image
 * built and loaded into it, the generated charts installed with the same values the CI integration test
 * uses, and `helm test` and the app's integration tests run against it.
 */
export class LocalDevelopment extends Component {
  /** The devcontainer.json file. */
  public readonly file: JsonFile;

  public constructor(project: VehicleAppProject, options: LocalDevelopmentOptions = {}) {
    super(project);
    const app = project.app;
    const python = app.language === AppLanguage.PYTHON;
    const target = deploymentTarget(project);
    const cluster = app.name;
    const release = app.name;
    const localTag = project.containerBuild.localTag;
    const image = project.image.reference(localTag);

    project._addValidation(problems => {
      if (options.image !== undefined) {
        const parsed = parseImageReference(options.image);
        problems.check(typeof parsed !== 'string', 'localDevelopment.image', options.image, typeof parsed === 'string' ? parsed : '',
          'use an image reference such as "mcr.microsoft.com/devcontainers/python:1-3.12-bookworm"');
      }
      if (options.nodeVersion !== undefined) {
        problems.check(rules.isNodeVersion(options.nodeVersion), 'localDevelopment.nodeVersion', options.nodeVersion, rules.nodeVersionRule, 'use e.g. "22" or "22.11.0"');
      }
    });

    this.file = new JsonFile(project, '.devcontainer/devcontainer.json', {
      marker: false,
      obj: {
        name: app.name,
        image: options.image ?? (python ? 'mcr.microsoft.com/devcontainers/python:1-3.12-bookworm' : 'mcr.microsoft.com/devcontainers/cpp:1-debian-12'),
        features: {
          'ghcr.io/devcontainers/features/node:1': { version: options.nodeVersion ?? '22' },
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
        postCreateCommand: python
          ? `npm ci && python3 -m pip install --user -r ${project.appDir}/requirements-dev.txt`
          : `npm ci && cmake -S ${project.appDir} -B build -DBUILD_TESTING=ON`,
        customizations: {
          vscode: {
            extensions: python
              ? ['ms-python.python', 'charliermarsh.ruff', 'ms-kubernetes-tools.vscode-kubernetes-tools']
              : ['ms-vscode.cpptools', 'ms-vscode.cmake-tools', 'ms-kubernetes-tools.vscode-kubernetes-tools'],
          },
        },
      },
    });

    project.addTask('local:cluster', {
      description: `Create the kind cluster "${cluster}" unless it exists`,
      // The node image of the CI integration test: the same Kubernetes version.
      exec: `kind get clusters | grep -qx '${cluster}' || kind create cluster --name '${cluster}' --image '${project.workflows.kindNodeImage}' --wait 120s`,
    });
    const deploy = project.addTask('local:deploy', {
      description: 'Build the image, load it into the kind cluster and install the chart as CI does',
    });
    deploy.spawn(project.tasks.tryFind('local:cluster')!);
    deploy.spawn(project.tasks.tryFind('image:build')!);
    deploy.exec(`kind load docker-image '${image}' --name '${cluster}'`);
    deploy.exec([
      `helm upgrade --install '${release}' '${target.chartDir}' --wait --timeout 5m`,
      `--set '${IMAGE_VALUES.repository}=${project.image.name}'`,
      `--set '${IMAGE_VALUES.tag}=${localTag}'`,
      `--set '${IMAGE_VALUES.pullPolicy}=Never'`,
      ...target.runtimeServices.map(s => `--set '${s.enabledValue}=true'`),
    ].join(' '));

    const test = project.addTask('local:test', {
      description: 'Run helm test and the app\'s integration tests against the local cluster',
      exec: `helm test '${release}' --logs --timeout 5m`,
    });
    const testCommand = python
      ? `cd '${project.appDir}' && python3 -m pytest tests/integration`
      : [
        `cmake -S '${project.appDir}' -B build -DBUILD_TESTING=ON`,
        'cmake --build build --target integration_test',
        'ctest --test-dir build --label-regex integration --output-on-failure',
      ].join(' && ');
    test.exec(integrationTestScript(release, target.runtimeServices, testCommand));

    project.addTask('local:down', {
      description: `Delete the kind cluster "${cluster}"`,
      exec: `kind delete cluster --name '${cluster}'`,
    });
  }
}

/** Port-forwards each runtime service, runs the app's integration tests, and always stops the forwards. */
function integrationTestScript(release: string, services: RuntimeServiceTarget[], testCommand: string): string {
  const lines = ['pids=""'];
  for (const s of services) {
    lines.push(`kubectl port-forward 'service/${release}-${s.chartName}' '${s.port}:${s.port}' > /dev/null 2>&1 & pids="$pids $!"`);
  }
  lines.push(
    'trap \'kill $pids 2> /dev/null\' EXIT',
    services.length > 0 ? 'sleep 3' : ':',
    // The services were just deployed: one that does not answer fails the tests instead of skipping them.
    `export ${INTEGRATION_REQUIRED}=1`,
    ...services.map(s => `export ${s.portVariable}=${s.port}`),
    testCommand,
  );
  return lines.join('\n');
}
