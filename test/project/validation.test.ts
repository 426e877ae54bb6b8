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

function construct(options: Partial<VehicleAppProjectOptions>): () => VehicleAppProject {
  return () => new VehicleAppProject({ name: 'seat-adjuster', outdir: emptyDir(), ...options } as VehicleAppProjectOptions);
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
];

describe('invalid options are reported before anything is written', () => {
  test.each(RULES)('%s', (_name, options, location, rule) => {
    // WHEN / THEN the error names the option path, the value, the rule and a fix
    let message = '';
    try {
      construct(options)();
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toContain(location);
    expect(message).toMatch(rule);
    expect(message).toMatch(/Fix: /);
    expect(message).toMatch(/nothing was written/);
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
