import * as path from 'path';
import { fileURLToPath } from 'url';
import { DEFAULT_VSS_RELEASE, knownVssReleases, VssCatalogue, vssReleaseUrl } from './vss-catalogue';

// The file name of a VSS release export, as COVESA (vss_rel_4.0.json) and KUKSA (vss_release_4.0.json) publish it.
const RELEASE_FILE = /^vss_(?:rel|release)_(\d+(?:\.\d+)+)\.json$/i;

/** Why a vehicle-signal interface's `src` cannot be used, and what to do. @internal */
export interface VssSourceProblem {
  readonly rule: string;
  readonly fix: string;
}

/** The catalogue a `src` names, or the problem with it. @internal */
export type VssSourceResult = { readonly catalogue: VssCatalogue } | { readonly problem: VssSourceProblem };

/**
 * The signals of a vehicle-signal interface's `src`: a release URL (any URL whose file is named
 * `vss_rel_<version>.json` or `vss_release_<version>.json`, e.g. COVESA's release downloads or KUKSA's copies)
 * is looked up in the catalogues this package ships, nothing is downloaded; a path (or `file:` URL) is a VSS
 * JSON file read now, relative to `projectDir`.
 * @internal
 */
export function loadVssSource(src: string, projectDir: string): VssSourceResult {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(src)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'file') {
    const file = scheme === 'file' ? fileURLToPath(src) : path.resolve(projectDir, src);
    try {
      return { catalogue: VssCatalogue.file(file, `the VSS file ${src}`) };
    } catch (e: any) {
      return {
        problem: {
          rule: e.message,
          fix: `keep the VSS JSON (vss-tools' export, your signals included) in the project and give its path relative to ${projectDir}, `
            + `or use a release URL such as "${vssReleaseUrl(DEFAULT_VSS_RELEASE)}"`,
        },
      };
    }
  }
  const release = releaseOfUrl(src);
  const known = knownVssReleases();
  const useKnown = `use a release projen-velocitas knows (${known.join(', ')}), e.g. "${vssReleaseUrl(DEFAULT_VSS_RELEASE)}", `
    + 'or save the VSS JSON in the project and give its path';
  if (release === undefined) {
    return {
      problem: {
        rule: 'is a URL that names no VSS release (its file is not named vss_rel_<version>.json), and VSS files are not downloaded at synth time',
        fix: useKnown,
      },
    };
  }
  const catalogue = VssCatalogue.release(release);
  if (!catalogue) return { problem: { rule: `names VSS release ${release}, which projen-velocitas has no catalogue of`, fix: useKnown } };
  return { catalogue };
}

/** The release version a URL's file name carries, e.g. `4.0` for `.../v4.0/vss_rel_4.0.json`. */
function releaseOfUrl(src: string): string | undefined {
  let file: string;
  try {
    file = decodeURIComponent(new URL(src).pathname.split('/').pop() ?? '');
  } catch {
    return undefined;
  }
  return RELEASE_FILE.exec(file)?.[1];
}
