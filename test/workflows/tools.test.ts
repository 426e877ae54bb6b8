import * as fs from 'fs';
import * as path from 'path';
import { project } from './support';
import { ActionPinning, AppLanguage, VehicleAppProjectOptions } from '../../src';
import { exampleNames, synthesizeExample } from '../support/examples';
import { WRAPPER_TOOLS, actionlint, runTool, testWithTools, workflowSchemaValidate, yamllint, zizmor } from '../validators/tools';

const TOOLS = [...WRAPPER_TOOLS.actionlint, ...WRAPPER_TOOLS.zizmor, ...WRAPPER_TOOLS.yamllint, ...WRAPPER_TOOLS.workflowSchemaValidate];

/** Option sets covering every optional part on and off, both languages, one and several platforms. */
const VARIANTS: Array<[string, Partial<VehicleAppProjectOptions>]> = [
  ['python, two native platforms, everything on', {}],
  ['python, everything off', { workflows: { scan: false, integrationTest: false, release: false, signing: false, dependabot: false } }],
  // The default pins full release tags (zizmor is told so in .github/zizmor.yml); commit SHAs are one option away.
  ['python, actions pinned by commit SHA', { workflows: { actionPinning: ActionPinning.COMMIT_SHA } }],
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
  zizmor([path.join(outdir, '.github')]);
}

describe('generated workflows pass actionlint (with shellcheck), zizmor, yamllint and the workflow schema', () => {
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

describe('the zizmor config of release-tag pins', () => {
  testWithTools(WRAPPER_TOOLS.zizmor, 'waives hash pins and nothing else: without it zizmor reports unpinned-uses only', () => {
    // GIVEN the default workflows (release tags) without their .github/zizmor.yml
    const p = project();
    p.synth();
    fs.rmSync(path.join(p.outdir, '.github', 'zizmor.yml'));
    // WHEN
    const result = runTool('zizmor', ['--offline', '--no-progress', '--format', 'json', path.join(p.outdir, '.github')], { env: { ZIZMOR_OFFLINE: 'true' } });
    // THEN every finding is a tag pin of a third-party action
    const findings: Array<{ ident: string }> = JSON.parse(result.stdout);
    expect(findings.length).toBeGreaterThan(0);
    expect([...new Set(findings.map(f => f.ident))]).toEqual(['unpinned-uses']);
  }, 120_000);
});
