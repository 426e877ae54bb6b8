/**
 * The runtime services a vehicle app talks to, defined once: image, ports, flags, environment and VSS
 * handling. The Helm chart, the Kanto manifests, the samples, the workflows and the local tasks read
 * them from here; no file builds a chart here, so helm and runtime do not import each other.
 */

/** Set to 1 where the runtime services must answer (CI): the apps' integration tests then fail instead of skipping. @internal */
export const INTEGRATION_REQUIRED = 'INTEGRATION_REQUIRED';

/** Port a gRPC service listens on when nothing else is said: what the Velocitas SDKs and the samples assume. @internal */
export const GRPC_SERVICE_PORT = 50051;

/** One runtime service, as every artifact that starts or reaches it needs it. @internal */
export interface RuntimeServiceDefinition {
  /** Chart name of its subchart, Kanto container name and the pin file's stage name. */
  readonly name: string;
  /** URL scheme of its address in the SDV_* contract. */
  readonly scheme: 'grpc' | 'mqtt';
  /** Name of its port (Kubernetes port name). */
  readonly portName: string;
  /** Port it listens on. */
  readonly port: number;
  /** Where tests find a port-forwarded port (the SDV_* address keeps the deployed one). */
  readonly portVariable: string;
  /** Image repository. */
  readonly repository: string;
  /** Image tag (the service's version). */
  readonly tag: string;
  /** Digest of the tag's multi-platform index, when known. */
  readonly digest?: string;
  /** Arguments of its command. */
  readonly args: readonly string[];
  /** Its environment. */
  readonly env: { readonly [name: string]: string };
  /** Numeric id it runs as. */
  readonly uid: number;
}

/** The KUKSA databroker as Velocitas runs it. @internal */
export const DATABROKER = {
  name: 'databroker',
  scheme: 'grpc',
  portName: 'grpc',
  port: 55555,
  portVariable: 'VDB_PORT',
  repository: 'ghcr.io/eclipse-kuksa/kuksa-databroker',
  tag: '0.5.0',
  // No digest: none of the public sources searched here records the index digest of 0.5.0 (see the report of
  // issue 10); the pin file lists the tag, and a digest added there (@sha256:...) is carried everywhere.
  digest: undefined,
  // Plain gRPC inside the cluster or device, with the v1 API the Velocitas SDKs use.
  args: ['--insecure', '--enable-databroker-v1'],
  vssDir: '/vss',
  vssFile: 'vss.json',
  get env() {
    return { KUKSA_DATABROKER_PORT: String(this.port), KUKSA_DATABROKER_METADATA_FILE: `${this.vssDir}/${this.vssFile}` };
  },
  // The image's binary runs as any user; 65532 is the distroless "nonroot" id.
  uid: 65532,
} as const;

/** The Eclipse Mosquitto MQTT broker. @internal */
export const MQTT_BROKER = {
  name: 'mqtt',
  scheme: 'mqtt',
  portName: 'mqtt',
  port: 1883,
  portVariable: 'MQTT_PORT',
  repository: 'docker.io/library/eclipse-mosquitto',
  tag: '2.0.22',
  // The multi-platform index of that tag, as several independent public projects pin it.
  digest: 'sha256:212f89e1eaeb2c322d6441b64396e3346026674db8fa9c27beac293405c32b3c',
  // mosquitto 2 without a config listens on localhost only; this one listens on all interfaces, anonymously (dev use).
  args: ['mosquitto', '-c', '/mosquitto-no-auth.conf'],
  env: {},
  // A high uid, not the image's mosquitto user 1883 (a host's uid range): started non-root, mosquitto does
  // not switch users and only reads its mounted config.
  uid: 65532,
  // Where the image's default command reads its config: the chart and the local runtime mount `config` there.
  configDir: '/mosquitto/config',
  configFile: 'mosquitto.conf',
  get config(): string {
    return [
      '# In-cluster development broker: plain MQTT, no authentication (reachable only inside the cluster).',
      `listener ${this.port}`,
      'allow_anonymous true',
      'persistence false',
      // Not stdout: without a terminal mosquitto buffers it, and its log would show up late or never.
      'log_dest stderr',
      '',
    ].join('\n');
  },
} as const;

/** Both runtime services, in install order. @internal */
export const RUNTIME_SERVICES: readonly RuntimeServiceDefinition[] = [DATABROKER, MQTT_BROKER];

/** `repository:tag[@digest]` of a runtime service, as pinned. @internal */
export function runtimeServiceImage(service: RuntimeServiceDefinition): string {
  return `${service.repository}:${service.tag}${service.digest ? `@${service.digest}` : ''}`;
}

/**
 * How a deployment names the hosts of the services an app reaches. Each deployment has its own
 * network model; within one, no two services share an address.
 * @internal
 */
export interface ServiceNetwork {
  /** Host of a runtime service. */
  runtimeServiceHost(service: RuntimeServiceDefinition): string;
  /** Host and port of a required gRPC service, given the services already placed (`grpcPorts` are taken). */
  grpcServiceAddress(host: string, index: number): { host: string; port: number };
}

/** The host name of a required gRPC service: its name as a DNS label (the Kubernetes Service or Kanto container). @internal */
export function grpcServiceHost(serviceName: string): string {
  return serviceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * One machine, services on localhost (the SDKs' defaults, the devcontainer with port-forwards, the image's
 * defaults): each required gRPC service gets its own port from 50051 on, skipping the ports taken.
 * @internal
 */
export function localNetwork(takenPorts: number[]): ServiceNetwork {
  const taken = new Set([...takenPorts, ...RUNTIME_SERVICES.map(s => s.port)]);
  const ports: number[] = [];
  for (let port = GRPC_SERVICE_PORT; ports.length < 64 && port < 65536; port++) if (!taken.has(port)) ports.push(port);
  return {
    runtimeServiceHost: () => 'localhost',
    grpcServiceAddress: (_host, index) => ({ host: 'localhost', port: ports[index] }),
  };
}

/** Kubernetes: each service has a Service of its own; runtime services are the release's subcharts. @internal */
export function kubernetesNetwork(runtimeServiceHost: (service: RuntimeServiceDefinition) => string): ServiceNetwork {
  return {
    runtimeServiceHost,
    grpcServiceAddress: host => ({ host, port: GRPC_SERVICE_PORT }),
  };
}

/** Eclipse Kanto: each container in its own bridge network namespace, others reached by name through extra_hosts. @internal */
export const KANTO_NETWORK: ServiceNetwork = {
  runtimeServiceHost: service => service.name,
  grpcServiceAddress: host => ({ host, port: GRPC_SERVICE_PORT }),
};

/**
 * Release name of the runtime services when one release serves every app of a namespace (VehicleAppMonorepo):
 * its Services are `<release>-<service>`, like a subchart's.
 * @internal
 */
export const SHARED_RUNTIME_RELEASE = 'runtime';

/** Pod label of an app that uses the shared runtime; its value is the runtime's release, whose NetworkPolicy admits such pods. @internal */
export const RUNTIME_CLIENT_LABEL = 'velocitas.eclipse.org/runtime';

/** The host of a runtime service in the shared runtime release: `<release>-<service>`, the subcharts' fixed fullname. @internal */
export function sharedRuntimeHost(release: string, service: RuntimeServiceDefinition): string {
  return `${release}-${service.name}`;
}
