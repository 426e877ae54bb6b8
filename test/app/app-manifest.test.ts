import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { AppInterface, AppManifest, VehicleAppProject } from '../../src';
import { writeProto } from '../support/protos';
import { jsonSchemaValidate, testWithTools, WRAPPER_TOOLS } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const SCHEMA = path.resolve(__dirname, '..', '..', 'schemas', 'app-manifest-v3.schema.json');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-test-'));
}

/** Writes a manifest into a temp folder and returns its path. */
function manifestFile(json: unknown): string {
  const file = path.join(tmp(), 'AppManifest.json');
  fs.writeFileSync(file, JSON.stringify(json, undefined, 2));
  return file;
}

/** The error of constructing and synthesizing a project with this manifest; asserts nothing was written. */
function projectError(manifest: AppManifest): string {
  const outdir = tmp();
  let error: Error | undefined;
  try {
    new VehicleAppProject({ name: 'seat-adjuster', outdir, manifest, sampleCode: false }).synth();
  } catch (e) {
    error = e as Error;
  }
  expect(error).toBeDefined();
  expect(fs.readdirSync(outdir)).toEqual([]);
  return error!.message;
}

describe('a manifest whose interfaces is one object instead of a list', () => {
  test('is rejected at $.interfaces, naming the file and how to wrap it', () => {
    // GIVEN
    const file = manifestFile({ manifestVersion: 'v3', name: 'a', interfaces: { type: 'pubsub', config: { reads: ['a/b'] } } });
    // WHEN / THEN
    expect(() => AppManifest.fromFile(file)).toThrow(
      `${file}: $.interfaces: is one interface object ({"type": "pubsub", ...}), not an array of them. `
      + 'Fix: wrap it in brackets: "interfaces": [{"type": "pubsub", "config": {...}}].');
  });

  test('interfaces keyed by type are still read, and their problems name the real key', () => {
    // GIVEN
    const json = { manifestVersion: 'v3', name: 'a', interfaces: { 'pubsub': { reads: 'a/b' }, 'my iface': 'x' } };
    // WHEN / THEN
    expect(() => AppManifest.fromJson(json, 'm.json')).toThrow(/^m\.json: \$\.interfaces\.pubsub\.reads: is string "a\/b"\. Fix: list topics/);
    expect(() => AppManifest.fromJson({ ...json, interfaces: { 'my iface': 'x' } }, 'm.json'))
      .toThrow(/^m\.json: \$\.interfaces\["my iface"\]: is string "x", not an object/);
  });
});

describe('a grpc-interface whose src names a folder', () => {
  test('read from a file: one problem at the file and the real JSON path of src, none about a derived serviceName', () => {
    // GIVEN
    const file = manifestFile({
      manifestVersion: 'v3',
      name: 'a',
      interfaces: [{ type: 'pubsub', config: { reads: ['a/b'] } }, { type: 'grpc-interface', config: { src: 'proto/', required: { methods: ['Move'] } } }],
    });
    // WHEN
    const message = projectError(AppManifest.fromFile(file));
    // THEN
    expect(message).toContain(`${file}: $.interfaces[1].config.src: "proto/" names a folder, so the service name (SDV_<NAME>_ADDRESS) cannot be derived from it. `
      + 'Fix: point src at the service\'s .proto file, e.g. "proto/seats.proto"');
    expect(message).toMatch(/1 problem in the options/);
    expect(message).not.toContain('serviceName');
  });

  test('built in code: the src is reported, and an explicit serviceName does not hide it', () => {
    const derived = projectError(new AppManifest({ name: 'a', interfaces: [AppInterface.grpc({ src: 'proto/' })] }));
    expect(derived).toMatch(/manifest\.interfaces\[0\]\.src: "proto\/" names a folder, so the service name/);
    expect(derived).not.toContain('serviceName');

    const named = projectError(new AppManifest({ name: 'a', interfaces: [AppInterface.grpc({ src: 'https://example.com/protos.zip', serviceName: 'seats' })] }));
    expect(named).toMatch(/manifest\.interfaces\[0\]\.src: "https:\/\/example\.com\/protos\.zip" names no \.proto file\. Fix: point src at the service's \.proto file, e.g. "https:\/\/example\.com\/seats\.proto"/);
  });

  test('a .proto src is accepted', () => {
    const file = manifestFile({ manifestVersion: 'v3', name: 'a', interfaces: [{ type: 'grpc-interface', config: { src: 'proto/seats.proto', required: { methods: ['Move'] } } }] });
    const outdir = tmp();
    writeProto(outdir, 'proto/seats.proto', 'Seats', ['Move']);
    const p = new VehicleAppProject({ name: 'seat-adjuster', outdir, manifest: AppManifest.fromFile(file), sampleCode: false });
    expect(Testing.synth(p)['app/AppManifest.json'].interfaces[0].config.src).toBe('proto/seats.proto');
  });
});

describe('problems in a read manifest name the file and the JSON path as written', () => {
  test('a topic after a dropped duplicate is reported at its index in the file', () => {
    // GIVEN reads[1] repeats reads[0] (the reader drops it), so the bad topic is reads[2] in the file but reads[1] in the model
    const file = manifestFile({ manifestVersion: 'v3', name: 'a', interfaces: [{ type: 'pubsub', config: { reads: ['a/b', 'a/b', 'bad topic'], writes: ['x/#'] } }] });
    // WHEN
    const message = projectError(AppManifest.fromFile(file));
    // THEN
    expect(message).toContain(`${file}: $.interfaces[0].config.reads[2]: "bad topic"`);
    expect(message).toContain(`${file}: $.interfaces[0].config.writes[0]: "x/#"`);
  });

  test('unit_src and required.methods are named by their JSON keys', () => {
    const file = manifestFile({
      manifestVersion: 'v3',
      name: 'a',
      interfaces: [
        { type: 'vehicle-signal-interface', config: { src: 'vss.json', unit_src: ['ok.yaml', ' '], datapoints: { required: [{ path: 'Vehicle.Speed', access: 'read' }] } } },
        { type: 'grpc-interface', config: { src: 'seats.proto', required: { methods: ['Move', 'not a method'] } } },
      ],
    });
    const message = projectError(AppManifest.fromFile(file));
    expect(message).toContain(`${file}: $.interfaces[0].config.unit_src[1]: " "`);
    expect(message).toContain(`${file}: $.interfaces[1].config.required.methods[1]: "not a method"`);
  });
});

describe('unknown top-level keys of a v3 manifest', () => {
  const json = { manifestVersion: 'v3', name: 'a', annotations: { owner: 'team-seats' }, interfaces: [] };

  test('are kept and written back (never dropped)', () => {
    // WHEN
    const manifest = AppManifest.fromJson(json);
    // THEN
    expect(manifest.additionalProperties).toEqual({ annotations: { owner: 'team-seats' } });
    expect(manifest.toJson()).toEqual({ annotations: { owner: 'team-seats' }, manifestVersion: 'v3', name: 'a', interfaces: [] });
    const p = new VehicleAppProject({ name: 'seat-adjuster', outdir: tmp(), manifest, sampleCode: false });
    expect(Testing.synth(p)['app/AppManifest.json'].annotations).toEqual({ owner: 'team-seats' });
  });

  testWithTools(WRAPPER_TOOLS.jsonSchemaValidate, 'the written manifest with them passes the v3 JSON schema', () => {
    const out = manifestFile(AppManifest.fromJson(json).toJson());
    jsonSchemaValidate(SCHEMA, out);
  });
});
