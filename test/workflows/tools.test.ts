import * as fs from 'fs';
import * as path from 'path';
import { project } from './support';
import { ActionPinning, AppLanguage, VehicleAppProjectOptions } from '../../src';
import { exampleNames, synthesizeExample } from '../support/examples';
import { WRAPPER_TOOLS, actionlint, testWithTools, workflowSchemaValidate, yamllint, zizmor, zizmorFindings } from '../validators/tools';

const TOOLS = [...WRAPPER_TOOLS.actionlint, ...WRAPPER_TOOLS.zizmor, ...WRAPPER_TOOLS.yamllint, ...WRAPPER_TOOLS.workflowSchemaValidate];

/** Option sets covering every optional part on and off, both languages, one and several platforms. */
const VARIANTS: Array<[string, Partial<VehicleAppProjectOptions>]> = [
  ['python, two native platforms, everything on', {}],
  ['python, everything off', { workflows: { scan: false, integrationTest: false, release: false, signing: false, dependabot: false } }],
  ['python, one platform, private registry, no signing', {
    image: { registry: 'registry.example.com:5000', repository: 'acme/seat-adjuster', platforms: ['linux/amd64'] },
    workflows: { signing: false },
  }],
  ['python, app without runtime services', { interfaces: [] }],
  ['cpp, three platforms with QEMU for arm/v7', { language: AppLanguage.CPP, image: { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] } }],
  ['cpp, custom runners, no scan, no integration test', {
    language: AppLanguage.CPP,
    image: { platforms: ['linux/arm64', 'linux/riscv64'] },
    workflows: { runners: { 'linux/riscv64': 'riscv-builder' }, emulation: false, scan: false, integrationTest: false },
  }],
];

function checkWorkflows(outdir: string): void {
  // actionlint reads .github/actionlint.yaml from the repository root, which it finds by .git.
  fs.mkdirSync(path.join(outdir, '.git'), { recursive: true });
  const workflowDir = path.join(outdir, '.github', 'workflows');
  const workflows = fs.readdirSync(workflowDir).filter(f => f.endsWith('.yml')).map(f => path.join(workflowDir, f));
  expect(workflows.length).toBeGreaterThan(0);
  actionlint(workflows);
  yamllint(workflows, { workflow: true });
  workflowSchemaValidate(workflows);
  const dependabot = path.join(outdir, '.github', 'dependabot.yml');
  if (fs.existsSync(dependabot)) {
    // Dependabot on: its config and the pin file of actions it bumps.
    const actionPins = path.join(outdir, '.github', 'pins', 'action.yml');
    yamllint([dependabot, actionPins]);
    workflowSchemaValidate([dependabot], 'vendor.dependabot');
    workflowSchemaValidate([actionPins], 'vendor.github-actions');
  }
  // No config file: nothing is waived, at the default persona nor at the pedantic one.
  expect(fs.existsSync(path.join(outdir, '.github', 'zizmor.yml'))).toBe(false);
  zizmor([path.join(outdir, '.github')]);
  zizmor([path.join(outdir, '.github')], 'pedantic');
}

describe('generated workflows pass actionlint (with shellcheck), zizmor (default and pedantic), yamllint and the workflow schema', () => {
  for (const [name, options] of VARIANTS) {
    testWithTools(TOOLS, name, () => {
      // GIVEN
      const p = project(options);
      // WHEN
      p.synth();
      // THEN
      checkWorkflows(p.outdir);
    }, 120_000);
  }

  for (const example of exampleNames()) {
    testWithTools(TOOLS, `example ${example}`, () => {
      // GIVEN / WHEN
      const outdir = synthesizeExample(example);
      // THEN
      checkWorkflows(outdir);
    }, 120_000);
  }
});

describe('actions pinned by release tag (the opt-in)', () => {
  testWithTools(TOOLS, 'pass every tool but zizmor, which reports the tag pins and nothing else', () => {
    // GIVEN
    const p = project({ workflows: { actionPinning: ActionPinning.VERSION } });
    // WHEN
    p.synth();
    // THEN
    const github = path.join(p.outdir, '.github');
    expect(() => checkWorkflows(p.outdir)).toThrow(/unpinned-uses/);
    expect(zizmorFindings([github])).toEqual(['unpinned-uses']);
    expect(zizmorFindings([github], 'pedantic')).toEqual(['unpinned-uses']);
  }, 120_000);
});
