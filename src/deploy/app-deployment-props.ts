import { VehicleApp } from '../app/vehicle-app';
import { ContainerImage } from '../container/container-image';
import { LanguageProfile } from '../languages/language-profile';
import { RuntimeServiceSettings } from '../runtime/runtime-services';

/** What every component that builds, deploys or tests the app's image reads: the app, its image and chart. */
export interface AppDeploymentProps {
  /** The app. */
  readonly app: VehicleApp;
  /** The app's image reference and platforms. */
  readonly image: ContainerImage;
  /** Folder of the app's sources, Dockerfile and tests. */
  readonly appDir: string;
  /**
   * The app's language profile: its build, test and devcontainer commands.
   * @default - the profile of the app's language
   */
  readonly language?: LanguageProfile;
  /** The runtime services the chart enables. */
  readonly runtime: RuntimeServiceSettings;
  /** Folder of the app's chart, relative to the project. */
  readonly chartDir: string;
}
