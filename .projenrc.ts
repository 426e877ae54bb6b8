import { cdk, javascript } from 'projen';

// Versions tested together on Node 20/22; widen only after the test suite passes on the new minor.
const PROJEN_VERSION = '0.103.25';
const CDK8S_VERSION = '2.70.106';
const CDK8S_PLUS_VERSION = '2.9.5';
const CONSTRUCTS_VERSION = '10.5.0'; // projen 0.103 needs ^10.5.0; one copy in the type system

const project = new cdk.JsiiProject({
  name: 'projen-velocitas',
  description:
    'projen project type for Eclipse Velocitas vehicle apps: typed AppManifest, multi-platform OCI images, Helm charts and GitHub workflows from one model.',
  author: 'projen-velocitas maintainers',
  authorAddress: 'maintainers@users.noreply.example',
  repositoryUrl: 'https://github.com/projen-velocitas/projen-velocitas.git',
  license: 'Apache-2.0',
  keywords: ['projen', 'velocitas', 'eclipse-sdv', 'vehicle-app', 'helm', 'cdk8s', 'oci', 'kuksa'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.3',
  minNodeVersion: '20.16.0',
  projenVersion: PROJEN_VERSION,
  // projen 0.x minors break their API: the peer range admits the minor we test against only.
  peerDeps: [
    `projen@>=${PROJEN_VERSION} <0.104.0`,
    `constructs@^${CONSTRUCTS_VERSION}`,
    `cdk8s@^${CDK8S_VERSION}`,
    `cdk8s-plus-27@^${CDK8S_PLUS_VERSION}`,
  ],
  // yaml is not a jsii module, so it ships inside our package.
  bundledDeps: ['yaml@^2.8.1'],
  devDeps: ['@types/node@^20', 'tsx@^4.20.0'],
  // The library's CI is .ci/run (it needs the validator tools); no generated GitHub workflows here.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  docgen: true,
  jestOptions: {
    // CI compares snapshots, never rewrites them.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testTimeout: 120_000,
      // Validator tests share the container storage and the CPU; run test files one at a time.
      maxWorkers: 1,
      // Examples import the package by name, as users do; tests run them against the sources.
      moduleNameMapper: { '^projen-velocitas$': '<rootDir>/src/index.ts' },
    },
  },
  tsconfigDev: {
    include: ['examples/**/*.ts', 'scripts/**/*.ts'],
    compilerOptions: {},
  },
  gitignore: ['/.tools/', '/.cache/', '/demo-out/', '/.tmp/'],
});

for (const ignored of ['/examples/', '/scripts/', '/.ci/', '/.tools/', '/.cache/', '/demo-out/']) {
  project.addPackageIgnore(ignored);
}

project.addTask('demo', {
  description: 'Synthesize the seat-adjuster example into demo-out/ and list what it wrote',
  exec: 'ts-node --transpile-only scripts/demo.ts',
});

project.addTask('bench', {
  description: 'Benchmarks: synth cost next to a bare projen project (image build benchmark: scripts/bench-image-build.ts)',
  exec: 'ts-node --transpile-only scripts/bench-synth.ts',
});

project.addTask('cluster:up', {
  description: 'Start a single-node Kubernetes on this machine (root; binaries built once into ~/.cache/projen-velocitas)',
  exec: 'bash scripts/cluster/up.sh',
});
project.addTask('cluster:down', {
  description: 'Stop the cluster of cluster:up and remove its processes, iptables chains, bridge, mounts and state',
  exec: 'bash scripts/cluster/down.sh',
});
project.addTask('e2e', {
  description: 'Deploy and test every example on a real cluster (root): one line per example; skipped with the reason where the machine cannot',
  exec: 'ts-node --transpile-only scripts/e2e.ts',
  receiveArgs: true,
});

project.synth();
