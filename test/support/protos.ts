import * as fs from 'fs';
import * as path from 'path';
import { AppInterface, GrpcInterface } from '../../src';

/** The seat service .proto of the gRPC tests. */
export const SEATS_PROTO = path.join(__dirname, '..', 'fixtures', 'grpc', 'seats.proto');

/**
 * Writes a minimal .proto at `relativePath` in `dir`: one service with unary rpcs of the given names, for projects
 * whose grpc-interfaces must find their .proto at synth (a URL's copy lives at `app/proto/<file>`).
 */
export function writeProto(dir: string, relativePath: string, service: string, methods: string[]): string {
  const file = path.join(dir, relativePath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, [
    'syntax = "proto3";',
    `service ${service} {`,
    ...methods.map(m => `  rpc ${m}(${m}Request) returns (${m}Reply);`),
    '}',
    ...methods.flatMap(m => [`message ${m}Request {}`, `message ${m}Reply {}`]),
    '',
  ].join('\n'));
  return file;
}

/**
 * Gives every grpc-interface its .proto before synth, as a project keeps them: a URL's copy in `app/proto/`, a path
 * where it points; each service declares the interface's required methods.
 */
export function seedProtos(dir: string, interfaces: readonly AppInterface[] = []): void {
  for (const grpc of interfaces.filter((i): i is GrpcInterface => i instanceof GrpcInterface)) {
    const file = grpc.src.split('/').pop()!;
    const where = /^https?:\/\//.test(grpc.src) ? `app/proto/${file}` : grpc.src;
    const service = file.replace(/\.proto$/, '').replace(/(^|[-_])([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
    writeProto(dir, where, service, grpc.requiredMethods.length > 0 ? grpc.requiredMethods : ['Ping']);
  }
}
