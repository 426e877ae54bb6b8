import { AppInterface, AppLanguage, AppManifest, ContainerImage, DatapointAccess, Platform, VehicleApp } from '../../src';

function app(interfaces: AppInterface[], env?: Record<string, string>): VehicleApp {
  return new VehicleApp({ name: 'seat-adjuster', language: AppLanguage.PYTHON, version: '1.0.0', manifest: new AppManifest({ name: 'SeatAdjuster', interfaces }), env });
}

describe('the env contract is derived from the manifest', () => {
  test('an app without interfaces gets only the middleware type and log level', () => {
    expect(app([]).environment().map(v => `${v.name}=${v.value}`)).toEqual(['SDV_MIDDLEWARE_TYPE=native', 'LOGLEVEL=info']);
  });

  test('signals, pubsub and each required gRPC service add their address', () => {
    // GIVEN
    const seatAdjuster = app([
      AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
      AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'] }),
      AppInterface.grpc({ src: 'https://example.com/proto/seats.proto', requiredMethods: ['Move'] }),
      AppInterface.grpc({ src: 'https://example.com/proto/hvac.proto', serviceName: 'hvac-service', requiredMethods: ['SetTemperature'] }),
      AppInterface.grpc({ src: 'https://example.com/proto/mine.proto', provided: true }),
    ]);
    // WHEN
    const env = seatAdjuster.environment();
    // THEN
    expect(Object.fromEntries(env.map(v => [v.name, v.value]))).toEqual({
      SDV_MIDDLEWARE_TYPE: 'native',
      SDV_VEHICLEDATABROKER_ADDRESS: 'grpc://localhost:55555',
      SDV_MQTT_ADDRESS: 'mqtt://localhost:1883',
      // On one machine each service has its own port: 50051 is the app's own.
      SDV_SEATS_ADDRESS: 'grpc://localhost:50052',
      SDV_HVAC_SERVICE_ADDRESS: 'grpc://localhost:50053',
      LOGLEVEL: 'info',
    });
    // AND the app serves the gRPC service it provides
    expect(seatAdjuster.ports).toEqual([{ name: 'grpc', port: 50051 }]);
  });

  test('renderers place the services; the app options override last', () => {
    const env = app([
      AppInterface.vehicleSignals({}), AppInterface.pubSub({}), AppInterface.grpc({ src: 'seats.proto', requiredMethods: ['Move'] }),
    ], { LOGLEVEL: 'debug', SEAT_LIMIT: '3' }).environment({
      vehicleDataBroker: 'grpc://release-databroker:55555', mqttBroker: 'mqtt://release-mqtt:1883', grpcServices: { seats: 'grpc://seats:50051' },
    });
    expect(env.map(v => `${v.name}=${v.value}`)).toEqual([
      'SDV_MIDDLEWARE_TYPE=native', 'SDV_VEHICLEDATABROKER_ADDRESS=grpc://release-databroker:55555', 'SDV_MQTT_ADDRESS=mqtt://release-mqtt:1883',
      'SDV_SEATS_ADDRESS=grpc://seats:50051', 'LOGLEVEL=debug', 'SEAT_LIMIT=3',
    ]);
  });
});

describe('ContainerImage', () => {
  test('defaults to ghcr.io/<owner>/<repo>/<app>, lowercased, for amd64 and arm64', () => {
    const image = new ContainerImage({ appName: 'seat-adjuster', repositoryUrl: 'https://github.com/Acme-Automotive/Seat-Adjuster.git' });
    expect(image.name).toBe('ghcr.io/acme-automotive/seat-adjuster/seat-adjuster');
    expect(image.reference('1.0.0')).toBe('ghcr.io/acme-automotive/seat-adjuster/seat-adjuster:1.0.0');
    expect(image.platforms).toEqual([Platform.LINUX_AMD64, Platform.LINUX_ARM64]);
    expect(image.platformList).toBe('linux/amd64,linux/arm64');
    expect([image.uid, image.gid]).toEqual([10001, 10001]);
  });

  test('more platforms are one option away', () => {
    const image = new ContainerImage({ appName: 'a', options: { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/riscv64'] } });
    expect(image.platforms.map(p => [p.id, p.debianArchitecture, p.nativeRunner ?? null])).toEqual([
      ['linux/amd64', 'amd64', 'ubuntu-24.04'], ['linux/arm64', 'arm64', 'ubuntu-24.04-arm'], ['linux/arm/v7', 'armhf', null], ['linux/riscv64', 'riscv64', null],
    ]);
    expect(Platform.LINUX_ARM_V7.slug).toBe('linux-arm-v7');
  });

  test('Platform.of names the known platforms when it fails', () => {
    expect(() => Platform.of('linux/mips')).toThrow('Unknown platform "linux/mips". Known platforms: linux/amd64, linux/arm64, linux/arm/v7');
  });
});
