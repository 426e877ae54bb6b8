/**
 * Property tests at CI's fixed seed (`npx projen property` runs more with a random seed):
 * - 1,000 projects from random valid options synthesize, and every artifact passes its real validator
 *   (AppManifest v3 schema, hadolint, actionlint with shellcheck, zizmor, yamllint, helm lint --strict,
 *   helm template, kubernetes-validate --strict), each distinct artifact validated once, in batches;
 * - random invalid options end in the problem report naming the option path, never another exception,
 *   and leave the output folder as it was.
 */
import * as fc from 'fast-check';
import { validProject } from './arbitraries';
import { BATCH_TOOLS, validateProjects } from './project-batch';
import { runInvalid, runValid } from './report';
import { ActionPinning } from '../../src';
import { testWithTools } from '../validators/tools';

const SEED = 20261129;
const VALID_RUNS = 1000;
const INVALID_RUNS = 500;

describe('property: generated projects', () => {
  testWithTools(BATCH_TOOLS, `${VALID_RUNS} random valid projects pass every validator (seed ${SEED})`, async () => {
    // GIVEN / WHEN
    const run = await runValid(SEED, VALID_RUNS, 90_000);
    console.log(run.text);
    // THEN every project synthesized and no validator reported anything
    expect(run.report.synthErrors.length + run.report.findings.length === 0 ? 'no findings' : run.text).toBe('no findings');
    expect(run.report.artifacts.k8s.validated).toBeGreaterThan(0);
    // About 5 CPU-minutes; the timeout leaves room for a machine shared with other jobs (15 min measured at load 8 to 18).
  }, 1_800_000);

  testWithTools(BATCH_TOOLS, 'the batch attributes a finding to the project that produced it, and only to it', async () => {
    // GIVEN two valid projects and one whose actions are pinned by tag, which zizmor reports
    const [a, b] = fc.sample(validProject, { seed: SEED, numRuns: 2 });
    const tagPinned = { ...a, options: { ...a.options, workflows: { ...a.options.workflows, actionPinning: ActionPinning.VERSION } } };
    // WHEN
    const report = await validateProjects([a, b, tagPinned]);
    // THEN
    expect(report.synthErrors).toEqual([]);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every(f => f.tool === 'zizmor' && f.projects.join() === '2')).toBe(true);
    expect(report.findings.map(f => f.message).join('\n')).toMatch(/unpinned-uses/);
  }, 300_000);

  test(`${INVALID_RUNS} random invalid projects: the problem report names the option path, nothing is written (seed ${SEED})`, () => {
    // GIVEN / WHEN
    const { outcomes, failures } = runInvalid(SEED, INVALID_RUNS);
    // THEN
    expect(failures.map(f => `${f.project.path} = ${JSON.stringify(f.project.value)}: ${f.failure}`)).toEqual([]);
    // Every mutation kind was exercised.
    expect(new Set(outcomes.map(o => o.project.path.replace(/\[\d+\]/g, '[]').split('.')[0])).size).toBeGreaterThan(10);
  }, 300_000);
});
