import { VehicleApp } from '../app/vehicle-app';

/** C++ sample app with CMake. */
export function cppSample(app: VehicleApp): { [path: string]: string } {
  return { 'src/main.cpp': `// ${app.name}\n` };
}
