import * as fs from 'fs';
import * as path from 'path';
import { Component, JsonFile, Project, SampleFile, TextFile } from 'projen';
import { DATABROKER, MQTT_BROKER, RuntimeServiceDefinition } from './runtime-service-catalogue';
import { RuntimeServiceSettings } from './runtime-services';
import { checkSignalMock, defaultSignalMock, signalMockJson, unmockedSignals } from './signal-mock';
import { VehicleApp } from '../app/vehicle-app';
import { requireToolsStep } from '../devcontainer/required-tools';
import { LanguageProfile } from '../languages/language-profile';
import { tryAddValidation } from '../validation';
import { VssSignal } from '../vss/vss-signal';

/** The kuksa-client the mock feeder runs on (PyPI; needs Python 3.11 or newer): pinned here, written to local-runtime/requirements.txt. */
const KUKSA_CLIENT_VERSION = '0.6.0';

/** What the local runtime is built from: resolved inputs only. */
export interface LocalRuntimeProps {
  /** The app: its name names the containers, its read signals fill the mock, its environment the VS Code launch. */
  readonly app: VehicleApp;
  /** Folder of the app's sources; the signal mock lives there. */
  readonly appDir: string;
  /** The runtime services, their images and the VSS file the databroker serves. */
  readonly runtime: RuntimeServiceSettings;
  /**
   * The app's language profile: how VS Code runs the app.
   * @default - the profile of the app's language
   */
  readonly language?: LanguageProfile;
}

/**
 * The runtime services without Kubernetes, as Velocitas' runtime-local: `runtime:up` starts the KUKSA
 * databroker and the MQTT broker with docker or podman (the chart's images, args, environment and VSS
 * file, hardened the same way) on this machine's ports, and a feeder that plays the signal mock into the
 * databroker; `runtime:down` removes exactly those. VS Code gets a launch configuration that runs the app
 * against them.
 */
export class LocalRuntime extends Component {
  /** Folder of the generated scripts and files. */
  public static readonly DIR = 'local-runtime';
  /** Where the scripts keep what they create (the feeder's venv, pid and log); git-ignored. */
  public static readonly STATE_DIR = `${LocalRuntime.DIR}/.state`;
  /** The signal mock, relative to the app folder. */
  public static readonly MOCK_FILE = 'mock.json';

  /** The mock file's text: the file, or what would be written. */
  private mockText?: () => string;
  /** The warning about read signals the mock leaves out, if any. */
  private unmocked?: () => string | undefined;

  public constructor(project: Project, props: LocalRuntimeProps) {
    super(project);
    const { app, appDir, runtime } = props;
    const dir = LocalRuntime.DIR;
    const mockFile = `${appDir}/${LocalRuntime.MOCK_FILE}`;
    const services = [...(runtime.databroker ? [DATABROKER] : []), ...(runtime.mqttBroker ? [MQTT_BROKER] : [])];
    // Read when asked: interfaces added after construction count.
    const readSignals = (): VssSignal[] => {
      const paths = new Set(app.manifest.vehicleSignalInterfaces.flatMap(v => v.required.map(d => d.path)));
      return runtime._servedSignals().map(s => s.signal).filter(s => paths.has(s.path));
    };
    const scripts: ScriptFacts = {
      appName: app.name, dir, stateDir: LocalRuntime.STATE_DIR, mockFile, services, runtime,
    };

    if (runtime.databroker) {
      new TextFile(project, `${dir}/${DATABROKER.vssFile}`, { lines: runtime.vssJson().trimEnd().split('\n'), readonly: true });
      new TextFile(project, `${dir}/requirements.txt`, { lines: [`# ${GENERATED}`, `kuksa-client==${KUKSA_CLIENT_VERSION}`], readonly: true });
      new TextFile(project, `${dir}/mock_feeder.py`, { lines: FEEDER.split('\n'), readonly: true });
      // The getter: projen reads `contents` when it writes, so signals added in .projenrc.ts after construction are in it.
      new SampleFile(project, mockFile, { get contents() { return signalMockJson(defaultSignalMock(readSignals())); } });
      this.mockText = () => {
        const existing = path.join(project.outdir, mockFile);
        return fs.existsSync(existing) ? fs.readFileSync(existing, 'utf8') : signalMockJson(defaultSignalMock(readSignals()));
      };
      tryAddValidation(project, problems => checkSignalMock(problems, mockFile, this.mockText!(), runtime._servedSignals().map(s => s.signal)));
      this.unmocked = () => {
        const missing = unmockedSignals(this.mockText!(), readSignals());
        return missing.length === 0 ? undefined
          : `${mockFile}: the app reads ${missing.length} signal(s) the mock does not feed; add to "signals": ${missing.join(', ')}`;
      };
    }
    if (runtime.mqttBroker) new TextFile(project, `${dir}/${MQTT_BROKER.configFile}`, { lines: MQTT_BROKER.config.trimEnd().split('\n'), readonly: true });
    new TextFile(project, `${dir}/up.sh`, { lines: upScript(scripts).split('\n'), executable: true, readonly: true });
    new TextFile(project, `${dir}/down.sh`, { lines: downScript(scripts).split('\n'), executable: true, readonly: true });
    project.gitignore.exclude(`/${LocalRuntime.STATE_DIR}/`);

    const engine = 'docker|podman';
    project.addTask('runtime:up', {
      description: 'Start the databroker, the MQTT broker and the signal mock on this machine (docker or podman, no Kubernetes)',
      exec: requireToolsStep(project, 'runtime:up', [engine, 'bash', ...(runtime.databroker ? ['python3'] : [])]),
    }).exec(`bash ${dir}/up.sh`);
    project.addTask('runtime:down', {
      description: 'Stop and remove what runtime:up started',
      exec: requireToolsStep(project, 'runtime:down', [engine, 'bash']),
    }).exec(`bash ${dir}/down.sh`);

    this.vscode(project, app, appDir, props.language ?? LanguageProfile.of(app.language));
  }

  /** Once, before writing: the mock may lack signals added since it was written (it is the developer's file). */
  public preSynthesize(): void {
    super.preSynthesize();
    const warning = this.unmocked?.();
    if (warning) this.project.logger.warn(warning);
  }

  /** `.vscode/tasks.json` (runtime up and down) and `.vscode/launch.json`, which runs the app against the local runtime. */
  private vscode(project: Project, app: VehicleApp, appDir: string, language: LanguageProfile): void {
    const task = (name: string) => ({ label: name, type: 'shell', command: `npx projen ${name}`, problemMatcher: [] });
    new JsonFile(project, '.vscode/tasks.json', {
      marker: false,
      newline: true,
      obj: { version: '2.0.0', tasks: [task('runtime:up'), task('runtime:down')] },
    });
    new JsonFile(project, '.vscode/launch.json', {
      marker: false,
      newline: true,
      // A function: the environment follows interfaces added after construction.
      obj: () => ({
        version: '0.2.0',
        configurations: [{
          name: `${app.name} against the local runtime`,
          // The env contract with this machine's addresses: where runtime:up publishes the services.
          ...language._spec.vscodeLaunch(app, appDir, Object.fromEntries(app.environment().map(v => [v.name, v.value]))),
          preLaunchTask: 'runtime:up',
        }],
      }),
    });
  }
}

const GENERATED = 'Generated by projen-velocitas. To modify, edit .projenrc.ts and run "npx projen".';

/** What the scripts are rendered from. */
interface ScriptFacts {
  readonly appName: string;
  readonly dir: string;
  readonly stateDir: string;
  readonly mockFile: string;
  readonly services: readonly RuntimeServiceDefinition[];
  readonly runtime: RuntimeServiceSettings;
}

/** The container each service runs in: named after the app so runtime:down removes exactly these. */
function containerName(appName: string, service: RuntimeServiceDefinition): string {
  return `${appName}-${service.name}`;
}

/** The variable that overrides a service's image (tests run locally built ones). */
function imageVariable(service: RuntimeServiceDefinition): string {
  return `RUNTIME_${service.name.toUpperCase()}_IMAGE`;
}

/** Shared head of both scripts: where they keep state, and the container engine. */
function scriptHead(facts: ScriptFacts): string[] {
  return [
    '#!/usr/bin/env bash',
    `# ${GENERATED}`,
    'set -euo pipefail',
    'cd "$(dirname "$0")/.."',
    `state=${facts.stateDir}`,
    '# The engine: CONTAINER_ENGINE, else the one runtime:up used, else a running Docker, else Podman.',
    'engine=${CONTAINER_ENGINE:-$(cat "$state/engine" 2>/dev/null || true)}',
    'if [ -z "$engine" ]; then',
    '  if docker info >/dev/null 2>&1; then engine=docker',
    '  elif command -v podman >/dev/null 2>&1; then engine=podman',
    '  else engine=docker',
    '  fi',
    'fi',
  ];
}

function upScript(facts: ScriptFacts): string {
  const { appName, dir, mockFile, services, runtime } = facts;
  const lines = [
    ...scriptHead(facts),
    'mkdir -p "$state"',
    'echo "$engine" > "$state/engine"',
    '',
    '# Waits until 127.0.0.1:<port> accepts connections; shows the container\'s log when it does not.',
    'wait_for_port() {',
    '  for _ in $(seq 120); do',
    '    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi',
    '    sleep 0.5',
    '  done',
    '  echo "runtime:up: nothing answers on 127.0.0.1:$1 after 60 s; the log of $2:" >&2',
    '  "$engine" logs "$2" >&2 || true',
    '  exit 1',
    '}',
    '',
    '# Runs a service as its chart does: its own non-root user, read-only root, no capabilities, published on localhost only.',
    'start() {',
    '  local name=$1',
    '  shift',
    '  "$engine" rm --force "$name" >/dev/null 2>&1 || true',
    `  "$engine" run --detach --name "$name" --label 'projen-velocitas.runtime=${appName}' --read-only --cap-drop=ALL \\`,
    '    --security-opt=no-new-privileges "$@" >/dev/null',
    '}',
    '',
  ];
  if (services.length === 0) {
    lines.push(`echo "runtime:up: ${appName} uses neither VSS signals nor pubsub topics; nothing to start."`);
    return lines.join('\n') + '\n';
  }
  for (const service of services) {
    const name = containerName(appName, service);
    const image = service === DATABROKER ? runtime.databrokerImage : runtime.mqttBrokerImage;
    // The port on this machine: the service's own (the env contract's localhost address), unless the test variable says otherwise.
    const port = `\${${service.portVariable}:-${service.port}}`;
    const mount = service === DATABROKER
      ? `"$PWD/${dir}/${DATABROKER.vssFile}:${DATABROKER.vssDir}/${DATABROKER.vssFile}:ro,z"`
      : `"$PWD/${dir}/${MQTT_BROKER.configFile}:${MQTT_BROKER.configDir}/${MQTT_BROKER.configFile}:ro,z"`;
    // The chart passes the databroker its args; the broker's image reads the mounted config by default.
    const args = service === DATABROKER ? DATABROKER.args.map(a => ` '${a}'`).join('') : '';
    lines.push(
      `start '${name}' --user ${service.uid}:${service.uid} --publish "127.0.0.1:${port}:${service.port}" \\`,
      ...Object.entries(service.env).map(([k, v]) => `  --env '${k}=${v}' \\`),
      `  --volume ${mount} \\`,
      `  "\${${imageVariable(service)}:-${image}}"${args}`,
      `wait_for_port "${port}" '${name}'`,
      `echo "runtime:up: ${service.name} on 127.0.0.1:${port} (container ${name})"`,
      '',
    );
  }
  if (runtime.databroker) {
    const python = '$state/venv/bin/python';
    lines.push(
      '# The mock feeder, in a venv of its own: kuksa-client and the Velocitas SDK need different protobuf versions.',
      `if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then echo "runtime:up: the mock feeder (kuksa-client ${KUKSA_CLIENT_VERSION}) needs Python 3.11 or newer; python3 is $(python3 --version)." >&2; exit 1; fi`,
      `if ! cmp -s ${dir}/requirements.txt "$state/venv/requirements.txt"; then`,
      '  rm -rf "$state/venv"',
      '  python3 -m venv "$state/venv"',
      `  "${python}" -m pip install --quiet --disable-pip-version-check -r ${dir}/requirements.txt`,
      `  cp ${dir}/requirements.txt "$state/venv/requirements.txt"`,
      'fi',
      `bash ${dir}/down.sh --feeder-only`,
      `nohup "${python}" -u ${dir}/mock_feeder.py ${mockFile} 127.0.0.1 "\${${DATABROKER.portVariable}:-${DATABROKER.port}}" >"$state/feeder.log" 2>&1 &`,
      'echo $! > "$state/feeder.pid"',
      '# Ready once it has set the first values; its log says why when it stops before.',
      'for _ in $(seq 120); do',
      '  if grep -q "^mock: fed" "$state/feeder.log"; then break; fi',
      '  if ! kill -0 "$(cat "$state/feeder.pid")" 2>/dev/null; then echo "runtime:up: the mock feeder stopped; its log:" >&2; cat "$state/feeder.log" >&2; exit 1; fi',
      '  sleep 0.5',
      'done',
      'grep "^mock: fed" "$state/feeder.log" || { echo "runtime:up: the mock feeder fed nothing within 60 s; its log: $state/feeder.log" >&2; exit 1; }',
    );
  }
  lines.push('echo "runtime:up: ready. Stop it with: npx projen runtime:down"');
  return lines.join('\n') + '\n';
}

function downScript(facts: ScriptFacts): string {
  const { appName, services } = facts;
  return [
    ...scriptHead(facts),
    '# The feeder runtime:up started, if it still runs (its pid file names it).',
    'if [ -f "$state/feeder.pid" ]; then',
    '  pid=$(cat "$state/feeder.pid")',
    '  if ps -p "$pid" -o args= 2>/dev/null | grep -q mock_feeder.py; then kill "$pid"; fi',
    '  rm -f "$state/feeder.pid"',
    'fi',
    '[ "${1:-}" = --feeder-only ] && exit 0',
    ...services.map(s => containerName(appName, s)).flatMap(name => [
      `if "$engine" container inspect '${name}' >/dev/null 2>&1; then "$engine" rm --force '${name}' >/dev/null; echo "runtime:down: removed ${name}"; fi`,
    ]),
    'rm -f "$state/engine"',
    '',
  ].join('\n');
}

/** The feeder: sets the mock's values step by step and echoes actuator targets (kuksa.val.v1, which the databroker serves). */
const FEEDER = `# ${GENERATED}
"""Feeds the signal mock to the KUKSA databroker: mock_feeder.py <mock.json> <host> <port>."""

import json
import os
import sys
import threading
import time

from kuksa_client.grpc import Datapoint, Field, SubscribeEntry, View, VSSClient


def datapoint(value):
    """A Datapoint of a mock value: kuksa-client casts by the signal's datatype, and reads arrays from their JSON text."""
    return Datapoint(json.dumps(value) if isinstance(value, list) else value)


def connect(host, port):
    """A connected client; the databroker may still be starting."""
    for attempt in range(60):
        client = VSSClient(host, port)
        try:
            client.connect()
            return client
        except Exception:  # noqa: BLE001 - any failure to reach it means: not up yet
            if attempt == 59:
                raise
            time.sleep(0.5)
    raise RuntimeError("unreachable")


def echo_targets(host, port, paths):
    """Sets each target value the app asks of an actuator as its current value."""
    try:
        client = connect(host, port)
        entries = [SubscribeEntry(path, View.TARGET_VALUE, (Field.ACTUATOR_TARGET,)) for path in paths]
        for updates in client.subscribe(entries=entries):
            for update in updates:
                target = update.entry.actuator_target
                if target is not None and target.value is not None:
                    client.set_current_values({update.entry.path: datapoint(target.value)})
                    print(f"mock: {update.entry.path} = {target.value!r} (its target)", flush=True)
    except Exception as error:  # noqa: BLE001 - the feeder stops as a whole
        print(f"mock: echoing targets failed: {error}", file=sys.stderr, flush=True)
        os._exit(1)


def main():
    mock_file, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(mock_file, encoding="utf-8") as f:
        mock = json.load(f)
    signals = mock.get("signals", {})
    client = connect(host, port)
    if signals:
        client.set_current_values({path: datapoint(entry["values"][0]) for path, entry in signals.items()})
    print(f"mock: fed {len(signals)} signal(s) from {mock_file}", flush=True)
    echoed = [path for path, entry in signals.items() if entry.get("echoTarget")]
    if echoed:
        threading.Thread(target=echo_targets, args=(host, port, echoed), daemon=True).start()
    cycling = {path: entry["values"] for path, entry in signals.items() if not entry.get("echoTarget") and len(entry["values"]) > 1}
    step = 0
    while True:
        time.sleep(mock["intervalSeconds"])
        step += 1
        if cycling:
            client.set_current_values({path: datapoint(values[step % len(values)]) for path, values in cycling.items()})


if __name__ == "__main__":
    main()`;
