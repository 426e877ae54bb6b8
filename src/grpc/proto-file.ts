/** One `rpc` of a service in a .proto file. @internal */
export interface ProtoMethod {
  readonly name: string;
  /** The request message as written, e.g. `MoveRequest` or `google.protobuf.Empty`. */
  readonly requestType: string;
  readonly responseType: string;
  readonly clientStreaming: boolean;
  readonly serverStreaming: boolean;
}

/** One `service` of a .proto file. @internal */
export interface ProtoService {
  readonly name: string;
  readonly methods: ProtoMethod[];
}

/** What the stub wrappers need of a .proto file: its package, top-level messages and services. @internal */
export interface ProtoOutline {
  readonly package: string;
  /** Names of the top-level messages and enums, which the generated `_pb2` module holds. */
  readonly topLevelTypes: string[];
  readonly services: ProtoService[];
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const TYPE = '\\.?[A-Za-z_][A-Za-z0-9_.]*';

/** Reads the outline of a .proto file; protoc itself checks the rest when the stubs are generated. @internal */
export function parseProto(text: string): ProtoOutline {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const packageName = new RegExp(`\\bpackage\\s+(${TYPE})\\s*;`).exec(code)?.[1] ?? '';
  const topLevelTypes: string[] = [];
  const services: ProtoService[] = [];
  let depth = 0;
  const token = new RegExp(`\\b(message|enum|service)\\s+(${NAME})\\s*\\{|\\{|\\}`, 'g');
  for (let match = token.exec(code); match; match = token.exec(code)) {
    if (match[0] === '}') { depth--; continue; }
    if (match[0] === '{') { depth++; continue; }
    if (depth === 0 && match[1] === 'service') services.push({ name: match[2], methods: serviceMethods(code, token.lastIndex) });
    else if (depth === 0) topLevelTypes.push(match[2]);
    depth++;
  }
  return { package: packageName, topLevelTypes, services };
}

/** The rpcs of the service body that starts at `start` (just after its `{`). */
function serviceMethods(code: string, start: number): ProtoMethod[] {
  let depth = 1;
  let end = start;
  while (end < code.length && depth > 0) {
    if (code[end] === '{') depth++;
    if (code[end] === '}') depth--;
    end++;
  }
  const rpc = new RegExp(`\\brpc\\s+(${NAME})\\s*\\(\\s*(stream\\s+)?(${TYPE})\\s*\\)\\s*returns\\s*\\(\\s*(stream\\s+)?(${TYPE})\\s*\\)`, 'g');
  return [...code.slice(start, end).matchAll(rpc)].map(m => ({
    name: m[1],
    requestType: m[3],
    responseType: m[5],
    clientStreaming: m[2] !== undefined,
    serverStreaming: m[4] !== undefined,
  }));
}
