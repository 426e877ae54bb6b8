/**
 * Proves that every validator wrapper in ./tools.ts CAN FAIL (a deliberately
 * bad input throws, with the findings in the message) and that a clean input
 * passes. If a wrapper could not fail, every "generated X is valid" test built
 * on it would be worthless.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  actionlint,
  expectToolPasses,
  hadolint,
  helmLint,
  helmTemplate,
  jsonSchemaValidate,
  kubeLint,
  kubeScore,
  kubeValidateStrict,
  missingTools,
  runTool,
  shellcheck,
  testWithTools,
  toolPath,
  TOOLS_BIN,
  workflowSchemaValidate,
  WRAPPER_TOOLS,
  yamllint,
  zizmor,
} from './tools';

const dirs: string[] = [];
function scratch(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-validators-test-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- fixtures --
const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2';

const GOOD_WORKFLOW = `name: build
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-22.04
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - run: echo "$GREETING"
        env:
          GREETING: hello
`;

/** `echo $GREETING` unquoted: shellcheck SC2086 through actionlint. */
const SHELLCHECK_BAD_WORKFLOW = GOOD_WORKFLOW.replace('echo "$GREETING"', 'echo $GREETING');

/** checkout without `persist-credentials: false`: zizmor's artipacked audit. */
const ZIZMOR_BAD_WORKFLOW = GOOD_WORKFLOW.replace(
  '        with:\n          persist-credentials: false\n',
  '',
);

/** `stepz` is not a job key: rejected by the workflow JSON schema. */
const SCHEMA_BAD_WORKFLOW = GOOD_WORKFLOW.replace('    steps:', '    stepz:');

const GOOD_DOCKERFILE = `FROM docker.io/library/debian:bookworm-slim@sha256:${'0'.repeat(64)}
WORKDIR /app
COPY app /app/app
USER 1000
ENTRYPOINT ["/app/app"]
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: vehicle
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: ghcr.io/example/app@sha256:${'0'.repeat(64)}
          imagePullPolicy: Always
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            runAsUser: 10001
            capabilities:
              drop:
                - ALL
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
            limits:
              cpu: 200m
              memory: 128Mi
          livenessProbe:
            exec:
              command: ["true"]
          readinessProbe:
            exec:
              command: ["true"]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: app
  namespace: vehicle
spec:
  podSelector:
    matchLabels:
      app: app
  policyTypes:
    - Ingress
`;

const MINIMAL_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
        - name: app
          image: nginx:1.25
`;

function chart(): string {
  return scratch({
    'chart/Chart.yaml': `apiVersion: v2
name: demo
description: demo chart
type: application
version: 0.1.0
appVersion: "1.0.0"
icon: https://example.com/icon.png
`,
    'chart/values.yaml': 'replicas: 1\nimage: ghcr.io/example/app:1.0.0\n',
    'chart/values.schema.json': JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      required: ['replicas', 'image'],
      properties: {
        replicas: { type: 'integer', minimum: 1 },
        image: { type: 'string' },
      },
    }),
    'chart/templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  namespace: vehicle
data:
  replicas: {{ .Values.replicas | quote }}
  image: {{ .Values.image | quote }}
`,
    'bad-values.yaml': 'replicas: two\n',
    'other-values.yaml': 'replicas: 3\n',
  });
}

// ---------------------------------------------------------- harness itself --
describe('harness', () => {
  test('toolPath finds tools on PATH and returns undefined for unknown ones', () => {
    expect(toolPath('sh')).toMatch(/\/sh$/);
    expect(toolPath('no-such-validator-xyz')).toBeUndefined();
  });

  test('toolPath prefers .tools/bin over PATH', () => {
    const local = fs.existsSync(TOOLS_BIN) ? fs.readdirSync(TOOLS_BIN) : [];
    for (const name of local) {
      expect(toolPath(name)).toBe(path.join(TOOLS_BIN, name));
    }
  });

  test('runTool throws a clear error for a missing tool', () => {
    expect(() => runTool('no-such-validator-xyz', [])).toThrow(
      /no-such-validator-xyz.*bash scripts\/install-validators\.sh/,
    );
  });

  test('runTool passes input, env and cwd and reports status', () => {
    const dir = scratch({});
    const res = runTool('sh', ['-c', 'cat; printf "%s" "$FOO"; pwd; exit 3'], {
      input: 'in-',
      env: { FOO: 'bar-' },
      cwd: dir,
    });
    expect(res.status).toBe(3);
    expect(res.stdout).toBe(`in-bar-${fs.realpathSync(dir)}\n`);
  });

  test('expectToolPasses throws with the full stdout and stderr', () => {
    expect(() => expectToolPasses('sh', ['-c', 'echo finding-out; echo finding-err >&2; exit 1'])).toThrow(
      /exited with status 1[\s\S]*finding-out[\s\S]*finding-err/,
    );
    expect(expectToolPasses('sh', ['-c', 'echo ok']).stdout).toBe('ok\n');
  });

  describe('testWithTools registration', () => {
    // Swap jest's `test` while registering, then assert on what was registered.
    const registered: Array<{ kind: string; name: string; fn: () => unknown }> = [];
    const g = globalThis as unknown as { test: unknown };
    const realTest = g.test;
    const realCI = process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fake = Object.assign(
      (name: string, fn: () => unknown) => registered.push({ kind: 'test', name, fn }),
      { skip: (name: string, fn: () => unknown) => registered.push({ kind: 'skip', name, fn }) },
    );
    try {
      g.test = fake;
      testWithTools(['sh'], 'present', () => undefined);
      process.env.CI = 'true';
      testWithTools(['sh', 'no-such-validator-a'], 'missing-in-ci', () => undefined);
      process.env.CI = 'false';
      testWithTools(['no-such-validator-b'], 'missing-locally-1', () => undefined);
      testWithTools(['no-such-validator-b'], 'missing-locally-2', () => undefined);
    } finally {
      g.test = realTest;
      if (realCI === undefined) {
        delete process.env.CI;
      } else {
        process.env.CI = realCI;
      }
    }
    const warnings = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();

    test('all present: a normal test', () => {
      expect(registered[0]).toMatchObject({ kind: 'test', name: 'present' });
    });
    test('missing with CI=true: a test that fails with the install hint', () => {
      expect(registered[1]).toMatchObject({ kind: 'test', name: 'missing-in-ci' });
      expect(() => registered[1].fn()).toThrow(
        'missing validator(s) no-such-validator-a — run: bash scripts/install-validators.sh',
      );
    });
    test('missing locally: skipped, warned once per tool', () => {
      expect(registered.slice(2).map((r) => r.kind)).toEqual(['skip', 'skip']);
      expect(warnings.filter((w) => w.includes('no-such-validator-b'))).toHaveLength(1);
      expect(warnings[0]).toContain('bash scripts/install-validators.sh');
    });
  });

  test('missingTools lists exactly the unavailable tools', () => {
    expect(missingTools(['sh', 'no-such-validator-c'])).toEqual(['no-such-validator-c']);
  });
});

// ----------------------------------------------------------------- yamllint --
describe('yamllint', () => {
  testWithTools(WRAPPER_TOOLS.yamllint, 'fails on unquoted truthy values (on: yes)', () => {
    const dir = scratch({ 'bad.yaml': 'enabled: yes\nmode: "on"\n' });
    expect(() => yamllint([path.join(dir, 'bad.yaml')])).toThrow(/truthy/);
  });

  testWithTools(WRAPPER_TOOLS.yamllint, 'fails on a truthy key outside workflows', () => {
    const dir = scratch({ 'bad.yaml': 'on: "push"\n' });
    expect(() => yamllint([path.join(dir, 'bad.yaml')])).toThrow(/truthy/);
  });

  testWithTools(WRAPPER_TOOLS.yamllint, 'fails on warnings too (--strict)', () => {
    const dir = scratch({ 'bad.yaml': 'a: 1 # comment too close\n' });
    expect(() => yamllint([path.join(dir, 'bad.yaml')])).toThrow(/comments/);
  });

  testWithTools(WRAPPER_TOOLS.yamllint, 'workflow mode allows the on: key but not on: yes', () => {
    const dir = scratch({ 'wf.yml': GOOD_WORKFLOW, 'bad.yml': 'on: yes\n' });
    expect(() => yamllint([path.join(dir, 'wf.yml')])).toThrow(/truthy/);
    yamllint([path.join(dir, 'wf.yml')], { workflow: true });
    expect(() => yamllint([path.join(dir, 'bad.yml')], { workflow: true })).toThrow(/truthy/);
  });

  testWithTools(WRAPPER_TOOLS.yamllint, 'passes clean YAML', () => {
    const dir = scratch({ 'good.yaml': '# header\nenabled: true\nmode: "on"\n' });
    yamllint([path.join(dir, 'good.yaml')]);
  });
});

// --------------------------------------------------------------- actionlint --
describe('actionlint (with shellcheck)', () => {
  testWithTools(WRAPPER_TOOLS.actionlint, 'fails on a shellcheck finding in run:', () => {
    const dir = scratch({ 'wf.yml': SHELLCHECK_BAD_WORKFLOW });
    expect(() => actionlint([path.join(dir, 'wf.yml')])).toThrow(/SC2086/);
  });

  testWithTools(WRAPPER_TOOLS.actionlint, 'fails on an invalid expression', () => {
    const dir = scratch({ 'wf.yml': GOOD_WORKFLOW.replace('hello', '${{ github.nope }}') });
    expect(() => actionlint([path.join(dir, 'wf.yml')])).toThrow(/nope/);
  });

  testWithTools(WRAPPER_TOOLS.actionlint, 'passes a clean workflow', () => {
    const dir = scratch({ 'wf.yml': GOOD_WORKFLOW });
    actionlint([path.join(dir, 'wf.yml')]);
  });
});

describe('shellcheck', () => {
  testWithTools(WRAPPER_TOOLS.shellcheck, 'fails on an unquoted variable, passes when quoted', () => {
    const dir = scratch({
      'bad.sh': '#!/usr/bin/env bash\nrm -rf $1\n',
      'good.sh': '#!/usr/bin/env bash\nrm -rf -- "$1"\n',
    });
    expect(() => shellcheck([path.join(dir, 'bad.sh')])).toThrow(/SC2086/);
    shellcheck([path.join(dir, 'good.sh')]);
  });
});

// ------------------------------------------------------------------- zizmor --
describe('zizmor', () => {
  testWithTools(WRAPPER_TOOLS.zizmor, 'fails when checkout persists credentials', () => {
    const dir = scratch({ 'wf.yml': ZIZMOR_BAD_WORKFLOW });
    expect(() => zizmor([path.join(dir, 'wf.yml')])).toThrow(/artipacked/);
  });

  testWithTools(WRAPPER_TOOLS.zizmor, 'fails on template injection in run:', () => {
    const dir = scratch({
      'wf.yml': GOOD_WORKFLOW.replace('echo "$GREETING"', 'echo "${{ github.event.head_commit.message }}"'),
    });
    expect(() => zizmor([path.join(dir, 'wf.yml')])).toThrow(/template-injection/);
  });

  testWithTools(WRAPPER_TOOLS.zizmor, 'passes a clean workflow', () => {
    const dir = scratch({ 'wf.yml': GOOD_WORKFLOW });
    zizmor([path.join(dir, 'wf.yml')]);
  });
});

describe('workflow JSON schema', () => {
  testWithTools(WRAPPER_TOOLS.workflowSchemaValidate, 'fails on an unknown job key, passes a clean workflow', () => {
    const dir = scratch({ 'bad.yml': SCHEMA_BAD_WORKFLOW, 'good.yml': GOOD_WORKFLOW });
    expect(() => workflowSchemaValidate([path.join(dir, 'bad.yml')])).toThrow(/stepz/);
    workflowSchemaValidate([path.join(dir, 'good.yml')]);
  });

  testWithTools(WRAPPER_TOOLS.workflowSchemaValidate, 'fails on a Dependabot config and an action with unknown keys', () => {
    const dir = scratch({
      'dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n    scheduel: {}\n',
      'action.yml': 'name: a\ndescription: b\nruns:\n  using: composite\n  stepz: []\n',
    });
    expect(() => workflowSchemaValidate([path.join(dir, 'dependabot.yml')], 'vendor.dependabot')).toThrow(/scheduel|additional/i);
    expect(() => workflowSchemaValidate([path.join(dir, 'action.yml')], 'vendor.github-actions')).toThrow(/stepz|steps|additional/i);
  });
});

// ----------------------------------------------------------------- hadolint --
describe('hadolint', () => {
  testWithTools(WRAPPER_TOOLS.hadolint, 'fails on unpinned apt packages', () => {
    const dir = scratch({
      Dockerfile: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n',
    });
    expect(() => hadolint(path.join(dir, 'Dockerfile'))).toThrow(/DL3008/);
  });

  testWithTools(WRAPPER_TOOLS.hadolint, 'fails on a style-level finding (zero tolerance)', () => {
    const dir = scratch({
      Dockerfile: GOOD_DOCKERFILE.replace('WORKDIR /app\n', 'WORKDIR /app\nLABEL bad_Key..x=1\n'),
    });
    expect(() => hadolint(path.join(dir, 'Dockerfile'))).toThrow(/DL3048 style/);
  });

  testWithTools(WRAPPER_TOOLS.hadolint, 'fails on a label outside the label schema, and on a label of the wrong type', () => {
    const unknown = scratch({ Dockerfile: GOOD_DOCKERFILE.replace('WORKDIR /app\n', 'WORKDIR /app\nLABEL com.example.team=seats\n') });
    expect(() => hadolint(path.join(unknown, 'Dockerfile'))).toThrow(/DL3050/);
    const typed = scratch({ Dockerfile: GOOD_DOCKERFILE.replace('WORKDIR /app\n', 'WORKDIR /app\nLABEL org.opencontainers.image.licenses="not a licence"\n') });
    expect(() => hadolint(path.join(typed, 'Dockerfile'))).toThrow(/DL3058|SPDX|spdx/i);
    const ok = scratch({ Dockerfile: GOOD_DOCKERFILE.replace('WORKDIR /app\n', 'WORKDIR /app\nLABEL org.opencontainers.image.licenses=Apache-2.0\n') });
    hadolint(path.join(ok, 'Dockerfile'));
  });

  testWithTools(WRAPPER_TOOLS.hadolint, 'passes a clean Dockerfile', () => {
    const dir = scratch({ Dockerfile: GOOD_DOCKERFILE });
    hadolint(path.join(dir, 'Dockerfile'));
  });
});

// --------------------------------------------------------------- kube-score --
describe('kube-score', () => {
  const deployment = (spec: string) => [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: a, namespace: ns}', 'spec:', '  replicas: 1', '  selector: {matchLabels: {a: a}}', '  template:',
    '    metadata: {labels: {a: a}}', `    spec: {containers: [{name: a, image: "a:1", ${spec}}]}`, '',
  ].join('\n');

  testWithTools(WRAPPER_TOOLS.kubeScore, 'fails on a CRITICAL (no resources, no ephemeral storage)', () => {
    expect(() => kubeScore(deployment('imagePullPolicy: Always'))).toThrow(/CRITICAL.*(Ephemeral Storage|CPU limit|Memory limit)/);
  });

  testWithTools(WRAPPER_TOOLS.kubeScore, 'passes a hardened Deployment', () => {
    kubeScore(deployment([
      'imagePullPolicy: Always',
      'resources: {requests: {cpu: 10m, memory: 16Mi, ephemeral-storage: 8Mi}, limits: {cpu: 100m, memory: 32Mi, ephemeral-storage: 16Mi}}',
      'securityContext: {runAsUser: 10001, runAsGroup: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true}',
    ].join(', ')) + [
      '---', 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: a, namespace: ns}',
      'spec: {podSelector: {matchLabels: {a: a}}, policyTypes: [Ingress, Egress]}', '',
    ].join('\n'));
  });
});

// --------------------------------------------------------------------- helm --
describe('helm', () => {
  testWithTools(WRAPPER_TOOLS.helmLint, 'lint --strict fails on values that break the schema', () => {
    const dir = chart();
    expect(() => helmLint(path.join(dir, 'chart'), [path.join(dir, 'bad-values.yaml')])).toThrow(
      /replicas/,
    );
  });

  testWithTools(WRAPPER_TOOLS.helmLint, 'lint --strict fails on a broken template', () => {
    const dir = chart();
    fs.writeFileSync(path.join(dir, 'chart/templates/broken.yaml'), 'x: {{ .Values.missing.key }}\n');
    expect(() => helmLint(path.join(dir, 'chart'))).toThrow(/nil pointer|missing/);
  });

  testWithTools(WRAPPER_TOOLS.helmLint, 'lint --strict passes a clean chart', () => {
    const dir = chart();
    helmLint(path.join(dir, 'chart'));
    helmLint(path.join(dir, 'chart'), [path.join(dir, 'other-values.yaml')]);
  });

  testWithTools(WRAPPER_TOOLS.helmTemplate, 'template renders with values files and --set', () => {
    const dir = chart();
    const out = helmTemplate(path.join(dir, 'chart'), 'rel', [path.join(dir, 'other-values.yaml')], {
      image: 'ghcr.io/example/other:2.0.0',
    });
    expect(out).toContain('name: rel-config');
    expect(out).toContain('replicas: "3"');
    expect(out).toContain('image: "ghcr.io/example/other:2.0.0"');
    expect(() => helmTemplate(path.join(dir, 'chart'), 'rel', undefined, ['replicas=0'])).toThrow(/replicas/);
  });
});

// ------------------------------------------------------- kubernetes schemas --
describe('kubeValidateStrict', () => {
  testWithTools(WRAPPER_TOOLS.kubeValidateStrict, 'fails on an unknown field', () => {
    const bad = DEPLOYMENT.replace('  replicas: 1\n', '  replicas: 1\n  replicaz: 2\n');
    expect(() => kubeValidateStrict(bad)).toThrow(/replicaz/);
  });

  testWithTools(WRAPPER_TOOLS.kubeValidateStrict, 'fails on an unknown field deep in a container', () => {
    const bad = DEPLOYMENT.replace('imagePullPolicy: Always', 'imagePullPolcy: Always');
    expect(() => kubeValidateStrict(bad)).toThrow(/imagePullPolcy/);
  });

  testWithTools(WRAPPER_TOOLS.kubeValidateStrict, 'fails on a wrong type', () => {
    expect(() => kubeValidateStrict('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  n: 1\n')).toThrow(
      /not of type/,
    );
  });

  testWithTools(WRAPPER_TOOLS.kubeValidateStrict, 'fails on an API that 1.27 does not serve', () => {
    const cron = 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: a\nspec:\n  schedule: "* * * * *"\n';
    expect(() => kubeValidateStrict(cron)).toThrow(/Couldn't find schema/);
  });

  testWithTools(WRAPPER_TOOLS.kubeValidateStrict, 'fails on input without any object', () => {
    expect(() => kubeValidateStrict('---\n# Source: nothing\n')).toThrow(/no Kubernetes object/);
    kubeValidateStrict('---\n', { allowEmpty: true });
  });

  testWithTools(WRAPPER_TOOLS.kubeValidateStrict, 'passes valid objects', () => {
    kubeValidateStrict(DEPLOYMENT);
  });
});

describe('helm template | kubeValidateStrict', () => {
  testWithTools(['helm', 'kubernetes-validate'], 'rendered chart validates', () => {
    const dir = chart();
    kubeValidateStrict(helmTemplate(path.join(dir, 'chart'), 'rel'));
  });
});

// ------------------------------------------------------------------ kubeLint --
describe('kubeLint (checkov)', () => {
  testWithTools(WRAPPER_TOOLS.kubeLint, 'fails on an unhardened Deployment', () => {
    expect(() => kubeLint(MINIMAL_DEPLOYMENT)).toThrow(/CKV_K8S_/);
  });

  testWithTools(WRAPPER_TOOLS.kubeLint, 'passes a hardened Deployment (text, file and dir)', () => {
    kubeLint(DEPLOYMENT);
    const dir = scratch({ 'm/deploy.yaml': DEPLOYMENT });
    kubeLint(path.join(dir, 'm', 'deploy.yaml'));
    kubeLint(path.join(dir, 'm'));
  });

  testWithTools(WRAPPER_TOOLS.kubeLint, 'skipChecks skips exactly the named checks', () => {
    const digestless = DEPLOYMENT.replace(/@sha256:0+/, ':1.0.0');
    expect(() => kubeLint(digestless)).toThrow(/CKV_K8S_43/);
    kubeLint(digestless, { skipChecks: ['CKV_K8S_43'] });
  });
});

// ------------------------------------------------------------- json schema --
describe('jsonSchemaValidate', () => {
  const schema = JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: { name: { type: 'string' } },
  });

  testWithTools(WRAPPER_TOOLS.jsonSchemaValidate, 'fails on an invalid instance', () => {
    const dir = scratch({ 's.json': schema, 'bad.json': '{"name": 1, "extra": true}' });
    const run = () => jsonSchemaValidate(path.join(dir, 's.json'), path.join(dir, 'bad.json'));
    expect(run).toThrow(/1 is not of type 'string'/);
    expect(run).toThrow(/'extra' was unexpected/);
  });

  testWithTools(WRAPPER_TOOLS.jsonSchemaValidate, 'passes valid JSON and YAML instances', () => {
    const dir = scratch({ 's.json': schema, 'good.json': '{"name": "a"}', 'good.yaml': 'name: b\n' });
    jsonSchemaValidate(path.join(dir, 's.json'), [path.join(dir, 'good.json'), path.join(dir, 'good.yaml')]);
  });
});
