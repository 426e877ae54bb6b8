import { AppInterface, DatapointAccess, VehicleAppProject } from 'projen-velocitas';

// The Velocitas seat adjuster: moves the driver seat on request over MQTT, but only while the car stands still.
const project = new VehicleAppProject({
  name: 'seat-adjuster',
  description: 'Moves the driver seat to a requested position while the vehicle is stationary.',
  version: '1.0.0',
  repositoryUrl: 'https://github.com/acme-automotive/seat-adjuster.git',
  interfaces: [
    AppInterface.vehicleSignals({
      required: [
        { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.READ },
        { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.WRITE },
        { path: 'Vehicle.Speed', access: DatapointAccess.READ },
      ],
    }),
    AppInterface.pubSub({
      reads: ['seatadjuster/setPosition/request'],
      writes: ['seatadjuster/setPosition/response', 'seatadjuster/currentPosition'],
    }),
  ],
});

project.synth();
