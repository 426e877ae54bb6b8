import * as fs from 'fs';
import * as path from 'path';
import { Project } from 'projen';
import { PINS_DIR, PinFile } from '../pin-file';

/** The base images a preset can use, by the role they play. @internal */
export interface BaseImages {
  /** Python preset: builder and final stage. */
  readonly python: string;
  /** C++ preset: the cross-compiling builder. */
  readonly cppBuilder: string;
  /** C++ preset: the final stage (`scratch` is no image). */
  readonly cppRuntime: string;
}

/** Stage name of each role in the pin file. @internal */
export const BASE_IMAGE_STAGE: { readonly [role in keyof BaseImages]: string } = { python: 'python', cppBuilder: 'cpp-builder', cppRuntime: 'cpp-runtime' };

const FROM_LINE = /^\s*FROM\s+(\S+)\s+AS\s+([a-z0-9-]+)\s*$/i;

/**
 * `.github/pins/Dockerfile`: the base images of the app's Dockerfile and the runtime services' images as FROM lines, so that
 * Dependabot's docker updates bump their tags and digests (the generated Dockerfile names them through
 * build arguments, which Dependabot cannot follow). `npx projen` renders the bumped pins into the
 * Dockerfile. Only images taken by default are listed: an image set in the options is the user's pin.
 * @internal
 */
export class BaseImagePinFile extends PinFile {
  public static readonly PATH = `${PINS_DIR}/Dockerfile`;
  private readonly listed = new Map<string, string>();

  public constructor(project: Project, private readonly dockerfilePath: string) {
    super(project, BaseImagePinFile.PATH, line => {
      if (!/^\s*FROM\s/i.test(line)) return undefined;
      const m = FROM_LINE.exec(line);
      return m ? { key: m[2].toLowerCase(), ref: m[1] } : 'unreadable';
    });
  }

  /** Lists the image a stage resolved to (`scratch` is not an image and is left out). */
  public list(stage: string, image: string): void {
    if (image !== 'scratch') this.listed.set(stage, image);
  }

  /** The images listed, in the order they were listed. */
  public get images(): string[] {
    return [...this.listed.values()];
  }

  public synthesize(): void {
    // A build of explicitly chosen images (or scratch alone) has nothing to keep here.
    if (this.listed.size > 0) super.synthesize();
    else fs.rmSync(path.join(this.project.outdir, this.filePath), { force: true });
  }

  protected get lineRule(): string {
    return '"FROM <image>:<tag>[@sha256:<digest>] AS <role>"';
  }

  protected render(): string {
    return [
      `# The base images of ${this.dockerfilePath} and the runtime services' images, pinned. Dependabot bumps them here`,
      `# (add @sha256:<digest> to pin one); \`npx projen\` renders them into ${this.dockerfilePath}, the chart and the Kanto`,
      '# manifests, and rewrites this file (keeping these pins). Never built.',
      ...[...this.listed].map(([stage, image]) => `FROM ${image} AS ${stage}`),
      '',
    ].join('\n');
  }
}

/**
 * The images pinned in the project's `.github/pins/Dockerfile`, by stage name, read without a component: the
 * resolved input of the components and of the options' checks (unreadable lines are reported by the pin file component).
 * @internal
 */
export function readImagePins(outdir: string): { [stage: string]: string } {
  const file = path.join(outdir, BaseImagePinFile.PATH);
  if (!fs.existsSync(file)) return {};
  const pins = fs.readFileSync(file, 'utf8').split('\n').map(line => FROM_LINE.exec(line)).filter((m): m is RegExpExecArray => m !== null);
  return Object.fromEntries(pins.map(m => [m[2].toLowerCase(), m[1]]));
}
