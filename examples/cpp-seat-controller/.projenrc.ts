import { AppInterface, AppLanguage, DatapointAccess, VehicleAppProject } from 'projen-velocitas';

// A C++ app that requires a seat service over gRPC (its address comes in SDV_SEATS_ADDRESS) and reads the
// seat position; built for three platforms. The sample sources are where its logic goes.
const project = new VehicleAppProject({
  name: 'seat-controller',
  language: AppLanguage.CPP,
  description: 'Moves the seat through the seat service and reports the position.',
  version: '0.1.0',
  repositoryUrl: 'https://github.com/acme-automotive/seat-controller.git',
  image: { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] },
  interfaces: [
    AppInterface.vehicleSignals({
      required: [{ path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.READ }],
    }),
    AppInterface.grpc({
      src: 'https://raw.githubusercontent.com/eclipse-kuksa/kuksa-incubation/main/seat_service/proto/sdv/edge/comfort/seats/v1/seats.proto',
      requiredMethods: ['Move', 'CurrentPosition'],
    }),
    AppInterface.pubSub({ reads: ['seatcontroller/move/+'], writes: ['seatcontroller/status'] }),
  ],
});

project.synth();
