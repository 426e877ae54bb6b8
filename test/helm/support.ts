import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { AppInterface, AppLanguage, DatapointAccess, VehicleAppProject, VehicleAppProjectOptions } from '../../src';
import { seedProtos } from '../support/protos';

process.env.PROJEN_DISABLE_POST = 'true';

/** The kinds of app the chart must work for. */
export const VARIANTS: { [name: string]: Omit<VehicleAppProjectOptions, 'outdir'> } = {
  'python-signals-pubsub-grpc': {
    name: 'seat-adjuster',
    repositoryUrl: 'https://github.com/acme/seat-adjuster.git',
    interfaces: [
      AppInterface.vehicleSignals({
        required: [
          { path: 'Vehicle.Speed', access: DatapointAccess.READ },
          { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.WRITE },
        ],
      }),
      AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response'] }),
      AppInterface.grpc({ src: 'https://example.com/protos/seats.proto', requiredMethods: ['Move'] }),
    ],
  },
  'python-plain': { name: 'hello-vehicle' },
  'cpp-grpc-server': {
    name: 'seat-service',
    language: AppLanguage.CPP,
    interfaces: [AppInterface.grpc({ src: 'https://example.com/protos/seats.proto', provided: true })],
  },
  'cpp-signals': {
    name: 'speed-monitor',
    language: AppLanguage.CPP,
    version: '1.2.3',
    interfaces: [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] })],
  },
};

/** Synthesizes a project into a fresh temp dir and returns it with its directory. */
export function synthProject(options: Omit<VehicleAppProjectOptions, 'outdir'>, configure?: (p: VehicleAppProject) => void): { project: VehicleAppProject; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-helm-'));
  seedProtos(dir, options.interfaces);
  const project = new VehicleAppProject({ sampleCode: false, ...options, outdir: dir });
  configure?.(project);
  project.synth();
  return { project, dir };
}

export function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

/** Writes a values file into `dir` and returns its path. */
export function valuesFile(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** The objects of a multi-document render. */
export function objects(rendered: string): any[] {
  return parseAllDocuments(rendered).map(d => d.toJSON()).filter(o => o && typeof o === 'object');
}
