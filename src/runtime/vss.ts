import { DatapointAccess } from '../app/app-interface';
import { AppManifest } from '../app/app-manifest';

/** VSS leaf types of well-known signals; anything else is a float. */
const KNOWN_TYPES: { [path: string]: { datatype: string; unit?: string } } = {
  'Vehicle.Speed': { datatype: 'float', unit: 'km/h' },
  'Vehicle.Cabin.Seat.Row1.DriverSide.Position': { datatype: 'uint16' },
  'Vehicle.Cabin.Seat.Row1.PassengerSide.Position': { datatype: 'uint16' },
  'Vehicle.Body.Lights.Beam.Low.IsOn': { datatype: 'boolean' },
  'Vehicle.Body.Lights.Beam.High.IsOn': { datatype: 'boolean' },
  'Vehicle.Powertrain.TractionBattery.StateOfCharge.Current': { datatype: 'float', unit: 'percent' },
};

/**
 * A minimal VSS JSON tree with every datapoint the manifest requires or provides, so the
 * databroker starts and serves them when the real VSS release cannot be fetched at synth time.
 * Written datapoints become actuators, the rest sensors; types come from a short list of
 * well-known signals (`boolean` for `Is*` names, else `float`).
 * @internal
 */
export function minimalVss(manifest: AppManifest): Record<string, unknown> {
  const leaves = new Map<string, 'sensor' | 'actuator'>();
  for (const vsi of manifest.vehicleSignalInterfaces) {
    for (const d of vsi.required) {
      if (d.access === DatapointAccess.WRITE) leaves.set(d.path, 'actuator');
      else if (!leaves.has(d.path)) leaves.set(d.path, 'sensor');
    }
    for (const d of vsi.provided) if (!leaves.has(d.path)) leaves.set(d.path, 'sensor');
  }
  if (leaves.size === 0) leaves.set('Vehicle.Speed', 'sensor');
  const root: Record<string, any> = {};
  // Longer paths first: a path that is a prefix of another is a branch, not a leaf.
  const paths = [...leaves.keys()].sort((a, b) => b.split('.').length - a.split('.').length || a.localeCompare(b));
  for (const path of paths) {
    const parts = path.split('.');
    let children = root;
    parts.slice(0, -1).forEach((part, i) => {
      const branchPath = parts.slice(0, i + 1).join('.');
      children[part] ??= { type: 'branch', description: `${branchPath} (minimal VSS for the app).`, children: {} };
      children = children[part].children;
    });
    const leafName = parts[parts.length - 1];
    if (children[leafName]) continue;
    const known = KNOWN_TYPES[path] ?? { datatype: /^Is[A-Z]/.test(leafName) ? 'boolean' : 'float' };
    children[leafName] = {
      type: leaves.get(path),
      datatype: known.datatype,
      description: `${path} (minimal VSS for the app).`,
      ...(known.unit ? { unit: known.unit } : {}),
    };
  }
  return sortTree(root);
}

function sortTree(node: Record<string, any>): Record<string, any> {
  const sorted: Record<string, any> = {};
  for (const key of Object.keys(node).sort()) {
    const child = node[key];
    sorted[key] = child.children ? { ...child, children: sortTree(child.children) } : child;
  }
  return sorted;
}
