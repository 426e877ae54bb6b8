import { TaskStep } from 'projen';
import { runBlock, summaryStep } from './ci-steps';
import { LanguageCiContext, LanguageSpec } from './language-spec';
import { HEARTBEAT } from '../app/heartbeat';
import { DEFAULT_PYTHON_VERSION, pythonEntrypoint, pythonPreset } from '../container/image-presets';
import { GRPC_GENERATE_SCRIPT, GRPC_REQUIREMENTS } from '../grpc/grpc-stubs';
import { pythonBindings, pythonSample } from '../samples/python';

/** The Python of a `python:<major>.<minor>...` image tag, e.g. `3.12` of `docker.io/library/python:3.12-slim-bookworm`. */
function pythonOfImage(image: string): string | undefined {
  return /(?:^|\/)python:(3\.[0-9]+)/.exec(image)?.[1];
}

function pythonSetupSteps(ctx: LanguageCiContext) {
  return [
    {
      id: 'setup-python',
      name: 'Set up Python',
      uses: ctx.uses('actions/setup-python'),
      // No pip cache: this workflow publishes images, and a poisoned cache would reach them.
      with: { 'python-version': ctx.pythonVersion },
    },
    { id: 'install', name: 'Install the test dependencies', run: `python -m pip install -r ${ctx.appDir}/requirements-dev.txt\n` },
    ...(ctx.app.manifest.grpcInterfaces.length > 0 ? [{
      id: 'grpc-generate',
      name: 'Generate the gRPC stubs',
      workingDirectory: ctx.appDir,
      run: runBlock(`python -m pip install -r ${GRPC_REQUIREMENTS}`, `PYTHON=python ${GRPC_GENERATE_SCRIPT}`),
    }] : []),
  ];
}

/** The app's venv, relative to the app folder: created by the local tasks from requirements-dev.txt. */
const VENV = '.venv';

/** Marks the venv as holding the requirements; pip runs again once a requirements file is newer. */
const INSTALLED = `${VENV}/.requirements-installed`;

/** Creates the app's venv when missing and installs requirements-dev.txt into it when it changed. */
function venvSteps(appDir: string): TaskStep[] {
  return [
    { name: 'venv', cwd: appDir, exec: `test -x ${VENV}/bin/python || python3 -m venv ${VENV}` },
    {
      name: 'install',
      cwd: appDir,
      // sh: projen's task shell (dax) has neither `-nt` nor `{ }`.
      exec: `sh -c '[ ${INSTALLED} -nt requirements.txt ] && [ ${INSTALLED} -nt requirements-dev.txt ] || `
        + `{ ${VENV}/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt && touch ${INSTALLED}; }'`,
    },
  ];
}

/** Python on the Velocitas Python SDK. @internal */

/** The integration tests in CI, from the job's working directory (the app's folder for Python, the checkout for C++). */
const CI_INTEGRATION_TEST = 'python -m pytest tests/integration';
export const PYTHON: LanguageSpec = {
  id: 'python',
  displayName: 'Python',
  baseImageRoles: ['python'],
  grpcStubs: true,
  dockerfile: pythonPreset,
  entrypoint: pythonEntrypoint,
  heartbeatCheck(entrypoint, maxAgeSeconds = HEARTBEAT.maxAgeSeconds) {
    const { fileVariable, defaultFile } = HEARTBEAT;
    // The interpreter runs a one-liner that imports nothing of the app, so it starts fast and stays small.
    const script = [
      'import os, sys, time',
      `f = os.environ.get("${fileVariable}", "${defaultFile}")`,
      `sys.exit(0 if os.path.exists(f) and time.time() - os.path.getmtime(f) < ${maxAgeSeconds} else 1)`,
    ].join('; ');
    return [entrypoint[0], '-c', script];
  },
  heartbeatCheckText: 'python3 -c ...',
  toolchainVersion: baseImages => pythonOfImage(baseImages.python) ?? DEFAULT_PYTHON_VERSION,
  samples: pythonSample,
  ciTimeoutMinutes: 15,
  ciUnitTestSteps: ctx => [
    ...pythonSetupSteps(ctx),
    { id: 'lint', name: 'Lint', workingDirectory: ctx.appDir, run: runBlock('python -m ruff format --check .', 'python -m ruff check .') },
    {
      id: 'unit-test',
      name: 'Unit tests',
      workingDirectory: ctx.appDir,
      run: runBlock(
        'python -m pytest tests/unit --cov=src --cov-report=term --junitxml="$RUNNER_TEMP/unit-tests.xml" | tee "$RUNNER_TEMP/unit-tests.log"',
      ),
    },
    summaryStep(ctx.appDir, [
      '  echo "## Coverage"',
      '  python -m coverage report --format=markdown 2>/dev/null || echo "no coverage data"',
    ]),
  ],
  ciIntegrationSetupSteps: pythonSetupSteps,
  ciIntegrationTestCommand: CI_INTEGRATION_TEST,
  ciIntegrationTestSteps: (ctx, env) => [
    { id: 'integration-test', name: 'Integration tests', workingDirectory: ctx.appDir, env, run: `${CI_INTEGRATION_TEST}\n` },
  ],
  devcontainerImage: version => `mcr.microsoft.com/devcontainers/python:1-${version ?? DEFAULT_PYTHON_VERSION}-bookworm`,
  devcontainerPostCreate: appDir => `npm ci && python3 -m pip install --user -r ${appDir}/requirements-dev.txt`,
  vscodeLaunch: (_app, appDir, env) => ({
    type: 'debugpy',
    request: 'launch',
    program: `\${workspaceFolder}/${appDir}/src/main.py`,
    cwd: `\${workspaceFolder}/${appDir}`,
    console: 'integratedTerminal',
    env,
  }),
  devcontainerExtensions: ['ms-python.python', 'charliermarsh.ruff', 'ms-kubernetes-tools.vscode-kubernetes-tools'],
  dependabotEcosystems: appDir => [{ ecosystem: 'pip', directory: `/${appDir}` }],
  gitignore: () => [
    '__pycache__/', '*.py[cod]', '.venv/', 'venv/', '.pytest_cache/', '.ruff_cache/', '.mypy_cache/', '.coverage', '.coverage.*',
    'coverage.xml', 'htmlcov/', '*.egg-info/', '.eggs/',
  ],
  dockerignore: () => ['**/__pycache__', '**/*.py[cod]', '.venv', 'venv', '.pytest_cache', '.ruff_cache', '.mypy_cache', '.coverage', 'htmlcov', 'tests'],
  bindings: pythonBindings,
  testTaskSteps: appDir => [
    ...venvSteps(appDir),
    // Arguments go to pytest: `npx projen test -k position`.
    { name: 'unit-tests', cwd: appDir, exec: `${VENV}/bin/python -m pytest tests/unit --cov=src --cov-report=term`, receiveArgs: true },
  ],
  lintTaskSteps: appDir => [
    ...venvSteps(appDir),
    { name: 'format-check', cwd: appDir, exec: `${VENV}/bin/python -m ruff format --check .` },
    { name: 'lint', cwd: appDir, exec: `${VENV}/bin/python -m ruff check .` },
  ],
  unitTestCommand: 'npx projen test',
  integrationTestCommand: appDir => `cd '${appDir}' && python3 -m pytest tests/integration`,
};
