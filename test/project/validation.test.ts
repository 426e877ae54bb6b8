import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  AppInterface, AppLanguage, AppManifest, DatabrokerSignals, DatapointAccess, LogLevel, VehicleAppProject, VehicleAppProjectOptions,
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

/** A file outside the project directory (which must stay empty), for the rows on a VSS file the src names. */
function fileElsewhere(name: string, contents: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-vss-file-')), name);
  fs.writeFileSync(file, contents);
  return file;
}

function signals(...required: Array<[string, DatapointAccess]>): Partial<VehicleAppProjectOptions> {
  return { interfaces: [AppInterface.vehicleSignals({ required: required.map(([p, access]) => ({ path: p, access })) })] };
}

const READ = DatapointAccess.READ;
const WRITE = DatapointAccess.WRITE;
const NOT_JSON = fileElsewhere('vss.json', '{ "Vehicle": ');
const NOT_VSS = fileElsewhere('vss.json', '{ "Vehicle": { "type": "branch", "children": { "Speed": { "type": "sensor" } } } }');

/** One row per rule: the options, the option path and the words of the rule the error must name. */
const RULES: Array<[string, Partial<VehicleAppProjectOptions>, string, RegExp]> = [
  ['app name with spaces and capitals', { name: 'Seat Adjuster' }, 'name: "Seat Adjuster"', /is not a DNS-1123 label.*Fix: use "seat-adjuster"/],
  ['app name too long', { name: 'a'.repeat(64) }, `name: "${'a'.repeat(64)}"`, /at most 63 characters/],
  ['version not semver', { version: '1.0' }, 'version: "1.0"', /is not a semantic version/],
  ['unknown language', { language: 'rust' as AppLanguage }, 'language: "rust"', /is not a value of AppLanguage\. Fix: use AppLanguage\.PYTHON or AppLanguage\.CPP$/],
  ['unknown log level', { logLevel: 'trace' as LogLevel }, 'logLevel: "trace"', /is not a value of LogLevel\. Fix: use LogLevel\.DEBUG or LogLevel\.INFO or LogLevel\.WARNING or LogLevel\.ERROR$/],
  ['malformed VSS path', { interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'vehicle speed', access: DatapointAccess.READ }] })] },
    'interfaces[0].required[0].path: "vehicle speed"', /is not a VSS path/],
  ['unknown access', { interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: 'readwrite' as DatapointAccess }] })] },
    'interfaces[0].required[0].access: "readwrite"', /is not a value of DatapointAccess\. Fix: use DatapointAccess\.READ or DatapointAccess\.WRITE$/],
  ['duplicate datapoint', { interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }, { path: 'Vehicle.Speed', access: DatapointAccess.READ }] })] },
    'interfaces[0].required[1]: "Vehicle.Speed"', /repeats required\[0\]/],
  ['misspelled signal', signals(['Vehicle.Cabin.Door.Row1.DriverSide.IsOpened', READ]),
    'interfaces[0].required[0].path: "Vehicle.Cabin.Door.Row1.DriverSide.IsOpened"',
    /is not a signal of VSS 4\.0 \(did you mean "Vehicle\.Cabin\.Door\.Row1\.DriverSide\.IsOpen"\?\)\. Fix: use "Vehicle\.Cabin\.Door\.Row1\.DriverSide\.IsOpen"( or "[\w.]+")*; a signal of your own needs a VSS JSON that defines it, kept in the project and named by interfaces\[0\]\.src$/],
  ['signal of another release', {
    interfaces: [AppInterface.vehicleSignals({
      src: 'https://github.com/COVESA/vehicle_signal_specification/releases/download/v3.0/vss_rel_3.0.json',
      required: [{ path: 'Vehicle.Cabin.Door.Row1.DriverSide.IsOpen', access: READ }],
    })],
  }, 'interfaces[0].required[0].path: "Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"', /is not a signal of VSS 3\.0 \(did you mean "Vehicle\.Cabin\.Door\.Row1\.\w+\.IsOpen"\?\)/],
  ['provided signal like no signal of the release', { interfaces: [AppInterface.vehicleSignals({ provided: [{ path: 'Vehicle.Teleporter.Destination' }] })] },
    'interfaces[0].provided[0].path: "Vehicle.Teleporter.Destination"',
    /is not a signal of VSS 4\.0, and none is close to it\. Fix: check the path against VSS 4\.0; a signal of your own needs a VSS JSON that defines it/],
  ['branch named as a signal', signals(['Vehicle.Cabin.Seat', READ]), 'interfaces[0].required[0].path: "Vehicle.Cabin.Seat"',
    /is a branch of VSS 4\.0, not a signal\. Fix: name one of its signals, e.g\. "Vehicle\.Cabin\.Seat\.Row1\.[\w.]+"$/],
  ['signal of a manifest not in its release', { manifest: new AppManifest({ name: 'SeatAdjuster', interfaces: signals(['Vehicle.Speeed', READ]).interfaces }) },
    'manifest.interfaces[0].required[0].path: "Vehicle.Speeed"', /is not a signal of VSS 4\.0 \(did you mean "Vehicle\.Speed"\?\)/],
  ['write access to a sensor', signals(['Vehicle.Speed', WRITE]), 'interfaces[0].required[0].access: "write"',
    /asks to set Vehicle\.Speed, which is a sensor \(a value the vehicle measures and its provider reports\) in VSS 4\.0: an app can set only an actuator's target value, and the databroker refuses this write \(ACCESS_DENIED\)\. Fix: use access "read"; if this app is the provider that feeds Vehicle\.Speed, list it under provided$/],
  ['write access to an attribute', signals(['Vehicle.VehicleIdentification.VIN', WRITE]), 'interfaces[0].required[0].access: "write"',
    /asks to set Vehicle\.VehicleIdentification\.VIN, which is an attribute \(a fixed property of the vehicle, set by its provider\) in VSS 4\.0: an app can set only an actuator's target value/],
  ['VSS src naming a release without a catalogue', { interfaces: [AppInterface.vehicleSignals({ src: 'https://github.com/COVESA/vehicle_signal_specification/releases/download/v5.0/vss_rel_5.0.json' })] },
    'interfaces[0].src: "https://github.com/COVESA/vehicle_signal_specification/releases/download/v5.0/vss_rel_5.0.json"',
    /names VSS release 5\.0, which projen-velocitas has no catalogue of\. Fix: use a release projen-velocitas knows \(3\.0, 3\.1\.1, 4\.0, 4\.1, 5\.1, 6\.0\), e\.g\. "https:\/\/github\.com\/COVESA\/vehicle_signal_specification\/releases\/download\/v4\.0\/vss_rel_4\.0\.json", or save the VSS JSON in the project and give its path$/],
  ['VSS src URL naming no release', { interfaces: [AppInterface.vehicleSignals({ src: 'https://example.com/vss/my-vehicle.json' })] },
    'interfaces[0].src: "https://example.com/vss/my-vehicle.json"', /is a URL that names no VSS release \(its file is not named vss_rel_<version>\.json\), and VSS files are not downloaded at synth time\. Fix: use a release/],
  ['VSS src file missing', { interfaces: [AppInterface.vehicleSignals({ src: 'vss/my-vehicle.json' })] }, 'interfaces[0].src: "vss/my-vehicle.json"',
    /is not a readable file \(ENOENT for \/\S+\/vss\/my-vehicle\.json\)\. Fix: keep the VSS JSON \(vss-tools' export, your signals included\) in the project and give its path relative to \/\S+, or use a release URL/],
  ['VSS src file not JSON', { interfaces: [AppInterface.vehicleSignals({ src: NOT_JSON })] }, `interfaces[0].src: "${NOT_JSON}"`, /is not valid JSON \(.*\)\. Fix: keep the VSS JSON/],
  ['VSS src file not a VSS export', { interfaces: [AppInterface.vehicleSignals({ src: NOT_VSS })] }, `interfaces[0].src: "${NOT_VSS}"`,
    /is not a VSS JSON export: Vehicle\.Speed has no datatype\. Fix: keep the VSS JSON/],
  ['databroker signals', { runtime: { databrokerSignals: 'some' as DatabrokerSignals } }, 'runtime.databrokerSignals: "some"',
    /is not a value of DatabrokerSignals\. Fix: use DatabrokerSignals\.APP or DatabrokerSignals\.ALL$/],
  ['VSS src not a URL', { interfaces: [AppInterface.vehicleSignals({ src: 'ftp://example.com/vss.json' })] },
    'interfaces[0].src: "ftp://example.com/vss.json"', /uses the scheme "ftp:"/],
  ['MQTT write topic with wildcard', { interfaces: [AppInterface.pubSub({ writes: ['seat/+/response'] })] },
    'interfaces[0].writes[0]: "seat/+/response"', /contains a wildcard/],
  ['MQTT read topic with misplaced #', { interfaces: [AppInterface.pubSub({ reads: ['seat/#/x'] })] },
    'interfaces[0].reads[0]: "seat/#/x"', /uses "#" other than as the whole last level/],
  ['MQTT topic with spaces', { interfaces: [AppInterface.pubSub({ reads: ['seat adjuster/set'] })] },
    'interfaces[0].reads[0]: "seat adjuster/set"', /contains whitespace/],
  ['gRPC src not a proto', { interfaces: [AppInterface.grpc({ src: 'https://example.com/seats.txt', requiredMethods: ['Move'] })] },
    'interfaces[0].src: "https://example.com/seats.txt"', /names no .proto file, so the service name \(SDV_<NAME>_ADDRESS\) cannot be derived from it/],
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
  ['license projen has no text for', { license: 'Not A License' }, 'license: "Not A License"',
    /is not a license projen can write a LICENSE file for\. Fix: use an SPDX id projen knows, such as Apache-2\.0 \(one of .*\bMIT\b.*\)$/],
  ['license that names a copyright owner, without authorName', { license: 'MIT' }, 'license: "MIT"',
    /needs a copyright owner in the LICENSE file, and authorName is not set\. Fix: set authorName \(the copyright owner\)$/],
  ['devcontainer image', { localDevelopment: { image: 'Bad Image!' } }, 'localDevelopment.image: "Bad Image!"',
    /has a repository "Bad Image!" that is not a valid image repository .*\. Fix: use an image reference such as "mcr\.microsoft\.com\/devcontainers\/python:1-3\.12-bookworm"$/],
  ['devcontainer Node version', { localDevelopment: { nodeVersion: 'abc' } }, 'localDevelopment.nodeVersion: "abc"',
    /is not a Node\.js version \(MAJOR\[\.MINOR\[\.PATCH\]\]\)\. Fix: use e\.g\. "24" or "24\.11\.0"$/],
  ['chart maintainer URL without a scheme', { helm: { maintainers: [{ name: 'Seat Team', url: 'github.com/acme' }] } }, 'helm.maintainers[0].url: "github.com/acme"',
    /is not an http\(s\) URL\. Fix: use the maintainer's https URL, e.g\. "https:\/\/github\.com\/acme"$/],
  ['chart maintainer URL malformed', { helm: { maintainers: [{ name: 'Seat Team', url: 'https://exa mple.com' }] } }, 'helm.maintainers[0].url: "https://exa mple.com"',
    /is not a well-formed URL\. Fix: use the maintainer's https URL/],
  ['chart maintainer email', { helm: { maintainers: [{ name: 'Seat Team', email: 'seats at example.com' }] } }, 'helm.maintainers[0].email: "seats at example.com"',
    /is not an email address\. Fix: use e\.g\. "team@example\.com"$/],
  ['chart maintainer name', { helm: { maintainers: [{ name: ' ' }] } }, 'helm.maintainers[0].name: " "', /is empty\. Fix: give the maintainer's name$/],
  ['projen version', { projenVersion: 'abc' }, 'projenVersion: "abc"',
    /is not a semantic version or npm version range \(e\.g\. "0\.103\.25", "~0\.103\.25" or ">=0\.103\.0 <0\.104\.0"\)\. Fix: use e\.g\. "0\.103\.25" or "~0\.103\.25"$/],
  ['image repository derived from a .github repository', { repositoryUrl: 'https://github.com/acme/.github' }, 'repositoryUrl: "https://github.com/acme/.github"',
    /gives the image repository "acme\/\.github\/seat-adjuster", which is not a valid OCI repository path\. Fix: set image\.repository explicitly, e\.g\. "acme\/github\/seat-adjuster"$/],
  ['image repository derived from a repository name ending in "_"', { repositoryUrl: 'https://github.com/acme/seat_' }, 'repositoryUrl: "https://github.com/acme/seat_"',
    /gives the image repository "acme\/seat_\/seat-adjuster", which is not a valid OCI repository path\. Fix: set image\.repository explicitly, e\.g\. "acme\/seat\/seat-adjuster"$/],
  ['MQTT topic with "+" inside a level', { interfaces: [AppInterface.pubSub({ reads: ['seat/a+/x'] })] },
    'interfaces[0].reads[0]: "seat/a+/x"', /uses "\+" other than as a whole level\. Fix: use "\/"-separated levels/],
  ['MQTT topic with a NUL character', { interfaces: [AppInterface.pubSub({ writes: ['seat\u0000position'] })] },
    'interfaces[0].writes[0]: "seat\\u0000position"', /contains a NUL character, which MQTT forbids\. Fix: publish to a concrete topic/],
  ['MQTT topic over 65535 bytes', { interfaces: [AppInterface.pubSub({ reads: ['a'.repeat(65536)] })] },
    `interfaces[0].reads[0]: "${'a'.repeat(116)}...`, /is longer than the 65535 bytes MQTT allows\. Fix: /],
  ['empty MQTT topic', { interfaces: [AppInterface.pubSub({ writes: [''] })] }, 'interfaces[0].writes[0]: ""', /is not an MQTT topic \(a non-empty string\)\. Fix: /],
  ['VSS src URL malformed', { interfaces: [AppInterface.vehicleSignals({ src: 'https://exa mple.com/vss.json' })] },
    'interfaces[0].src: "https://exa mple.com/vss.json"', /is not a well-formed URL\. Fix: give the https URL of a VSS JSON export/],
  ['VSS src path with whitespace', { interfaces: [AppInterface.vehicleSignals({ src: 'my vss.json' })] },
    'interfaces[0].src: "my vss.json"', /is a path containing whitespace\. Fix: give the https URL of a VSS JSON export/],
  ['empty manifest name', { manifest: new AppManifest({ name: '' }) }, 'manifest.name: ""',
    /is not an app name \(a non-empty string of at most 253 characters\)\. Fix: give the app a name, e\.g\. "SeatAdjuster"$/],
  ['local image tag', { container: { localTag: 'dev tag' } }, 'container.localTag: "dev tag"', /is not an image tag\. Fix: use e\.g\. "dev"$/],
  ['base image tag', { container: { python: { baseImage: 'docker.io/library/python:-slim' } } }, 'container.python.baseImage: "docker.io/library/python:-slim"',
    /is neither an earlier stage \(none\) nor an image reference: it has a tag that is not 1-128 characters of \[A-Za-z0-9_\.-\] starting with a letter, digit or "_"\. Fix: /],
  ['base image digest', { container: { python: { baseImage: 'docker.io/library/python@sha256:abc' } } }, 'container.python.baseImage: "docker.io/library/python@sha256:abc"',
    /it has a digest that is not "sha256:" followed by 64 lowercase hex digits\. Fix: /],
  ['base image registry', { container: { python: { baseImage: 'mirror_host.example.com/library/python:3.12' } } },
    'container.python.baseImage: "mirror_host.example.com/library/python:3.12"', /it has a registry "mirror_host\.example\.com" that is not a registry host .*\. Fix: /],
  ['empty base image', { container: { python: { baseImage: '' } } }, 'container.python.baseImage: ""', /it is not an image reference \(a non-empty string\)\. Fix: /],
  ['tag policy without CI tags', { image: { tagPolicy: { commitSha: false, branch: false } } },
    'image.tagPolicy: {"commitSha":false,"branch":false,"latestOnDefaultBranch":false}',
    /gives CI pushes no tag, so the merged image list cannot be pushed\. Fix: enable image\.tagPolicy\.commitSha \(recommended\)$/],
  ['tag policy without commit sha tags, with release', { image: { tagPolicy: { commitSha: false } } }, 'image.tagPolicy.commitSha: false',
    /is off, but the release workflow finds the tested image of a commit by its sha-<commit> tag\. Fix: enable image\.tagPolicy\.commitSha, or set workflows\.release to false$/],
  ['tag policy without semver patterns, with release', { image: { tagPolicy: { semverPatterns: [] } } }, 'image.tagPolicy.semverPatterns: []',
    /is empty, so a release would push no version tag\. Fix: use e\.g\. \["\{\{version\}\}"\]$/],
  ['two ports with one number', { ports: [{ name: 'grpc', port: 50051 }, { name: 'http', port: 50051 }] }, 'ports[1].port: 50051',
    /is the number of ports\[0\] too, and a container serves each port number once\. Fix: give each port its own number$/],
  ['app named like a runtime service', { name: 'mqtt' }, 'name: "mqtt"',
    /is the name of the mqtt runtime service, whose chart objects and Kanto container would get the app's names\. Fix: name the app after what it does, e\.g\. "mqtt-app"$/],
  ['app named like the Kanto VSS file', { name: 'vss', interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] })] },
    'name: "vss"', /^  - name: "vss" gives the Kanto manifest deploy\/kanto\/vss\.json, the databroker's VSS file there\. Fix: name the app after what it does, e\.g\. "vss-app"$/],
  ['app port of an enabled runtime service', { ports: [{ name: 'grpc', port: 1883 }], interfaces: [AppInterface.pubSub({ reads: ['a/b'] })] }, 'ports[0].port: 1883',
    /is the port of the mqtt runtime service, which the Kanto manifests and the local port-forwards also publish\. Fix: give the app another port number$/],
  ['required gRPC service named like a runtime service', { interfaces: [AppInterface.grpc({ src: 'protos/databroker.proto', requiredMethods: ['Get'] })] },
    'interfaces[0].serviceName: "databroker"', /gives the host name "databroker" of the databroker runtime service, so both would share one address\. Fix: set a distinct serviceName$/],
  ['required gRPC service named like the app', { interfaces: [AppInterface.grpc({ src: 'protos/seat-adjuster.proto', requiredMethods: ['Move'] })] },
    'interfaces[0].serviceName: "seat-adjuster"', /gives the host name "seat-adjuster", the app's own, so the app would call itself\. Fix: set the serviceName of the service the app calls$/],
  ['empty app name', { name: '' }, 'name: ""', /^  - name: "" is not a DNS-1123 label \(lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters\)\. Fix: use "my-vehicle-app"$/],
  ['two required gRPC services with one host name', {
    interfaces: [AppInterface.grpc({ src: 'a/seat_svc.proto', serviceName: 'seat__svc', requiredMethods: ['Move'] }), AppInterface.grpc({ src: 'b/seat_svc.proto', requiredMethods: ['Stop'] })],
  }, 'interfaces[1].serviceName: "seat_svc"', /gives the host name "seat-svc" of interfaces\[0\] too, so both would share one address\. Fix: set a distinct serviceName on one of them$/],
];

/** Rules that only changes made after construction (in .projenrc.ts) can break; synth must stop before writing. */
const LATER_RULES: Array<[string, (project: VehicleAppProject) => void, string, RegExp]> = [
  ['required gRPC service added later, named like the app', p => p.app.manifest.addInterface(AppInterface.grpc({ src: 'protos/seat-adjuster.proto', requiredMethods: ['Move'] })),
    'interfaces[0].serviceName: "seat-adjuster"', /gives the host name "seat-adjuster", the app's own, so the app would call itself\. Fix: set the serviceName/],
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

  test.each(['0.103.25', '~0.103.25', '^0.103.0', '>=0.103.0 <0.104.0', '0.103.x', '1.0.0 - 1.2.0', '0.102.x || 0.103.x', 'latest'])(
    'projen version %s is accepted', projenVersion => {
      expect(errorOf(construct({ projenVersion }))).toEqual('');
    });

  test.each(['Apache-2.0', 'MPL-2.0', 'GPL-3.0-or-later'])('license %s is accepted without authorName', license => {
    expect(errorOf(construct({ license }))).toEqual('');
  });

  test('MIT is accepted with authorName as the copyright owner', () => {
    // GIVEN / WHEN
    const project = construct({ license: 'MIT', authorName: 'Seat Team' })();
    // THEN the LICENSE names the owner
    expect(project.tryFindFile('LICENSE')).toBeDefined();
    expect(errorOf(() => project.synth())).toEqual('');
    expect(fs.readFileSync(path.join(project.outdir, 'LICENSE'), 'utf8')).toMatch(/Copyright \(c\) \d{4} Seat Team/);
  });

  test('a bad license is reported together with the other problems', () => {
    expect(construct({ name: 'Bad Name', license: 'Not A License' })).toThrow(
      /2 problems in the options[\s\S]*license: "Not A License"[\s\S]*name: "Bad Name"/,
    );
  });

  test.each(['22', '22.11.0'])('devcontainer Node version %s is accepted', nodeVersion => {
    expect(errorOf(construct({ localDevelopment: { nodeVersion, image: 'mcr.microsoft.com/devcontainers/base:1-bookworm' } }))).toEqual('');
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

/**
 * What tsc would reject in .projenrc.ts, which synth runs without type-checking: the option path, the value, the rule
 * and the fix of the one problem each mistake must give (nothing reported below a value of the wrong kind).
 */
const TYPE_RULES: Array<[string, object, string]> = [
  ['misspelled key', { loglevel: 'debug' },
    'loglevel: "debug" is not an option of VehicleAppProjectOptions (did you mean "logLevel"?). Fix: rename it to "logLevel"'],
  ['misspelled nested key', { image: { platfroms: ['linux/amd64'] } },
    'image.platfroms: ["linux/amd64"] is not an option of ContainerImageOptions (did you mean "platforms"?). Fix: rename it to "platforms"'],
  ['misspelled key three levels deep', { image: { tagPolicy: { comitSha: true } } },
    'image.tagPolicy.comitSha: true is not an option of ImageTagPolicy (did you mean "commitSha"?). Fix: rename it to "commitSha"'],
  ['misspelled key in a list element', { helm: { maintainers: [{ name: 'Seat Team', emial: 'seats@example.com' }] } },
    'helm.maintainers[0].emial: "seats@example.com" is not an option of HelmChartMaintainer (did you mean "email"?). Fix: rename it to "email"'],
  ['misspelled key inside an interface factory\'s options', { interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: READ, optionl: true } as any] })] },
    'interfaces[0].required[0].optionl: true is not an option of RequiredDatapoint (did you mean "optional"?). Fix: rename it to "optional"'],
  ['unknown key like no option', { kubernetes: { replicas: 2 } },
    'kubernetes: {"replicas":2} is not an option of VehicleAppProjectOptions. Fix: remove it; VehicleAppProjectOptions has authorEmail, authorName, container, description, devDeps, env, helm, image, interfaces, language, license, localDevelopment, logLevel, manifest, name, outdir, ports, projenVersion, repositoryUrl, runtime, sampleCode, version, workflows'],
  ['string where a list belongs', { image: { platforms: 'linux/amd64' } },
    'image.platforms: "linux/amd64" is a string where string[] belongs. Fix: put it in a list: ["linux/amd64"]'],
  ['string where a list of interfaces belongs', { interfaces: 'pubsub' },
    'interfaces: "pubsub" is a string where AppInterface[] belongs. Fix: write a value of type AppInterface[]'],
  ['string where a number belongs', { ports: [{ name: 'grpc', port: '50051' }] },
    'ports[0].port: "50051" is a string where number belongs. Fix: write it as a number: 50051'],
  ['string where a struct belongs', { helm: 'seat-adjuster' },
    'helm: "seat-adjuster" is a string where HelmChartOptions belongs. Fix: pass an object with the keys of HelmChartOptions (chartVersion, heartbeatProbes, kubeVersion, maintainers, replicaCount, resources)'],
  ['string where a boolean belongs', { workflows: { release: 'yes' } },
    'workflows.release: "yes" is a string where boolean belongs. Fix: write true or false'],
  ['number where a string belongs in a map', { env: { SEAT_SPEED: 1 } },
    'env.SEAT_SPEED: 1 is a number where string belongs. Fix: write it as a string: "1"'],
  ['list where an enum belongs', { language: ['python'] },
    'language: ["python"] is a list where AppLanguage belongs. Fix: use AppLanguage.PYTHON or AppLanguage.CPP'],
  ['plain object where a class belongs', { interfaces: [{ type: 'pubsub', reads: ['a/b'] }] },
    'interfaces[0]: {"type":"pubsub","reads":["a/b"]} is an object where AppInterface belongs. Fix: create it with AppInterface.custom(), AppInterface.grpc(), AppInterface.pubSub(), AppInterface.vehicleSignals()'],
  ['string where a list belongs in a factory\'s options', { interfaces: [AppInterface.pubSub({ reads: 'seat/position' as any })] },
    'interfaces[0].reads: "seat/position" is a string where string[] belongs. Fix: put it in a list: ["seat/position"]'],
  ['missing required key', { helm: { maintainers: [{ email: 'seats@example.com' }] } },
    'helm.maintainers[0].name: (missing) is required by HelmChartMaintainer. Fix: set name (string)'],
];

describe('options are checked as the type checker would', () => {
  test.each(TYPE_RULES)('%s: one problem', (_name, options, problem) => {
    // GIVEN an empty directory
    const outdir = emptyDir();
    // WHEN
    const message = errorOf(construct(options as Partial<VehicleAppProjectOptions>, outdir));
    // THEN exactly this problem is reported, and nothing was written
    expect(message.split('\n')).toEqual(['VehicleAppProject: 1 problem in the options; nothing was written.', `  - ${problem}`]);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('every mistake is reported together, each once', () => {
    const message = errorOf(construct({ loglevel: 'debug', image: { platforms: 'linux/amd64', uid: '1000' } } as any));
    expect(message).toMatch(/^VehicleAppProject: 3 problems in the options/);
    expect(message.split('\n').slice(1).map(line => line.split(':')[0])).toEqual(['  - loglevel', '  - image.platforms', '  - image.uid']);
  });

  test.each([
    ['enum values written as strings', { language: 'cpp', logLevel: 'debug' }],
    ['open maps', { env: { ANY_NAME: 'x' }, interfaces: [AppInterface.pubSub({ reads: ['a/b'], additionalConfig: { anything: { nested: [1] } } })] }],
    ['a manifest instance', { manifest: new AppManifest({ name: 'SeatAdjuster' }) }],
  ])('%s are accepted', (_name, options) => {
    expect(errorOf(construct(options as Partial<VehicleAppProjectOptions>))).toEqual('');
  });

  test('an interface with a misspelled key added after construction stops synth', () => {
    const outdir = emptyDir();
    const project = new VehicleAppProject({ name: 'seat-adjuster', outdir });
    project.app.manifest.addInterface(AppInterface.grpc({ src: 'seats.proto', requiredMethod: ['Move'] } as any));
    expectProblem(errorOf(() => project.synth()), 'interfaces[0].requiredMethod: ["Move"]', /is not an option of GrpcInterfaceOptions \(did you mean "requiredMethods"\?\)/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a value of the wrong kind in an interface added after construction is one problem, not also a topic problem', () => {
    const outdir = emptyDir();
    const project = new VehicleAppProject({ name: 'seat-adjuster', outdir });
    project.app.manifest.addInterface(AppInterface.pubSub({ reads: [42 as any] }));
    expect(errorOf(() => project.synth()).split('\n')).toEqual([
      'VehicleAppProject: 1 problem in the options; nothing was written.',
      '  - interfaces[0].reads[0]: 42 is a number where string belongs. Fix: write it as a string: "42"',
    ]);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('the report is the error\'s stack: no stack trace where it is printed', () => {
    const error = (() => {
      try {
        construct({ loglevel: 'debug' } as any)();
      } catch (e: any) {
        return e;
      }
      throw new Error('no error');
    })();
    expect(error.stack).toEqual(error.message);
  });
});

describe('`npx projen` with a mistake in .projenrc.ts', () => {
  const root = path.resolve(__dirname, '..', '..');
  const compiled = path.join(root, 'lib', 'index.js');

  test('prints the problem list alone: no code frame, no stack trace', () => {
    // GIVEN a generated project whose projen-velocitas is this package (compiled: `npx projen build` compiles before testing)
    expect(fs.existsSync(compiled) ? '' : `${compiled} is missing: run "npx projen compile"`).toEqual('');
    const outdir = emptyDir();
    fs.mkdirSync(path.join(outdir, 'node_modules'));
    for (const name of fs.readdirSync(path.join(root, 'node_modules'))) {
      fs.symlinkSync(path.join(root, 'node_modules', name), path.join(outdir, 'node_modules', name));
    }
    fs.symlinkSync(root, path.join(outdir, 'node_modules', 'projen-velocitas'));
    const projenrc = (options: string) => fs.writeFileSync(path.join(outdir, '.projenrc.ts'),
      `import { VehicleAppProject } from 'projen-velocitas';\nnew VehicleAppProject({ name: 'seat-adjuster', ${options} }).synth();\n`);
    const npxProjen = () => spawnSync('npx', ['projen'], { cwd: outdir, encoding: 'utf8', env: { ...process.env, PROJEN_DISABLE_POST: 'true' } });
    projenrc("repositoryUrl: 'https://github.com/acme/seat-adjuster'");
    expect(spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['.projenrc.ts'], { cwd: outdir, encoding: 'utf8', env: { ...process.env, PROJEN_DISABLE_POST: 'true' } }).status).toBe(0);
    // WHEN the options have a misspelled key and a string where a list belongs
    projenrc("repositoryUrl: 'https://github.com/acme/seat-adjuster', loglevel: 'debug', image: { platforms: 'linux/amd64' } } as any, {");
    const run = npxProjen();
    // THEN it fails, and stderr holds the report and projen's task lines (👾) only
    expect(run.status).not.toBe(0);
    expect(run.stderr.split('\n').filter(line => line !== '' && !line.startsWith('👾'))).toEqual([
      'VehicleAppProject: 2 problems in the options; nothing was written.',
      '  - loglevel: "debug" is not an option of VehicleAppProjectOptions (did you mean "logLevel"?). Fix: rename it to "logLevel"',
      '  - image.platforms: "linux/amd64" is a string where string[] belongs. Fix: put it in a list: ["linux/amd64"]',
    ]);
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
