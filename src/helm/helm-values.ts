import { renderYaml } from './template-yaml';

/** A value a chart user can set, with its default, its schema and the comment that explains it. */
export interface HelmValueOptions {
  /** Dot-separated path below `.Values`, e.g. `metrics.port`; each part a letter then letters, digits or "_". */
  readonly path: string;
  /** One-line description, written as the comment above the key in values.yaml. */
  readonly description: string;
  /** The default value (JSON). */
  readonly defaultValue: any;
  /**
   * JSON schema of the value, written into values.schema.json.
   * @default - the type of the default value; objects and arrays are free-form
   */
  readonly schema?: any;
  /**
   * Comments written above the keys of an object default in values.yaml, by key.
   * @default - only the value's own description
   */
  readonly keyComments?: { [key: string]: string };
}

interface Leaf {
  readonly kind: 'leaf';
  readonly description: string;
  readonly defaultValue: unknown;
  readonly schema: unknown;
  readonly keyComments?: { readonly [key: string]: string };
}

interface Group {
  readonly kind: 'group';
  description: string;
  /** Keys not listed are allowed (a subchart's values, free-form maps). */
  open: boolean;
  readonly children: Map<string, Leaf | Group>;
}

const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The typed values of a chart: one definition gives values.yaml (with a comment on every key),
 * values.schema.json and the `.Values.x` references the templates use.
 * @internal
 */
export class HelmValues {
  private readonly root: Group = { kind: 'group', description: '', open: false, children: new Map() };

  /** Declares a group of values (an object in values.yaml); `open` lets keys not declared through. */
  public group(path: string, description: string, open = false): string {
    const group = this.groupAt(path.split('.'), path);
    group.description = description;
    group.open = open;
    return `.Values.${path}`;
  }

  /** Declares a value; returns its reference, e.g. `.Values.image.tag`. */
  public add(options: HelmValueOptions): string {
    const parts = options.path.split('.');
    for (const part of parts) {
      if (!KEY.test(part)) {
        throw new Error(`Helm value path ${JSON.stringify(options.path)}: part ${JSON.stringify(part)} is not a key (a letter, then letters, digits or "_"). Fix: rename it, e.g. "metricsPort".`);
      }
    }
    const parent = this.groupAt(parts.slice(0, -1), options.path);
    const key = parts[parts.length - 1];
    if (parent.children.has(key)) {
      throw new Error(`Helm value path ${JSON.stringify(options.path)} is already defined. Fix: pick another path or drop the second definition.`);
    }
    if (typeof options.description !== 'string' || options.description.trim().length === 0) {
      throw new Error(`Helm value ${JSON.stringify(options.path)}: description is empty. Fix: say in one line what the value does; it becomes the comment in values.yaml.`);
    }
    parent.children.set(key, {
      kind: 'leaf',
      description: options.description,
      defaultValue: clone(options.defaultValue),
      schema: options.schema !== undefined ? clone(options.schema) : inferSchema(options.defaultValue),
      keyComments: options.keyComments,
    });
    return `.Values.${options.path}`;
  }

  /**
   * A consumer's value: declared when new; on an existing value whose default is a map, the new default's
   * keys are merged into it (the chart's schema and comment stay). Anything else fails naming what exists.
   */
  public addOrMerge(options: HelmValueOptions): string {
    const parts = options.path.split('.');
    let node: Leaf | Group | undefined = this.root;
    for (const part of parts) node = node?.kind === 'group' ? node.children.get(part) : undefined;
    if (node === undefined) return this.add(options);
    const at = JSON.stringify(options.path);
    if (node.kind === 'group') {
      throw new Error(`Helm value ${at} is a group of the chart with the keys ${[...node.children.keys()].join(', ')}. `
        + `Fix: add a key below it (e.g. "${options.path}.myKey") or choose another path.`);
    }
    const existing = node.defaultValue;
    if (!isMap(existing) || !isMap(options.defaultValue)) {
      throw new Error(`Helm value ${at} already exists in the chart ("${node.description.split('\n')[0]}", default ${JSON.stringify(existing)}). `
        + 'Only map defaults merge. Fix: choose another path, or set this value in values files or with patches.');
    }
    const clash = Object.keys(options.defaultValue).filter(k => k in (existing as object));
    if (clash.length > 0) {
      throw new Error(`Helm value ${at}: the chart's default already has ${clash.map(k => JSON.stringify(k)).join(', ')} (default ${JSON.stringify(existing)}). Fix: add other keys.`);
    }
    const parent = this.groupAt(parts.slice(0, -1), options.path);
    parent.children.set(parts[parts.length - 1], {
      ...node,
      defaultValue: { ...(existing as object), ...clone(options.defaultValue) },
      keyComments: { ...node.keyComments, ...options.keyComments },
    });
    return `.Values.${options.path}`;
  }

  /** Whether a value or group exists at `path`. */
  public has(path: string): boolean {
    let node: Leaf | Group | undefined = this.root;
    for (const part of path.split('.')) {
      if (node?.kind !== 'group') return false;
      node = node.children.get(part);
    }
    return node !== undefined;
  }

  /** The default values as JSON. */
  public defaults(): Record<string, unknown> {
    return defaultsOf(this.root);
  }

  /** values.yaml: every key preceded by its comment. */
  public toYaml(header: string[]): string {
    const lines = header.map(h => `# ${h}`);
    lines.push(...groupLines(this.root, 0));
    return lines.join('\n') + '\n';
  }

  /** values.schema.json (draft-07). Unknown top-level keys are errors, except `global` and open groups. */
  public toSchema(title: string): Record<string, unknown> {
    const schema = groupSchema(this.root) as Record<string, any>;
    schema.properties = { global: { type: 'object', description: 'Values Helm shares with every subchart.' }, ...schema.properties };
    return { $schema: 'http://json-schema.org/draft-07/schema#', title, ...schema };
  }

  private groupAt(parts: string[], fullPath: string): Group {
    let group = this.root;
    for (const part of parts) {
      if (!KEY.test(part)) throw new Error(`Helm value path ${JSON.stringify(fullPath)}: part ${JSON.stringify(part)} is not a key. Fix: use letters, digits and "_".`);
      let child = group.children.get(part);
      if (child === undefined) {
        child = { kind: 'group', description: part, open: false, children: new Map() };
        group.children.set(part, child);
      }
      if (child.kind !== 'group') {
        throw new Error(`Helm value path ${JSON.stringify(fullPath)}: ${JSON.stringify(part)} is a value, not a group. Fix: choose a path outside it.`);
      }
      group = child;
    }
    return group;
  }
}

function groupLines(group: Group, indent: number): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(indent);
  let first = true;
  for (const [key, node] of group.children) {
    if (indent === 0 && !first) lines.push('');
    first = false;
    for (const line of node.description.split('\n')) lines.push(`${pad}# ${line}`);
    if (node.kind === 'group') {
      const inner = groupLines(node, indent + 2);
      lines.push(inner.length ? `${pad}${key}:` : `${pad}${key}: {}`, ...inner);
      continue;
    }
    const value = node.defaultValue;
    const isEmpty = value === null || typeof value !== 'object' || Object.keys(value as object).length === 0;
    if (isEmpty) {
      lines.push(`${pad}${key}: ${renderYaml(value)[0].trim()}`);
    } else if (Array.isArray(value)) {
      lines.push(`${pad}${key}:`, ...renderYaml(value, indent));
    } else {
      lines.push(`${pad}${key}:`);
      for (const [innerKey, innerValue] of Object.entries(value as object)) {
        const comment = node.keyComments?.[innerKey];
        if (comment) lines.push(`${pad}  # ${comment}`);
        lines.push(...renderYaml({ [innerKey]: innerValue }, indent + 2));
      }
    }
  }
  return lines;
}

function groupSchema(group: Group): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, node] of group.children) {
    properties[key] = node.kind === 'group'
      ? { description: node.description, ...groupSchema(node) }
      : { description: node.description, ...(node.schema as object) };
  }
  return { type: 'object', properties, ...(group.open ? {} : { additionalProperties: false }) };
}

function defaultsOf(group: Group): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, node] of group.children) {
    result[key] = node.kind === 'group' ? defaultsOf(node) : clone(node.defaultValue);
  }
  return result;
}

function inferSchema(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (Array.isArray(value)) return { type: 'array' };
  if (value !== null && typeof value === 'object') return { type: 'object' };
  return {};
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
