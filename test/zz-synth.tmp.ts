import { AppInterface, DatapointAccess, VehicleAppProject } from '../src';
process.env.PROJEN_DISABLE_POST = 'true';
const [name, outdir] = process.argv.slice(2);
const M: { [k: string]: AppInterface[] } = {
  seat: [
    AppInterface.vehicleSignals({ required: [
      { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.READ },
      { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.WRITE },
      { path: 'Vehicle.Speed', access: DatapointAccess.READ },
    ] }),
    AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response', 'seatadjuster/currentPosition'] }),
  ],
  wiper: [
    AppInterface.vehicleSignals({ required: [
      { path: 'Vehicle.CurrentLocation.Latitude', access: DatapointAccess.READ },
      { path: 'Vehicle.VehicleIdentification.OptionalExtras', access: DatapointAccess.READ },
      { path: 'Vehicle.Body.Windshield.Front.Wiping.Mode', access: DatapointAccess.WRITE },
      { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Height', access: DatapointAccess.WRITE },
      { path: 'Vehicle.Chassis.Accelerator.PedalPosition', access: DatapointAccess.READ },
    ] }),
    AppInterface.pubSub({ reads: ['wiper/setMode/request'], writes: ['wiper/setMode/response', 'wiper/currentLatitude'] }),
  ],
  reader: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] })],
  grpc: [AppInterface.grpc({ src: 'https://example.com/seats.proto', requiredMethods: ['Move'] })],
  none: [],
};
new VehicleAppProject({ name: 'seat-adjuster', outdir, interfaces: M[name], description: 'test' }).synth();
