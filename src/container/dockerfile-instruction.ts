/** How concurrent builds share a cache mount. */
export enum CacheSharing {
  /** Concurrent writers share the cache (the BuildKit default). */
  SHARED = 'shared',
  /** A writer waits until the other releases the cache; right for apt, whose lock files need it. */
  LOCKED = 'locked',
  /** Each concurrent writer gets its own copy. */
  PRIVATE = 'private',
}

/** Options of a cache mount. */
export interface CacheMountOptions {
  /** Where the cache appears inside the RUN, e.g. `/root/.cache/pip`. */
  readonly target: string;
  /**
   * Cache id; mounts with the same id share content.
   * @default - the target path
   */
  readonly id?: string;
  /**
   * How concurrent builds share the cache.
   * @default CacheSharing.SHARED
   */
  readonly sharing?: CacheSharing;
}

/** Options of a secret mount. */
export interface SecretMountOptions {
  /** Secret id, as in `--secret id=<id>,src=<file>`. */
  readonly id: string;
  /**
   * Where the secret file appears.
   * @default - `/run/secrets/<id>`
   */
  readonly target?: string;
  /**
   * Fail the build when the secret is not passed.
   * @default false
   */
  readonly required?: boolean;
}

/** Options of a bind mount. */
export interface BindMountOptions {
  /** Where the files appear inside the RUN. */
  readonly target: string;
  /**
   * Path in the build context (or in `from`).
   * @default - the root of the context
   */
  readonly source?: string;
  /**
   * Earlier stage or image to mount from.
   * @default - the build context
   */
  readonly from?: string;
}

/** A `RUN --mount=...`: a file system that exists only while one RUN runs and never lands in a layer. */
export class Mount {
  /** A package-manager cache that survives between builds. */
  public static cache(options: CacheMountOptions): Mount {
    const parts = ['type=cache', `target=${options.target}`];
    if (options.id) parts.push(`id=${options.id}`);
    if (options.sharing && options.sharing !== CacheSharing.SHARED) parts.push(`sharing=${options.sharing}`);
    return new Mount(parts);
  }

  /** A build secret, e.g. an extra CA certificate or a token; never stored in the image. */
  public static secret(options: SecretMountOptions): Mount {
    const parts = ['type=secret', `id=${options.id}`];
    if (options.target) parts.push(`target=${options.target}`);
    parts.push(`required=${options.required ?? false}`);
    return new Mount(parts);
  }

  /** Files from the build context or another stage, read-only. */
  public static bind(options: BindMountOptions): Mount {
    const parts = ['type=bind'];
    if (options.from) parts.push(`from=${options.from}`);
    if (options.source) parts.push(`source=${options.source}`);
    parts.push(`target=${options.target}`);
    return new Mount(parts, options.from);
  }

  /** An empty in-memory directory, for files that must not reach a layer (e.g. a combined CA bundle). */
  public static tmpfs(target: string): Mount {
    return new Mount(['type=tmpfs', `target=${target}`]);
  }

  private constructor(private readonly parts: string[], private readonly fromStage?: string) {}

  /** @internal */
  public _render(): string {
    return `--mount=${this.parts.join(',')}`;
  }

  /** @internal */
  public get _from(): string | undefined {
    return this.fromStage;
  }
}

/** Options of an ENV or LABEL instruction. */
export interface KeyValueOptions {
  /**
   * Write the values as they are: `$NAME` and `${NAME}` stay text instead of expanding (for values that
   * come from users, such as the app's environment and description).
   * @default false - `$NAME` expands, as everywhere in a Dockerfile
   */
  readonly literal?: boolean;
}

/** Options of a RUN instruction. */
export interface RunOptions {
  /**
   * Mounts that exist only during this RUN.
   * @default []
   */
  readonly mounts?: Mount[];
  /**
   * `--network` mode, e.g. `none` for a step that must not reach the network.
   * @default - the builder's default
   */
  readonly network?: string;
}

/** Options of a COPY or ADD instruction. */
export interface CopyOptions {
  /**
   * Earlier stage (or image) to copy from.
   * @default - the build context
   */
  readonly from?: string;
  /**
   * Owner as `uid:gid`.
   * @default - root
   */
  readonly chown?: string;
  /**
   * Mode as octal digits, e.g. `0755`.
   * @default - as in the source
   */
  readonly chmod?: string;
  /**
   * Copy into an independent layer (`--link`), so a changed base does not invalidate it.
   * @default false
   */
  readonly link?: boolean;
}

/** Options of a HEALTHCHECK. */
export interface HealthcheckOptions {
  /**
   * Time between checks, e.g. `30s`.
   * @default - 30s
   */
  readonly interval?: string;
  /**
   * Time after which a check fails, e.g. `5s`.
   * @default - 30s
   */
  readonly timeout?: string;
  /**
   * Start-up time during which failures do not count.
   * @default - 0s
   */
  readonly startPeriod?: string;
  /**
   * Consecutive failures that make the container unhealthy.
   * @default 3
   */
  readonly retries?: number;
}

/** Where an instruction points at another stage: the option and the stage name. @internal */
export interface StageReference {
  readonly option: string;
  readonly name: string;
}

/**
 * One Dockerfile instruction inside a stage. Made with the static factories; rendered by the Dockerfile.
 * FROM is not an instruction here: it belongs to the stage.
 */
export class Instruction {
  /** `ARG name[=default]`: a build argument. */
  public static arg(name: string, defaultValue?: string): Instruction {
    return new Instruction('ARG', [], defaultValue === undefined ? name : `${name}=${quote(defaultValue)}`);
  }

  /** `ENV name=value ...`: environment defaults of the stage (and of the image, in the final stage). */
  public static env(variables: { [name: string]: string }, options: KeyValueOptions = {}): Instruction {
    return new Instruction('ENV', [], pairs(variables, options.literal ?? false));
  }

  /** `LABEL key=value ...`: image metadata. */
  public static label(labels: { [key: string]: string }, options: KeyValueOptions = {}): Instruction {
    return new Instruction('LABEL', [], pairs(labels, options.literal ?? false));
  }

  /** `WORKDIR path`. */
  public static workdir(path: string): Instruction {
    return new Instruction('WORKDIR', [], path);
  }

  /**
   * `RUN` in shell form; the commands are joined with `&&`, one per line.
   * @param commands shell commands, run in order; the first failure stops the build
   */
  public static run(commands: string[], options?: RunOptions): Instruction {
    const mounts = options?.mounts ?? [];
    const flags = [...(options?.network ? [`--network=${options.network}`] : []), ...mounts.map(m => m._render())];
    const refs = mounts.filter(m => m._from).map(m => ({ option: 'RUN --mount from', name: m._from! }));
    return new Instruction('RUN', flags, commands.join(' \\\n    && '), refs);
  }

  /** `RUN ["executable", "arg", ...]`: exec form, no shell. */
  public static runExec(command: string[], options?: RunOptions): Instruction {
    const mounts = options?.mounts ?? [];
    const flags = [...(options?.network ? [`--network=${options.network}`] : []), ...mounts.map(m => m._render())];
    const refs = mounts.filter(m => m._from).map(m => ({ option: 'RUN --mount from', name: m._from! }));
    return new Instruction('RUN', flags, JSON.stringify(command), refs);
  }

  /** `COPY [--from] [--chown] [--chmod] src... dest`. */
  public static copy(sources: string[], destination: string, options?: CopyOptions): Instruction {
    return Instruction.transfer('COPY', sources, destination, options);
  }

  /** `ADD`: like COPY but also fetches URLs and unpacks local archives; prefer COPY otherwise. */
  public static add(sources: string[], destination: string, options?: CopyOptions): Instruction {
    return Instruction.transfer('ADD', sources, destination, options);
  }

  /** `USER uid[:gid]`; use numeric ids so Kubernetes can verify `runAsNonRoot`. */
  public static user(user: string, group?: string): Instruction {
    return new Instruction('USER', [], group === undefined ? user : `${user}:${group}`);
  }

  /** `EXPOSE port[/protocol]`. */
  public static expose(port: number, protocol?: string): Instruction {
    return new Instruction('EXPOSE', [], protocol ? `${port}/${protocol}` : `${port}`);
  }

  /** `ENTRYPOINT [...]` in exec form, so the app is PID 1 and receives signals. */
  public static entrypoint(command: string[]): Instruction {
    return new Instruction('ENTRYPOINT', [], JSON.stringify(command));
  }

  /** `CMD [...]` in exec form: default arguments of the entrypoint. */
  public static cmd(command: string[]): Instruction {
    return new Instruction('CMD', [], JSON.stringify(command));
  }

  /** `HEALTHCHECK [options] CMD [...]`. */
  public static healthcheck(command: string[], options?: HealthcheckOptions): Instruction {
    const flags: string[] = [];
    if (options?.interval) flags.push(`--interval=${options.interval}`);
    if (options?.timeout) flags.push(`--timeout=${options.timeout}`);
    if (options?.startPeriod) flags.push(`--start-period=${options.startPeriod}`);
    if (options?.retries !== undefined) flags.push(`--retries=${options.retries}`);
    return new Instruction('HEALTHCHECK', flags, `CMD ${JSON.stringify(command)}`);
  }

  /** `HEALTHCHECK NONE`: disables a check inherited from the base image. */
  public static healthcheckNone(): Instruction {
    return new Instruction('HEALTHCHECK', [], 'NONE');
  }

  /** `STOPSIGNAL signal`, e.g. `SIGTERM`. */
  public static stopsignal(signal: string): Instruction {
    return new Instruction('STOPSIGNAL', [], signal);
  }

  /** `SHELL [...]`: the shell later RUN instructions use, e.g. bash with `-o pipefail`. */
  public static shell(command: string[]): Instruction {
    return new Instruction('SHELL', [], JSON.stringify(command));
  }

  /** A `# comment` line, e.g. a `# hadolint ignore=DL3008` directive for the next instruction. */
  public static comment(text: string): Instruction {
    return new Instruction('#', [], text);
  }

  private static transfer(keyword: string, sources: string[], destination: string, options?: CopyOptions): Instruction {
    const flags: string[] = [];
    if (options?.from) flags.push(`--from=${options.from}`);
    if (options?.chown) flags.push(`--chown=${options.chown}`);
    if (options?.chmod) flags.push(`--chmod=${options.chmod}`);
    if (options?.link) flags.push('--link');
    const paths = [...sources, destination];
    const body = paths.some(p => /\s/.test(p)) ? JSON.stringify(paths) : paths.join(' ');
    const refs = options?.from ? [{ option: `${keyword} --from`, name: options.from }] : [];
    return new Instruction(keyword, flags, body, refs);
  }

  /** The keyword, e.g. `RUN` (`#` for a comment). */
  public readonly keyword: string;
  private readonly flags: string[];
  private readonly body: string;
  private readonly references: StageReference[];

  private constructor(keyword: string, flags: string[], body: string, references: StageReference[] = []) {
    this.keyword = keyword;
    this.flags = flags;
    this.body = body;
    this.references = references;
  }

  /** Stages (or images) this instruction reads from. @internal */
  public get _references(): StageReference[] {
    return this.references;
  }

  /** @internal */
  public _render(): string {
    if (this.keyword === '#') return this.body.split('\n').map(line => `# ${line}`).join('\n');
    const continuation = ' \\\n    ';
    // Several mounts get a line each, so a reviewer sees every file system the RUN can touch.
    const lineEach = this.keyword === 'RUN' && this.flags.length > 1;
    const head = [this.keyword, ...this.flags].join(lineEach ? continuation : ' ');
    const separator = lineEach || this.body.includes('\n') ? continuation : ' ';
    return `${head}${separator}${this.body}`;
  }
}

/**
 * Double-quotes a value when the Dockerfile parser would split or misread it; a literal value also
 * keeps `$` from expanding. A line break in a value is reported by the Dockerfile's checks.
 */
function quote(value: string, literal = false): string {
  if (value !== '' && /^[A-Za-z0-9_.,:/@+=%${}-]+$/.test(value) && !(literal && value.includes('$'))) return value;
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `"${literal ? escaped.replace(/\$/g, '\\$') : escaped}"`;
}

function pairs(values: { [key: string]: string }, literal: boolean): string {
  const entries = Object.entries(values).map(([k, v]) => `${/^[A-Za-z0-9_.-]+$/.test(k) ? k : quote(k)}=${quote(v, literal)}`);
  return entries.join(' \\\n    ');
}
