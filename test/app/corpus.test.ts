import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppManifest, GrpcInterface, PubSubInterface, VehicleSignalInterface } from '../../src';
import { jsonSchemaValidate, testWithTools } from '../validators/tools';

// The corpus lives beside the repository (shared/ next to the clone); it is test data, never copied in.
const CORPUS = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'app-manifests');
const SCHEMA = path.resolve(__dirname, '..', '..', 'schemas', 'app-manifest-v3.schema.json');

/** Files the reader must reject, with the JSON path and problem the error must name. */
const REJECTED: Record<string, RegExp> = {
  'Atom9971__wikiGD.json': /\$: is not a Velocitas AppManifest \(top-level keys: id, name, short_name/,
  'sep-up__ai_replicated_report.json': /\$: is not a Velocitas AppManifest \(top-level keys: applicationId/,
  'TylerHats__Hats-Multitool.json': /\$: is not a Velocitas AppManifest \(top-level keys: version\)/,
  'Flusinerd__bachelors-playground.json': /\$\.interfaces\[1\]\.config\.required\.mathods: is not a key of required.*did you mean "methods"/,
};

function corpusFiles(): string[] {
  return fs.readdirSync(CORPUS).filter(f => f.endsWith('.json')).sort();
}

function indexClasses(): Record<string, string> {
  const rows = fs.readFileSync(path.join(CORPUS, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1);
  return Object.fromEntries(rows.map(r => r.split('\t')).map(cols => [cols[0], cols[4]]));
}

describe('AppManifest corpus', () => {
  test('the corpus is present (it is test data from shared/)', () => {
    expect(fs.existsSync(CORPUS)).toBe(true);
    expect(corpusFiles().length).toBeGreaterThanOrEqual(40);
  });

  const classes = indexClasses();

  describe.each(corpusFiles())('%s', file => {
    const source = path.join(CORPUS, file);

    if (REJECTED[file]) {
      test('is rejected with an error naming the file, the JSON path and the problem', () => {
        expect(() => AppManifest.fromFile(source)).toThrow(REJECTED[file]);
        expect(() => AppManifest.fromFile(source)).toThrow(source);
      });
      return;
    }

    test('reads into the model and writes back an equivalent v3 manifest', () => {
      // GIVEN
      const original = JSON.parse(fs.readFileSync(source, 'utf8'));
      // WHEN
      const manifest = AppManifest.fromFile(source);
      const written = manifest.toJson();
      // THEN the name and the interfaces survive
      const app = Array.isArray(original) ? original[0] : original;
      expect(written.manifestVersion).toBe('v3');
      expect(written.name).toBe(String(app.name ?? app.Name).trim());
      if (classes[file] === 'v3' || (!Array.isArray(original) && Array.isArray(original.interfaces))) {
        expect(written.interfaces.map((i: any) => i.type)).toEqual(original.interfaces.map((i: any) => i.type));
        original.interfaces.forEach((raw: any, i: number) => expectEquivalentInterface(raw, written.interfaces[i]));
      } else {
        const model = app.vehicleModel ?? app.VehicleModel;
        if (model) {
          const signals = manifest.vehicleSignalInterfaces[0];
          expect(signals.src).toBe(model.src);
          expect(signals.required.map(d => d.path)).toEqual([...new Set((model.datapoints ?? []).map((d: any) => d.path))]);
        }
      }
      // AND writing is stable: reading our own output gives the same manifest
      expect(AppManifest.fromJson(JSON.parse(JSON.stringify(written))).toJson()).toEqual(written);
    });

    testWithTools(['check-jsonschema'], 'the written v3 manifest passes the v3 JSON schema', () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'AppManifest.json');
      fs.writeFileSync(out, JSON.stringify(AppManifest.fromFile(source).toJson(), undefined, 2));
      jsonSchemaValidate(SCHEMA, out);
    });
  });
});

function expectEquivalentInterface(raw: any, written: any): void {
  const config = raw.config ?? {};
  switch (raw.type) {
    case 'vehicle-signal-interface': {
      expect(written.config.src).toBe(config.src);
      const required = (config.datapoints?.required ?? []).map((d: any) => `${d.path.replace(/^self\./, '')}|${d.access}`);
      expect(written.config.datapoints.required.map((d: any) => `${d.path}|${d.access}`)).toEqual([...new Set(required)]);
      expect(written.config.unit_src).toEqual(config.unit_src);
      break;
    }
    case 'grpc-interface':
      expect(written.config.src).toBe(config.src);
      expect(written.config.required?.methods ?? []).toEqual(config.required?.methods ?? []);
      expect('provided' in written.config).toBe('provided' in config);
      break;
    case 'pubsub':
      expect(written.config.reads).toEqual([...new Set(config.reads ?? [])]);
      expect(written.config.writes).toEqual([...new Set(config.writes ?? [])]);
      break;
    default:
      // Unknown interface types pass through untouched.
      expect(written.config).toEqual(config);
  }
  // Keys the model does not know are written back too.
  for (const key of Object.keys(config)) {
    if (key !== 'datapoints') expect(written.config).toHaveProperty([key]);
  }
}

describe('AppManifest reader normalizes what real manifests got wrong', () => {
  test('self. prefixes are stripped and duplicate path/access pairs collapse', () => {
    const manifest = AppManifest.fromJson({
      manifestVersion: 'v3',
      name: 'SeatAdjuster',
      interfaces: [{
        type: 'vehicle-signal-interface',
        config: {
          src: 'vss.json',
          datapoints: {
            required: [
              { path: 'self.Vehicle.Speed', access: 'read' }, { path: 'Vehicle.Speed', access: 'read' }, { path: 'Vehicle.Speed', access: 'write' },
            ],
          },
        },
      }],
    });
    expect((manifest.interfaces[0] as VehicleSignalInterface).required).toEqual([
      { path: 'Vehicle.Speed', access: 'read' }, { path: 'Vehicle.Speed', access: 'write' },
    ]);
  });

  test('string booleans of the v2 "required" key become optional flags', () => {
    const manifest = AppManifest.fromJson([{
      name: 'SampleApp',
      vehicleModel: {
        src: 'x.json',
        datapoints: [
          { path: 'Vehicle.Speed', required: 'true', access: 'read' }, { path: 'Vehicle.Width', required: 'false', access: 'read' },
        ],
      },
      runtime: ['mqtt'],
    }]);
    expect(manifest.vehicleSignalInterfaces[0].required).toEqual([
      { path: 'Vehicle.Speed', access: 'read' }, { path: 'Vehicle.Width', access: 'read', optional: true },
    ]);
    expect(manifest.interfaces[1]).toBeInstanceOf(PubSubInterface);
  });

  test('interfaces keyed by type are read as an array', () => {
    const manifest = AppManifest.fromJson({ manifestVersion: 'v3', name: 'a', interfaces: { pubsub: { reads: ['a/b'] } } });
    expect(manifest.toJson().interfaces).toEqual([{ type: 'pubsub', config: { reads: ['a/b'], writes: [] } }]);
  });

  test('a grpc interface keeps its service name from the proto file', () => {
    const manifest = AppManifest.fromJson({
      manifestVersion: 'v3',
      name: 'a',
      interfaces: [
        { type: 'grpc-interface', config: { src: 'https://example.com/proto/seats.proto', required: { methods: ['Move'] } } },
      ],
    });
    const grpc = manifest.interfaces[0] as GrpcInterface;
    expect(grpc.serviceName).toBe('seats');
    expect(grpc.addressVariable).toBe('SDV_SEATS_ADDRESS');
  });

  test.each([
    [{ manifestVersion: 'v3', name: 'a', interfaces: [{ type: 'vehicle-signal-interface', config: { datapoints: { required: [{ path: 'speed = self.Vehicle.Speed.get()', access: 'read' }] } } }] },
      /\$\.interfaces\[0\]\.config\.datapoints\.required\[0\]\.path: "speed = self\.Vehicle\.Speed\.get\(\)" is not a VSS path/],
    [{ manifestVersion: 'v3', name: 'a', interfaces: [{ type: 'vehicle-signal-interface', config: { datapoints: { required: [{ path: 'Vehicle.Speed', access: 'readwrite' }] } } }] },
      /required\[0\]\.access: "readwrite" is not a datapoint access. Fix: use "read" or "write"/],
    [{ manifestVersion: 'v3', interfaces: [] }, /\$\.name: is missing/],
    [[], /\$: is an empty array/],
    ['text', /\$: is string "text", not an AppManifest object/],
  ])('rejects %j', (json, message) => {
    expect(() => AppManifest.fromJson(json, 'my/AppManifest.json')).toThrow(message);
    expect(() => AppManifest.fromJson(json, 'my/AppManifest.json')).toThrow(/^my\/AppManifest\.json: /);
  });

  test('a file that is not JSON names the file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'AppManifest.json');
    fs.writeFileSync(file, '{ "name": ');
    expect(() => AppManifest.fromFile(file)).toThrow(new RegExp(`^${file}: \\$: is not valid JSON`));
  });
});
