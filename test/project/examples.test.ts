import * as fs from 'fs';
import * as path from 'path';
import { exampleNames, listFiles, synthesizeExample } from '../support/examples';
import { WRAPPER_TOOLS, hadolint, helmLint, helmTemplate, jsonSchemaValidate, kubeValidateStrict, testWithTools, yamllint } from '../validators/tools';

const SCHEMA = path.resolve(__dirname, '..', '..', 'schemas', 'app-manifest-v3.schema.json');

describe.each(exampleNames())('examples/%s', name => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthesizeExample(name);
  });

  test('synthesizes the app manifest, the project files and the sample sources', () => {
    const files = listFiles(outdir);
    expect(files).toEqual(expect.arrayContaining(['app/AppManifest.json', '.projen/tasks.json', 'package.json', '.projenrc.ts']));
    expect(files.some(f => f.startsWith('app/src/'))).toBe(true);
  });

  test('a second synth changes nothing', () => {
    const read = () => Object.fromEntries(listFiles(outdir).map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
    const before = read();
    synthesizeExample(name, outdir);
    expect(read()).toEqual(before);
  });

  testWithTools(['check-jsonschema'], 'app/AppManifest.json passes the Velocitas v3 schema', () => {
    jsonSchemaValidate(SCHEMA, path.join(outdir, 'app', 'AppManifest.json'));
  });

  testWithTools(['yamllint'], 'every YAML file it writes passes yamllint', () => {
    // Helm templates are Go templates, checked by helm itself; workflows may use the `on:` key.
    const yamlFiles = listFiles(outdir).filter(f => /\.ya?ml$/.test(f) && !f.includes('/templates/'));
    const workflows = yamlFiles.filter(f => f.startsWith('.github/workflows/'));
    const others = yamlFiles.filter(f => !workflows.includes(f));
    expect(yamlFiles.length).toBeGreaterThan(0);
    if (workflows.length > 0) yamllint(workflows.map(f => path.join(outdir, f)), { workflow: true });
    if (others.length > 0) yamllint(others.map(f => path.join(outdir, f)));
  });

  testWithTools(WRAPPER_TOOLS.hadolint, 'hadolint reports nothing on its Dockerfile', () => {
    hadolint(path.join(outdir, 'app', 'Dockerfile'));
  });

  testWithTools([...WRAPPER_TOOLS.helmLint, ...WRAPPER_TOOLS.kubeValidateStrict], 'its charts pass helm lint --strict and render objects valid for Kubernetes 1.27', () => {
    const charts = listFiles(outdir).filter(f => f.endsWith('/Chart.yaml')).map(f => path.join(outdir, path.dirname(f)));
    expect(charts.length).toBeGreaterThanOrEqual(2);
    for (const chart of charts) helmLint(chart);
    const appChart = charts.reduce((a, b) => (a.length <= b.length ? a : b));
    kubeValidateStrict(helmTemplate(appChart, 'example'));
  });
});
