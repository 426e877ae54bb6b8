import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { AppInterface, AppLanguage, DatapointAccess, VehicleAppProject, VehicleAppProjectOptions } from '../../src';
import { argumentsOf } from '../support/shell';
import { shellcheck, testWithTools } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const SEAT_ADJUSTER: Partial<VehicleAppProjectOptions> = {
  interfaces: [
    AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
    AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response'] }),
  ],
};

function project(options: Partial<VehicleAppProjectOptions> = {}): VehicleAppProject {
  return new VehicleAppProject({ name: 'seat-adjuster', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'devc-')), ...options });
}

function tasks(p: VehicleAppProject): Record<string, any> {
  return Testing.synth(p)['.projen/tasks.json'].tasks;
}

describe('devcontainer', () => {
  test('carries the env contract with local addresses and forwards the runtime service ports', () => {
    // GIVEN
    const p = project(SEAT_ADJUSTER);
    // WHEN
    const devcontainer = Testing.synth(p)['.devcontainer/devcontainer.json'];
    // THEN
    expect(devcontainer.containerEnv).toEqual({
      SDV_MIDDLEWARE_TYPE: 'native',
      SDV_VEHICLEDATABROKER_ADDRESS: 'grpc://localhost:55555',
      SDV_MQTT_ADDRESS: 'mqtt://localhost:1883',
      LOGLEVEL: 'info',
      VDB_PORT: '55555',
      MQTT_PORT: '1883',
    });
    expect(devcontainer.forwardPorts).toEqual([55555, 1883]);
    expect(devcontainer.image).toMatch(/devcontainers\/python/);
    expect(Object.keys(devcontainer.features)).toEqual(expect.arrayContaining([
      'ghcr.io/devcontainers/features/docker-in-docker:2', 'ghcr.io/devcontainers-extra/features/kind:1',
    ]));
    expect(devcontainer.postCreateCommand).toContain('app/requirements-dev.txt');
  });

  test('a C++ app gets the C++ image and a CMake configure', () => {
    const devcontainer = Testing.synth(project({ language: AppLanguage.CPP }))['.devcontainer/devcontainer.json'];
    expect(devcontainer.image).toMatch(/devcontainers\/cpp/);
    expect(devcontainer.postCreateCommand).toContain('cmake -S app -B build');
  });
});

describe('the local loop mirrors the CI integration test', () => {
  test('local:deploy loads the locally built image and installs the app chart with the services the manifest needs', () => {
    // GIVEN
    const p = project(SEAT_ADJUSTER);
    // WHEN
    const deploy = tasks(p)['local:deploy'].steps;
    // THEN
    // Step 0 checks the tools (test/runtime/local-runtime.test.ts).
    expect(deploy.slice(1, 3)).toEqual([{ spawn: 'local:cluster' }, { spawn: 'image:build' }]);
    expect(deploy[3].exec).toBe(`kind load docker-image '${p.image.reference('dev')}' --name 'seat-adjuster'`);
    // The words helm receives: the CI integration test's install, in the current namespace, with the local image.
    expect(argumentsOf('helm', deploy[4].exec)).toStrictEqual([
      'upgrade', '--install', 'seat-adjuster', p.helmChart.chartDir, '--wait', '--timeout', '5m',
      '--set', 'databroker.enabled=true', '--set', 'mqtt.enabled=true',
      '--set-string', `image.repository=${p.image.name}`, '--set-string', 'image.tag=dev', '--set-string', 'image.pullPolicy=Never',
    ]);
  });

  test('local:cluster runs the oldest Kubernetes of the CI integration test, with the Helm of the workflows', () => {
    const p = project();
    const files = Testing.synth(p);
    expect(files['.projen/tasks.json'].tasks['local:cluster'].steps[1].exec).toContain(`--image '${p.workflows.kindNodeImage}'`);
    expect(files['.github/workflows/ci.yml']).toContain(`node-image: ${p.workflows.kindNodeImage}`);
    const helm = /setup-helm@\S+(?:  # \S+)?\n\s+with:\n\s+version: v(\S+)/.exec(files['.github/workflows/ci.yml'])![1];
    expect(helm).toMatch(/^4\./);
    expect(files['.devcontainer/devcontainer.json'].features['ghcr.io/devcontainers/features/kubectl-helm-minikube:1'].helm).toBe(helm);
  });

  test('local:deploy loads the tag the image tasks build', () => {
    const p = project({ container: { localTag: 'wip' } });
    const all = tasks(p);
    const deploy = all['local:deploy'].steps;
    expect(deploy[3].exec).toBe(`kind load docker-image '${p.image.reference('wip')}' --name 'seat-adjuster'`);
    expect(argumentsOf('helm', deploy[4].exec)).toContain('image.tag=wip');
    expect(all['image:build'].steps[0].exec).toContain(`--tag ${p.image.reference('wip')}`);
  });

  test('local:test runs helm test, then the app\'s integration tests against port-forwarded services (Python and C++)', () => {
    for (const [language, command] of [[AppLanguage.PYTHON, "cd 'app' && python3 -m pytest tests/integration"],
      [AppLanguage.CPP, 'ctest --test-dir build --label-regex integration --output-on-failure']] as const) {
      const steps = tasks(project({ ...SEAT_ADJUSTER, language }))['local:test'].steps;
      expect(argumentsOf('helm', steps[1].exec)).toStrictEqual(['test', 'seat-adjuster', '--logs', '--timeout', '5m']);
      const script = steps[2].exec;
      expect(script).toContain('forward "service/seat-adjuster-databroker" 55555');
      expect(script).toContain('export VDB_PORT=55555');
      expect(script).toContain('export INTEGRATION_REQUIRED=1');
      expect(script).toContain(command);
    }
  });

  testWithTools(['shellcheck'], 'every local task script passes shellcheck', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-tasks-'));
    const files: string[] = [];
    for (const options of [SEAT_ADJUSTER, {}, { language: AppLanguage.CPP }]) {
      const all = tasks(project(options));
      for (const name of Object.keys(all).filter(n => n.startsWith('local:'))) {
        (all[name].steps ?? []).filter((s: any) => s.exec).forEach((s: any, i: number) => {
          const file = path.join(dir, `${files.length}-${name.replace(':', '-')}-${i}.sh`);
          fs.writeFileSync(file, `#!/bin/sh\n${s.exec}\n`);
          files.push(file);
        });
      }
    }
    expect(files.length).toBeGreaterThan(8);
    shellcheck(files);
  });
});
