import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen/lib/testing';
import * as YAML from 'yaml';
import { VehicleAppProject, VehicleAppProjectOptions } from '../../src';

process.env.PROJEN_DISABLE_POST = 'true';

export const BASE: VehicleAppProjectOptions = {
  name: 'seat-adjuster',
  repositoryUrl: 'https://github.com/acme-automotive/seat-adjuster.git',
  sampleCode: false,
};

/** A project in a fresh temp dir. */
export function project(options: Partial<VehicleAppProjectOptions> = {}): VehicleAppProject {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-workflows-'));
  return new VehicleAppProject({ ...BASE, outdir, ...options } as VehicleAppProjectOptions);
}

/** The synthesized files of a project, parsed where YAML. */
export function synthYaml(p: VehicleAppProject): { files: { [path: string]: any }; yaml: (file: string) => any } {
  const files = Testing.synth(p);
  return {
    files,
    yaml: (file: string) => {
      const content = files[file];
      if (content === undefined) throw new Error(`${file} was not synthesized; files: ${Object.keys(files).join(', ')}`);
      return typeof content === 'string' ? YAML.parse(content) : content;
    },
  };
}

/** Every step of every job of a workflow, with its job id. */
export function allSteps(workflow: any): Array<{ job: string; step: any }> {
  return Object.entries<any>(workflow.jobs).flatMap(([job, j]) => (j.steps ?? []).map((s: any) => ({ job, step: s })));
}

export function step(workflow: any, job: string, id: string): any {
  const found = (workflow.jobs[job]?.steps ?? []).find((s: any) => s.id === id);
  if (!found) throw new Error(`no step ${id} in job ${job}`);
  return found;
}
