import { basename, extname } from 'path';
import { FileBase, IResolver, Project, SampleFile, Task } from 'projen';
import { LanguageProfile } from './language-profile';
import { VehicleApp } from '../app/vehicle-app';

/** What the app's sources are made from. @internal */
export interface AppSourcesProps {
  readonly app: VehicleApp;
  /** Folder of the app, relative to the project root. */
  readonly appDir: string;
  readonly language: LanguageProfile;
  /** Write the owned sample sources (once). */
  readonly sampleCode: boolean;
  /** Prefix of the lint task's name, e.g. `seat:` (several apps in one project each need their own). */
  readonly taskPrefix?: string;
}

/** Config files without an extension whose comments start with `#` (YAML). */
const HASH_COMMENTED_FILES = ['.clang-format'];

/** Line comment of a generated source, by extension: `#` for Python, CMake, shell and config files, else `//`. */
function lineComment(path: string): string {
  const hash = ['.py', '.pyi', '.txt', '.cmake', '.toml', '.cfg', '.ini', '.yaml', '.yml', '.sh'].includes(extname(path));
  return hash || HASH_COMMENTED_FILES.includes(basename(path)) ? '#' : '//';
}

/** A generated source: the language's text under a first-line comment with the projen marker, read-only. */
class GeneratedSource extends FileBase {
  constructor(project: Project, path: string, private readonly text: string) {
    super(project, path, { readonly: true, marker: true });
  }

  protected synthesizeContent(_: IResolver): string {
    const head = this.marker ? `${lineComment(this.path)} ${this.marker}\n` : '';
    return `${head}${this.text}`;
  }
}

/**
 * The app's sources and the tasks on them: the owned sample (written once), the bindings that follow the
 * manifest (regenerated on every synth), `lint` (spawned by `build` before the tests) and `test`.
 * @internal
 */
export class AppSources {
  /** The task that lints the app's sources. */
  public static readonly LINT_TASK = 'lint';

  public readonly lintTask?: Task;

  constructor(project: Project, props: AppSourcesProps) {
    const spec = props.language._spec;
    if (props.sampleCode) {
      for (const [path, contents] of Object.entries(spec.samples(props.app))) {
        new SampleFile(project, `${props.appDir}/${path}`, { contents });
      }
    }
    for (const [path, text] of Object.entries(spec.bindings(props.app))) {
      new GeneratedSource(project, `${props.appDir}/${path}`, text);
    }
    project.testTask.addSteps(...spec.testTaskSteps(props.appDir));
    const lintSteps = spec.lintTaskSteps(props.appDir);
    if (lintSteps.length > 0) {
      this.lintTask = project.addTask(`${props.taskPrefix ?? ''}${AppSources.LINT_TASK}`, { description: `Lint the app's ${spec.displayName} sources` });
      this.lintTask.addSteps(...lintSteps);
      // build: synth, compile, lint, test.
      project.postCompileTask.spawn(this.lintTask);
    }
  }
}
