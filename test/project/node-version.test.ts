import { NODE_MAJOR } from '../../src/node-version';
import { allSteps, project, synthYaml } from '../workflows/support';

describe('the Node.js version of generated projects', () => {
  test('is Node 24 (Node 20 reached end of life in April 2026)', () => {
    expect(NODE_MAJOR).toBe('24');
  });

  test('workflows, devcontainer, engines and @types/node all read the one constant', () => {
    // GIVEN a project with default options
    const synth = synthYaml(project());

    // THEN every setup-node step of every workflow uses it
    const workflows = Object.keys(synth.files).filter(f => f.startsWith('.github/workflows/'));
    const setupNode = workflows.flatMap(f => allSteps(synth.yaml(f)).map(s => s.step)).filter(s => String(s.uses).startsWith('actions/setup-node@'));
    expect(setupNode.length).toBeGreaterThan(0);
    for (const step of setupNode) expect(step.with['node-version']).toBe(NODE_MAJOR);

    // AND the devcontainer installs it
    expect(synth.files['.devcontainer/devcontainer.json'].features['ghcr.io/devcontainers/features/node:1']).toEqual({ version: NODE_MAJOR });

    // AND package.json asks for it, with its type declarations
    const pkg = synth.files['package.json'];
    expect(pkg.engines.node).toBe(`>= ${NODE_MAJOR}.0.0`);
    expect(pkg.devDependencies['@types/node']).toBe(`^${NODE_MAJOR}`);
  });
});
