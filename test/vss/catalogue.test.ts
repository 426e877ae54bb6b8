import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { buildVssCatalogue, CATALOGUE_DIR } from '../../scripts/build-vss-catalogue';
import { DEFAULT_VSS_SRC } from '../../src';
import { knownVssReleases, VssCatalogue } from '../../src/vss/vss-catalogue';
import { loadVssSource } from '../../src/vss/vss-source';
import { testWithShared } from '../support/shared-inputs';

const ROOT = path.resolve(__dirname, '..', '..');

function committedCatalogue(): Map<string, string> {
  return new Map(fs.readdirSync(CATALOGUE_DIR).filter(f => f.endsWith('.json')).sort().map(f => [f, fs.readFileSync(path.join(CATALOGUE_DIR, f), 'utf8')]));
}

/** Every leaf of a VSS release file, walked here independently of the library. */
function releaseLeaves(file: string): Map<string, any> {
  const found = new Map<string, any>();
  const walk = (at: string, node: any) => {
    if (node.type === 'branch') Object.entries<any>(node.children ?? {}).forEach(([name, child]) => walk(`${at}.${name}`, child));
    else found.set(at, node);
  };
  Object.entries<any>(JSON.parse(fs.readFileSync(file, 'utf8'))).forEach(([name, root]) => walk(name, root));
  return found;
}

function tmpFile(name: string, contents: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vss-source-')), name);
  fs.writeFileSync(file, contents);
  return file;
}

describe('the committed catalogue', () => {
  testWithShared('vss', 'is exactly what scripts/build-vss-catalogue.ts makes from the release files (run `npx projen vss:catalogue` after changing either)', dir => {
    expect(committedCatalogue()).toEqual(buildVssCatalogue(dir));
  });

  testWithShared('vss', 'holds each release signal with its type, datatype, unit, min, max and allowed values, and no description text', dir => {
    for (const release of knownVssReleases()) {
      // GIVEN the official file, walked by the test itself
      const official = releaseLeaves(path.join(dir, `vss_release_${release}.json`));
      const catalogue = VssCatalogue.release(release)!;
      // THEN the same signals, in the same order, with the same facts and nothing more
      expect(catalogue.signals.map(s => s.path)).toEqual([...official.keys()]);
      for (const { path: at, ...facts } of catalogue.signals) {
        const { type, datatype, unit, min, max, allowed } = official.get(at);
        expect(facts).toEqual(JSON.parse(JSON.stringify({ type, datatype, unit, min, max, allowed })));
      }
      const text = fs.readFileSync(path.join(CATALOGUE_DIR, `vss-${release}.json`), 'utf8');
      expect(text).not.toMatch(/"(description|comment|uuid|default|deprecation)"/);
    }
  });

  test('covers the releases manifests name: 3.0, 3.1.1, 4.0, 4.1, 5.1 and 6.0', () => {
    expect(knownVssReleases()).toEqual(['3.0', '3.1.1', '4.0', '4.1', '5.1', '6.0']);
  });

  test('ships in the npm package, where the compiled module finds it beside lib/', () => {
    // GIVEN the package as npm packs it
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vss-pack-'));
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status).toBe(0);
    const tarball = path.join(work, pack.stdout.trim().split('\n').pop()!);
    expect(spawnSync('tar', ['-xzf', tarball, '-C', work]).status).toBe(0);
    const unpacked = path.join(work, 'package');
    // THEN it holds every catalogue file
    expect(fs.readdirSync(path.join(unpacked, 'vss')).filter(f => f.endsWith('.json')).sort()).toEqual([...committedCatalogue().keys()]);
    // AND the catalogue module, compiled into lib/ as the build does, loads a release from there
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--outDir', path.join(unpacked, 'lib'), '--rootDir', path.join(ROOT, 'src'),
      '--module', 'commonjs', '--target', 'es2022', '--skipLibCheck', '--types', 'node', path.join(ROOT, 'src', 'vss', 'vss-catalogue.ts')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    const script = `const { VssCatalogue } = require(${JSON.stringify(path.join(unpacked, 'lib', 'vss', 'vss-catalogue.js'))});`
      + 'console.log(JSON.stringify(VssCatalogue.release("4.0").signal("Vehicle.Speed")));';
    const loaded = spawnSync(process.execPath, ['-e', script], { cwd: os.tmpdir(), encoding: 'utf8' });
    expect([loaded.stderr, JSON.parse(loaded.stdout)]).toEqual(['', { path: 'Vehicle.Speed', type: 'sensor', datatype: 'float', unit: 'km/h' }]);
  }, 300_000);
});

describe('a release loads only when a manifest names it, once', () => {
  test('loading the module reads no catalogue; naming a release reads its file only', () => {
    jest.isolateModules(() => {
      // GIVEN the catalogue module loaded afresh, with its file reads recorded
      const actual = jest.requireActual<typeof fs>('fs');
      const readFileSync = jest.fn(actual.readFileSync);
      jest.doMock('fs', () => ({ ...actual, readFileSync }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh: typeof import('../../src/vss/vss-catalogue') = require('../../src/vss/vss-catalogue');
      const catalogueReads = () => readFileSync.mock.calls.map(call => String(call[0])).filter(f => f.startsWith(CATALOGUE_DIR));
      // THEN loading reads nothing, and a release is read once, alone
      expect(catalogueReads()).toEqual([]);
      fresh.VssCatalogue.release('5.1');
      fresh.VssCatalogue.release('5.1');
      expect(catalogueReads()).toEqual([path.join(CATALOGUE_DIR, 'vss-5.1.json')]);
    });
  });
});

describe('the release a vehicle-signal interface\'s src names', () => {
  test.each([
    [DEFAULT_VSS_SRC, 'VSS 4.0'],
    ['https://github.com/COVESA/vehicle_signal_specification/releases/download/v3.1.1/vss_rel_3.1.1.json', 'VSS 3.1.1'],
    ['https://github.com/eclipse-kuksa/kuksa-common/blob/main/vss/vss_release_4.1.json', 'VSS 4.1'],
    ['https://raw.githubusercontent.com/eclipse-kuksa/kuksa-databroker/0.7.0/data/vss-core/vss_release_6.0.json', 'VSS 6.0'],
  ])('%s is %s', (src, label) => {
    const result = loadVssSource(src, os.tmpdir());
    expect('catalogue' in result && result.catalogue.label).toBe(label);
  });

  test('the default is VSS 4.0, the release the Velocitas templates use', () => {
    expect(DEFAULT_VSS_SRC).toBe('https://github.com/COVESA/vehicle_signal_specification/releases/download/v4.0/vss_rel_4.0.json');
  });

  test('a path is a VSS file of the project, read relative to it; so is a file: URL', () => {
    const file = tmpFile('own.json', JSON.stringify({ Vehicle: { type: 'branch', children: { Mood: { type: 'sensor', datatype: 'string', allowed: ['HAPPY'] } } } }));
    const relative = loadVssSource('own.json', path.dirname(file));
    const url = loadVssSource(pathToFileURL(file).href, '/nowhere');
    for (const result of [relative, url]) {
      expect('catalogue' in result && result.catalogue.signal('Vehicle.Mood')).toEqual({ path: 'Vehicle.Mood', type: 'sensor', datatype: 'string', allowed: ['HAPPY'] });
    }
  });

  test('a changed VSS file is read again', () => {
    const file = tmpFile('own.json', JSON.stringify({ Vehicle: { type: 'branch', children: { A: { type: 'sensor', datatype: 'uint8' } } } }));
    const first = loadVssSource(file, '/');
    fs.writeFileSync(file, JSON.stringify({ Vehicle: { type: 'branch', children: { Bb: { type: 'sensor', datatype: 'uint8' } } } }));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = loadVssSource(file, '/');
    expect(['catalogue' in first && first.catalogue.signals.map(s => s.path), 'catalogue' in second && second.catalogue.signals.map(s => s.path)])
      .toEqual([['Vehicle.A'], ['Vehicle.Bb']]);
  });

  test.each([
    ['https://example.com/vss/5.0/vss_rel_5.0.json', /^names VSS release 5\.0, which projen-velocitas has no catalogue of$/],
    ['https://example.com/my-vss.json', /^is a URL that names no VSS release/],
    ['missing.json', /^is not a readable file \(ENOENT for \/.*\/missing\.json\)$/],
    [tmpFile('broken.json', '{ "Vehicle": '), /^is not valid JSON \(/],
    [tmpFile('array.json', '[]'), /^is not a VSS JSON export: is not a VSS JSON tree/],
    [tmpFile('untyped.json', '{"Vehicle": {"type": "branch", "children": {"Speed": {"type": "sensor"}}}}'), /^is not a VSS JSON export: Vehicle\.Speed has no datatype$/],
    [tmpFile('struct.json', '{"Vehicle": {"type": "branch", "children": {"Pos": {"type": "struct"}}}}'),
      /^is not a VSS JSON export: Vehicle\.Pos has the type "struct", not branch, sensor, actuator or attribute$/],
  ])('%s cannot be used', (src, rule) => {
    const result = loadVssSource(src, os.tmpdir());
    expect('problem' in result && result.problem.rule).toMatch(rule);
  });
});

describe('nearest signals', () => {
  test.each([
    ['4.0', 'Vehicle.Cabin.Door.Row1.DriverSide.IsOpened', ['Vehicle.Cabin.Door.Row1.DriverSide.IsOpen']],
    ['4.0', 'Vehicle.speed', ['Vehicle.Speed']],
    ['3.0', 'Vehicle.Powertrain.Battery.StateOfCharge.Current', ['Vehicle.Powertrain.TractionBattery.StateOfCharge.Current']],
    ['4.1', 'Vehicle.Cabin.AmbientAirTemperature', ['Vehicle.OBD.AmbientAirTemperature', 'Vehicle.Cabin.HVAC.AmbientAirTemperature']],
  ])('in VSS %s, %s is nearest to %j', (release, wanted, nearest) => {
    expect(VssCatalogue.release(release)!.nearest(wanted).slice(0, nearest.length)).toEqual(nearest);
  });

  test('a seat position of VSS 3 (Pos1) is near the seat positions of VSS 4', () => {
    const nearest = VssCatalogue.release('4.0')!.nearest('Vehicle.Cabin.Seat.Row1.Pos1.Position');
    expect(nearest).toHaveLength(3);
    for (const found of nearest) expect(found).toMatch(/^Vehicle\.Cabin\.Seat\.Row\d\.\w+\.Position$/);
  });

  test.each(['Vehicle.Cabin.HVAC.Fronthousing.AcbCloseButton', 'Vehicle.Teleporter.Destination'])('%s, like no signal, has no nearest one', wanted => {
    expect(VssCatalogue.release('4.1')!.nearest(wanted)).toEqual([]);
  });
});
