/**
 * The project's source repository, normalised once: the web URL (no `.git`, no trailing slash) that the image's
 * source label, package.json, the chart's home and sources carry, and the `owner/name` path the default image
 * repository is made from.
 * @internal
 */
export interface RepositoryUrl {
  /** e.g. `https://github.com/acme/seat-adjuster`. */
  readonly webUrl: string;
  /** The repository path on its host, e.g. `acme/seat-adjuster`. */
  readonly path: string;
}

/** The normalised repository URL, or undefined when none is given or it has no host and path (validation reports why). @internal */
export function normaliseRepositoryUrl(url: string | undefined): RepositoryUrl | undefined {
  if (typeof url !== 'string') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\.git$/, '').replace(/^\/+/, '');
  if (!parsed.host || path.length === 0) return undefined;
  return { webUrl: `${parsed.protocol}//${parsed.host}/${path}`, path };
}
