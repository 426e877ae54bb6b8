import * as fs from 'fs';
import * as path from 'path';
import { Component, Project } from 'projen';
import { Problems, tryAddValidation } from './validation';

/** Folder of the pin files Dependabot watches. */
export const PINS_DIR = '.github/pins';

/** One pin of a pin file: what is pinned, to which reference, and where it stands. @internal */
export interface Pin {
  /** What is pinned: an action (`owner/name`) or a base image role (`python`). */
  readonly key: string;
  /** The pinned reference: a commit SHA or tag, or an image reference. */
  readonly ref: string;
  /** The comment after the reference (Dependabot keeps a SHA's release tag there). */
  readonly comment?: string;
}

/**
 * A file of version pins that Dependabot edits and `npx projen` reads back, so a bumped pin flows
 * into the generated workflows and Dockerfile. Every synth rewrites it from the resolved pins: the
 * file's pins are kept, pins the project now needs are added, unused ones dropped.
 * @internal
 */
export abstract class PinFile extends Component {
  /** The pins found in the file, by key (empty when the file does not exist yet). */
  public readonly pins: ReadonlyMap<string, Pin>;

  protected constructor(project: Project, public readonly filePath: string, parse: (line: string) => Pin | 'unreadable' | undefined) {
    super(project);
    const pins = new Map<string, Pin>();
    const unreadable: Array<{ line: number; text: string }> = [];
    const absolute = path.join(project.outdir, filePath);
    const lines = fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8').split('\n') : [];
    lines.forEach((text, i) => {
      const pin = parse(text);
      if (pin === 'unreadable') unreadable.push({ line: i + 1, text: text.trim() });
      else if (pin) pins.set(pin.key, pin);
    });
    this.pins = pins;
    const check = (problems: Problems) => unreadable.forEach(u => problems.add(`${filePath}:${u.line}`, u.text,
      `is not a pin line (${this.lineRule})`, `correct the line, or delete ${filePath} and run npx projen to write it anew`));
    if (!tryAddValidation(project, check)) {
      const problems = new Problems(filePath);
      check(problems);
      problems.throwIfAny();
    }
  }

  /** The rule a pin line follows, for error messages. */
  protected abstract get lineRule(): string;

  /** The whole file, from the pins the project uses now. */
  protected abstract render(): string;

  public synthesize(): void {
    const absolute = path.join(this.project.outdir, this.filePath);
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    fs.writeFileSync(absolute, this.render());
  }
}

/**
 * Removes the pin files of an earlier synth once Dependabot is switched off: nothing reads them any more.
 * @internal
 */
export class PinFilesRemoval extends Component {
  public synthesize(): void {
    fs.rmSync(path.join(this.project.outdir, PINS_DIR), { recursive: true, force: true });
  }
}
