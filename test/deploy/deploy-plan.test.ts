import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeployPlan, DeployPlanInputs } from '../../src/deploy/deploy-plan';
import { synthesizeExample } from '../support/examples';
import { argumentsOf } from '../support/shell';
import { runTool, testWithTools } from '../validators/tools';

const SERVICES = [
  { chartName: 'databroker', enabledValue: 'databroker.enabled', port: 55555, portVariable: 'VDB_PORT' },
  { chartName: 'mqtt', enabledValue: 'mqtt.enabled', port: 1883, portVariable: 'MQTT_PORT' },
];

function plan(overrides: Partial<DeployPlanInputs> = {}): DeployPlan {
  return new DeployPlan({
    release: 'seat',
    namespace: 'e2e',
    chartDir: 'helm/seat',
    services: SERVICES,
    values: [{ key: 'image.repository', value: '$IMAGE_NAME' }, { key: 'image.tag', value: '1.10' }, { key: 'image.pullPolicy', value: 'Never' }],
    integrationTestCommand: 'python -m pytest tests/integration',
    integrationRequiredVariable: 'INTEGRATION_REQUIRED',
    ...overrides,
  });
}

function argv(commandLine: string, env: Record<string, string> = {}): string[] {
  return argumentsOf('helm', commandLine, env);
}

describe('DeployPlan', () => {
  test('the install switches the services on, then sets the inputs\' values, in the namespace it creates', () => {
    // GIVEN a plan for a release with two services and the image under test
    // WHEN its install command is run by bash
    const words = argv(plan().installCommand(), { IMAGE_NAME: 'localhost/seat' });
    // THEN helm gets exactly these arguments (shell variables expanded, strings kept strings)
    expect(words).toStrictEqual([
      'upgrade', '--install', 'seat', 'helm/seat', '--namespace', 'e2e', '--create-namespace', '--wait', '--timeout', '5m',
      '--set', 'databroker.enabled=true', '--set', 'mqtt.enabled=true',
      '--set-string', 'image.repository=localhost/seat', '--set-string', 'image.tag=1.10', '--set-string', 'image.pullPolicy=Never',
    ]);
  });

  test('without a namespace no namespace flag is rendered (the current context\'s namespace)', () => {
    const p = plan({ namespace: undefined });
    expect(argv(p.installCommand())).not.toContain('--namespace');
    expect(argv(p.testCommand())).toStrictEqual(['test', 'seat', '--logs', '--timeout', '5m']);
    expect(p.portForwardCommand(p.portForwards[0])).toBe('kubectl port-forward "service/seat-databroker" \'55555:55555\'');
  });

  test('test, uninstall and port-forwards name the release\'s services in its namespace', () => {
    const p = plan();
    expect(argv(p.testCommand())).toStrictEqual(['test', 'seat', '--namespace', 'e2e', '--logs', '--timeout', '5m']);
    expect(argv(p.uninstallCommand())).toStrictEqual(['uninstall', 'seat', '--namespace', 'e2e', '--wait', '--timeout', '5m']);
    expect(p.portForwards).toStrictEqual([
      { target: 'service/seat-databroker', port: 55555, portVariable: 'VDB_PORT' },
      { target: 'service/seat-mqtt', port: 1883, portVariable: 'MQTT_PORT' },
    ]);
    expect(p.integrationTestEnv).toStrictEqual({ INTEGRATION_REQUIRED: '1', VDB_PORT: '55555', MQTT_PORT: '1883' });
  });

  test('the integration-test script is valid bash that forwards, exports the ports and stops the forwards', () => {
    const script = plan().integrationTestScript('/tmp');
    const res = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(script).toContain('forward "service/seat-mqtt" 1883');
    expect(script).toContain('trap \'kill $forward_pids 2> /dev/null\' EXIT');
    expect(script.split('\n').slice(-4)).toStrictEqual([
      'export INTEGRATION_REQUIRED=1', 'export VDB_PORT=55555', 'export MQTT_PORT=1883', 'python -m pytest tests/integration',
    ]);
  });

  test('the integration-test script fails naming the service whose port never opens', () => {
    // GIVEN a kubectl that exits at once, so the forwarded port never opens
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-plan-'));
    fs.writeFileSync(path.join(bin, 'kubectl'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'seq'), '#!/bin/sh\necho 1\n', { mode: 0o755 });
    try {
      const p = plan({ services: [{ chartName: 'mqtt', enabledValue: 'mqtt.enabled', port: 1, portVariable: 'MQTT_PORT' }] });
      // WHEN the script runs
      const res = spawnSync('bash', ['-c', p.integrationTestScript(bin)], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      // THEN it fails before the tests, naming the service
      expect(res.status).toBe(1);
      expect(res.stderr).toContain('port-forward to service/seat-mqtt did not open port 1');
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  test('a value helm --set would change is refused', () => {
    expect(() => plan({ values: [{ key: 'podAnnotations.x', value: 'a,b' }] })).toThrow(/"podAnnotations.x" = "a,b" contains a comma/);
  });

  testWithTools(['helm'], 'helm applies the plan\'s values to the generated chart (helm template with the same words)', () => {
    // GIVEN the seat adjuster's generated chart
    const dir = synthesizeExample('seat-adjuster');
    try {
      const chartDir = path.join(dir, 'deploy', 'helm', 'seat-adjuster');
      expect(fs.existsSync(path.join(chartDir, 'Chart.yaml'))).toBe(true);
      const p = plan({ chartDir });
      // WHEN helm renders the chart with the install's own arguments (upgrade --install -> template)
      const words = argv(p.installCommand(), { IMAGE_NAME: 'localhost/seat' });
      const valueWords = words.slice(words.indexOf('--timeout') + 2);
      const res = runTool('helm', ['template', 'seat', chartDir, '--namespace', 'e2e', ...valueWords]);
      // THEN the image under test and both runtime services are in the manifests
      expect(res.stderr).not.toMatch(/Error/);
      expect(res.status).toBe(0);
      expect(res.stdout).toContain('image: "localhost/seat:1.10"');
      expect(res.stdout).toContain('imagePullPolicy: Never');
      expect(res.stdout).toMatch(/name: seat-databroker\n/);
      expect(res.stdout).toMatch(/name: seat-mqtt\n/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

