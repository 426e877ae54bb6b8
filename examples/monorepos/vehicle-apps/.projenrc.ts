import { AppInterface, DatapointAccess, VehicleAppMonorepo } from 'projen-velocitas';

// Two small Python apps in one repository, sharing one databroker and one MQTT broker per cluster:
// a speed monitor that publishes the speed, and a seat adjuster that moves the driver seat on request.
const project = new VehicleAppMonorepo({
  name: 'vehicle-apps',
  description: 'The speed monitor and the seat adjuster of one vehicle.',
  repositoryUrl: 'https://github.com/acme-automotive/vehicle-apps.git',
});

project.addApp({
  name: 'speed-monitor',
  description: 'Publishes the current speed.',
  version: '0.3.0',
  image: { platforms: ['linux/amd64'] },
  interfaces: [
    AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
    AppInterface.pubSub({ writes: ['speedmonitor/currentSpeed'] }),
  ],
});

project.addApp({
  name: 'seat-adjuster',
  description: 'Moves the driver seat to a requested position.',
  version: '1.0.0',
  image: { platforms: ['linux/amd64'] },
  interfaces: [
    AppInterface.vehicleSignals({
      required: [
        { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.READ },
        { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.WRITE },
      ],
    }),
    AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response'] }),
  ],
});

project.synth();
