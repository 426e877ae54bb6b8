/**
 * The one deploy plan: how a vehicle app's chart is installed with its runtime services, how those
 * services are reached from outside the cluster and how the app's integration tests are run against
 * them. The generated CI, the `local:*` tasks and the library's own end-to-end test all render from it,
 * so the install command exists once. A pure module: resolved inputs in, commands out.
 */

/** Helm that runs the plan in CI and the local tasks: Helm 4 (Helm 3 gets security fixes only until 2027-02-10). @internal */
export const HELM_VERSION = 'v4.1.4';

/** A runtime service subchart the deployment switches on and the integration tests reach. @internal */
export interface DeployService {
  /** Chart name of the subchart; its Service is `<release>-<chartName>`. */
  readonly chartName: string;
  /** The values key that switches it on, e.g. `databroker.enabled`. */
  readonly enabledValue: string;
  /** Port the service listens on, forwarded to the same local port. */
  readonly port: number;
  /** Environment variable the app's integration tests read the forwarded port from. */
  readonly portVariable: string;
}

/**
 * One `--set` of the install. String values are passed with `--set-string` (a tag such as `1.10` stays
 * a string); values may name shell variables (`$IMAGE_NAME`), which the shell expands.
 * @internal
 */
export interface DeployValue {
  readonly key: string;
  readonly value: string | boolean | number;
}

/** What the deploy plan is made from: every input already resolved. @internal */
export interface DeployPlanInputs {
  /** Helm release name (or a shell variable reference such as `$RELEASE`). */
  readonly release: string;
  /** Namespace of the install; none means the current context's namespace. */
  readonly namespace?: string;
  /** Folder of the app chart (its runtime services are subcharts in its charts/). */
  readonly chartDir: string;
  /** The runtime services to switch on, in install order. */
  readonly services: DeployService[];
  /** Further values, e.g. the image under test (after the services' switches, so they may override them). */
  readonly values?: DeployValue[];
  /**
   * How long helm waits for the release to be ready, and for its test pods.
   * @default '5m'
   */
  readonly timeout?: string;
  /** The language's integration-test command, run with the forwarded ports in its environment. */
  readonly integrationTestCommand: string;
  /** The environment variable that makes the integration tests fail instead of skip when a service does not answer. */
  readonly integrationRequiredVariable: string;
}

/** A service reached through `kubectl port-forward` on the same local port. @internal */
export interface PortForward {
  /** `service/<release>-<chartName>`. */
  readonly target: string;
  readonly port: number;
  readonly portVariable: string;
}

/** The rendered plan. @internal */
export class DeployPlan {
  public readonly release: string;
  public readonly namespace?: string;
  public readonly chartDir: string;
  /** Every value of the install, in order: the services' switches, then the inputs' values. */
  public readonly values: DeployValue[];
  public readonly portForwards: PortForward[];
  /** Environment of the integration tests: the forwarded ports, and the "services must answer" switch. */
  public readonly integrationTestEnv: Record<string, string>;
  public readonly integrationTestCommand: string;
  private readonly timeout: string;

  public constructor(inputs: DeployPlanInputs) {
    this.release = inputs.release;
    this.namespace = inputs.namespace;
    this.chartDir = inputs.chartDir;
    this.timeout = inputs.timeout ?? '5m';
    this.values = [...inputs.services.map(s => ({ key: s.enabledValue, value: true })), ...(inputs.values ?? [])];
    for (const v of this.values) {
      // helm --set splits on commas and treats backslashes as escapes: such a value would be installed changed.
      if (/[,\\]/.test(String(v.value))) throw new Error(`Deploy value "${v.key}" = "${v.value}" contains a comma or backslash, which helm --set would split or unescape; pass it in a values file instead.`);
    }
    this.portForwards = inputs.services.map(s => ({ target: `service/${inputs.release}-${s.chartName}`, port: s.port, portVariable: s.portVariable }));
    this.integrationTestEnv = {
      [inputs.integrationRequiredVariable]: '1',
      ...Object.fromEntries(inputs.services.map(s => [s.portVariable, String(s.port)])),
    };
    this.integrationTestCommand = inputs.integrationTestCommand;
  }

  /**
   * The install (an upgrade when the release exists) as words: the command line, then one word per
   * value. Works with Helm 3 and Helm 4 (`--wait` alone is Helm 4's default "watcher" strategy).
   */
  public installCommandParts(): string[] {
    return [
      `helm upgrade --install ${quote(this.release)} ${quote(this.chartDir)}${this.namespaceFlags(true)} --wait --timeout ${this.timeout}`,
      ...this.values.map(setFlag),
    ];
  }

  /** The install command on one line. */
  public installCommand(): string {
    return this.installCommandParts().join(' ');
  }

  /** `helm test` of the release, with the test pods' logs. */
  public testCommand(): string {
    return `helm test ${quote(this.release)}${this.namespaceFlags(false)} --logs --timeout ${this.timeout}`;
  }

  /** `helm uninstall`, waiting until the release's objects are gone. */
  public uninstallCommand(): string {
    return `helm uninstall ${quote(this.release)}${this.namespaceFlags(false)} --wait --timeout ${this.timeout}`;
  }

  /** The port-forward of one service, in the foreground. */
  public portForwardCommand(forward: PortForward): string {
    return `kubectl${this.namespaceFlags(false)} port-forward ${quote(forward.target)} '${forward.port}:${forward.port}'`;
  }

  /**
   * Shell lines that start every port-forward in the background (log in `$logDir/port-forward-<port>.log`,
   * PIDs in `$forward_pids`) and wait until each local port answers; a port that never opens fails with
   * the service named.
   */
  public portForwardScript(logDir: string): string[] {
    if (this.portForwards.length === 0) return [];
    return [
      'forward_pids=""',
      'forward() {',
      `  nohup kubectl${this.namespaceFlags(false)} port-forward "$1" "$2:$2" > "${logDir}/port-forward-$2.log" 2>&1 &`,
      '  forward_pids="$forward_pids $!"',
      '  for _ in $(seq 1 30); do',
      '    if (echo > "/dev/tcp/127.0.0.1/$2") 2> /dev/null; then return 0; fi',
      '    sleep 1',
      '  done',
      '  echo "port-forward to $1 did not open port $2" >&2',
      '  exit 1',
      '}',
      ...this.portForwards.map(f => `forward ${quote(f.target)} ${f.port}`),
    ];
  }

  /**
   * A bash script: forwards the services, runs the integration tests with their environment and always
   * stops the forwards.
   */
  public integrationTestScript(logDir: string): string {
    return [
      ...this.portForwardScript(logDir),
      ...(this.portForwards.length > 0 ? ['trap \'kill $forward_pids 2> /dev/null\' EXIT'] : []),
      ...Object.entries(this.integrationTestEnv).map(([name, value]) => `export ${name}=${value}`),
      this.integrationTestCommand,
    ].join('\n');
  }

  private namespaceFlags(create: boolean): string {
    if (this.namespace === undefined) return '';
    return ` --namespace ${quote(this.namespace)}${create ? ' --create-namespace' : ''}`;
  }
}

function setFlag(v: DeployValue): string {
  return typeof v.value === 'string' ? `--set-string ${quote(`${v.key}=${v.value}`)}` : `--set ${quote(`${v.key}=${v.value}`)}`;
}

/** Double quotes: shell variables in a value expand (`$IMAGE_NAME`), nothing else is interpreted. */
function quote(word: string): string {
  return `"${word.replace(/["\\`]/g, c => `\\${c}`)}"`;
}
