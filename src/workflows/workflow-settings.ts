import { github } from 'projen';
import { ActionReferences } from './action-pins';
import { DeploymentTarget } from './deployment-target';
import { VehicleApp } from '../app/vehicle-app';
import { ContainerImage } from '../container/container-image';
import { Platform } from '../container/platform';
import { LanguageSpec } from '../languages/language-spec';

/** A platform of the image build and where it is built. @internal */
export interface PlatformBuild {
  readonly platform: Platform;
  /** Runner label of the build job. */
  readonly runner: string;
  /** Built under QEMU emulation because no runner of its own architecture is mapped. */
  readonly emulated: boolean;
}

/** Everything the workflow renderers read, resolved once from the options and the model. @internal */
export interface WorkflowSettings {
  readonly app: VehicleApp;
  readonly image: ContainerImage;
  readonly appDir: string;
  /** Everything language-specific: the CI steps. */
  readonly language: LanguageSpec;
  readonly target: DeploymentTarget;
  readonly actions: ActionReferences;
  readonly builds: PlatformBuild[];
  /** The builds the integration test deploys, each on its own native runner (empty when the test is off). */
  readonly testBuilds: PlatformBuild[];
  readonly defaultRunner: string;
  readonly nodeVersion: string;
  readonly pythonVersion: string;
  readonly scan: boolean;
  /** Trivy severities that fail the scan, e.g. `HIGH,CRITICAL`. */
  readonly scanSeverities: string;
  readonly integrationTest: boolean;
  /** kind's node image of the chart's oldest supported Kubernetes (the local cluster runs it too). */
  readonly kindNodeImage: string;
  /** The node images the integration test runs on, one job each: the chart's floor and the newest kind offers. */
  readonly kindTestImages: string[];
  readonly signing: boolean;
  /** `registry/path` the chart is pushed to (without `oci://`). */
  readonly chartRepository: string;
  /** What precedes `v<semver>` in the release tag, e.g. `seat-adjuster/` in a repository of several apps. */
  readonly releaseTagPrefix?: string;
}

/** The job-level expression: this run pushes images (a push or dispatch in the main repository, never a pull request or fork). @internal */
export const PUSH_CONDITION = "github.event_name != 'pull_request' && !github.event.repository.fork";
/** The same test for steps, through the workflow env. @internal */
export const PUSHING = "env.PUSH_IMAGE == 'true'";
/** @internal */
export const NOT_PUSHING = "env.PUSH_IMAGE != 'true'";

/** Checkout without leaving the token in .git/config. @internal */
export function checkoutStep(s: WorkflowSettings): github.workflows.JobStep {
  return { id: 'checkout', name: 'Check out', uses: s.actions.uses('actions/checkout'), with: { 'persist-credentials': false } };
}

/** Logs in to the image registry: GITHUB_TOKEN for ghcr.io, REGISTRY_USERNAME/REGISTRY_PASSWORD otherwise. @internal */
export function registryLoginStep(s: WorkflowSettings, condition?: string): github.workflows.JobStep {
  const ghcr = s.image.registry === 'ghcr.io';
  return {
    id: 'login',
    name: `Log in to ${s.image.registry}`,
    if: condition,
    uses: s.actions.uses('docker/login-action'),
    with: {
      registry: s.image.registry,
      username: ghcr ? '${{ github.actor }}' : '${{ vars.REGISTRY_USERNAME }}',
      password: ghcr ? '${{ secrets.GITHUB_TOKEN }}' : '${{ secrets.REGISTRY_PASSWORD }}',
    },
  };
}

/** The registry credentials as step env, for CLIs (helm) that log in themselves. @internal */
export function registryCredentialsEnv(s: WorkflowSettings): { [name: string]: string } {
  const ghcr = s.image.registry === 'ghcr.io';
  return {
    REGISTRY_USERNAME: ghcr ? '${{ github.actor }}' : '${{ vars.REGISTRY_USERNAME }}',
    REGISTRY_PASSWORD: ghcr ? '${{ secrets.GITHUB_TOKEN }}' : '${{ secrets.REGISTRY_PASSWORD }}',
  };
}

/** Joins shell lines into one `run:` block. @internal */
export function script(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
