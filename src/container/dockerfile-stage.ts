import { Instruction } from './dockerfile-instruction';

/** Options of a build stage. */
export interface DockerfileStageOptions {
  /**
   * What the stage starts from: an image reference (`debian:bookworm-slim`, `image:tag@sha256:...`),
   * `scratch`, an earlier stage's name, or `${ARG}` naming a global build argument.
   */
  readonly from: string;
  /**
   * `FROM --platform=...`: a platform id such as `linux/amd64`, or `$BUILDPLATFORM` for a builder that
   * cross-compiles instead of running under emulation.
   * @default - the target platform
   */
  readonly platform?: string;
}

interface NamedInstruction {
  readonly id: string;
  readonly instruction: Instruction;
}

/**
 * One named stage of a Dockerfile: `FROM ... AS name` and its instructions, each with an id so
 * consumers can insert, replace or remove it.
 */
export class DockerfileStage {
  /** Stage name, as in `FROM ... AS <name>`. */
  public readonly name: string;
  /** What the stage starts from. */
  public readonly from: string;
  /** `--platform` of the FROM line, if any. */
  public readonly platform?: string;
  private readonly entries: NamedInstruction[] = [];

  /** Use `Dockerfile.addStage()` to make a stage that is rendered. */
  public constructor(name: string, options: DockerfileStageOptions) {
    this.name = name;
    this.from = options.from;
    this.platform = options.platform;
  }

  /** The ids of the instructions, in order. */
  public get instructionIds(): string[] {
    return this.entries.map(e => e.id);
  }

  /** Appends an instruction under a new id; returns it. */
  public addInstruction(id: string, instruction: Instruction): Instruction {
    return this.insertAt(this.entries.length, id, instruction);
  }

  /** Inserts an instruction before the one with id `before`; returns it. */
  public insertInstructionBefore(before: string, id: string, instruction: Instruction): Instruction {
    return this.insertAt(this.indexOf(before), id, instruction);
  }

  /** Inserts an instruction after the one with id `after`; returns it. */
  public insertInstructionAfter(after: string, id: string, instruction: Instruction): Instruction {
    return this.insertAt(this.indexOf(after) + 1, id, instruction);
  }

  /** Replaces the instruction with this id, keeping its place and id; returns the new one. */
  public replaceInstruction(id: string, instruction: Instruction): Instruction {
    this.entries[this.indexOf(id)] = { id, instruction };
    return instruction;
  }

  /** Removes the instruction with this id. */
  public removeInstruction(id: string): void {
    this.entries.splice(this.indexOf(id), 1);
  }

  /** The instruction with this id, or undefined. */
  public tryFindInstruction(id: string): Instruction | undefined {
    return this.entries.find(e => e.id === id)?.instruction;
  }

  /** The instructions, in order. @internal */
  public get _instructions(): Instruction[] {
    return this.entries.map(e => e.instruction);
  }

  private insertAt(index: number, id: string, instruction: Instruction): Instruction {
    if (this.entries.some(e => e.id === id)) {
      throw new Error(`Instruction "${id}" already exists in stage "${this.name}". Use replaceInstruction("${id}", ...) or another id.`);
    }
    this.entries.splice(index, 0, { id, instruction });
    return instruction;
  }

  private indexOf(id: string): number {
    const index = this.entries.findIndex(e => e.id === id);
    if (index < 0) {
      throw new Error(`Instruction "${id}" not found in stage "${this.name}". Available instruction ids: ${this.instructionIds.join(', ') || '(none)'}`);
    }
    return index;
  }
}
