import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Logger } from 'projen';
import { AppInterface, AppManifest, DatapointAccess, GrpcInterface, PubSubInterface, VehicleAppProject, VehicleSignalInterface } from '../../src';
import { Problems } from '../../src/validation';
import { AppSignals } from '../../src/vss/app-signals';
import { hasShared, SHARED_DIR, testWithShared } from '../support/shared-inputs';
import { jsonSchemaValidate, testWithTools } from '../validators/tools';

// The corpus lives beside the repository (shared/ next to the clone); it is test data, never copied in.
const CORPUS_PART = 'corpus/app-manifests';
const CORPUS = path.join(SHARED_DIR, CORPUS_PART);

/** Corpus manifests whose datapoints name signals their VSS release does not have (custom signals of their authors). */
const SIGNALS_NOT_IN_THEIR_RELEASE: Record<string, string[]> = {
  'AhmedElkazzaz__MyFirstVehicleApp.json': [
    'Vehicle.Cabin.AmbientAirTemperature', 'Vehicle.Cabin.DogMode', 'Vehicle.Cabin.DogModeTemperature', 'Vehicle.Powertrain.Battery.StateOfCharge.Current',
  ],
  'AhmedElkazzaz__dog-example.json': [
    'Vehicle.Cabin.AmbientAirTemperature', 'Vehicle.Cabin.DogMode', 'Vehicle.Cabin.DogModeTemperature', 'Vehicle.Powertrain.Battery.StateOfCharge.Current',
  ],
  'eclipse-velocitas__vehicle-app-kotlin-template.json': ['Vehicle.Cabin.HVAC.Fronthousing.AchmcAcOnStatusS', 'Vehicle.Cabin.HVAC.Fronthousing.AcbCloseButton'],
};
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
  testWithShared(CORPUS_PART, 'the corpus is present (it is test data from shared/)', () => {
    expect(corpusFiles().length).toBeGreaterThanOrEqual(40);
  });

  // Without the corpus there is nothing to enumerate: the test above reports it (skipped, or failed with CI=true).
  if (!hasShared(CORPUS_PART)) return;
  const classes = indexClasses();

  testWithShared('vss', 'the manifests rejected for signals their release does not have are these, each signal named', () => {
    const rejected = Object.fromEntries(corpusFiles().filter(file => !REJECTED[file]).map(file => [file, signalProblems(path.join(CORPUS, file))])
      .map(([file, problems]) => [file, (problems as ReturnType<typeof signalProblems>).filter(p => /is not a signal of VSS/.test(p.rule)).map(p => JSON.parse(p.value))])
      .filter(([, paths]) => paths.length > 0));
    expect(rejected).toEqual(SIGNALS_NOT_IN_THEIR_RELEASE);
  });

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

    if (classes[file] === 'v1' || classes[file] === 'v2') {
      test('every part of the v1/v2 manifest is carried over or named in a migration note', () => {
        // GIVEN the legacy app object and the parts it consists of, computed from the source JSON
        const original = JSON.parse(fs.readFileSync(source, 'utf8'));
        const app = Array.isArray(original) ? original[0] : original;
        const at = Array.isArray(original) ? '$[0]' : '$';
        // WHEN
        const manifest = AppManifest.fromFile(source);
        // THEN each part is either represented in the v3 model or a note names its JSON path
        const unaccounted = legacyParts(app, at).filter(part => !part.represented(manifest)
          && !manifest.migrationNotes.some(n => n.startsWith(`${part.path} (`)));
        expect(unaccounted.map(p => p.path)).toEqual([]);
        // AND no note names a part the source does not have
        const paths = legacyParts(app, at).map(p => p.path);
        for (const note of manifest.migrationNotes) {
          const notePath = note.slice(0, note.indexOf(' ('));
          expect(paths.filter(p => notePath === p || notePath.startsWith(`${p}.`))).toHaveLength(1);
        }
      });
    }

    testWithShared('vss', 'its datapoints are checked against the VSS release it names: only a signal the release lacks, or a VSS file that is not there, is reported', vssDir => {
      // GIVEN what the release file itself holds, read by the test
      const manifest = AppManifest.fromFile(source);
      const expected: string[] = [];
      manifest.interfaces.forEach((appInterface, i) => {
        if (!(appInterface instanceof VehicleSignalInterface)) return;
        const release = /\/vss_rel(?:ease)?_([\d.]+)\.json$/.exec(appInterface.src)?.[1];
        if (release === undefined) {
          // A local VSS file of the author's repository, which the corpus does not hold.
          expected.push(`interfaces[${i}].src: ${JSON.stringify(appInterface.src)} is not a readable file`);
          return;
        }
        const signals = releaseSignals(path.join(vssDir, `vss_release_${release}.json`));
        appInterface.required.forEach((d, j) => {
          if (!signals.has(d.path)) expected.push(`interfaces[${i}].required[${j}].path: ${JSON.stringify(d.path)} is not a signal of VSS ${release}`);
          else if (d.access === DatapointAccess.WRITE && signals.get(d.path) !== 'actuator') expected.push(`interfaces[${i}].required[${j}].access: "write" asks to set`);
        });
        appInterface.provided.forEach((d, j) => {
          if (!signals.has(d.path)) expected.push(`interfaces[${i}].provided[${j}].path: ${JSON.stringify(d.path)} is not a signal of VSS ${release}`);
        });
      });
      // WHEN the library checks it
      const reported = signalProblems(source).map(p => `${p.path}: ${p.value} ${p.rule}`);
      // THEN it reports exactly those, each naming the signal and the release
      expect(reported.map((line, k) => line.slice(0, (expected[k] ?? '').length))).toEqual(expected);
    });

    testWithTools(['check-jsonschema'], 'the written v3 manifest passes the v3 JSON schema', () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'AppManifest.json');
      fs.writeFileSync(out, JSON.stringify(AppManifest.fromFile(source).toJson(), undefined, 2));
      jsonSchemaValidate(SCHEMA, out);
    });
  });
});

/** What the signal checks of a project report for a corpus manifest, its local VSS paths read beside it. */
function signalProblems(source: string) {
  const problems = new Problems('corpus');
  new AppSignals(AppManifest.fromFile(source), path.dirname(source))._validate(problems, '');
  return problems.list;
}

/** Path → type of every signal of a VSS release file, walked by the test. */
function releaseSignals(file: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (at: string, node: any) => {
    if (node.type === 'branch') Object.entries<any>(node.children ?? {}).forEach(([name, child]) => walk(`${at}.${name}`, child));
    else found.set(at, node.type);
  };
  Object.entries<any>(JSON.parse(fs.readFileSync(file, 'utf8'))).forEach(([name, root]) => walk(name, root));
  return found;
}

/** A part of a v1/v2 app object: its JSON path and whether the v3 model carries it. */
interface LegacyPart {
  readonly path: string;
  readonly represented: (manifest: AppManifest) => boolean;
}

const NOT_REPRESENTED = () => false;

/** Every top-level key, every `dependencies.*` entry and every v2 `runtime` entry of a legacy app object. */
function legacyParts(app: any, at: string): LegacyPart[] {
  const parts: LegacyPart[] = [];
  for (const [key, value] of Object.entries<any>(app)) {
    const here = `${at}.${key}`;
    if (key === 'name' || key === 'Name') {
      parts.push({ path: here, represented: m => m.name === String(value).trim() });
    } else if (key === 'vehicleModel' || key === 'VehicleModel') {
      parts.push({ path: here, represented: m => m.vehicleSignalInterfaces[0]?.src === value.src });
    } else if (key === 'dependencies' && typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
      for (const [dependency, entries] of Object.entries<any>(value)) {
        if (Array.isArray(entries)) entries.forEach((_e, i) => parts.push({ path: `${here}.${dependency}[${i}]`, represented: NOT_REPRESENTED }));
        else parts.push({ path: `${here}.${dependency}`, represented: NOT_REPRESENTED });
      }
    } else if (key === 'runtime' && Array.isArray(value)) {
      value.forEach((entry, i) => parts.push({
        path: `${here}[${i}]`,
        // v2 runtime: "mqtt" is the pubsub interface; the databroker's gRPC API comes with the vehicle-signal interface.
        represented: m => (entry === 'mqtt' && m.usesPubSub) || (/^grpc:\/\/sdv\.databroker\./.test(entry) && m.usesVehicleSignals),
      }));
    } else {
      parts.push({ path: here, represented: NOT_REPRESENTED });
    }
  }
  return parts;
}

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

describe('AppManifest reader reports what a v1/v2 manifest loses', () => {
  const BCX22SDV = path.join(CORPUS, 'ariexi__BCX22SDV.json');

  testWithShared(CORPUS_PART, 'BCX22SDV: the seat service, dapr, the port, the Dockerfile and the runtime services are each named', () => {
    // WHEN
    const manifest = AppManifest.fromFile(BCX22SDV);
    const notes = manifest.migrationNotes;
    // THEN only the pubsub interface could be carried over
    expect(manifest.toJson().interfaces.map((i: any) => i.type)).toEqual(['pubsub']);
    // AND every dropped part is named with its JSON path, its value and what to do in v3
    const noteAt = (jsonPath: string) => notes.find(n => n.startsWith(`${jsonPath} (`)) ?? '';
    expect(noteAt('$[0].dependencies.services[0]')).toMatch(
      /^\$\[0\]\.dependencies\.services\[0\] \("seatservice", ghcr\.io\/boschglobal\/kuksa\.val\.services\/seat_service:v0\.2\.0\): a required gRPC service is a grpc-interface/,
    );
    expect(noteAt('$[0].dependencies.services[0]')).toContain("serviceName: 'seatservice'");
    expect(noteAt('$[0].dependencies.dapr')).toMatch(/"cli":\{"version":"1\.7\.1"\}.*Velocitas v3 has no dapr middleware; dropped/);
    expect(noteAt('$[0].DAPR_GRPC_PORT')).toMatch(/^\$\[0\]\.DAPR_GRPC_PORT \(50001\): Velocitas v3 has no dapr middleware/);
    expect(noteAt('$[0].Port')).toMatch(/\(50008\): .*set `ports` in \.projenrc\.ts.*port: 50008/);
    expect(noteAt('$[0].Dockerfile')).toMatch(/generated by projen-velocitas/);
    expect(noteAt('$[0].dependencies.runtime[0]')).toMatch(/"mosquitto".*became a pubsub interface without topics/);
    expect(noteAt('$[0].dependencies.runtime[1]')).toMatch(/"databroker".*no VehicleModel; add a vehicle-signal-interface/);
    expect(noteAt('$[0].dependencies.runtime[2]')).toMatch(/"feedercan".*dropped/);
    expect(noteAt('$[0].dependencies.python')).toMatch(/\{"version":"3\.10"\}.*container\.python\.baseImage/);
    expect(notes).toHaveLength(9);
  });

  test('a v2 runtime gRPC service other than the databroker, and unknown keys, become notes', () => {
    const manifest = AppManifest.fromJson([{
      name: 'seats',
      runtime: ['grpc://sdv.databroker.v1.Broker/GetDatapoints', 'grpc://sdv.edge.comfort.seats.v1.Seats/Move', 'lattice'],
      color: 'blue',
    }, { name: 'second' }]);
    expect(manifest.interfaces).toEqual([]);
    expect(manifest.migrationNotes).toEqual([
      expect.stringMatching(/^\$\[0\]\.runtime\[0\] \("grpc:\/\/sdv\.databroker\.v1\.Broker\/GetDatapoints"\): .*no VehicleModel; add a vehicle-signal-interface/),
      expect.stringMatching(/^\$\[0\]\.runtime\[1\] .*grpc-interface.*sdv\.edge\.comfort\.seats\.v1\.Seats.*requiredMethods: \['Move'\]/),
      expect.stringMatching(/^\$\[0\]\.runtime\[2\] \("lattice"\): is not a runtime service/),
      expect.stringMatching(/^\$\[0\]\.color \("blue"\): is not a key of the v1\/v2 formats/),
      expect.stringMatching(/^\$\[1\] \("second"\): a project holds one app; this one was dropped/),
    ]);
  });

  testWithShared(CORPUS_PART, 'v3 manifests and manifests built in code have no migration notes', () => {
    const v3 = AppManifest.fromFile(path.join(CORPUS, corpusFiles().find(f => indexClasses()[f] === 'v3')!));
    expect(v3.migrationNotes).toEqual([]);
    expect(new AppManifest({ name: 'a', interfaces: [AppInterface.pubSub({ reads: ['a/b'] })] }).migrationNotes).toEqual([]);
  });

  testWithShared(CORPUS_PART, 'VehicleAppProject prints the notes once as warnings', () => {
    // GIVEN
    process.env.PROJEN_DISABLE_POST = 'true';
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      // WHEN
      const manifest = AppManifest.fromFile(BCX22SDV);
      new VehicleAppProject({ name: 'bcx22sdv', manifest, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-')) });
      // THEN a header and each note, once (other components may warn about other things)
      const lines = warn.mock.calls.map(args => args.join(' '));
      const header = lines.findIndex(l => l.startsWith('AppManifest: '));
      expect(lines.filter(l => l.startsWith('AppManifest: '))).toEqual([
        expect.stringMatching(/^AppManifest: 9 part\(s\) of the v1\/v2 manifest have no v3 form/),
      ]);
      expect(lines.slice(header + 1, header + 10)).toEqual(manifest.migrationNotes.map(n => `  - ${n}`));
      expect(lines.filter(l => l.startsWith('  - $['))).toHaveLength(9);
    } finally {
      warn.mockRestore();
    }
  });

  test('a project without a legacy manifest prints no migration warning', () => {
    process.env.PROJEN_DISABLE_POST = 'true';
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      new VehicleAppProject({ name: 'seat-adjuster', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'v3-')) });
      expect(warn.mock.calls.map(args => args.join(' ')).filter(l => l.includes('AppManifest'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
