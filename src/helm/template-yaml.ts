/**
 * A YAML writer for Helm templates.
 *
 * Kubernetes objects are plain JSON, except where a value is a Go template: those are `TemplateNode`s
 * and are written verbatim, so a number stays a number (`replicas: {{ .Values.replicaCount }}`) and a
 * block becomes whole lines (`{{- toYaml . | nindent 8 }}`). A YAML library would quote them.
 * Strings are quoted whenever YAML 1.1 could read them as anything but a string.
 */

/** A piece of Go template that the writer emits as is. @internal */
export abstract class TemplateNode {
  /** Lines for a map entry `key: <this>` at `indent` spaces. */
  public abstract entry(key: string, indent: number): string[];
  /** Lines for a sequence item `- <this>` at `indent` spaces. */
  public item(_indent: number): string[] {
    throw new Error(`${this.constructor.name} cannot be a sequence item`);
  }
}

/** `key: {{ expr }}`: a scalar written without quotes. */
class InlineNode extends TemplateNode {
  public constructor(private readonly text: string) { super(); }
  public entry(key: string, indent: number): string[] {
    return [`${pad(indent)}${yamlKey(key)}: ${this.text}`];
  }
  public item(indent: number): string[] {
    return [`${pad(indent)}- ${this.text}`];
  }
}

/** `key:` followed by lines that Go templates fill in; `render(n)` gets the indent of the content. */
class LinesNode extends TemplateNode {
  public constructor(private readonly render: (indent: number) => string[]) { super(); }
  public entry(key: string, indent: number): string[] {
    return [`${pad(indent)}${yamlKey(key)}:`, ...this.render(indent + 2).map(l => `${pad(indent + 2)}${l}`)];
  }
  public item(indent: number): string[] {
    return this.render(indent).map(l => `${pad(indent)}${l}`);
  }
}

/** `{{- with expr }} key: <toYaml> {{- end }}`: the entry is left out when the value is empty. */
class OptionalBlockNode extends TemplateNode {
  public constructor(private readonly expr: string) { super(); }
  public entry(key: string, indent: number): string[] {
    return [
      `${pad(indent)}{{- with ${this.expr} }}`,
      `${pad(indent)}${yamlKey(key)}:`,
      `${pad(indent + 2)}{{- toYaml . | nindent ${indent + 2} }}`,
      `${pad(indent)}{{- end }}`,
    ];
  }
}

/** `{{- if cond }} <entry> {{- end }}`: a JSON value or another node, written only when `cond` holds. */
class ConditionalNode extends TemplateNode {
  public constructor(private readonly condition: string, private readonly value: unknown) { super(); }
  public entry(key: string, indent: number): string[] {
    return [`${pad(indent)}{{- if ${this.condition} }}`, ...entryLines(key, this.value, indent), `${pad(indent)}{{- end }}`];
  }
  public item(indent: number): string[] {
    return [`${pad(indent)}{{- if ${this.condition} }}`, ...itemLines(this.value, indent), `${pad(indent)}{{- end }}`];
  }
}

/** Factories of template nodes. @internal */
export const tpl = {
  /** A scalar written verbatim, e.g. `{{ .Values.replicaCount }}`. */
  inline: (text: string): TemplateNode => new InlineNode(text),
  /** `{{ expr }}` written verbatim. */
  value: (expr: string): TemplateNode => new InlineNode(`{{ ${expr} }}`),
  /** `{{ expr | quote }}`: a string. */
  quoted: (expr: string): TemplateNode => new InlineNode(`{{ ${expr} | quote }}`),
  /** A block: `key:` then `{{- toYaml expr | nindent N }}`. */
  toYaml: (expr: string): TemplateNode => new LinesNode(n => [`{{- toYaml ${expr} | nindent ${n} }}`]),
  /** A block left out, key and all, when `expr` is empty. */
  optional: (expr: string): TemplateNode => new OptionalBlockNode(expr),
  /** Whole lines under `key:`; `render` gets the indent to use with `nindent`. */
  lines: (render: (indent: number) => string[]): TemplateNode => new LinesNode(render),
  /** A JSON value or node written only when `condition` holds. */
  when: (condition: string, value: unknown): TemplateNode => new ConditionalNode(condition, value),
};

/**
 * Swaps placeholder strings for template nodes. Placeholders survive cdk8s JSON patches and
 * `toJson()` (which deep-copy plain data only); the writer gets the nodes back.
 * @internal
 */
export class TemplateNodeRegistry {
  private readonly nodes = new Map<string, TemplateNode>();

  /** A placeholder string standing for `node`. */
  public placeholder(node: TemplateNode): string {
    const key = `__helm_template_node_${this.nodes.size}__`;
    this.nodes.set(key, node);
    return key;
  }

  /**
   * A map entry `{ <key>: <key> }` whose lines `render` writes inside the map, beside its other keys:
   * a map such as `labels` keeps the chart's template lines and takes keys a JSON patch adds.
   */
  public linesEntry(render: (indent: number) => string[]): Record<string, string> {
    const key = `${LINES_KEY_PREFIX}${this.nodes.size}__`;
    this.nodes.set(key, tpl.lines(render));
    return { [key]: key };
  }

  /** Whether `value` is a placeholder (a template expression stands there). */
  public isPlaceholder(value: unknown): boolean {
    return typeof value === 'string' && this.nodes.has(value);
  }

  /** A copy of `json` with every placeholder replaced by its node. */
  public resolve(json: unknown): unknown {
    if (typeof json === 'string') return this.nodes.get(json) ?? json;
    if (Array.isArray(json)) return json.map(v => this.resolve(v));
    if (isPlainObject(json)) {
      const result: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(json as Record<string, unknown>)) result[k] = this.resolve(v);
      return result;
    }
    return json;
  }
}

const LINES_KEY_PREFIX = '__helm_template_lines_';

/** Renders a document (a JSON object whose values may be template nodes) as YAML lines. @internal */
export function renderTemplateYaml(doc: Record<string, unknown>): string {
  return mapLines(doc, 0).join('\n') + '\n';
}

/** Renders plain JSON as YAML (no template nodes), e.g. for Chart.yaml and values.yaml. @internal */
export function renderYaml(value: unknown, indent = 0): string[] {
  if (isPlainObject(value) && Object.keys(value as object).length === 0) return [`${pad(indent)}{}`];
  if (Array.isArray(value) && value.length === 0) return [`${pad(indent)}[]`];
  if (isPlainObject(value)) return mapLines(value as Record<string, unknown>, indent);
  if (Array.isArray(value)) return seqLines(value, indent);
  return [`${pad(indent)}${scalar(value)}`];
}

function mapLines(map: Record<string, unknown>, indent: number): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    // Template lines inside the map (see TemplateNodeRegistry.linesEntry), written at the map's indent.
    if (key.startsWith(LINES_KEY_PREFIX) && value instanceof TemplateNode) lines.push(...value.item(indent));
    else lines.push(...entryLines(key, value, indent));
  }
  return lines;
}

function entryLines(key: string, value: unknown, indent: number): string[] {
  if (value instanceof TemplateNode) return value.entry(key, indent);
  const head = `${pad(indent)}${yamlKey(key)}:`;
  if (isPlainObject(value)) {
    const inner = mapLines(value as Record<string, unknown>, indent + 2);
    return inner.length === 0 ? [`${head} {}`] : [head, ...inner];
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? [`${head} []`] : [head, ...seqLines(value, indent)];
  }
  return [`${head} ${scalar(value)}`];
}

function seqLines(items: unknown[], indent: number): string[] {
  const lines: string[] = [];
  for (const item of items) lines.push(...itemLines(item, indent));
  return lines;
}

function itemLines(item: unknown, indent: number): string[] {
  if (item instanceof TemplateNode) return item.item(indent);
  if (isPlainObject(item) || Array.isArray(item)) {
    const inner = isPlainObject(item) ? mapLines(item as Record<string, unknown>, indent + 2) : seqLines(item as unknown[], indent + 2);
    if (inner.length === 0) return [`${pad(indent)}- ${isPlainObject(item) ? '{}' : '[]'}`];
    const first = inner[0];
    // Put the first entry on the dash line unless it is a template action line.
    if (!first.trimStart().startsWith('{{')) return [`${pad(indent)}- ${first.trimStart()}`, ...inner.slice(1)];
    return [`${pad(indent)}-`, ...inner];
  }
  return [`${pad(indent)}- ${scalar(item)}`];
}

// Words YAML 1.1 reads as booleans or null; they must be quoted to stay strings.
const YAML11_SPECIAL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

function scalar(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  if (PLAIN_SAFE.test(text) && !YAML11_SPECIAL.test(text)) return text;
  // Single quotes keep Go template actions readable ('{{ include "x" . }}'); JSON quoting handles the rest.
  if (!/[\n\r\t\\]/.test(text) && /^[\x20-\x7e]*$/.test(text)) return `'${text.replace(/'/g, "''")}'`;
  return JSON.stringify(text);
}

function yamlKey(key: string): string {
  return scalar(key);
}

function pad(n: number): string {
  return ' '.repeat(n);
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof TemplateNode);
}
