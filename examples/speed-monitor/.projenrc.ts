import { AppInterface, DatapointAccess, LogLevel, VehicleAppProject } from 'projen-velocitas';

// A speed monitor: reads Vehicle.Speed and publishes it and a warning above SPEED_LIMIT_KMH (that logic goes
// into the sample sources); a single-platform build for an amd64 test rig.
const project = new VehicleAppProject({
  name: 'speed-monitor',
  description: 'Publishes the current speed and a warning above a configurable limit.',
  version: '0.3.0',
  repositoryUrl: 'https://github.com/acme-automotive/speed-monitor.git',
  logLevel: LogLevel.DEBUG,
  env: { SPEED_LIMIT_KMH: '130' },
  image: { platforms: ['linux/amd64'] },
  interfaces: [
    AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
    AppInterface.pubSub({ writes: ['speedmonitor/currentSpeed', 'speedmonitor/speedWarning'] }),
  ],
});

project.synth();
