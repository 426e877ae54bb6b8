import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  AppInterface, AppLanguage, AppManifest, DatapointAccess, LogLevel, VehicleAppProject, VehicleAppProjectOptions,
} from '../../src';

process.env.PROJEN_DISABLE_POST = 'true';

function emptyDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-invalid-'));
}

function construct(options: Partial<VehicleAppProjectOptions>, outdir: string = emptyDir()): () => VehicleAppProject {
  return () => new VehicleAppProject({ name: 'seat-adjuster', outdir, ...options } as VehicleAppProjectOptions);
}

/** The error message of `fn`, or '' when it does not throw. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e: any) {
    return e.message;
  }
  return '';
}

/** Asserts the one-line shape `  - <option path>: <value> <rule>. Fix: <fix>` and the "nothing was written" header. */
function expectProblem(message: string, location: string, rule: RegExp): void {
  expect(message).toMatch(/nothing was written/);
  const line = message.split('\n').find(l => l.startsWith(`  - ${location} `));
  expect(line).toBeDefined();
  expect(line).toMatch(rule);
  expect(line).toMatch(/\. Fix: \S+/);
}

/** One row per rule: the options, the option path and the words of the rule the error must name. */
const RULES: Array<[string, Partial<VehicleAppProjectOptions>, string, RegExp]> = [
  ['app name with spaces and capitals', { name: 'Seat Adjuster' }, 'name: "Seat Adjuster"', /is not a DNS-1123 label.*Fix: use "seat-adjuster"/],
  ['app name too long', { name: 'a'.repeat(64) }, `name: "${'a'.repeat(64)}"`, /at most 63 characters/],
  ['version not semver', { version: '1.0' }, 'version: "1.0"', /is not a semantic version/],
  ['unknown language', { language: 'rust' as AppLanguage }, 'language: "rust"', /is not a supported language/],
  ['unknown log level', { logLevel: 'trace' as LogLevel }, 'logLevel: "trace"', /is not a known log level/],
  ['malformed VSS path', { interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'vehicle speed', access: DatapointAccess.READ }] })] },
    'interfaces[0].required[0].path: "vehicle speed"', /is not a VSS path/],
  ['unknown access', { interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: 'readwrite' as DatapointAccess }] })] },
    'interfaces[0].required[0].access: "readwrite"', /is not a known access/],
  ['duplicate datapoint', { interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }, { path: 'Vehicle.Speed', access: DatapointAccess.READ }] })] },
    'interfaces[0].required[1]: "Vehicle.Speed"', /repeats required\[0\]/],
  ['VSS src not a URL', { interfaces: [AppInterface.vehicleSignals({ src: 'ftp://example.com/vss.json' })] },
    'interfaces[0].src: "ftp://example.com/vss.json"', /uses the scheme "ftp:"/],
  ['MQTT write topic with wildcard', { interfaces: [AppInterface.pubSub({ writes: ['seat/+/response'] })] },
    'interfaces[0].writes[0]: "seat/+/response"', /contains a wildcard/],
  ['MQTT read topic with misplaced #', { interfaces: [AppInterface.pubSub({ reads: ['seat/#/x'] })] },
    'interfaces[0].reads[0]: "seat/#/x"', /uses "#" other than as the whole last level/],
  ['MQTT topic with spaces', { interfaces: [AppInterface.pubSub({ reads: ['seat adjuster/set'] })] },
    'interfaces[0].reads[0]: "seat adjuster/set"', /contains whitespace/],
  ['gRPC src not a proto', { interfaces: [AppInterface.grpc({ src: 'https://example.com/seats.txt', requiredMethods: ['Move'] })] },
    'interfaces[0].src: "https://example.com/seats.txt"', /does not name a .proto file/],
  ['gRPC method name', { interfaces: [AppInterface.grpc({ src: 'seats.proto', requiredMethods: ['Move seat'] })] },
    'interfaces[0].requiredMethods[0]: "Move seat"', /is not a gRPC method name/],
  ['two gRPC services with one address variable', {
    interfaces: [AppInterface.grpc({ src: 'a/seats.proto', requiredMethods: ['Move'] }), AppInterface.grpc({ src: 'b/seats.proto', requiredMethods: ['Stop'] })],
  }, 'interfaces[1].serviceName: "seats"', /gives the same address variable SDV_SEATS_ADDRESS as interfaces\[0\]/],
  ['custom interface type', { interfaces: [AppInterface.custom('Not A Type', {})] }, 'interfaces[0].type: "Not A Type"', /is not an interface type name/],
  ['unknown platform', { image: { platforms: ['linux/amd64', 'windows/amd64'] } }, 'image.platforms[1]: "windows/amd64"', /is not a known platform.*linux\/arm64/],
  ['duplicate platform', { image: { platforms: ['linux/arm64', 'linux/arm64'] } }, 'image.platforms[1]: "linux/arm64"', /is listed twice/],
  ['no platform', { image: { platforms: [] } }, 'image.platforms: []', /is empty/],
  ['invalid image repository', { image: { repository: 'Acme/Seat_Adjuster!' } }, 'image.repository: "Acme/Seat_Adjuster!"', /is not a valid image repository.*Fix: use lowercase/],
  ['invalid registry', { image: { registry: 'https://ghcr.io/acme' } }, 'image.registry: "https://ghcr.io/acme"', /is not a registry host/],
  ['root uid', { image: { uid: 0 } }, 'image.uid: 0', /is not a non-root numeric id/],
  ['bad tag pattern', { image: { tagPolicy: { semverPatterns: ['v{{version}} beta'] } } }, 'image.tagPolicy.semverPatterns[0]: "v{{version}} beta"', /is not a tag pattern/],
  ['port out of range', { ports: [{ name: 'grpc', port: 70000 }] }, 'ports[0].port: 70000', /is not a TCP\/UDP port/],
  ['env name', { env: { 'seat-speed': '1' } }, 'env.seat-speed: "seat-speed"', /is not an environment variable name/],
  ['manifest and interfaces together', { manifest: new AppManifest({ name: 'x' }), interfaces: [] }, 'interfaces: "(set together with manifest)"', /conflicts with manifest/],
  ['port name format', { ports: [{ name: 'gRPC_port', port: 50051 }] }, 'ports[0].name: "gRPC_port"', /is not a port name \(.*at most 15 characters.*\)\. Fix: use e\.g\. "grpc"/],
  ['gRPC service name', { interfaces: [AppInterface.grpc({ src: 'seats.proto', serviceName: 'seat service', requiredMethods: ['Move'] })] },
    'interfaces[0].serviceName: "seat service"', /is not a service name \(letters, digits, "_" and "-", starting with a letter\)\. Fix: set serviceName/],
  ['custom interface config not an object', { interfaces: [AppInterface.custom('lattice', ['a'])] }, 'interfaces[0].config: ["a"]',
    /is not an object\. Fix: pass the interface configuration as a JSON object/],
  ['VSS unit file not a URL or path', { interfaces: [AppInterface.vehicleSignals({ unitSrc: ['ftp://example.com/units.yaml'] })] },
    'interfaces[0].unitSrc[0]: "ftp://example.com/units.yaml"', /uses the scheme "ftp:".*Fix: give the https URL or path of a VSS units file/],
  ['provided signal path', { interfaces: [AppInterface.vehicleSignals({ provided: [{ path: 'speed' }] })] },
    'interfaces[0].provided[0].path: "speed"', /is not a VSS path.*Fix: write the full VSS path/],
  ['CA secret id', { container: { caSecretId: 'Corporate CA' } }, 'container.caSecretId: "Corporate CA"', /is not a secret id.*Fix: use "ca"/],
  ['C++ binary target', { language: AppLanguage.CPP, container: { cpp: { binaryTarget: 'seat adjuster' } } },
    'container.cpp.binaryTarget: "seat adjuster"', /is not a CMake target name\. Fix: use the name given to add_executable\(\)/],
  ['pip index URL', { container: { pipIndexUrl: 'pypi.example.com/simple' } }, 'container.pipIndexUrl: "pypi.example.com/simple"',
    /is not an http\(s\) URL\. Fix: use e\.g\. "https:\/\/pypi\.example\.com\/simple"/],
  ['apt mirror URL', { container: { aptMirror: 'ftp://mirror.example.com/debian' } }, 'container.aptMirror: "ftp://mirror.example.com/debian"',
    /is not an http\(s\) URL of a Debian mirror\. Fix: use e\.g\./],
  ['repository URL not a URL', { repositoryUrl: 'not a url' }, 'repositoryUrl: "not a url"',
    /is not a URL \(accepted: https or http URL of the repository\)\. Fix: use the https URL of the repository/],
  ['repository URL with another scheme', { repositoryUrl: 'ftp://x/y' }, 'repositoryUrl: "ftp://x/y"',
    /uses the scheme "ftp:", but only https and http repository URLs are accepted\. Fix: use the https URL/],
  ['repository URL without a path', { repositoryUrl: 'https://github.com' }, 'repositoryUrl: "https://github.com"', /is not a repository URL \(an http\(s\) URL with a host and the repository path\)/],
  ['repository URL as an SSH remote', { repositoryUrl: 'git@github.com:acme/seat-adjuster.git' }, 'repositoryUrl: "git@github.com:acme/seat-adjuster.git"',
    /is an SSH remote, but the image source label needs the web URL\. Fix: use "https:\/\/github\.com\/acme\/seat-adjuster"/],
  ['author email', { authorName: 'Seat Team', authorEmail: 'seats at example.com' }, 'authorEmail: "seats at example.com"', /is not an email address\. Fix: use e\.g\. "team@example\.com"/],
  ['duplicate port name', { ports: [{ name: 'grpc', port: 50051 }, { name: 'grpc', port: 50052 }] },
    'ports[1].name: "grpc"', /is used by another port\. Fix: give each port its own name/],
];

/** Rules that only changes made after construction (in .projenrc.ts) can break; synth must stop before writing. */
const LATER_RULES: Array<[string, (project: VehicleAppProject) => void, string, RegExp]> = [
  ['Dockerfile stage name', p => p.dockerfile.addStage('Test Stage', { from: 'runtime' }), 'app/Dockerfile.stages[2].name: "Test Stage"',
    /is not a stage name \(lowercase letter first.*\)\. Fix: use e\.g\. "builder"/],
];

describe('invalid options are reported before anything is written', () => {
  test.each(RULES)('%s', (_name, options, location, rule) => {
    // GIVEN an empty directory
    const outdir = emptyDir();
    // WHEN
    const message = errorOf(construct(options, outdir));
    // THEN the error names the option path, the value, the rule and a fix, and nothing was written
    expectProblem(message, location, rule);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test.each(LATER_RULES)('%s (changed after construction)', (_name, change, location, rule) => {
    // GIVEN a valid project, changed later in .projenrc.ts
    const outdir = emptyDir();
    const project = new VehicleAppProject({ name: 'seat-adjuster', outdir });
    change(project);
    // WHEN / THEN synth stops with the problem before writing anything
    expectProblem(errorOf(() => project.synth()), location, rule);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test.each([
    'https://github.com/acme/seat-adjuster', 'https://github.com/acme/seat-adjuster.git', 'http://git.example.com/team/apps/seat-adjuster',
  ])('repository URL %s is accepted', repositoryUrl => {
    expect(errorOf(construct({ repositoryUrl }))).toEqual('');
  });

  test('all problems are reported together', () => {
    expect(construct({ name: 'Bad Name', version: 'x', image: { platforms: ['linux/sparc'] } })).toThrow(
      /3 problems in the options[\s\S]*name: "Bad Name"[\s\S]*version: "x"[\s\S]*image\.platforms\[0\]: "linux\/sparc"/,
    );
  });

  test('nothing is written to disk when construction fails', () => {
    // GIVEN an empty directory
    const outdir = emptyDir();
    // WHEN the options are invalid
    expect(() => new VehicleAppProject({ name: 'seat-adjuster', outdir, version: 'one' })).toThrow();
    // THEN the directory stays empty
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('problems introduced after construction stop synth before anything is written', () => {
    // GIVEN a valid project, to which a bad interface is added later in .projenrc.ts
    const outdir = emptyDir();
    const project = new VehicleAppProject({ name: 'seat-adjuster', outdir });
    project.app.manifest.addInterface(AppInterface.pubSub({ writes: ['a/#'] }));
    // WHEN / THEN
    expect(() => project.synth()).toThrow(/  - interfaces\[0\]\.writes\[0\]: "a\/#"/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a previously synthesized project is left untouched by a failing synth', () => {
    // GIVEN a project synthesized once
    const outdir = emptyDir();
    new VehicleAppProject({ name: 'seat-adjuster', outdir }).synth();
    const before = snapshotDir(outdir);
    // WHEN a later synth fails
    const project = new VehicleAppProject({ name: 'seat-adjuster', outdir });
    project.app.manifest.addInterface(AppInterface.pubSub({ writes: ['a/+'] }));
    expect(() => project.synth()).toThrow();
    // THEN every file is as it was
    expect(snapshotDir(outdir)).toEqual(before);
  });
});

function snapshotDir(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else result[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return result;
}
