import { VssCatalogue, DEFAULT_VSS_RELEASE } from './vss-catalogue';
import { VssSignal } from './vss-signal';
import { loadVssSource } from './vss-source';
import { DatapointAccess, VehicleSignalInterface } from '../app/app-interface';
import { AppManifest } from '../app/app-manifest';
import { Problems, rules } from '../validation';

/** A signal and the VSS source that defines it. @internal */
export interface SourcedSignal {
  readonly signal: VssSignal;
  readonly catalogue: VssCatalogue;
}

/**
 * The VSS facts of the signals an app's manifest names, each from the `src` of the interface that names it
 * (a release catalogue shipped with this package, or the project's own VSS file). Reads the manifest when
 * asked, so interfaces added after construction count; catalogues load on first use.
 * @internal
 */
export class AppSignals {
  public constructor(private readonly manifest: AppManifest, private readonly projectDir: string) {}

  /** The catalogue of an interface's `src`; throws when it cannot be used (validation reports that first). */
  public catalogueOf(vsi: VehicleSignalInterface): VssCatalogue {
    const result = loadVssSource(vsi.src, this.projectDir);
    if ('problem' in result) throw new Error(`VSS source ${JSON.stringify(vsi.src)} ${result.problem.rule}`);
    return result.catalogue;
  }

  /** Every signal the manifest requires or provides, once each, in manifest order. */
  public named(): SourcedSignal[] {
    const found = new Map<string, SourcedSignal>();
    for (const vsi of this.manifest.vehicleSignalInterfaces) {
      const paths = [...vsi.required, ...vsi.provided].map(d => d.path).filter(p => !found.has(p));
      if (paths.length === 0) continue;
      const catalogue = this.catalogueOf(vsi);
      for (const signalPath of paths) {
        const signal = catalogue.signal(signalPath);
        if (!signal) throw new Error(`${signalPath} is not a signal of ${catalogue.label}`);
        found.set(signalPath, { signal, catalogue });
      }
    }
    return [...found.values()];
  }

  /** Every signal of every VSS source the manifest names, once each; the default release's when it names none. */
  public all(): SourcedSignal[] {
    const vsis = this.manifest.vehicleSignalInterfaces;
    const catalogues = vsis.length > 0 ? vsis.map(v => this.catalogueOf(v)) : [VssCatalogue.release(DEFAULT_VSS_RELEASE)!];
    const found = new Map<string, SourcedSignal>();
    for (const catalogue of catalogues) {
      for (const signal of catalogue.signals) if (!found.has(signal.path)) found.set(signal.path, { signal, catalogue });
    }
    return [...found.values()];
  }

  /**
   * Checks every datapoint against its interface's VSS source: the source is usable, each path is a signal of
   * it, and `write` is asked only of actuators. Paths and sources that break the syntax rules are reported
   * by the interface's own checks and skipped here.
   * @param manifestPath option path of the manifest ('' when the interfaces are top-level options)
   */
  public _validate(problems: Problems, manifestPath: string): void {
    this.manifest.interfaces.forEach((appInterface, i) => {
      if (!(appInterface instanceof VehicleSignalInterface)) return;
      const at = manifestPath ? `${manifestPath}.interfaces[${i}]` : `interfaces[${i}]`;
      if (rules.urlOrPathProblem(appInterface.src) !== undefined) return;
      const result = loadVssSource(appInterface.src, this.projectDir);
      if ('problem' in result) {
        problems.add(`${at}.src`, appInterface.src, result.problem.rule, result.problem.fix);
        return;
      }
      const catalogue = result.catalogue;
      const check = (optionPath: string, signalPath: string): VssSignal | undefined => {
        if (!rules.isVssPath(signalPath)) return undefined;
        const signal = catalogue.signal(signalPath);
        if (!signal) unknownSignal(problems, optionPath, signalPath, catalogue, `${at}.src`);
        return signal;
      };
      appInterface.required.forEach((datapoint, j) => {
        const signal = check(`${at}.required[${j}].path`, datapoint.path);
        if (signal && datapoint.access === DatapointAccess.WRITE && signal.type !== 'actuator') {
          problems.add(`${at}.required[${j}].access`, datapoint.access,
            `asks to set ${signal.path}, which is ${WHAT_IT_IS[signal.type]} in ${catalogue.label}: an app can set only an actuator's target value, `
            + 'and the databroker refuses this write (ACCESS_DENIED)',
            `use access "read"; if this app is the provider that feeds ${signal.path}, list it under provided`);
        }
      });
      appInterface.provided.forEach((datapoint, j) => check(`${at}.provided[${j}].path`, datapoint.path));
    });
  }
}

const WHAT_IT_IS = {
  sensor: 'a sensor (a value the vehicle measures and its provider reports)',
  attribute: 'an attribute (a fixed property of the vehicle, set by its provider)',
  actuator: 'an actuator',
};

function unknownSignal(problems: Problems, optionPath: string, signalPath: string, catalogue: VssCatalogue, srcPath: string): void {
  const ownSignal = `a signal of your own needs a VSS JSON that defines it, kept in the project and named by ${srcPath}`;
  if (catalogue.isBranch(signalPath)) {
    const example = catalogue.signals.find(s => s.path.startsWith(`${signalPath}.`))!.path;
    problems.add(optionPath, signalPath, `is a branch of ${catalogue.label}, not a signal`, `name one of its signals, e.g. "${example}"`);
    return;
  }
  const nearest = catalogue.nearest(signalPath);
  if (nearest.length === 0) {
    problems.add(optionPath, signalPath, `is not a signal of ${catalogue.label}, and none is close to it`,
      `check the path against ${catalogue.label}; ${ownSignal}`);
    return;
  }
  problems.add(optionPath, signalPath, `is not a signal of ${catalogue.label} (did you mean "${nearest[0]}"?)`,
    `use ${nearest.map(p => `"${p}"`).join(' or ')}; ${ownSignal}`);
}
