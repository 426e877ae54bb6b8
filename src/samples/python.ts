import { VehicleApp } from '../app/vehicle-app';

/** Python sample app on the Velocitas SDK. */
export function pythonSample(app: VehicleApp): { [path: string]: string } {
  return { 'src/main.py': `# ${app.name}\n` };
}
