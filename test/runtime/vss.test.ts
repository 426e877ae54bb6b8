import { AppInterface, AppManifest, DatapointAccess } from '../../src';
import { minimalVss } from '../../src/runtime/vss';

describe('minimalVss', () => {
  test('builds branches down to every required and provided datapoint', () => {
    // GIVEN
    const manifest = new AppManifest({
      name: 'app',
      interfaces: [AppInterface.vehicleSignals({
        required: [
          { path: 'Vehicle.Speed', access: DatapointAccess.READ },
          { path: 'Vehicle.Body.Lights.Beam.Low.IsOn', access: DatapointAccess.WRITE },
        ],
        provided: [{ path: 'Vehicle.Cabin.Temperature' }],
      })],
    });
    // WHEN
    const vss: any = minimalVss(manifest);
    // THEN
    expect(vss.Vehicle.type).toBe('branch');
    expect(vss.Vehicle.children.Speed).toEqual({ type: 'sensor', datatype: 'float', unit: 'km/h', description: 'Vehicle.Speed (minimal VSS for the app).' });
    expect(vss.Vehicle.children.Body.children.Lights.children.Beam.children.Low.children.IsOn).toMatchObject({ type: 'actuator', datatype: 'boolean' });
    expect(vss.Vehicle.children.Cabin.children.Temperature).toMatchObject({ type: 'sensor', datatype: 'float' });
  });

  test('a path that prefixes another stays a branch, and an app without signals still gets a valid tree', () => {
    const manifest = new AppManifest({
      name: 'app',
      interfaces: [AppInterface.vehicleSignals({
        required: [
          { path: 'Vehicle.Cabin', access: DatapointAccess.READ },
          { path: 'Vehicle.Cabin.Door', access: DatapointAccess.READ },
        ],
      })],
    });
    const vss: any = minimalVss(manifest);
    expect(vss.Vehicle.children.Cabin.type).toBe('branch');
    expect(vss.Vehicle.children.Cabin.children.Door.type).toBe('sensor');
    expect(Object.keys((minimalVss(new AppManifest({ name: 'x' })) as any).Vehicle.children)).toEqual(['Speed']);
  });
});
