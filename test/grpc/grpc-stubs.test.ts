/**
 * gRPC stubs of a Python app from its grpc-interface's .proto: the generate command, run as the task, the CI step
 * and the Dockerfile builder run it, and the generated tests against a local server; real grpcio-tools, pytest, ruff
 * and buildah.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { parse } from 'yaml';
import { AppInterface, VehicleAppProject } from '../../src';
import { SEATS_PROTO, writeProto } from '../support/protos';
import { HOST_CA_BUNDLE, OCI_TOOLS, buildahBuild, ensureBaseImages, imageFiles, podmanRun, removeImages } from '../validators/oci';
import { WRAPPER_TOOLS, actionlint, hadolint, shellcheck, testWithTools } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const SEATS = AppInterface.grpc({ src: 'protos/seats.proto', requiredMethods: ['Move', 'CurrentPosition'] });

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `velocitas-grpc-${prefix}-`));
}

/** A project whose .proto lies outside the app folder, as a shared protos/ folder would. */
function seatClient(outdir = tmpDir('client'), interfaces = [SEATS]): VehicleAppProject {
  fs.mkdirSync(path.join(outdir, 'protos'), { recursive: true });
  fs.copyFileSync(SEATS_PROTO, path.join(outdir, 'protos', 'seats.proto'));
  return new VehicleAppProject({ name: 'seat-client', outdir, interfaces, repositoryUrl: 'https://github.com/acme/seat-client' });
}

function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

function run(command: string, args: string[], cwd: string, env: { [name: string]: string } = {}, timeoutMs = 600_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

function runOk(command: string, args: string[], cwd: string, env: { [name: string]: string } = {}): string {
  const result = run(command, args, cwd, env);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed with ${result.status}:\n${result.output}`);
  return result.output;
}

describe('the generate command and who runs it', () => {
  test('one script generates the stubs; grpc:generate runs it before the tests, CI before lint and tests, the builder stage in the image build', () => {
    // GIVEN
    const project = seatClient();

    // WHEN
    const files = Testing.synth(project);

    // THEN the task runs the script, and the test task runs the task first
    const tasks = files['.projen/tasks.json'].tasks;
    expect(tasks['grpc:generate'].steps.map((s: any) => s.exec)).toEqual([
      'test -x .venv/bin/python || python3 -m venv .venv',
      '.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-grpc.txt',
      'app/scripts/generate-grpc.sh',
    ]);
    expect(tasks.test.steps[0]).toEqual({ spawn: 'grpc:generate' });
    // the script maps the app's copy of the .proto into the stubs' package
    const script: string = files['app/scripts/generate-grpc.sh'];
    expect(script).toContain('-Igenerated_grpc/seats.proto=proto/seats.proto');
    expect(files['app/proto/seats.proto']).toContain(fs.readFileSync(SEATS_PROTO, 'utf8').trim());
    // grpcio-tools is pinned once, at the grpcio release the app runs
    const grpcio = /^grpcio==(.+)$/m.exec(files['app/requirements.txt'])?.[1];
    expect(files['app/requirements-grpc.txt']).toContain(`grpcio-tools==${grpcio}`);
    // the stubs are never committed, nor sent to the image build
    const gitignore = files['.gitignore'].split('\n');
    expect(gitignore).toEqual(expect.arrayContaining(['/app/src/generated_grpc/*', '!/app/src/generated_grpc/README.md']));
    expect(files['app/.dockerignore'].split('\n')).toContain('src/generated_grpc');
    // CI installs the generator from that file and runs the same script before the lint and the tests
    const unitJob = parse(files['.github/workflows/ci.yml']).jobs['unit-test'];
    const ids: string[] = unitJob.steps.map((s: any) => s.id);
    const generate = unitJob.steps.find((s: any) => s.id === 'grpc-generate');
    expect(generate.run).toBe('python -m pip install -r requirements-grpc.txt\nPYTHON=python scripts/generate-grpc.sh\n');
    expect(ids.indexOf('grpc-generate')).toBeLessThan(ids.indexOf('lint'));
    expect(ids.indexOf('grpc-generate')).toBeLessThan(ids.indexOf('unit-test'));
    // the builder stage runs the script with its own grpcio-tools; the runtime stage takes the stubs
    const dockerfile: string = files['app/Dockerfile'];
    expect(dockerfile).toContain('RUN PYTHON=/opt/grpc-tools/bin/python sh /build/scripts/generate-grpc.sh');
    expect(dockerfile).toContain('COPY --from=builder /build/src/generated_grpc/ /app/generated_grpc');
  });

  test('an app without gRPC gets none of it', () => {
    const files = Testing.synth(new VehicleAppProject({ name: 'plain', outdir: tmpDir('plain') }));
    expect(files['.projen/tasks.json'].tasks['grpc:generate']).toBeUndefined();
    expect(files['app/scripts/generate-grpc.sh']).toBeUndefined();
    expect(files['app/Dockerfile']).not.toContain('grpc');
  });

  test('a .proto already in the app folder is used where it is, not copied', () => {
    const outdir = tmpDir('in-app');
    writeProto(outdir, 'app/proto/seats.proto', 'Seats', ['Move']);
    const files = Testing.synth(new VehicleAppProject({ name: 'seat-client', outdir, interfaces: [AppInterface.grpc({ src: 'app/proto/seats.proto', requiredMethods: ['Move'] })] }));
    expect(files['.projen/files.json'].files).not.toContain('app/proto/seats.proto');
    expect(files['app/proto/seats.proto']).not.toContain('Copied by projen');
    expect(files['app/scripts/generate-grpc.sh']).toContain('-Igenerated_grpc/seats.proto=proto/seats.proto');
  });

  test('a required method the .proto does not declare is one error naming it and the rpcs there; nothing is written', () => {
    const outdir = tmpDir('typo');
    const message = errorOf(() => seatClient(outdir, [AppInterface.grpc({ src: 'protos/seats.proto', requiredMethods: ['Mve'] })]));
    expect(message).toMatch(/interfaces\[0\]\.requiredMethods\[0\]: "Mve" is not an rpc of Seats in app\/proto\/seats\.proto\. Fix: use one of Move, CurrentPosition, Watch/);
    expect(fs.readdirSync(outdir)).toEqual(['protos']);
  });

  test('a local .proto that does not exist is one error naming the path', () => {
    const outdir = tmpDir('missing');
    const message = errorOf(() => new VehicleAppProject({ name: 'seat-client', outdir, interfaces: [AppInterface.grpc({ src: 'protos/hvac.proto', requiredMethods: ['Set'] })] }));
    expect(message).toMatch(/interfaces\[0\]\.src: "protos\/hvac\.proto" is not a file \(looked for .*protos\/hvac\.proto\)\. Fix: give the \.proto path relative to the project directory/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a .proto URL is fetched once into app/proto and kept; synth works offline afterwards; offline without a copy is one clear error', async () => {
    // GIVEN a server with the .proto, in a process of its own (synth fetches synchronously)
    const server = spawn(process.execPath, ['-e', [
      'const http = require("http"); const fs = require("fs"); let hits = 0;',
      `const proto = fs.readFileSync(${JSON.stringify(SEATS_PROTO)});`,
      'const s = http.createServer((req, res) => { hits++; if (req.url === "/seats.proto") { res.end(proto); } else { res.statusCode = 404; res.end(); } });',
      's.listen(0, "127.0.0.1", () => console.log(s.address().port));',
      'process.stdin.on("data", () => console.log(`hits ${hits}`));',
    ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: string[] = [];
    const nextLine = () => new Promise<string>(resolve => {
      const poll = () => (lines.length > 0 ? resolve(lines.shift()!) : setTimeout(poll, 20));
      poll();
    });
    server.stdout.on('data', d => lines.push(...String(d).trim().split('\n')));
    const url = `http://127.0.0.1:${await nextLine()}/seats.proto`;
    const outdir = tmpDir('url');
    const seats = () => [AppInterface.grpc({ src: url, requiredMethods: ['Move'] })];
    try {
      // WHEN synthesized twice
      new VehicleAppProject({ name: 'seat-client', outdir, interfaces: seats() }).synth();
      new VehicleAppProject({ name: 'seat-client', outdir, interfaces: seats() }).synth();
      server.stdin.write('\n');
      // THEN it was fetched once, kept as a plain repository file (not regenerated)
      expect(await nextLine()).toBe('hits 1');
      expect(fs.readFileSync(path.join(outdir, 'app', 'proto', 'seats.proto'), 'utf8')).toBe(fs.readFileSync(SEATS_PROTO, 'utf8'));
    } finally {
      server.kill();
    }
    // offline: the kept copy is enough
    expect(errorOf(() => new VehicleAppProject({ name: 'seat-client', outdir, interfaces: seats() }).synth())).toBe('');
    // offline without the copy: one error with the URL, the reason and the way out
    const fresh = tmpDir('url-offline');
    const message = errorOf(() => new VehicleAppProject({ name: 'seat-client', outdir: fresh, interfaces: seats() }));
    expect(message).toContain(`interfaces[0].src: "${url}" could not be fetched (`);
    expect(message).toContain('and app/proto/seats.proto does not exist yet. Fix: check the URL and the network, or save the file as app/proto/seats.proto yourself');
    expect(fs.readdirSync(fresh)).toEqual([]);
  }, 60_000);
});

describe('the generated files pass their linters', () => {
  testWithTools([...WRAPPER_TOOLS.hadolint, ...WRAPPER_TOOLS.actionlint], 'hadolint (Dockerfile), shellcheck (generate script), actionlint (ci.yml with the generate step)', () => {
    const project = seatClient();
    project.synth();
    hadolint(path.join(project.outdir, 'app', 'Dockerfile'));
    shellcheck([path.join(project.outdir, 'app', 'scripts', 'generate-grpc.sh')]);
    actionlint([path.join(project.outdir, '.github', 'workflows', 'ci.yml')]);
  });
});

describe('the stubs work (grpcio-tools, pytest, ruff, buildah)', () => {
  testWithTools(['python3'], 'the grpc:generate task makes the stubs, and the app\'s unit tests call them against a local server', () => {
    // GIVEN a synthesized app
    const outdir = tmpDir('pytest');
    seatClient(outdir).synth();
    const appDir = path.join(outdir, 'app');
    const python = path.join(appDir, '.venv', 'bin', 'python');

    // WHEN the script runs with a Python without grpcio-tools
    const withoutTools = run('sh', ['scripts/generate-grpc.sh'], appDir, { PYTHON: '/usr/bin/python3' });
    // ...and the task's steps run as `npx projen grpc:generate` runs them (the venv and the generator included)
    const steps: Array<{ exec: string; cwd?: string }> = JSON.parse(fs.readFileSync(path.join(outdir, '.projen', 'tasks.json'), 'utf8')).tasks['grpc:generate'].steps;
    for (const step of steps) runOk('sh', ['-c', step.exec], path.join(outdir, step.cwd ?? '.'));
    // ...then the test task's own dependencies, the lint and the tests
    runOk(python, ['-m', 'pip', 'install', '-q', '-r', 'requirements-dev.txt'], appDir);
    const ours = ['src/generated/grpc_services.py', 'src/service_calls.py', 'tests/unit/test_grpc_services.py', 'tests/unit/test_service_calls.py'];
    runOk(python, ['-m', 'ruff', 'check', '--no-cache', ...ours], appDir);
    runOk(python, ['-m', 'ruff', 'format', '--check', '--no-cache', ...ours], appDir);
    const output = runOk(python, ['-m', 'pytest', 'tests/unit', '-q', '-rA', '-p', 'no:cacheprovider'], appDir);

    // THEN
    expect(withoutTools.status).toBe(1);
    expect(withoutTools.output).toContain('generate-grpc: /usr/bin/python3 has no grpcio-tools; run: /usr/bin/python3 -m pip install -r requirements-grpc.txt');
    expect(fs.readdirSync(path.join(appDir, 'src', 'generated_grpc')).sort()).toEqual(['README.md', '__init__.py', 'seats_pb2.py', 'seats_pb2.pyi', 'seats_pb2_grpc.py']);
    expect(output).toMatch(/PASSED tests\/unit\/test_grpc_services\.py::test_seats_client_calls_its_service_at_its_address/);
    expect(output).toMatch(/PASSED tests\/unit\/test_service_calls\.py::test_call_seats_replies/);
    expect(output).toMatch(/PASSED tests\/unit\/test_service_calls\.py::test_call_seats_without_server/);
    expect(output).not.toMatch(/\d+ (failed|errors?)\b/);
    fs.rmSync(outdir, { recursive: true, force: true });
  }, 900_000);

  testWithTools([...OCI_TOOLS], 'the image build generates the stubs in its builder; the runtime stage has them and not the generator', () => {
    // GIVEN
    ensureBaseImages();
    const outdir = tmpDir('image');
    seatClient(outdir).synth();
    // a developer's stale stubs must not reach the image
    fs.mkdirSync(path.join(outdir, 'app', 'src', 'generated_grpc'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'app', 'src', 'generated_grpc', 'stale.py'), '');
    const tag = 'localhost/grpc-test/seat-client:latest';

    // WHEN
    buildahBuild({ contextDir: path.join(outdir, 'app'), dockerfile: 'Dockerfile', tag, secrets: { ca: HOST_CA_BUNDLE }, timeoutMs: 15 * 60_000 });

    // THEN
    try {
      expect(imageFiles(tag, ['/app/generated_grpc/seats_pb2.py', '/app/generated_grpc/seats_pb2_grpc.py', '/app/generated/grpc_services.py',
        '/app/generated_grpc/stale.py', '/opt/grpc-tools', '/build'])).toEqual({
        '/app/generated_grpc/seats_pb2.py': true,
        '/app/generated_grpc/seats_pb2_grpc.py': true,
        '/app/generated/grpc_services.py': true,
        '/app/generated_grpc/stale.py': false,
        '/opt/grpc-tools': false,
        '/build': false,
      });
      // the app's interpreter imports the client and its stubs in the image
      const check = podmanRun(tag, [], {
        entrypoint: ['/opt/venv/bin/python3', '-c', 'import generated.grpc_services as g, service_calls; print(g.SeatsClient.__name__, g.seats_channel.__name__)'],
      });
      expect(check.stderr).not.toContain('Traceback');
      expect(check.stdout.trim()).toBe('SeatsClient seats_channel');
    } finally {
      removeImages(tag);
    }
  }, 20 * 60_000);
});
