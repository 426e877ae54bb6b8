import { rules } from '../validation';

/** The parts of an image reference `[registry/]repository[:tag][@sha256:digest]`. @internal */
export interface ImageReferenceParts {
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Splits an image reference; returns a problem text instead when it is not one.
 * @internal
 */
export function parseImageReference(reference: string): ImageReferenceParts | string {
  if (typeof reference !== 'string' || reference.length === 0) return 'is not an image reference (a non-empty string)';
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return 'has a digest that is not "sha256:" followed by 64 lowercase hex digits';
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return 'has a tag that is not 1-128 characters of [A-Za-z0-9_.-] starting with a letter, digit or "_"';
  }
  const components = rest.split('/');
  let registry: string | undefined;
  // Docker's rule: the first component names a registry when it has a "." or ":" or is "localhost".
  if (components.length > 1 && (/[.:]/.test(components[0]) || components[0] === 'localhost')) {
    registry = components.shift();
    if (!rules.isRegistryHost(registry!)) return `has a registry ${JSON.stringify(registry)} that ${rules.registryRule}`;
  }
  const repository = components.join('/');
  if (!rules.isImagePath(repository)) return `has a repository ${JSON.stringify(repository)} that ${rules.imagePathRule}`;
  return { registry, repository, tag, digest };
}

/** Expands `$NAME` and `${NAME}` from `values`; returns undefined when a variable has no value. @internal */
export function expandArgs(text: string, values: { [name: string]: string | undefined }): string | undefined {
  let unresolved = false;
  const expanded = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced, bare) => {
    const value = values[braced ?? bare];
    if (value === undefined) unresolved = true;
    return value ?? '';
  });
  return unresolved ? undefined : expanded;
}
