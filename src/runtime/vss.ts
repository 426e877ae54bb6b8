import { SourcedSignal } from '../vss/app-signals';

/**
 * The VSS JSON tree the KUKSA databroker loads (KUKSA_DATABROKER_METADATA_FILE): the given signals with the
 * facts of their VSS source (type, datatype, unit, min, max, allowed) and the branches above them. The
 * databroker requires a description on every node; these are written here, saying what the node is and
 * where its facts come from (the source's own texts are not shipped).
 * @internal
 */
export function databrokerVss(signals: readonly SourcedSignal[]): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const { signal, catalogue } of signals) {
    const parts = signal.path.split('.');
    let children = root;
    parts.slice(0, -1).forEach((part, i) => {
      const branchPath = parts.slice(0, i + 1).join('.');
      children[part] ??= { type: 'branch', description: `Branch ${branchPath} of ${catalogue.label}.`, children: {} };
      if (children[part].type !== 'branch') throw new Error(`${branchPath} is a signal of one VSS source and a branch of another`);
      children = children[part].children;
    });
    const { type, datatype, unit, min, max, allowed } = signal;
    const described = `${type.charAt(0).toUpperCase()}${type.slice(1)} ${signal.path}: ${datatype}${unit ? ` in ${unit}` : ''}, as ${catalogue.label} defines it.`;
    children[parts[parts.length - 1]] ??= JSON.parse(JSON.stringify({ type, datatype, unit, min, max, allowed, description: described }));
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
