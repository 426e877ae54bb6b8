import { Platform } from './platform';
import { normaliseRepositoryUrl } from '../app/repository-url';
import { Problems, rules } from '../validation';

/** Which tags the image build gives an image (docker/metadata-action vocabulary). */
export interface ImageTagPolicy {
  /**
   * Tag every build with `sha-<short commit>`.
   * @default true
   */
  readonly commitSha?: boolean;
  /**
   * Tag builds of a branch with the branch name.
   * @default true
   */
  readonly branch?: boolean;
  /**
   * Tag builds of a version tag `v*` with these patterns (`{{version}}`, `{{major}}`, `{{minor}}`, `{{patch}}`).
   * @default ['{{version}}', '{{major}}.{{minor}}']
   */
  readonly semverPatterns?: string[];
  /**
   * Also tag builds of the default branch `latest`.
   * @default false
   */
  readonly latestOnDefaultBranch?: boolean;
}

/** Where the app image lives and what it is built for. */
export interface ContainerImageOptions {
  /**
   * Registry host.
   * @default 'ghcr.io'
   */
  readonly registry?: string;
  /**
   * Repository inside the registry, lowercase.
   * @default - `<owner>/<repo>/<app>` from the project's GitHub repository URL, else `<app>`
   */
  readonly repository?: string;
  /**
   * Platforms to build, as `os/arch[/variant]`.
   * @default ['linux/amd64', 'linux/arm64']
   */
  readonly platforms?: string[];
  /**
   * Tags the image build applies.
   * @default - commit sha, branch and semver tags; no `latest`
   */
  readonly tagPolicy?: ImageTagPolicy;
  /**
   * Numeric user id the app runs as, in the image and in the pod.
   * @default 10001
   */
  readonly uid?: number;
  /**
   * Numeric group id the app runs as.
   * @default 10001
   */
  readonly gid?: number;
}

/** What a ContainerImage is made from. */
export interface ContainerImageProps {
  /** The app name (DNS label), last part of the default repository. */
  readonly appName: string;
  /**
   * The project's repository URL, the source of the default repository.
   * @default - none
   */
  readonly repositoryUrl?: string;
  /**
   * The user's image options.
   * @default {}
   */
  readonly options?: ContainerImageOptions;
}

const SEMVER_PLACEHOLDER = /\{\{(version|major|minor|patch)\}\}/g;

/**
 * The one image reference of the app: the workflows push it, the chart deploys it, the
 * integration test installs that very image.
 */
export class ContainerImage {
  /** The default platforms: the two every in-vehicle computer and CI runner offer. */
  public static readonly DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

  /** Registry host. */
  public readonly registry: string;
  /** Repository inside the registry. */
  public readonly repository: string;
  /** Platforms built, in order. */
  public readonly platforms: Platform[];
  /** Numeric user id. */
  public readonly uid: number;
  /** Numeric group id. */
  public readonly gid: number;
  /** Tag with `sha-<short>`. */
  public readonly tagCommitSha: boolean;
  /** Tag with the branch name. */
  public readonly tagBranch: boolean;
  /** Semver tag patterns. */
  public readonly semverPatterns: string[];
  /** Tag `latest` on the default branch. */
  public readonly tagLatest: boolean;

  private readonly platformIds: string[];
  private readonly repositoryGiven: boolean;
  private readonly appName: string;
  private readonly repositoryUrl?: string;

  public constructor(props: ContainerImageProps) {
    const options = props.options ?? {};
    this.registry = options.registry ?? 'ghcr.io';
    this.repository = options.repository ?? defaultRepository(props.appName, props.repositoryUrl);
    this.repositoryGiven = options.repository !== undefined;
    this.appName = props.appName;
    this.repositoryUrl = props.repositoryUrl;
    this.uid = options.uid ?? 10001;
    this.gid = options.gid ?? 10001;
    const policy = options.tagPolicy ?? {};
    this.tagCommitSha = policy.commitSha ?? true;
    this.tagBranch = policy.branch ?? true;
    this.semverPatterns = [...(policy.semverPatterns ?? ['{{version}}', '{{major}}.{{minor}}'])];
    this.tagLatest = policy.latestOnDefaultBranch ?? false;
    this.platformIds = [...(options.platforms ?? ContainerImage.DEFAULT_PLATFORMS)];
    // Unknown ids are reported by validation; the model keeps the known ones.
    this.platforms = [...new Set(this.platformIds.map(id => Platform.tryFind(id)).filter((p): p is Platform => p !== undefined))];
  }

  /** @internal */
  public _validate(problems: Problems, path: string): void {
    problems.check(rules.isRegistryHost(this.registry), `${path}.registry`, this.registry, rules.registryRule, 'use a host such as "ghcr.io" or "registry.example.com:5000"');
    // A derived repository is only as valid as the app name, which is checked on its own.
    problems.check(!this.repositoryGiven || rules.isImagePath(this.repository), `${path}.repository`, this.repository, rules.imagePathRule,
      `use lowercase, e.g. ${JSON.stringify(String(this.repository).toLowerCase().replace(/[^a-z0-9/._-]+/g, '-'))}`);
    // Owner and repository names GitHub allows (".github", "seat_") can still make an invalid image path; a bad
    // URL or app name is reported on its own.
    const derivedFromUrl = !this.repositoryGiven && this.repositoryUrl !== undefined
      && rules.repositoryUrlProblem(this.repositoryUrl) === undefined && rules.isDnsLabel(this.appName);
    problems.check(!derivedFromUrl || rules.isImagePath(this.repository), 'repositoryUrl', this.repositoryUrl,
      `gives the image repository ${JSON.stringify(this.repository)}, which is not a valid OCI repository path`,
      `set ${path}.repository explicitly, e.g. ${JSON.stringify(suggestedRepository(this.repository))}`);
    for (const [key, id] of [['uid', this.uid], ['gid', this.gid]] as const) {
      problems.check(Number.isInteger(id) && id > 0 && id < 2 ** 31, `${path}.${key}`, id, 'is not a non-root numeric id (an integer from 1 to 2147483647)', 'use an unprivileged id such as 10001');
    }
    this.semverPatterns.forEach((pattern, i) => {
      const rest = String(pattern).replace(SEMVER_PLACEHOLDER, '0');
      problems.check(String(pattern).match(SEMVER_PLACEHOLDER) !== null && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(rest),
        `${path}.tagPolicy.semverPatterns[${i}]`, pattern,
        'is not a tag pattern (tag characters [A-Za-z0-9_.-] around at least one of {{version}}, {{major}}, {{minor}}, {{patch}})',
        'use e.g. "{{version}}" or "{{major}}.{{minor}}"');
    });
    problems.check(this.platformIds.length > 0, `${path}.platforms`, this.platformIds, 'is empty', `list at least one platform, e.g. ${JSON.stringify(ContainerImage.DEFAULT_PLATFORMS)}`);
    const seen = new Set<Platform>();
    this.platformIds.forEach((id, i) => {
      const platform = Platform.tryFind(id);
      if (!problems.check(platform !== undefined, `${path}.platforms[${i}]`, id, 'is not a known platform',
        `use one of ${Platform.all().map(p => p.id).join(', ')}`)) return;
      problems.check(!seen.has(platform!), `${path}.platforms[${i}]`, id, 'is listed twice', 'list each platform once');
      seen.add(platform!);
    });
  }

  /** `registry/repository`, the name without tag or digest. */
  public get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** A full reference with a tag, e.g. `ghcr.io/acme/app/seat-adjuster:1.0.0`. */
  public reference(tag: string): string {
    return `${this.name}:${tag}`;
  }

  /** The platforms as a comma-separated `--platform` value. */
  public get platformList(): string {
    return this.platforms.map(p => p.id).join(',');
  }
}

function defaultRepository(appName: string, repositoryUrl: string | undefined): string {
  const repository = normaliseRepositoryUrl(repositoryUrl);
  const name = appName.toLowerCase();
  // A GitHub repository owner/name becomes the image path, as GHCR links packages to repositories.
  return repository && /(^|\.)github\.com$/.test(new URL(repository.webUrl).hostname) && repository.path.split('/').length === 2
    ? `${repository.path}/${name}`.toLowerCase() : name;
}

/** The repository with each path component cut down to what OCI allows, e.g. `acme/.github/app` → `acme/github/app`. */
function suggestedRepository(repository: string): string {
  return repository.split('/')
    .map(c => c.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(c => c.length > 0)
    .join('/');
}
