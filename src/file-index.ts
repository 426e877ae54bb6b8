import * as path from 'path';
import { IConstruct } from 'constructs';
import { Component, FileBase, Project } from 'projen';

/**
 * projen's `tryFindFile` walks the whole construct tree, and every new file calls it (to refuse a second file at
 * its path): quadratic in the number of files, seconds for 50 apps. This index answers the same question from a
 * map. Exact: a path that was missing is looked up again among the project's new children (where projen files
 * are created), and in the whole tree when not found there.
 * @internal
 */
export class FileIndex {
  private readonly byPath = new Map<string, FileBase>();
  /** Children added to the project since the last lookup; undefined: index the whole tree. */
  private added?: IConstruct[];
  /** A path that was missing when last asked: a file may have been created there since. */
  private missed?: string;

  public constructor(private readonly project: Project) {
    // The project's new children are where projen files are created; without this hook every lookup after a miss walks the tree.
    const node = project.node as unknown as { addChild?: (child: IConstruct, id: string) => void };
    const addChild = node.addChild;
    if (typeof addChild === 'function') {
      node.addChild = (child, id) => {
        addChild.call(node, child, id);
        this.added?.push(child);
      };
    }
  }

  /** The file at a path relative to the project (or absolute), like `Project.tryFindFile`. */
  public find(filePath: string): FileBase | undefined {
    const absolute = path.isAbsolute(filePath) ? filePath : path.resolve(this.project.outdir, filePath);
    this.catchUp();
    const found = this.byPath.get(absolute);
    if (found === undefined) this.missed = absolute;
    return found;
  }

  /** A file was removed: index again. */
  public forget(): void {
    this.added = undefined;
  }

  private catchUp(): void {
    if (this.added === undefined) {
      this.byPath.clear();
      this.added = [];
      this.indexTree(this.project);
    }
    for (const child of this.added.splice(0)) this.indexTree(child);
    const missed = this.missed;
    this.missed = undefined;
    // Created under another scope than the project: index everything again.
    if (missed !== undefined && !this.byPath.has(missed)) this.indexTree(this.project);
  }

  private indexTree(root: IConstruct): void {
    for (const c of root.node.findAll()) {
      if (c instanceof FileBase && c.project === this.project) this.byPath.set(c.absolutePath, c);
    }
  }
}

/**
 * The project's components, listed once when synthesis has built them all: projen looks up the .projenrc file
 * among all components for the marker of every generated file.
 * @internal
 */
export class ComponentsFreeze extends Component {
  public constructor(project: Project, private readonly freeze: () => void) {
    super(project);
  }

  /** Created last, in the project's preSynthesize: it runs after every component that creates files there. */
  public preSynthesize(): void {
    this.freeze();
  }
}
