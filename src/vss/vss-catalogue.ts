import * as fs from 'fs';
import * as path from 'path';
import { editDistance } from '../validation';
import { signalsOfVssTree, VssSignal } from './vss-signal';

/** The folder of the package that holds one compact catalogue file per VSS release (scripts/build-vss-catalogue.ts). */
const CATALOGUE_DIR = path.join(__dirname, '..', '..', 'vss');
const CATALOGUE_FILE = /^vss-(\d+(?:\.\d+)+)\.json$/;

/** The release a vehicle-signal interface uses when it names none: the one the Velocitas templates use. @internal */
export const DEFAULT_VSS_RELEASE = '4.0';

/** Where COVESA publishes a release's JSON export. @internal */
export function vssReleaseUrl(release: string): string {
  return `https://github.com/COVESA/vehicle_signal_specification/releases/download/v${release}/vss_rel_${release}.json`;
}

/** The catalogue file of a release, relative to the package root. @internal */
export function catalogueFileName(release: string): string {
  return `vss-${release}.json`;
}

/** The releases this package carries a catalogue of, oldest first. @internal */
export function knownVssReleases(): string[] {
  knownReleases ??= fs.readdirSync(CATALOGUE_DIR)
    .map(f => CATALOGUE_FILE.exec(f)?.[1])
    .filter((r): r is string => r !== undefined)
    .sort(compareVersions);
  return knownReleases;
}
let knownReleases: string[] | undefined;

/**
 * The signals of one VSS source (a release or a project's own VSS file), by path.
 * Built lazily and cached: a synth loads only the releases its manifest names.
 * @internal
 */
export class VssCatalogue {
  /** The catalogue of a release this package carries, e.g. `4.0`; undefined for any other release. */
  public static release(release: string): VssCatalogue | undefined {
    if (!knownVssReleases().includes(release)) return undefined;
    let catalogue = releases.get(release);
    if (!catalogue) {
      const compact = JSON.parse(fs.readFileSync(path.join(CATALOGUE_DIR, catalogueFileName(release)), 'utf8'));
      catalogue = new VssCatalogue(`VSS ${release}`, fromCompact(compact));
      releases.set(release, catalogue);
    }
    return catalogue;
  }

  /**
   * The catalogue of a VSS JSON file (vss-tools' export, with the project's own signals or overlays).
   * Throws an Error whose message says why the file cannot be used.
   */
  public static file(file: string, label: string): VssCatalogue {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (e: any) {
      throw new Error(`is not a readable file (${e.code ?? e.message} for ${file})`);
    }
    if (!stat.isFile()) throw new Error(`is not a file (${file} is a directory)`);
    // Keyed by modification time: a file changed between two synths in one process is read again.
    const key = `${file}\u0000${stat.mtimeMs}\u0000${stat.size}`;
    const cached = files.get(key);
    if (cached) return cached;
    let tree: unknown;
    try {
      tree = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    } catch (e: any) {
      throw new Error(`is not valid JSON (${e.message})`);
    }
    let signals: VssSignal[];
    try {
      signals = signalsOfVssTree(tree);
    } catch (e: any) {
      throw new Error(`is not a VSS JSON export: ${e.message}`);
    }
    const catalogue = new VssCatalogue(label, signals);
    files.set(key, catalogue);
    return catalogue;
  }

  /** Says where the signals come from in messages and generated files, e.g. `VSS 4.0`. */
  public readonly label: string;
  /** Every signal, in the order of the VSS tree. */
  public readonly signals: readonly VssSignal[];
  private readonly byPath: Map<string, VssSignal>;

  private constructor(label: string, signals: VssSignal[]) {
    this.label = label;
    this.signals = signals;
    this.byPath = new Map(signals.map(s => [s.path, s]));
  }

  /** The signal at `signalPath`, or undefined when the source has none there. */
  public signal(signalPath: string): VssSignal | undefined {
    return this.byPath.get(signalPath);
  }

  /** `branchPath` is a branch: signals sit below it. */
  public isBranch(branchPath: string): boolean {
    const prefix = `${branchPath}.`;
    return this.signals.some(s => s.path.startsWith(prefix));
  }

  /** Up to `count` signal paths closest to `wanted` (fewest edits), for "did you mean" hints. */
  public nearest(wanted: string, count = 3): string[] {
    // A path is long and mostly right: allow about a third of it to differ.
    const limit = Math.max(3, Math.floor(wanted.length / 3));
    return this.signals
      .map(s => ({ path: s.path, distance: editDistance(wanted.toLowerCase(), s.path.toLowerCase(), limit) }))
      .filter(c => c.distance <= limit)
      .sort((a, b) => a.distance - b.distance || a.path.localeCompare(b.path))
      .slice(0, count)
      .map(c => c.path);
  }
}

const releases = new Map<string, VssCatalogue>();
const files = new Map<string, VssCatalogue>();

/**
 * The compact form the package ships: one object per release, `signals` keyed by path, each with
 * `type`, `datatype` and, where VSS gives them, `unit`, `min`, `max` and `allowed`.
 * @internal
 */
export interface CompactCatalogue {
  readonly release: string;
  readonly signals: { [path: string]: Omit<VssSignal, 'path'> };
}

/** The compact catalogue file of a release, one signal per line (small diffs when a release is rebuilt). @internal */
export function renderCompactCatalogue(release: string, signals: readonly VssSignal[]): string {
  const lines = signals.map(({ path: signalPath, type, datatype, unit, min, max, allowed }) => {
    const facts = { type, datatype, unit, min, max, allowed };
    return `${JSON.stringify(signalPath)}:${JSON.stringify(facts)}`;
  });
  return `{"release":${JSON.stringify(release)},"signals":{\n${lines.join(',\n')}\n}}\n`;
}

function fromCompact(compact: CompactCatalogue): VssSignal[] {
  return Object.entries(compact.signals).map(([signalPath, facts]) => ({ path: signalPath, ...facts }));
}

/** `3.1.1` before `4.0` before `4.1`. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
