import { FileBase, IResolver, IgnoreFile, Project } from 'projen';
import { Instruction } from './dockerfile-instruction';
import { DockerfileStage, DockerfileStageOptions } from './dockerfile-stage';
import { expandArgs, parseImageReference } from './image-reference';
import { Platform } from './platform';
import { Problems, tryAddValidation } from '../validation';

/** Options of a Dockerfile. */
export interface DockerfileOptions {
  /**
   * Path of the `.dockerignore` written beside the Dockerfile (the build context is its folder).
   * @default - `.dockerignore` in the Dockerfile's folder
   */
  readonly dockerignorePath?: string;
  /**
   * Patterns of the `.dockerignore`.
   * @default - `.git`, the Dockerfile and `.dockerignore` themselves
   */
  readonly ignorePatterns?: string[];
  /**
   * The BuildKit frontend image of the `# syntax=` directive. Pin it by digest
   * (`docker/dockerfile:1@sha256:<digest>`) or name a mirror for air-gapped builders.
   * @default 'docker/dockerfile:1'
   */
  readonly syntaxImage?: string;
}

interface GlobalArg {
  readonly name: string;
  readonly defaultValue?: string;
  /** The option the default comes from, named in errors. */
  readonly optionPath?: string;
}

/**
 * A Dockerfile as a typed model: global build arguments and named stages of instructions, rendered by
 * one function. `# syntax=docker/dockerfile:1` is the first line (BuildKit ignores a parser directive
 * after any comment), then the generated-file marker. A `.dockerignore` is written beside it.
 */
export class Dockerfile extends FileBase {
  /** The `.dockerignore` of the build context. */
  public readonly dockerignore: IgnoreFile;
  private readonly globalArgs: GlobalArg[] = [];
  private readonly validateAlone: boolean;
  private readonly stageList: DockerfileStage[] = [];
  private readonly syntaxImage: string;

  public constructor(project: Project, filePath: string, options: DockerfileOptions = {}) {
    super(project, filePath, { readonly: true });
    const folder = filePath.includes('/') ? filePath.slice(0, filePath.lastIndexOf('/') + 1) : '';
    this.dockerignore = new IgnoreFile(project, options.dockerignorePath ?? `${folder}.dockerignore`, { filterCommentLines: false });
    const fileName = filePath.slice(folder.length);
    this.dockerignore.addPatterns(...(options.ignorePatterns ?? ['.git', fileName, '.dockerignore']));
    this.syntaxImage = options.syntaxImage ?? 'docker/dockerfile:1';

    this.validateAlone = !tryAddValidation(project, problems => this._validate(problems, filePath));
  }

  /** The stages, in order. */
  public get stages(): DockerfileStage[] {
    return [...this.stageList];
  }

  /**
   * Declares a build argument before the first FROM, usable in FROM lines (e.g. an overridable base image).
   * @param name argument name
   * @param defaultValue default value, e.g. an image reference
   * @param optionPath the option the default comes from, named in validation errors
   */
  public addGlobalArg(name: string, defaultValue?: string, optionPath?: string): void {
    const existing = this.globalArgs.findIndex(a => a.name === name);
    const arg = { name, defaultValue, optionPath };
    if (existing >= 0) this.globalArgs[existing] = arg;
    else this.globalArgs.push(arg);
  }

  /** The default of a global build argument, or undefined. */
  public tryGetGlobalArg(name: string): string | undefined {
    return this.globalArgs.find(a => a.name === name)?.defaultValue;
  }

  /** Appends a stage; returns it. */
  public addStage(name: string, options: DockerfileStageOptions): DockerfileStage {
    const stage = new DockerfileStage(name, options);
    this.stageList.push(stage);
    return stage;
  }

  /** Inserts a stage before the stage `before`; returns it. */
  public insertStageBefore(before: string, name: string, options: DockerfileStageOptions): DockerfileStage {
    const stage = new DockerfileStage(name, options);
    this.stageList.splice(this.indexOf(before), 0, stage);
    return stage;
  }

  /** Inserts a stage after the stage `after`; returns it. */
  public insertStageAfter(after: string, name: string, options: DockerfileStageOptions): DockerfileStage {
    const stage = new DockerfileStage(name, options);
    this.stageList.splice(this.indexOf(after) + 1, 0, stage);
    return stage;
  }

  /** Replaces a whole stage by an empty one with the same name in the same place; returns the new stage. */
  public replaceStage(name: string, options: DockerfileStageOptions): DockerfileStage {
    const stage = new DockerfileStage(name, options);
    this.stageList[this.indexOf(name)] = stage;
    return stage;
  }

  /** Removes a stage. */
  public removeStage(name: string): void {
    this.stageList.splice(this.indexOf(name), 1);
  }

  /** The stage with this name, or undefined. */
  public tryFindStage(name: string): DockerfileStage | undefined {
    return this.stageList.find(s => s.name === name);
  }

  /** The stage with this name; throws listing the stage names otherwise. */
  public stage(name: string): DockerfileStage {
    return this.stageList[this.indexOf(name)];
  }

  /** The last stage: what the image is made of. */
  public get finalStage(): DockerfileStage | undefined {
    return this.stageList[this.stageList.length - 1];
  }

  /** Checks stage names, references, base images and platforms. @internal */
  public _validate(problems: Problems, path: string): void {
    const args: { [name: string]: string | undefined } = {};
    for (const a of this.globalArgs) args[a.name] = a.defaultValue;
    const reported = new Set<string>();
    problems.check(this.stageList.length > 0, `${path}.stages`, [], 'is empty', 'add a stage with addStage(name, { from })');
    const earlier = new Set<string>();
    const allNames = new Set(this.stageList.map(s => s.name));
    this.stageList.forEach((stage, i) => {
      const at = `${path}.stages[${i}]`;
      problems.check(/^[a-z][a-z0-9_.-]*$/.test(stage.name), `${at}.name`, stage.name,
        'is not a stage name (lowercase letter first, then lowercase letters, digits, "_", "." or "-")', 'use e.g. "builder"');
      problems.check(!earlier.has(stage.name), `${at}.name`, stage.name, 'is the name of an earlier stage too',
        'give each stage its own name, or use replaceStage() to change a stage');
      this.checkSource(problems, `${at}.from`, stage.from, earlier, allNames, args, 'FROM', reported);
      if (stage.platform !== undefined && !String(stage.platform).startsWith('$')) {
        problems.check(Platform.tryFind(stage.platform) !== undefined, `${at}.platform`, stage.platform, 'is not a known platform',
          `use one of ${Platform.all().map(p => p.id).join(', ')}, or "$BUILDPLATFORM"`);
      }
      stage._instructions.forEach(instruction => {
        // Every line break we write continues the instruction (backslash first); any other would start a new one.
        problems.check(instruction.keyword === '#' || !/(^|[^\\])\n/.test(instruction._render()), `${at} ${instruction.keyword}`,
          instruction._render(), 'holds a line break inside a value, which would end the instruction there', 'keep each value on one line');
        for (const ref of instruction._references) {
          this.checkSource(problems, `${at} ${ref.option}`, ref.name, earlier, allNames, args, ref.option, reported);
        }
      });
      earlier.add(stage.name);
    });
  }

  /** A FROM or --from value names an earlier stage, `scratch`, or a tagged/digested image reference. */
  private checkSource(problems: Problems, at: string, value: string, earlier: Set<string>, all: Set<string>,
    args: { [name: string]: string | undefined }, what: string, reported: Set<string>): void {
    if (earlier.has(value) || value === 'scratch') return;
    if (all.has(value)) {
      problems.add(at, value, `names a stage that ${what} reads before it is defined`, 'move that stage above this one (a stage can only use earlier stages)');
      return;
    }
    const expanded = expandArgs(String(value), args);
    // An argument without a default is set at build time; nothing to check now.
    if (expanded === undefined || earlier.has(expanded)) return;
    // A value from a global ARG is reported once, at the option it came from.
    const origin = this.globalArgs.find(a => a.optionPath && new RegExp(`\\$\\{?${a.name}\\b`).test(value));
    const where = origin ? origin.optionPath! : at;
    const shown = origin ? expanded : value;
    if (reported.has(`${where}=${shown}`)) return;
    reported.add(`${where}=${shown}`);
    const parsed = parseImageReference(expanded);
    const stages = [...earlier].join(', ') || 'none';
    if (typeof parsed === 'string') {
      problems.add(where, shown, `is neither an earlier stage (${stages}) nor an image reference: it ${parsed}`,
        'name an earlier stage, or an image such as "docker.io/library/debian:bookworm-slim"');
      return;
    }
    problems.check(parsed.tag !== undefined || parsed.digest !== undefined, where, shown,
      `is neither an earlier stage (${stages}) nor an image reference with a tag or digest`,
      'name an earlier stage, or pin the image with a tag (and optionally @sha256:<digest>)');
  }

  private indexOf(name: string): number {
    const index = this.stageList.findIndex(s => s.name === name);
    if (index < 0) {
      throw new Error(`Stage "${name}" not found in ${this.path}. Available stages: ${this.stageList.map(s => s.name).join(', ') || '(none)'}`);
    }
    return index;
  }

  /** Validates on its own when the project collects no checks. */
  public preSynthesize(): void {
    if (!this.validateAlone) return;
    const problems = new Problems(`Dockerfile ${this.path}`);
    this._validate(problems, this.path);
    problems.throwIfAny();
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    return resolver.resolve(this._render());
  }

  /** The whole Dockerfile text. @internal */
  public _render(): string {
    const blocks: string[] = [];
    const head = [`# syntax=${this.syntaxImage}`];
    if (this.marker) head.push(`# ${this.marker}`);
    blocks.push(head.join('\n'));
    if (this.globalArgs.length > 0) {
      blocks.push(this.globalArgs.map(a => Instruction.arg(a.name, a.defaultValue)._render()).join('\n'));
    }
    for (const stage of this.stageList) {
      const from = ['FROM', ...(stage.platform ? [`--platform=${stage.platform}`] : []), stage.from, 'AS', stage.name].join(' ');
      blocks.push([from, ...stage._instructions.map(i => i._render())].join('\n'));
    }
    return `${blocks.join('\n\n')}\n`;
  }
}
