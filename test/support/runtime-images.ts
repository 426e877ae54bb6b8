import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http2 from 'http2';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * The runtime service images `scripts/runtime-images/build.sh` builds (KUKSA databroker, Mosquitto, busybox),
 * found through its index file, and run with podman the way the charts run them.
 */

/** The command that builds the images and writes the index. */
export const BUILD_COMMAND = 'sudo bash scripts/runtime-images/build.sh';

export type RuntimeImageName = 'databroker' | 'mqtt' | 'busybox';

export interface RuntimeImage {
  readonly ref: string;
  readonly archive: string;
}

/** `$PV_CACHE_DIR/runtime-images/index.tsv`: `<name>\t<image ref>\t<archive path>` per image. */
export function runtimeImagesIndex(): string {
  const cache = process.env.PV_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'projen-velocitas');
  return path.join(cache, 'runtime-images', 'index.tsv');
}

/** The images of the index; undefined with the reason when they cannot be run here. */
export function findRuntimeImages(): { images?: Record<RuntimeImageName, RuntimeImage>; reason?: string } {
  if (spawnSync('podman', ['--version']).status !== 0) return { reason: 'podman is not installed (apt-get install podman)' };
  const index = runtimeImagesIndex();
  if (!fs.existsSync(index)) return { reason: `${index} is missing: run ${BUILD_COMMAND}` };
  const images: Partial<Record<RuntimeImageName, RuntimeImage>> = {};
  for (const line of fs.readFileSync(index, 'utf8').split('\n').filter(Boolean)) {
    const [name, ref, archive] = line.split('\t');
    images[name as RuntimeImageName] = { ref, archive };
  }
  for (const name of ['databroker', 'mqtt', 'busybox'] as const) {
    const image = images[name];
    if (!image) return { reason: `${index} lists no ${name} image: run ${BUILD_COMMAND}` };
    if (!fs.existsSync(image.archive)) return { reason: `${image.archive} (${name}) is missing: run ${BUILD_COMMAND}` };
  }
  return { images: images as Record<RuntimeImageName, RuntimeImage> };
}

const warned = new Set<string>();

/**
 * A `describe` block whose tests run the runtime images. Without podman or the images: one skipped test
 * naming the reason and the build command, or, with CI=true, one failing test.
 */
export function describeWithRuntimeImages(name: string, body: (images: Record<RuntimeImageName, RuntimeImage>) => void): void {
  const { images, reason } = findRuntimeImages();
  if (images) {
    describe(name, () => body(images));
    return;
  }
  describe(name, () => {
    if (process.env.CI === 'true') {
      test('runtime images', () => {
        throw new Error(`CI=true: ${reason}`);
      });
      return;
    }
    if (!warned.has(reason!)) {
      warned.add(reason!);
      console.warn(`skipping "${name}": ${reason}`);
    }
    test.skip(`skipped: ${reason}`, () => undefined);
  });
}

function podman(args: string[], timeoutMs = 120_000): string {
  const result = spawnSync('podman', args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0) throw new Error(`podman ${args.join(' ')} failed (${result.error?.message ?? `status ${result.status}`}):\n${result.stdout}${result.stderr}`);
  return result.stdout.trim();
}

/** Makes sure the image is in the local container storage (it is loaded from its archive otherwise). */
export function loadImage(image: RuntimeImage): void {
  if (spawnSync('podman', ['image', 'exists', image.ref]).status !== 0) podman(['load', '--quiet', '--input', image.archive]);
}

/** A container started by {@link runContainer}. */
export interface Container {
  readonly name: string;
  /** Host port each container port is published on (127.0.0.1). */
  readonly ports: Record<number, number>;
  /** Address of the container on podman's network, for other containers. */
  readonly ip: string;
  logs(): string;
  stop(): void;
}

export interface RunOptions {
  /** Container ports published on 127.0.0.1, each on a free port unless `hostPorts` names one. */
  readonly ports: number[];
  /** container port → the 127.0.0.1 port it is published on. */
  readonly hostPorts?: Record<number, number>;
  /** host file → container path, mounted read-only. */
  readonly mounts?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly args?: string[];
}

/** Runs the image as the chart does (its own user, read-only root, no capabilities), detached. */
export function runContainer(image: RuntimeImage, options: RunOptions): Container {
  loadImage(image);
  const name = `pv-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  podman([
    'run', '--detach', '--name', name, '--pull=never', '--read-only', '--cap-drop=ALL', '--security-opt=no-new-privileges',
    // Within this machine's hard limits (scripts/OCI-BUILDS.md).
    '--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096',
    ...options.ports.flatMap(port => ['--publish', `127.0.0.1:${options.hostPorts?.[port] ?? ''}:${port}`]),
    ...Object.entries(options.mounts ?? {}).flatMap(([host, container]) => ['--volume', `${host}:${container}:ro`]),
    ...Object.entries(options.env ?? {}).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    image.ref, ...(options.args ?? []),
  ]);
  const ports = Object.fromEntries(options.ports.map(port => [port, Number(podman(['port', name, `${port}/tcp`]).split(':').pop())]));
  return {
    name,
    ports,
    ip: podman(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', name]),
    logs: () => {
      const result = spawnSync('podman', ['logs', name], { encoding: 'utf8' });
      return `${result.stdout}${result.stderr}`;
    },
    stop: () => {
      spawnSync('podman', ['rm', '--force', '--time', '2', name], { encoding: 'utf8' });
    },
  };
}

/** Runs a command in the image, on podman's network, to its end. */
export function runOnce(image: RuntimeImage, command: string[]): { status: number | null; output: string } {
  loadImage(image);
  const result = spawnSync('podman', ['run', '--rm', '--pull=never', '--read-only', '--cap-drop=ALL', '--ulimit', 'nofile=4096:4096',
    '--ulimit', 'nproc=4096:4096', image.ref, ...command], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A 127.0.0.1 port nothing listens on (yet). */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** Resolves once 127.0.0.1:port accepts a TCP connection; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing answers on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/**
 * One unary gRPC call with an empty request message, over plain HTTP/2 (no stubs): the reply's message
 * bytes and its grpc-status.
 */
export async function grpcCall(port: number, method: string): Promise<{ status: number; message: Buffer }> {
  const client = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      client.on('error', reject);
      const request = client.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', 'te': 'trailers' });
      const chunks: Buffer[] = [];
      let status: number | undefined;
      const take = (headers: http2.IncomingHttpHeaders) => {
        if (headers['grpc-status'] !== undefined) status = Number(headers['grpc-status']);
      };
      request.on('response', take);
      request.on('trailers', take);
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        // A gRPC message: 1 byte compression flag, 4 bytes length, then the protobuf bytes.
        resolve({ status: status ?? -1, message: body.length >= 5 ? body.subarray(5, 5 + body.readUInt32BE(1)) : Buffer.alloc(0) });
      });
      request.on('error', reject);
      // An empty request message: not compressed, length 0.
      request.end(Buffer.alloc(5));
    });
  } finally {
    client.close();
  }
}

/** Sends an MQTT 3.1.1 CONNECT and resolves with the broker's CONNACK return code (0: accepted). */
export function mqttConnect(port: number, clientId = `pv-test-${process.pid}`): Promise<number> {
  const id = Buffer.from(clientId);
  const variableHeader = Buffer.from([0x00, 0x04, ...Buffer.from('MQTT'), 0x04, 0x02, 0x00, 0x3c]);
  const idLength = Buffer.alloc(2);
  idLength.writeUInt16BE(id.length);
  const payload = Buffer.concat([idLength, id]);
  const remaining = variableHeader.length + payload.length;
  const packet = Buffer.concat([Buffer.from([0x10, remaining]), variableHeader, payload]);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(packet));
    socket.setTimeout(10_000, () => socket.destroy(new Error('no CONNACK within 10 s')));
    socket.once('data', (data: Buffer) => {
      socket.destroy();
      if (data[0] !== 0x20 || data[1] !== 0x02) reject(new Error(`not a CONNACK: ${data.toString('hex')}`));
      else resolve(data[3]);
    });
    socket.on('error', reject);
  });
}
