import { IResolver, Project, github } from 'projen';
import { PINS_DIR, Pin, PinFile } from '../pin-file';

/** How workflow steps reference the actions they use. */
export enum ActionPinning {
  /**
   * A full release tag, e.g. `actions/checkout@v4.2.2`. Readable, but trusts that the tag is never moved:
   * zizmor reports every such reference (`unpinned-uses`), and organisations may refuse them.
   */
  VERSION = 'version',
  /**
   * The commit SHA of that release with the tag as a comment, e.g. `actions/checkout@11bd7190… # v4.2.2`.
   * Immune to moved or hijacked tags; Dependabot keeps the pins current.
   */
  COMMIT_SHA = 'commit-sha',
}

/** One pinned action release. @internal */
export interface ActionPin {
  /** The release tag. */
  readonly version: string;
  /** The full commit SHA the tag pointed to when it was recorded, if known for certain. */
  readonly sha?: string;
}

/**
 * THE table of every action the generated workflows use, and the one place to bump them.
 * Each SHA was cross-checked against several independent public workflows pinning the same
 * release; an action whose SHA is not known for certain gets no `sha`, and COMMIT_SHA mode then
 * fails at synth naming it.
 * @internal
 */
export const ACTION_PINS: { readonly [action: string]: ActionPin } = {
  'actions/checkout': { version: 'v4.2.2', sha: '11bd71901bbe5b1630ceea73d27597364c9af683' },
  'actions/setup-node': { version: 'v4.4.0', sha: '49933ea5288caeca8642d1e84afbd3f7d6820020' },
  'actions/setup-python': { version: 'v5.6.0', sha: 'a26af69be951a213d495a4c3e4e4022e16d87065' },
  'actions/upload-artifact': { version: 'v4.6.2', sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02' },
  'actions/download-artifact': { version: 'v4.3.0', sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093' },
  'actions/attest-build-provenance': { version: 'v2.4.0', sha: 'e8998f949152b193b063cb0ec769d69d929409be' },
  'docker/setup-qemu-action': { version: 'v3.6.0', sha: '29109295f81e9208d7d86ff1c6c12d2833863392' },
  'docker/setup-buildx-action': { version: 'v3.10.0', sha: 'b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2' },
  'docker/build-push-action': { version: 'v6.18.0', sha: '263435318d21b8e681c14492fe198d362a7d2c83' },
  'docker/metadata-action': { version: 'v5.7.0', sha: '902fa8ec7d6ecbf8d84d538b9b233a880e428804' },
  'docker/login-action': { version: 'v3.4.0', sha: '74a5d142397b4f367a81961eba4e8cd7edddf772' },
  'helm/kind-action': { version: 'v1.12.0', sha: 'a1b0e391336a6ee6713a0583f8c6240d70863de3' },
  'azure/setup-helm': { version: 'v4.3.0', sha: 'b9e51907a09c216f16ebe8536097933489208112' },
  // v0.35.0 is the one trivy-action release whose tag survived the March 2026 tag hijack (immutable release).
  'aquasecurity/trivy-action': { version: 'v0.35.0', sha: '57a97c7e7821a5776cebc9bb87c984fa69cba8f1' },
  'sigstore/cosign-installer': { version: 'v3.8.2', sha: '3454372f43399081ed03b604cb2d021dabca52bb' },
};

/**
 * Renders `uses:` references from the pin table and remembers what it used and could not pin.
 * @internal
 */
export class ActionReferences {
  private readonly unpinnable = new Set<string>();
  private readonly used = new Set<string>();

  public constructor(
    public readonly pinning: ActionPinning,
    private readonly pins: { readonly [action: string]: ActionPin } = ACTION_PINS,
  ) {}

  /** `owner/name@ref` for an action of the table. */
  public uses(action: string): string {
    const pin = this.pins[action];
    if (!pin) {
      throw new Error(`Action "${action}" is not in the action pin table. Known actions: ${Object.keys(this.pins).join(', ')}.`);
    }
    this.used.add(action);
    if (this.pinning === ActionPinning.COMMIT_SHA) {
      if (pin.sha) return `${action}@${pin.sha}`;
      this.unpinnable.add(action);
    }
    return `${action}@${pin.version}`;
  }

  /** The release tag of a `owner/name@<commit SHA>` reference of the table, if it is one. */
  public releaseOf(reference: string): string | undefined {
    const at = reference.lastIndexOf('@');
    const pin = this.pins[reference.slice(0, at)];
    return pin?.sha !== undefined && pin.sha === reference.slice(at + 1) ? pin.version : undefined;
  }

  /** Actions used in COMMIT_SHA mode that have no known SHA. */
  public get withoutSha(): string[] {
    return [...this.unpinnable];
  }

  /** Every action rendered so far, sorted. */
  public get usedActions(): string[] {
    return [...this.used].sort();
  }
}

const USES_LINE = /^\s*(?:-\s*)?uses:\s*([A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+)@([A-Za-z0-9_.-]+)\s*(?:#\s*(\S+).*)?$/;
const COMMIT_SHA = /^[0-9a-f]{40}$/;

/**
 * `.github/pins/action.yml`: a composite action that is never run, listing the actions of the generated
 * workflows so that Dependabot's github-actions updates bump them (SHA and `# vX.Y.Z` comment);
 * `npx projen` renders the bumped pins into the workflows. The library's table fills what it lacks.
 * @internal
 */
export class ActionPinFile extends PinFile {
  public static readonly PATH = `${PINS_DIR}/action.yml`;

  /** The library's table with the file's pins laid over it. */
  public readonly table: { readonly [action: string]: ActionPin };
  private references?: ActionReferences;

  public constructor(project: Project) {
    super(project, ActionPinFile.PATH, parseUsesLine);
    const table: { [action: string]: ActionPin } = { ...ACTION_PINS };
    for (const [action, pin] of this.pins) {
      const filed = COMMIT_SHA.test(pin.ref) ? { sha: pin.ref, version: pin.comment ?? pin.ref } : { version: pin.ref };
      // A library upgrade may bring a newer release than the file holds (and render inputs that need it).
      const library = ACTION_PINS[action];
      table[action] = library && isOlderRelease(filed.version, library.version) ? library : filed;
    }
    this.table = table;
  }

  /** The references whose used actions this file lists. */
  public listUsesOf(references: ActionReferences): void {
    this.references = references;
  }

  protected get lineRule(): string {
    return '"- uses: owner/name@<commit SHA> # <release tag>"';
  }

  protected render(): string {
    const refs = this.references;
    const steps = (refs?.usedActions ?? []).flatMap(action => {
      const pin = this.table[action];
      // The file keeps the SHA whatever the mode, so switching to COMMIT_SHA later needs no re-pinning.
      const uses = pin.sha ? `    - uses: ${action}@${pin.sha}  # ${pin.version}` : `    - uses: ${action}@${pin.version}`;
      // Never run, but linters read it as a step: keep it as safe as the real checkouts.
      return action === 'actions/checkout' ? [uses, '      with:', '        persist-credentials: false'] : [uses];
    });
    return [
      '# The actions of the generated workflows, pinned. Dependabot bumps them here; `npx projen` renders',
      '# them into .github/workflows/ and rewrites this file (keeping these pins). Never run.',
      'name: Action pins',
      'description: Versions of the actions the generated workflows use, kept for Dependabot. Never run.',
      'runs:',
      '  using: composite',
      '  steps:',
      ...steps,
      '',
    ].join('\n');
  }
}

/** Whether release tag `a` (vX.Y.Z) is older than `b`; tags that are not versions compare as not older. */
function isOlderRelease(a: string, b: string): boolean {
  const parse = (tag: string) => /^v?(\d+)\.(\d+)\.(\d+)$/.exec(tag)?.slice(1).map(Number);
  const [x, y] = [parse(a), parse(b)];
  if (!x || !y) return false;
  const i = x.findIndex((n, k) => n !== y[k]);
  return i >= 0 && x[i] < y[i];
}

function parseUsesLine(line: string): Pin | 'unreadable' | undefined {
  if (!/^\s*(?:-\s*)?uses:/.test(line)) return undefined;
  const m = USES_LINE.exec(line);
  return m ? { key: m[1], ref: m[2], comment: m[3] } : 'unreadable';
}

/**
 * Why a job holds a token scope, by `scope: level`: written beside every `permissions` entry, so a reviewer
 * sees the reason where the grant is (zizmor's pedantic `undocumented-permissions`).
 */
const PERMISSION_REASONS: { readonly [grant: string]: string } = {
  'contents: read': 'check out the repository',
  'contents: write': 'create the GitHub release and upload its assets',
  'packages: read': 'pull the image this run pushed by digest',
  'packages: write': 'push the image or chart to the registry (GitHub Packages)',
  'id-token: write': 'OIDC token for keyless cosign signing and build provenance',
  'attestations: write': 'store the build provenance attestation',
  'actions: read': 'find and wait for the CI run of the tagged commit',
};

/**
 * Renders a workflow file with comments: the release tag beside each action pinned by commit SHA, and the
 * reason beside each `permissions` entry. The YAML itself is projen's; only comments are added.
 * @internal
 */
export function commentWorkflow(workflow: github.GithubWorkflow, references: ActionReferences): void {
  const file = workflow.file as unknown as { synthesizeContent(resolver: IResolver): string | undefined } | undefined;
  if (!file) return;
  const render = file.synthesizeContent.bind(file);
  file.synthesizeContent = resolver => {
    const text = render(resolver);
    return text === undefined ? undefined : withComments(text, references);
  };
}

function withComments(text: string, references: ActionReferences): string {
  const lines = text.split('\n');
  let grantsIndent: number | undefined;
  return lines.map(line => {
    const indent = line.search(/\S/);
    if (grantsIndent !== undefined && indent >= grantsIndent) {
      const reason = PERMISSION_REASONS[line.trim()];
      return reason ? `${line}  # ${reason}` : line;
    }
    grantsIndent = /^\s*permissions:$/.test(line) ? indent + 1 : undefined;
    const uses = /^\s*(?:- )?uses: (\S+)$/.exec(line);
    const tag = uses ? references.releaseOf(uses[1]) : undefined;
    return tag ? `${line}  # ${tag}` : line;
  }).join('\n');
}
