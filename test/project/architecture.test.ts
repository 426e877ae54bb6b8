import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript, Testing } from 'projen';
import { parse } from 'yaml';
import {
  AppInterface, AppLanguage, AppManifest, ContainerBuild, ContainerImage, DatapointAccess, HelmChart, Instruction, LocalDevelopment, LocalRuntime,
  RuntimeServices, RuntimeServiceSettings, VehicleApp, VehicleAppProject, VehicleAppWorkflows,
} from '../../src';
import { LanguageProfile } from '../../src/languages/language-profile';
import { LanguageSpec } from '../../src/languages/language-spec';
import { PYTHON } from '../../src/languages/python';

process.env.PROJEN_DISABLE_POST = 'true';

const SRC = path.join(__dirname, '..', '..', 'src');

/** Every .ts file under src/ with the src files it imports (type-only imports too: they tie meanings together). */
function importGraph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full);
    else if (full.endsWith('.ts') && !full.endsWith('.d.ts')) files.push(full);
  });
  walk(SRC);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)].map(m => {
      const target = path.resolve(path.dirname(file), m[1]);
      return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
    }).filter(t => fs.existsSync(t));
    graph.set(path.relative(SRC, file), targets.map(t => path.relative(SRC, t)));
  }
  return graph;
}

/** The import cycles of a graph: its strongly connected components of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the source tree', () => {
  const graph = importGraph();

  test('has no import cycle', () => {
    expect(graph.size).toBeGreaterThan(30);
    expect(cycles(graph)).toEqual([]);
  });

  test('no file but index.ts imports the project type: components read resolved inputs', () => {
    const importers = [...graph].filter(([, targets]) => targets.includes('vehicle-app-project.ts')).map(([file]) => file);
    expect(importers).toEqual(['index.ts']);
  });

  test('the language is chosen in one place', () => {
    // GIVEN every comparison or case on an AppLanguage member in src/
    const choices = [...graph.keys()].filter(file => /(===|!==|case)\s*AppLanguage\.|AppLanguage\.[A-Z]+\s*(===|!==|\?)/.test(fs.readFileSync(path.join(SRC, file), 'utf8')));
    // THEN only the language profile's switch decides
    expect(choices).toEqual([path.join('languages', 'language-profile.ts')]);
  });
});

describe('a third language reaches every artifact through its profile alone', () => {
  // GIVEN a throwaway profile, different from Python's in every part
  const KOTLIN: LanguageSpec = {
    ...PYTHON,
    id: 'kotlin',
    displayName: 'Kotlin',
    baseImageRoles: [],
    dockerfile: ctx => {
      const stage = ctx.dockerfile.addStage('runtime', { from: 'docker.io/library/eclipse-temurin:21-jre' });
      stage.addInstruction('entrypoint', Instruction.entrypoint(['/app/kotlin-app']));
      return ['/app/kotlin-app'];
    },
    entrypoint: () => ['/app/kotlin-app'],
    heartbeatCheck: entrypoint => [entrypoint[0], '--kotlin-heartbeat'],
    heartbeatCheckText: '/app/kotlin-app --kotlin-heartbeat',
    toolchainVersion: () => undefined,
    samples: () => ({ 'src/Main.kt': 'fun main() {}\n' }),
    ciTimeoutMinutes: 21,
    ciIntegrationTestCommand: 'gradle -p app integrationTest',
    ciUnitTestSteps: ctx => [{ id: 'unit-test', name: 'Unit tests', run: `gradle -p ${ctx.appDir} test\n` }],
    ciIntegrationSetupSteps: () => [{ id: 'setup-java', name: 'Set up Java', run: 'echo java\n' }],
    ciIntegrationTestSteps: (ctx, env) => [{ id: 'integration-test', name: 'Integration tests', env, run: `gradle -p ${ctx.appDir} integrationTest\n` }],
    devcontainerImage: () => 'mcr.microsoft.com/devcontainers/java:1-21-bookworm',
    devcontainerPostCreate: appDir => `npm ci && gradle -p ${appDir} build`,
    devcontainerExtensions: ['fwcd.kotlin'],
    dependabotEcosystems: appDir => [{ ecosystem: 'gradle', directory: `/${appDir}` }],
    gitignore: () => ['.gradle/'],
    dockerignore: () => ['.gradle'],
    bindings: () => ({ 'src/generated/Bindings.kt': 'object Bindings\n' }),
    testTaskSteps: appDir => [{ exec: `gradle -p ${appDir} test` }],
    lintTaskSteps: appDir => [{ exec: `gradle -p ${appDir} ktlintCheck` }],
    unitTestCommand: 'gradle -p app test',
    integrationTestCommand: appDir => `gradle -p '${appDir}' integrationTest`,
  };
  const kotlin = 'kotlin' as AppLanguage;

  let files: { [file: string]: any };
  beforeAll(() => {
    const real = LanguageProfile.tryOf.bind(LanguageProfile);
    const spy = jest.spyOn(LanguageProfile, 'tryOf').mockImplementation(language => (language === kotlin ? LanguageProfile._fromSpec(KOTLIN) : real(language)));
    // A language is an enum member and a profile: the option check accepts the enum's values.
    (AppLanguage as any).KOTLIN = kotlin;
    try {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kotlin-'));
      // WHEN a project in that language is synthesized (no ports: the chart probes the heartbeat)
      files = Testing.synth(new VehicleAppProject({ name: 'seat-adjuster', outdir, language: kotlin }));
    } finally {
      delete (AppLanguage as any).KOTLIN;
      spy.mockRestore();
    }
  });

  test('Dockerfile, samples, README and .gitignore', () => {
    expect(files['app/Dockerfile']).toContain('FROM docker.io/library/eclipse-temurin:21-jre AS runtime');
    expect(files['app/Dockerfile']).not.toMatch(/python|venv/i);
    expect(files['app/src/Main.kt']).toBe('fun main() {}\n');
    expect(Object.keys(files).filter(f => f.endsWith('.py'))).toEqual([]);
    expect(files['README.md']).toContain('gradle -p app test');
    expect(files['README.md']).toContain('/app/kotlin-app --kotlin-heartbeat');
    expect(files['.gitignore']).toContain('.gradle/');
    expect(files['.gitignore']).not.toContain('__pycache__/');
    expect(files['app/.dockerignore']).toContain('.gradle');
    expect(files['app/.dockerignore']).not.toContain('__pycache__');
    expect(files['app/src/generated/Bindings.kt']).toMatch(/^\/\/ ~~ Generated by projen.*\nobject Bindings\n$/);
    const tasks = files['.projen/tasks.json'].tasks;
    expect(tasks.test.steps).toEqual([{ exec: 'gradle -p app test' }]);
    expect(tasks.lint.steps).toEqual([{ exec: 'gradle -p app ktlintCheck' }]);
  });

  test('the chart probes the profile\'s heartbeat check', () => {
    const values = parse(files['deploy/helm/seat-adjuster/values.yaml']);
    expect(values.livenessProbe.exec.command).toEqual(['/app/kotlin-app', '--kotlin-heartbeat']);
  });

  test('CI unit and integration steps, Dependabot', () => {
    const ci = parse(files['.github/workflows/ci.yml']);
    expect(ci.jobs['unit-test'].name).toBe('Lint and unit tests (Kotlin)');
    expect(ci.jobs['unit-test']['timeout-minutes']).toBe(21);
    expect(ci.jobs['unit-test'].steps.map((s: any) => s.id)).toEqual(['checkout', 'unit-test']);
    const integration = ci.jobs['integration-test'].steps.map((s: any) => s.id);
    expect(integration).toContain('setup-java');
    expect(integration).not.toContain('setup-python');
    expect(ci.jobs['integration-test'].steps.find((s: any) => s.id === 'integration-test').run).toBe('gradle -p app integrationTest\n');
    const dependabot = parse(files['.github/dependabot.yml']);
    expect(dependabot.updates.map((u: any) => u['package-ecosystem'])).toContain('gradle');
    expect(dependabot.updates.map((u: any) => u['package-ecosystem'])).not.toContain('pip');
  });

  test('devcontainer and local tasks', () => {
    const devcontainer = files['.devcontainer/devcontainer.json'];
    expect(devcontainer.image).toBe('mcr.microsoft.com/devcontainers/java:1-21-bookworm');
    expect(devcontainer.postCreateCommand).toBe('npm ci && gradle -p app build');
    expect(devcontainer.customizations.vscode.extensions).toEqual(['fwcd.kotlin']);
    const localTest = files['.projen/tasks.json'].tasks['local:test'].steps.map((s: any) => s.exec).join('\n');
    expect(localTest).toContain("gradle -p 'app' integrationTest");
  });

  test('a language without a profile is still reported', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kotlin-'));
    (AppLanguage as any).KOTLIN = kotlin;
    try {
      expect(() => new VehicleAppProject({ name: 'seat-adjuster', outdir, language: kotlin })).toThrow(/language: "kotlin" is not a supported language/);
    } finally {
      delete (AppLanguage as any).KOTLIN;
    }
  });
});

describe('components are built from a projen project and resolved inputs, in any order', () => {
  test('on a plain projen NodeProject, the reverse of the project type\'s order gives the same artifacts', () => {
    // GIVEN the model and resolved inputs, and a projen project that is no VehicleAppProject
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'components-'));
    const project = new javascript.NodeProject({ name: 'seat-adjuster', outdir, defaultReleaseBranch: 'main', jest: false, buildWorkflow: false, release: false });
    const manifest = new AppManifest({
      name: 'SeatAdjuster',
      interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] })],
    });
    const app = new VehicleApp({ name: 'seat-adjuster', language: AppLanguage.PYTHON, version: '1.0.0', manifest });
    const image = new ContainerImage({ appName: app.name, repositoryUrl: 'https://github.com/acme/seat-adjuster' });
    const runtime = new RuntimeServiceSettings({ app });
    const chartDir = HelmChart.dirOf(app.name);
    // WHEN the components are added in the reverse order of VehicleAppProject's
    new LocalRuntime(project, { app, appDir: 'app', runtime });
    new LocalDevelopment(project, {
      app, image, appDir: 'app', runtime, chartDir, localTag: 'dev', imageBuildTask: ContainerBuild.LOCAL_BUILD_TASK, kindNodeImage: 'kindest/node:v1.27.16',
    });
    new VehicleAppWorkflows(project, { app, image, appDir: 'app', runtime, chartDir });
    new HelmChart(project, { app, image, runtime });
    new RuntimeServices(project, { app, image, settings: runtime });
    new ContainerBuild(project, { app, image, appDir: 'app' });
    const files = Testing.synth(project);
    // THEN each artifact is there, and the local deploy spawns the image build defined after it
    // (after the tool check, step 0)
    expect(files['.projen/tasks.json'].tasks['local:deploy'].steps.slice(1, 3)).toEqual([{ spawn: 'local:cluster' }, { spawn: 'image:build' }]);
    expect(files['local-runtime/up.sh']).toContain("'seat-adjuster-databroker'");
    expect(files['app/Dockerfile']).toContain('ENTRYPOINT ["/opt/venv/bin/python3","/app/main.py"]');
    expect(parse(files[`${chartDir}/values.yaml`]).env.SDV_VEHICLEDATABROKER_ADDRESS).toBe('grpc://{{ include "seat-adjuster.databroker.host" . }}:55555');
    expect(files['deploy/kanto/seat-adjuster.json'].config.env).toContain('SDV_VEHICLEDATABROKER_ADDRESS=grpc://databroker:55555');
    expect(parse(files['.github/workflows/ci.yml']).jobs['integration-test'].env.CHART_DIR).toBe(chartDir);
  });
});
