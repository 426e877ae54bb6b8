import { DATABROKER, grpcServiceHost, MQTT_BROKER, RUNTIME_SERVICES } from './runtime-service-catalogue';
import { VehicleApp } from '../app/vehicle-app';
import { Problems } from '../validation';

/** Which runtime services and manifests a project deploys. @internal */
export interface DeployedServices {
  readonly databroker: boolean;
  readonly mqttBroker: boolean;
  /** Kanto manifests are written. */
  readonly kanto: boolean;
}

/**
 * Names and ports that the chart, the Kanto manifests and the local port-forwards would give two things at once:
 * Helm and Kanto would fail at install time, the library while writing; this reports them first.
 * @internal
 */
export function checkDeploymentNames(problems: Problems, app: VehicleApp, deployed: DeployedServices): void {
  const enabled = RUNTIME_SERVICES.filter(s => (s === DATABROKER ? deployed.databroker : s === MQTT_BROKER ? deployed.mqttBroker : false));
  // The runtime subcharts always ship (switched by values): their objects are named <release>-<chart>, like the app's.
  const taken = RUNTIME_SERVICES.find(s => s.name === app.name);
  problems.check(taken === undefined, 'name', app.name,
    `is the name of the ${taken?.name} runtime service, whose chart objects and Kanto container would get the app's names`,
    `name the app after what it does, e.g. "${app.name}-app"`);
  const vssStem = DATABROKER.vssFile.replace(/\.json$/, '');
  problems.check(!(deployed.kanto && deployed.databroker && app.name === vssStem), 'name', app.name,
    `gives the Kanto manifest deploy/kanto/${DATABROKER.vssFile}, the databroker's VSS file there`, `name the app after what it does, e.g. "${app.name}-app"`);

  app.ports.forEach((port, i) => {
    const service = enabled.find(s => s.port === port.port);
    problems.check(service === undefined, `ports[${i}].port`, port.port,
      `is the port of the ${service?.name} runtime service, which the Kanto manifests and the local port-forwards also publish`,
      'give the app another port number');
  });

  const hosts = new Map<string, number>();
  app.manifest.requiredGrpcServices.forEach(service => {
    // No name at all: the manifest's own check says why its src gives none.
    if (service.serviceName === '') return;
    const host = grpcServiceHost(service.serviceName);
    const index = app.manifest.interfaces.indexOf(service);
    const at = `interfaces[${index}].serviceName`;
    const earlier = hosts.get(host);
    problems.check(earlier === undefined, at, service.serviceName, `gives the host name "${host}" of interfaces[${earlier}] too, so both would share one address`,
      'set a distinct serviceName on one of them');
    if (earlier === undefined) hosts.set(host, index);
    const runtime = RUNTIME_SERVICES.find(s => s.name === host);
    problems.check(runtime === undefined, at, service.serviceName,
      `gives the host name "${host}" of the ${runtime?.name} runtime service, so both would share one address`, 'set a distinct serviceName');
    problems.check(host !== app.name, at, service.serviceName,
      `gives the host name "${host}", the app's own, so the app would call itself`, 'set the serviceName of the service the app calls');
    problems.check(host.length > 0, at, service.serviceName, 'gives an empty host name', 'set a serviceName with letters or digits');
  });
}
