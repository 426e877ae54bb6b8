import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HelmValues } from './helm-values';
import { renderTemplateYaml, renderYaml, TemplateNode, TemplateNodeRegistry, tpl } from './template-yaml';

/** A maintainer named in Chart.yaml. @internal */
export interface ChartMaintainer {
  readonly name: string;
  readonly email?: string;
  readonly url?: string;
}

/** A subchart the chart depends on. @internal */
export interface ChartDependency {
  readonly name: string;
  readonly version: string;
  /** Values path that switches the subchart on, e.g. `databroker.enabled`. */
  readonly condition: string;
}

/** What Chart.yaml says. @internal */
export interface ChartMetadata {
  readonly name: string;
  readonly version: string;
  readonly appVersion: string;
  readonly description: string;
  readonly kubeVersion: string;
  readonly home?: string;
  readonly sources?: string[];
  readonly maintainers?: ChartMaintainer[];
  readonly keywords?: string[];
  readonly dependencies?: ChartDependency[];
  /**
   * Object names are always `<release>-<chart>`, even when the release name contains the chart
   * name, so other charts can address them (runtime services).
   */
  readonly fixedFullname?: boolean;
}

/** What `addObject` returns: more patches on the rendered object, and render-time checks. @internal */
export interface ChartObjectHandle {
  addJsonPatch(...ops: JsonPatch[]): ChartObjectHandle;
  /** Stops the render with `fail <message>` (a Go template string expression) when `condition` holds. */
  addGuard(condition: string, message: string): ChartObjectHandle;
}

interface ChartObject {
  readonly id: string;
  readonly kind: string;
  readonly apiObject: ApiObject;
  readonly file: string;
  /** Go template condition around the whole file. */
  readonly condition?: string;
  /** The chart's own patches on the rendered JSON (its template overlay). */
  readonly patches: JsonPatch[];
  /** A consumer's patches, applied after the chart's. */
  readonly consumerPatches: JsonPatch[];
  /** Applied to the rendered JSON after the chart's patches, before the consumer's (metadata of an object a consumer added). */
  finish?: (json: any) => any;
  /** Template lines before the object that stop the render with `fail` on values the schema cannot check. */
  readonly guards: string[];
}

/**
 * Builds one Helm chart: a private cdk8s App (its own construct root, beside the projen tree) holds
 * the Kubernetes objects, a typed values model holds the knobs, and `render()` turns both into the
 * chart's files. The objects carry placeholders where a template expression goes; they survive
 * cdk8s JSON patches and become raw template text when written.
 * @internal
 */
export class ChartBuilder {
  public readonly values = new HelmValues();
  public readonly scope: Chart;
  private readonly nodes = new TemplateNodeRegistry();
  private readonly objects: ChartObject[] = [];
  private readonly templates = new Map<string, string>();
  private readonly files = new Map<string, () => string>();

  public constructor(public readonly metadata: ChartMetadata) {
    this.scope = new Chart(new App(), metadata.name, { disableResourceNameHashes: true });
  }

  /** The prefix of the chart's named templates, e.g. `seat-adjuster` in `include "seat-adjuster.fullname"`. */
  public get prefix(): string {
    return this.metadata.name;
  }

  /** `include "<chart>.<name>" .` */
  public include(name: string, context = '.'): string {
    return `include "${this.prefix}.${name}" ${context}`;
  }

  /** A placeholder string that becomes `node` when written. */
  public ph(node: TemplateNode): string {
    return this.nodes.placeholder(node);
  }

  /** Template lines inside a map, to spread into it: `{ ...chart.linesEntry(n => [...]), other: 'x' }`. */
  public linesEntry(render: (indent: number) => string[]): Record<string, string> {
    return this.nodes.linesEntry(render);
  }

  /** Metadata of every object: the release-aware name (+ suffix), the release namespace and the chart's labels. */
  public objectMetadata(suffix = ''): Record<string, unknown> {
    return {
      name: this.ph(tpl.inline(suffix
        // A suffixed name cuts the fullname first, so it stays a DNS label (<= 63) and distinct from the others.
        ? `{{ ${this.include('fullname')} | trunc ${63 - suffix.length} | trimSuffix "-" }}${suffix}`
        : `{{ ${this.include('fullname')} }}`)),
      namespace: this.ph(tpl.value('.Release.Namespace')),
      labels: this.linesEntry(n => [`{{- ${this.include('labels')} | nindent ${n} }}`]),
    };
  }

  /**
   * Adds an object a consumer built (any cdk8s ApiObject or construct) as `templates/<file>`, templated like
   * the chart's own: named `<fullname>-<id>` in the release namespace with the chart's labels (its own labels
   * and annotations kept).
   */
  public addConsumerObject(id: string, construct: IConstruct, file: string, condition?: string): void {
    this.addObject(id, construct, file, condition);
    const object = this.objects[this.objects.length - 1];
    const standard = this.objectMetadata(`-${id}`);
    object.finish = json => ({
      ...json,
      metadata: {
        ...json.metadata,
        ...standard,
        labels: { ...(standard.labels as object), ...json.metadata?.labels },
      },
    });
  }

  /** Writes `construct`'s API object as `templates/<file>`, optionally inside `{{- if condition }}`. */
  /**
   * Writes `construct`'s API object as `templates/<file>`, optionally inside `{{- if condition }}`;
   * returns a function that adds patches on its rendered JSON. (Patches go on the rendered JSON,
   * not the ApiObject: cdk8s L1 objects re-type their JSON after ApiObject patches, which would
   * reject placeholders where arrays or objects are expected.)
   */
  public addObject(id: string, construct: IConstruct, file: string, condition?: string): ChartObjectHandle {
    const apiObject = construct instanceof ApiObject ? construct : ApiObject.of(construct);
    if (this.objects.some(o => o.id === id && o.kind === apiObject.kind)) throw new Error(`${apiObject.kind} "${id}" is already in the chart`);
    const object: ChartObject = { id, kind: apiObject.kind, apiObject, file, condition, patches: [], consumerPatches: [], guards: [] };
    this.objects.push(object);
    const handle: ChartObjectHandle = {
      addJsonPatch: (...ops: JsonPatch[]) => { object.patches.push(...ops); return handle; },
      addGuard: (when: string, message: string) => {
        object.guards.push(`{{- if ${when} }}\n{{- fail ${message} }}\n{{- end }}`);
        return handle;
      },
    };
    return handle;
  }

  /** Adds a raw template file under `templates/`. */
  public addTemplate(file: string, content: string): void {
    if (this.templates.has(file) || this.objects.some(o => o.file === file)) {
      throw new Error(`Template "templates/${file}" already exists in chart ${this.metadata.name}. Fix: choose another file name.`);
    }
    this.templates.set(file, content);
  }

  /** Adds a file at `path` relative to the chart directory (e.g. `files/vss.json`). */
  public addFile(path: string, content: () => string): void {
    this.files.set(path, content);
  }

  /** The API object of kind `kind` added under `id`; throws naming what exists. */
  public findObject(kind: string, id: string): ApiObject {
    return this.object(kind, id).apiObject;
  }

  /** Applies JSON patches to an object's rendered JSON, after the chart's own. */
  public patchObject(kind: string, id: string, ...patches: JsonPatch[]): void {
    this.object(kind, id).consumerPatches.push(...patches);
  }

  private object(kind: string, id: string): ChartObject {
    const found = this.objects.find(o => o.kind === kind && o.id === id);
    if (!found) {
      const available = this.objects.map(o => `${o.kind}/${o.id}`).join(', ');
      throw new Error(`No ${kind} "${id}" in chart ${this.metadata.name}. Available objects: ${available}.`);
    }
    return found;
  }

  /** Every file of the chart, by path relative to the chart directory. */
  public render(): Map<string, string> {
    const out = new Map<string, string>();
    out.set('Chart.yaml', this.chartYaml());
    out.set('values.yaml', this.values.toYaml([`Default values of the ${this.metadata.name} chart.`, 'Every key is checked by values.schema.json.']));
    out.set('values.schema.json', JSON.stringify(this.values.toSchema(`Values of the ${this.metadata.name} chart`), null, 2) + '\n');
    out.set('.helmignore', HELMIGNORE);
    const dependencyHelpers = (this.metadata.dependencies ?? []).map(d => dependencyHostHelper(this.prefix, d));
    out.set('templates/_helpers.tpl', [helpersTpl(this.prefix, this.metadata.fixedFullname ?? false), ...dependencyHelpers].join('\n'));
    for (const object of this.objects) {
      let json = this.renderedJson(object);
      json = this.nodes.resolve(json);
      const body = [...object.guards.map(g => `${g}\n`), renderTemplateYaml(json as Record<string, unknown>)].join('');
      out.set(`templates/${object.file}`, object.condition ? `{{- if ${object.condition} }}\n${body}{{- end }}\n` : body);
    }
    for (const [file, content] of this.templates) out.set(`templates/${file}`, content);
    for (const [path, content] of this.files) out.set(path, content());
    return out;
  }

  /**
   * The object's JSON: cdk8s' rendering, the chart's patches, then the consumer's: those given to
   * patchObject() and those added on the ApiObject itself (findObject(...).addJsonPatch()), which cdk8s
   * would apply before the chart's and lose under them.
   */
  private renderedJson(object: ChartObject): unknown {
    const own = (object.apiObject as unknown as { patches?: JsonPatch[] }).patches;
    const onApiObject = Array.isArray(own) ? own.splice(0) : [];
    let json: any;
    try {
      json = object.apiObject.toJson();
    } finally {
      own?.push(...onApiObject);
    }
    const where = `${object.kind} "${object.id}" (templates/${object.file})`;
    json = this.applyPatches(json, object.patches, where);
    if (object.finish) json = object.finish(json);
    for (const patch of [...object.consumerPatches, ...onApiObject]) {
      this.checkPatchTarget(json, patch, where);
      json = this.applyPatches(json, [patch], where);
    }
    return json;
  }

  private applyPatches(json: unknown, patches: JsonPatch[], where: string): unknown {
    try {
      return JsonPatch.apply(json, ...patches);
    } catch (e: any) {
      throw new Error(`Chart ${this.metadata.name}: a JSON patch of ${where} failed: ${e.message}. Fix: patch paths that exist in the rendered object.`);
    }
  }

  /** A patch below a key the chart renders from a template expression would be lost: fail naming it. */
  private checkPatchTarget(json: unknown, patch: JsonPatch, where: string): void {
    const { op, path } = (patch as unknown as { _toJson(): { op: string; path: string } })._toJson();
    const segments = path.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: any = json;
    for (let i = 0; i < segments.length - 1 && node !== undefined && node !== null; i++) {
      node = node[segments[i]];
      if (this.nodes.isPlaceholder(node)) {
        const at = `/${segments.slice(0, i + 1).join('/')}`;
        throw new Error(`Chart ${this.metadata.name}: the JSON patch "${op} ${path}" of ${where} goes into ${at}, which the chart renders from `
          + `a Helm template expression (values), so it would be lost. Fix: set it through the chart's values, or replace ${at} as a whole.`);
      }
    }
  }

  private chartYaml(): string {
    const m = this.metadata;
    const chart: Record<string, unknown> = {
      apiVersion: 'v2',
      name: m.name,
      description: m.description,
      type: 'application',
      version: m.version,
      appVersion: m.appVersion,
      kubeVersion: m.kubeVersion,
      home: m.home,
      sources: m.sources?.length ? m.sources : undefined,
      keywords: m.keywords?.length ? m.keywords : undefined,
      maintainers: m.maintainers?.length ? m.maintainers.map(x => ({ ...x })) : undefined,
      dependencies: m.dependencies?.length
        // Unpacked under charts/: Helm resolves them without a repository or network.
        ? m.dependencies.map(d => ({ name: d.name, version: d.version, condition: d.condition }))
        : undefined,
    };
    return renderYaml(JSON.parse(JSON.stringify(chart))).join('\n') + '\n';
  }
}

const HELMIGNORE = [
  '# Patterns Helm leaves out when packaging the chart.',
  '.DS_Store',
  '.git/',
  '.gitignore',
  '*.swp',
  '*.bak',
  '*.tmp',
  '*.orig',
  '*~',
  '.project',
  '.idea/',
  '.vscode/',
  '',
].join('\n');

/**
 * The Service host of a subchart as the parent's templates write it (e.g. in an SDV_* address):
 * `{{ include "<parent>.<dependency>.host" . }}`.
 * @internal
 */
export function dependencyHost(parentPrefix: string, dependency: string): string {
  return `{{ include "${parentPrefix}.${dependency}.host" . }}`;
}

/** `<dependency>`'s fullname in the release, without a Go template action: `<release>-<name>`, cut to 63. */
function fixedFullnameExpr(release: string, name: string): string {
  return `printf "%s-%s" ${release} ${name} | trunc 63 | trimSuffix "-"`;
}

/**
 * `<parent>.<dependency>.host`: the subchart's own `<dependency>.host` template (named templates are shared
 * by parent and subcharts, so its fullnameOverride and nameOverride apply); a disabled subchart is not
 * loaded, and its Service is then named by the default rule.
 */
function dependencyHostHelper(p: string, dependency: ChartDependency): string {
  return `{{/*
The Service name of the ${dependency.name} subchart (its own fullname template while it is enabled).
*/}}
{{- define "${p}.${dependency.name}.host" -}}
{{- if .Values.${dependency.condition} }}
{{- include "${dependency.name}.host" . }}
{{- else }}
{{- ${fixedFullnameExpr('.Release.Name', `"${dependency.name}"`)} }}
{{- end }}
{{- end }}
`;
}

/**
 * `<chart>.host`: this chart's fullname, called from a parent chart's context, on the parent's
 * `.Values.<chart>` (where a user sets the subchart's fullnameOverride and nameOverride).
 */
function hostHelper(p: string): string {
  return `{{/*
The Service name of this chart, called from a parent chart's context: its fullname on the parent's
.Values.${p}, so fullnameOverride and nameOverride set there apply.
*/}}
{{- define "${p}.host" -}}
{{- include "${p}.fullname" (dict "Values" (index .Values "${p}") "Release" .Release "Chart" (dict "Name" "${p}")) }}
{{- end }}
`;
}

function helpersTpl(p: string, fixedFullname: boolean): string {
  const fullname = fixedFullname ? `{{/*
The release-aware name of the chart's objects, at most 63 characters (the DNS label limit):
always <release>-<chart name>, so other charts of the release can address the Service.
*/}}
{{- define "${p}.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- ${fixedFullnameExpr('.Release.Name', '(default .Chart.Name .Values.nameOverride)')} }}
{{- end }}
{{- end }}

${hostHelper(p)}` : `{{/*
A release-aware name for the chart's objects, at most 63 characters (the DNS label limit).
When the release name already contains the chart name, the release name alone is used.
*/}}
{{- define "${p}.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}`;
  return `{{/*
The chart name, or nameOverride.
*/}}
{{- define "${p}.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

${fullname}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "${p}.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every object.
*/}}
{{- define "${p}.labels" -}}
helm.sh/chart: {{ include "${p}.chart" . }}
{{ include "${p}.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels that select the pods; stable across upgrades, since a Deployment's selector is immutable.
Quoted: an all-digit name or release ("7" is a DNS label) would otherwise be a YAML number.
*/}}
{{- define "${p}.selectorLabels" -}}
app.kubernetes.io/name: {{ include "${p}.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/*
The service account the pods run as.
*/}}
{{- define "${p}.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "${p}.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image reference: repository@digest when a digest is pinned, else repository:tag (tag defaults to appVersion).
*/}}
{{- define "${p}.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
{{- end }}
`;
}
