/**
 * The property runs shared by the jest test (fixed seed) and `npx projen property` (random seed):
 * valid options through every validator, invalid options into the problem report.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { GeneratedProject, invalidProject, InvalidProject, validProject } from './arbitraries';
import { BatchReport, synthesize, toolSeconds, validateProjects } from './project-batch';

/** The report of one valid run, with the seed that reproduces it. */
export interface ValidRun {
  readonly seed: number;
  readonly report: BatchReport;
  readonly projectsPerMinute: number;
  /** fast-check's shrunk counterexample of the first failing project, when one failed. */
  readonly counterexample?: string;
  readonly text: string;
}

/** Generates `runs` projects from `seed`, validates them in one batch and, on a finding, shrinks the first failing project. */
export async function runValid(seed: number, runs: number, shrinkMillis = 120_000): Promise<ValidRun> {
  const started = Date.now();
  const projects = fc.sample(validProject, { seed, numRuns: runs });
  const report = await validateProjects(projects);
  const minutes = (Date.now() - started) / 60_000;
  const projectsPerMinute = Math.round(runs / minutes);
  const failing = [...report.synthErrors.map(e => e.project), ...report.findings.flatMap(f => f.projects)].sort((a, b) => a - b)[0];
  let counterexample: string | undefined;
  if (failing !== undefined) counterexample = await shrink(seed, failing, runs, shrinkMillis);
  const lines = [
    `property: ${runs} valid projects, seed ${seed}: ${report.synthErrors.length} synthesis errors, ${report.findings.length} findings`,
    `property: synthesis ${(report.millis.synth / 1000).toFixed(1)} s, validation ${(report.millis.validate / 1000).toFixed(1)} s`,
    `property: distinct artifacts validated once each (validated/written): ${Object.entries(report.artifacts).map(([k, v]) => `${k} ${v.validated}/${v.written}`).join(', ')}`,
    `property: seconds per tool (summed over parallel calls): ${Object.entries(toolSeconds).map(([t, sec]) => `${t} ${sec.toFixed(1)}`).join(', ')}`,
    `property: projects per minute: ${projectsPerMinute}`,
    ...report.synthErrors.slice(0, 5).map(e => `SYNTH ERROR project #${e.project}: ${e.error.split('\n').slice(0, 8).join('\n')}\n  options: ${describeOptions(projects[e.project])}`),
    ...report.findings.slice(0, 20).map(f => [
      `FINDING ${f.tool} on ${f.artifact} (projects ${f.projects.slice(0, 10).map(p => `#${p}`).join(', ')}${f.projects.length > 10 ? ` and ${f.projects.length - 10} more` : ''}):`,
      f.message,
      f.projects.length > 0 ? `  options of #${f.projects[0]}: ${describeOptions(projects[f.projects[0]])}` : '',
    ].join('\n')),
    ...(counterexample ? [`property: shrunk counterexample (replay: seed ${seed}, path ${failing}):\n${counterexample}`] : []),
  ];
  return { seed, report, projectsPerMinute, counterexample, text: lines.join('\n') };
}

export function describeOptions(project: GeneratedProject | undefined): string {
  return project ? fc.stringify(project) : '(none)';
}

/** Replays project `index` of the seed's sequence with fast-check and shrinks it, validating one project at a time. */
async function shrink(seed: number, index: number, runs: number, millis: number): Promise<string> {
  const details = await fc.check(
    fc.asyncProperty(validProject, async p => {
      const r = await validateProjects([p]);
      return r.findings.length === 0 && r.synthErrors.length === 0;
    }),
    { seed, path: String(index), numRuns: runs, interruptAfterTimeLimit: millis, markInterruptAsFailure: false },
  );
  if (!details.failed || !details.counterexample) return `(project #${index} passed when replayed alone)`;
  const [p] = details.counterexample;
  const r = await validateProjects([p]);
  const why = [...r.synthErrors.map(e => e.error.split('\n').slice(0, 6).join('\n')), ...r.findings.map(f => `${f.tool} on ${f.artifact}: ${f.message}`)];
  return `${describeOptions(p)}\n(after ${details.numShrinks} shrinks)\n${why.join('\n').slice(0, 3000)}`;
}

/** What an invalid project did wrong, when it did. */
export interface InvalidOutcome {
  readonly project: InvalidProject;
  readonly failure?: string;
}

/** Constructs and synthesizes each invalid project into a folder holding one file: it must throw the problem report naming the path and leave the folder as it was. */
export function runInvalid(seed: number, runs: number): { outcomes: InvalidOutcome[]; failures: InvalidOutcome[] } {
  const outcomes = fc.sample(invalidProject, { seed, numRuns: runs }).map(project => ({ project, failure: checkInvalid(project) }));
  return { outcomes, failures: outcomes.filter(o => o.failure !== undefined) };
}

function checkInvalid(project: InvalidProject): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-invalid-'));
  const sentinel = path.join(dir, 'keep.txt');
  fs.writeFileSync(sentinel, 'untouched\n');
  try {
    let error: unknown;
    try {
      synthesize(project.options, dir);
    } catch (e) {
      error = e;
    }
    const left = fs.readdirSync(dir);
    const tree = left.length === 1 && left[0] === 'keep.txt' && fs.readFileSync(sentinel, 'utf8') === 'untouched\n'
      ? undefined : `the folder changed: it holds ${left.join(', ')}`;
    if (error === undefined) return `no error for ${project.path} = ${fc.stringify(project.value)}${tree ? `; ${tree}` : ''}`;
    const e = error as Error;
    const message = String(e?.message ?? e);
    if (!(e instanceof Error) || e.constructor !== Error || !message.startsWith('VehicleAppProject: ')) {
      return `threw ${e?.constructor?.name ?? typeof e} instead of the problem report: ${String((e as any)?.stack ?? e).split('\n').slice(0, 6).join('\n')}`;
    }
    if (!message.includes(`  - ${project.path}: `)) return `the problem report does not name ${project.path}:\n${message}`;
    return tree;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
