/**
 * fast-check arbitraries of VehicleAppProject options: valid ones (every value a rule accepts, signals
 * from the VSS catalogue the package ships) and invalid ones (one wrong value at a known option path).
 */
import * as fc from 'fast-check';
import {
  ActionPinning, AppInterface, AppLanguage, AppPort, DatabrokerSignals, DatapointAccess, LogLevel,
  VehicleAppProjectOptions, VulnerabilitySeverity,
} from '../../src';
import { knownVssReleases, VssCatalogue, vssReleaseUrl } from '../../src/vss/vss-catalogue';

/** Chart values a generated project is rendered with (`helm lint` and `helm template --set`). */
export interface ChartSettings {
  readonly [value: string]: boolean;
}

/** One generated project: its options (without outdir) and the chart values it is rendered with. */
export interface GeneratedProject {
  readonly options: Omit<VehicleAppProjectOptions, 'outdir'>;
  readonly chartValues: ChartSettings;
}

const NATIVE = ['linux/amd64', 'linux/arm64'];
const EMULATED = ['linux/arm/v7', 'linux/riscv64', 'linux/ppc64le', 'linux/s390x'];
const PLATFORMS = [...NATIVE, ...EMULATED];

/**
 * An optional value that is mostly left out, as in most real projects: identical artifacts are then common,
 * and the batch validates each distinct one once.
 */
function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** Mostly one of the typical values, sometimes a random one. */
function usually<T>(typical: T[], random: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...typical) }, { weight: 1, arbitrary: random });
}
/** App names: mostly a few fixed names (identical artifacts are validated once), sometimes a random DNS label up to 63 characters. */
const appName = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('seat-adjuster', '7') },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/) },
);
const semver = fc.oneof(
  { weight: 8, arbitrary: fc.constant('0.1.0') },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(20), fc.nat(20), fc.nat(99), fc.option(fc.stringMatching(/^(alpha|beta|rc)(\.[1-9][0-9]?)?$/), { nil: undefined }))
      .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`),
  },
);
/** Free text a user may write (descriptions, env values): printable, no control characters, not ending in "\". */
const freeText = fc.string({ unit: fc.oneof(fc.constantFrom(...' "\'$`{}#:&*!%@|<>=;,äé漢-'.split('')), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })), maxLength: 40 })
  .filter(s => !/[\u0000-\u001f\u007f]/.test(s) && !s.endsWith('\\'));

function signalsOf(release: string): { readable: string[]; actuators: string[] } {
  const catalogue = VssCatalogue.release(release)!;
  return {
    readable: catalogue.signals.map(s => s.path),
    actuators: catalogue.signals.filter(s => s.type === 'actuator').map(s => s.path),
  };
}

const vehicleSignals = fc.constantFrom(...knownVssReleases()).chain(release => {
  const { readable, actuators } = signalsOf(release);
  const optional = fc.option(fc.boolean(), { nil: undefined });
  const required = fc.uniqueArray(
    fc.oneof(
      fc.record({ path: fc.constantFrom(...readable), access: fc.constant(DatapointAccess.READ), optional }),
      // Only an actuator's target value may be set.
      fc.record({ path: fc.constantFrom(...actuators), access: fc.constant(DatapointAccess.WRITE), optional }),
    ),
    { maxLength: 5, selector: d => `${d.path}|${d.access}` },
  );
  const provided = fc.uniqueArray(fc.constantFrom(...readable).map(path => ({ path })), { maxLength: 2, selector: d => d.path });
  return fc.record({ required, provided }).map(o => AppInterface.vehicleSignals({ src: vssReleaseUrl(release), ...o }));
});

const topicLevel = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/);
const topic = fc.array(topicLevel, { minLength: 1, maxLength: 4 }).map(l => l.join('/'));
const topicFilter = fc.tuple(topic, fc.constantFrom('', '/+', '/#', '/+/x')).map(([t, w]) => `${t}${w}`);
const pubSub = fc.record({ reads: fc.array(topicFilter, { maxLength: 3 }), writes: fc.array(topic, { maxLength: 3 }) })
  .map(o => AppInterface.pubSub(o));

const grpcName = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const grpc = fc.record({
  file: grpcName,
  serviceName: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,12}$/), { nil: undefined }),
  requiredMethods: fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,10}$/), { maxLength: 3 }),
  provided: fc.boolean(),
}).map(({ file, ...o }) => AppInterface.grpc({ src: `https://example.com/protos/${file}.proto`, ...o }));

/** Interfaces of one manifest; gRPC services named once each (one address variable per service). */
const randomInterfaces = fc.tuple(
  fc.option(vehicleSignals, { nil: undefined }),
  fc.option(pubSub, { nil: undefined }),
  fc.uniqueArray(grpc, { maxLength: 2, selector: g => g.addressVariable }),
).map(([v, p, g]) => [...(v ? [v] : []), ...(p ? [p] : []), ...g]);
/** The interfaces of typical apps (none, a seat adjuster, a gRPC client), or random ones. */
const TYPICAL_INTERFACES: Array<() => AppInterface[]> = [
  () => [],
  () => [
    AppInterface.vehicleSignals({
      required: [
        { path: 'Vehicle.Speed', access: DatapointAccess.READ },
        { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.WRITE },
      ],
    }),
    AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response'] }),
  ],
  () => [AppInterface.grpc({ src: 'https://example.com/protos/seats.proto', requiredMethods: ['Move'] })],
];
// Each project gets interface objects of its own.
const interfaces = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TYPICAL_INTERFACES).map(make => make()) },
  { weight: 1, arbitrary: randomInterfaces },
);

const ports = fc.uniqueArray(
  fc.record({ name: fc.stringMatching(/^[a-z]([a-z0-9-]{0,13}[a-z0-9])?$/), port: fc.integer({ min: 1, max: 65535 }) }),
  { maxLength: 3, selector: p => p.name },
).filter(ps => new Set(ps.map(p => p.port)).size === ps.length) as fc.Arbitrary<AppPort[]>;

const env = fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/), freeText, { maxKeys: 3 });

const cpu = fc.integer({ min: 10, max: 4000 });
const memory = fc.integer({ min: 16, max: 4096 });
const resources = fc.tuple(cpu, cpu, memory, memory).map(([a, b, m, n]) => ({
  cpuRequest: `${Math.min(a, b)}m`, cpuLimit: `${Math.max(a, b)}m`, memoryRequest: `${Math.min(m, n)}Mi`, memoryLimit: `${Math.max(m, n)}Mi`,
}));
const helm = fc.record({
  chartVersion: semver,
  replicaCount: fc.integer({ min: 0, max: 5 }),
  resources,
  maintainers: fc.array(fc.record({
    name: fc.stringMatching(/^[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?$/),
    email: fc.option(fc.constantFrom('team@example.com', 'a.b@acme.org'), { nil: undefined }),
    url: fc.option(fc.constantFrom('https://github.com/acme', 'https://example.com/team'), { nil: undefined }),
  }, { requiredKeys: ['name'] }), { maxLength: 2 }),
  heartbeatProbes: fc.boolean(),
}, { requiredKeys: [] });

/**
 * Platforms (unique, non-empty, one of them native) and workflow options that build and test them. The default
 * Python base image (Debian bookworm) has no riscv64 image.
 */
const imageAndWorkflows = (language: AppLanguage) => fc.uniqueArray(
  fc.constantFrom(...PLATFORMS.filter(p => language === AppLanguage.CPP || p !== 'linux/riscv64')), { minLength: 1, maxLength: 4 })
  .filter(ps => ps.some(p => NATIVE.includes(p)))
  .chain(platforms => {
    const emulated = platforms.filter(p => !NATIVE.includes(p));
    const runnerLabel = usually(['arm-builder', 'self-hosted-ppc'], fc.stringMatching(/^[a-z][a-z0-9._-]{0,15}$/));
    return fc.record({
      image: fc.record({
        registry: fc.constantFrom('ghcr.io', 'registry.example.com:5000', 'localhost:5000'),
        repository: fc.option(fc.constantFrom('acme/app', 'team/sub/service', 'x'), { nil: undefined }),
        platforms: fc.constant(platforms),
        uid: usually([10001, 1000, 65532], fc.integer({ min: 1, max: 2 ** 31 - 1 })),
        tagPolicy: fc.record({
          branch: fc.boolean(),
          latestOnDefaultBranch: fc.boolean(),
          semverPatterns: fc.constantFrom(['{{version}}'], ['{{version}}', '{{major}}.{{minor}}'], ['v{{major}}']),
        }, { requiredKeys: [] }),
      }, { requiredKeys: ['platforms'] }),
      // Without emulation, every emulated platform gets a runner of its own.
      emulation: fc.boolean(),
      runners: fc.dictionary(fc.constantFrom(...platforms), runnerLabel, { maxKeys: platforms.length }),
      emulatedRunners: fc.tuple(...emulated.map(() => runnerLabel)),
      flags: usually([{}], fc.record({
        scan: fc.boolean(),
        scanSeverity: fc.constantFrom(...Object.values(VulnerabilitySeverity)),
        integrationTest: fc.boolean(),
        release: fc.boolean(),
        signing: fc.boolean(),
        dependabot: fc.boolean(),
        nodeVersion: fc.constantFrom('20', '22', '24'),
        pythonVersion: fc.constantFrom('3.10', '3.11', '3.12'),
      }, { requiredKeys: [] })),
    }).map(({ image, emulation, runners, emulatedRunners, flags }) => {
      const allRunners = { ...runners };
      if (!emulation) emulated.forEach((p, i) => { allRunners[p] = emulatedRunners[i]; });
      // The integration test needs a native amd64 or arm64 build: a custom runner label counts as native.
      return {
        image,
        workflows: { ...flags, emulation, runners: allRunners, actionPinning: ActionPinning.COMMIT_SHA },
      };
    });
  });

const chartValues = usually([{}], fc.record({
  'databroker.enabled': fc.boolean(),
  'mqtt.enabled': fc.boolean(),
  'autoscaling.enabled': fc.boolean(),
  'podDisruptionBudget.enabled': fc.boolean(),
  'networkPolicy.enabled': fc.boolean(),
  'networkPolicy.egress.enabled': fc.boolean(),
}));

/** Random valid options: every project built from them must synthesize and pass every validator. */
export const validProject: fc.Arbitrary<GeneratedProject> = fc.constantFrom(AppLanguage.PYTHON, AppLanguage.CPP).chain(language => fc.record({
  language: fc.constant(language),
  build: usually<{ image?: any; workflows?: any }>([{}], imageAndWorkflows(language)),
  base: fc.record({
    name: appName,
    version: semver,
    description: sometimes(freeText),
    interfaces,
    ports: sometimes(ports),
    logLevel: sometimes(fc.constantFrom(...Object.values(LogLevel))),
    env: sometimes(env),
    repositoryUrl: fc.constantFrom('https://github.com/acme/seat-adjuster.git', 'https://gitlab.example.com/team/apps/x'),
    license: sometimes(fc.constantFrom('MPL-2.0', 'EUPL-1.2')),
    authorName: sometimes(fc.constantFrom('Acme Automotive', 'Jane Doe')),
    sampleCode: fc.boolean(),
    helm: sometimes(helm),
    runtime: sometimes(fc.record({
      databroker: fc.boolean(),
      mqttBroker: fc.boolean(),
      kanto: fc.boolean(),
      databrokerSignals: fc.constantFrom(...Object.values(DatabrokerSignals)),
    }, { requiredKeys: [] })),
    localDevelopment: sometimes(fc.record({ nodeVersion: fc.constantFrom('20', '22', '24.11.1') })),
  }, { requiredKeys: ['name', 'interfaces', 'repositoryUrl', 'sampleCode'] }),
  chartValues,
  mit: fc.boolean(),
})).map(({ language, base, build, chartValues: values, mit }) => ({
  // MIT names a copyright owner: only with authorName, who may have an email address.
  options: {
    language,
    ...base,
    ...build,
    ...(base.authorName ? { authorEmail: 'team@example.com', ...(mit ? { license: 'MIT' } : {}) } : {}),
  } as Omit<VehicleAppProjectOptions, 'outdir'>,
  chartValues: values,
}));

/** Options with one wrong value, and the option path the problem report must name. */
export interface InvalidProject {
  readonly options: Omit<VehicleAppProjectOptions, 'outdir'>;
  readonly path: string;
  readonly value: unknown;
}

type Mutation = (o: any) => fc.Arbitrary<{ patch: (o: any) => any; path: string; value: unknown }>;
const set = (path: string, value: unknown, patch: (o: any) => any) => ({ path, value, patch });

/** Wrong values at known paths: bad ports, unknown signals, bad names, bad platforms, negative resources, wrong kinds. */
const MUTATIONS: Mutation[] = [
  () => fc.constantFrom('Seat_Adjuster', 'UPPER', '-x', 'x-', '', 'a'.repeat(64), 42, null).map(v => set('name', v, o => ({ ...o, name: v }))),
  () => fc.constantFrom('1.0', 'v1.0.0', 'latest', '', 1).map(v => set('version', v, o => ({ ...o, version: v }))),
  () => fc.constantFrom(0, -1, 65536, 1.5, Number.NaN, '8080', null).map(v =>
    set('ports[0].port', v, o => ({ ...o, ports: [{ name: 'web', port: v }] }))),
  () => fc.constantFrom('HTTP', 'a-very-long-port-name', '-web', '', 7).map(v =>
    set('ports[0].name', v, o => ({ ...o, ports: [{ name: v, port: 8080 }] }))),
  () => fc.constantFrom('Vehicle.NoSuch.Signal', 'Vehicle.Speeed', 'Vehicle.Cabin', 'vehicle.speed', 'Speed', '').map(v =>
    set('interfaces[0].required[0].path', v, o => ({ ...o, interfaces: [AppInterface.vehicleSignals({ required: [{ path: v, access: DatapointAccess.READ }] })] }))),
  () => fc.constantFrom('Vehicle.Speed', 'Vehicle.VehicleIdentification.VIN').map(v =>
    set('interfaces[0].required[0].access', 'write', o => ({ ...o, interfaces: [AppInterface.vehicleSignals({ required: [{ path: v, access: DatapointAccess.WRITE }] })] }))),
  () => fc.constantFrom('delete', 'rw', '', 3).map(v =>
    set('interfaces[0].required[0].access', v, o => ({ ...o, interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: v as any }] })] }))),
  () => fc.constantFrom('a/+/b', 'x/#', 'has space', '').map(v =>
    set('interfaces[0].writes[0]', v, o => ({ ...o, interfaces: [AppInterface.pubSub({ writes: [v] })] }))),
  () => fc.constantFrom('ftp://example.com/x.proto', 'https://example.com/protos/', 'has space.proto').map(v =>
    set('interfaces[0].src', v, o => ({ ...o, interfaces: [AppInterface.grpc({ src: v })] }))),
  () => fc.constantFrom('windows/amd64', 'linux/x86', 'amd64', '').map(v =>
    set('image.platforms[0]', v, o => ({ ...o, image: { platforms: [v, 'linux/amd64'] } }))),
  () => fc.constantFrom('https://ghcr.io', 'ghcr.io/acme', 'bad host', '').map(v =>
    set('image.registry', v, o => ({ ...o, image: { registry: v } }))),
  () => fc.constantFrom('Acme/App', 'acme//app', 'app:1.0').map(v => set('image.repository', v, o => ({ ...o, image: { repository: v } }))),
  () => fc.constantFrom(0, -1, 1.5, 2 ** 31, '1000').map(v => set('image.uid', v, o => ({ ...o, image: { uid: v } }))),
  () => fc.tuple(fc.constantFrom('cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'), fc.constantFrom('-1', '-100m', '1.5.0', 'lots', '', 5))
    .map(([key, v]) => set(`helm.resources.${key}`, v, o => ({ ...o, helm: { resources: { [key]: v } } }))),
  () => fc.constantFrom(-1, 1.5, '2', Number.NaN).map(v => set('helm.replicaCount', v, o => ({ ...o, helm: { replicaCount: v } }))),
  () => fc.constantFrom('1.0', 'x').map(v => set('helm.chartVersion', v, o => ({ ...o, helm: { chartVersion: v } }))),
  () => fc.constantFrom('latest', 'v22', '', 22).map(v => set('workflows.nodeVersion', v, o => ({ ...o, workflows: { nodeVersion: v } }))),
  () => fc.constantFrom('2.7', '3', 'python3').map(v => set('workflows.pythonVersion', v, o => ({ ...o, workflows: { pythonVersion: v } }))),
  () => fc.constantFrom('has space', 'a/b', '').map(v => set('workflows.defaultRunner', v, o => ({ ...o, workflows: { defaultRunner: v } }))),
  () => fc.constantFrom('no-at-sign', 'a b@c').map(v => set('authorEmail', v, o => ({ ...o, authorEmail: v }))),
  () => fc.constantFrom('lower', '1ABC', 'A-B').map(k => set(`env.${k}`, k, o => ({ ...o, env: { [k]: 'x' } }))),
  () => fc.constantFrom('latest', 'v22', '').map(v => set('localDevelopment.nodeVersion', v, o => ({ ...o, localDevelopment: { nodeVersion: v } }))),
  () => fc.constantFrom('NOPE-1.0', 'GPL 3', '../x').map(v => set('license', v, o => ({ ...o, license: v }))),
  () => fc.constantFrom('COBOL', 'py', 3).map(v => set('language', v, o => ({ ...o, language: v }))),
  () => fc.constantFrom('chatty', 'INFO', 1).map(v => set('logLevel', v, o => ({ ...o, logLevel: v }))),
];

/** A valid base with one mutation applied; the mutation replaces the option it targets. */
export const invalidProject: fc.Arbitrary<InvalidProject> = fc.tuple(validProject, fc.nat(MUTATIONS.length - 1)).chain(([valid, i]) =>
  MUTATIONS[i](valid.options).map(m => {
    // A mutation that sets one option keeps the others valid: drop what could conflict with it.
    const base: any = { ...valid.options };
    if (m.path.startsWith('image.')) delete base.workflows;
    if (m.path.startsWith('ports')) delete base.ports;
    if (m.path.startsWith('interfaces')) delete base.runtime;
    return { options: m.patch(base), path: m.path, value: m.value };
  }));
