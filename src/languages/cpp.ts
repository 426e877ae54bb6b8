import { TaskStep } from 'projen';
import { runBlock, summaryStep } from './ci-steps';
import { LanguageSpec } from './language-spec';
import { HEARTBEAT } from '../app/heartbeat';
import { cppEntrypoint, cppPreset } from '../container/image-presets';
import { cppSample } from '../samples/cpp';
import { cppBindings } from '../samples/cpp-bindings';

/** Where `npx projen test` configures and builds, relative to the app folder (ignored by git and the image build). */
const BUILD_DIR = 'build';
/** Folders of the app's own sources and tests, relative to the app folder. */
const LINTED_DIRS = ['src', 'tests'];

/** A task step that fails with one line saying what to install when a tool is missing. */
function requireTools(tools: string[], install: string): TaskStep {
  const missing = tools.map(t => `command -v ${t} >/dev/null`).join(' && ');
  return { name: 'check-tools', exec: `${missing} || { echo "missing ${tools.join(' or ')}; install ${install}" >&2; exit 1; }` };
}

/** C++ with CMake. @internal */

/** The integration tests in CI, from the job's working directory (the app's folder for Python, the checkout for C++). */
const CI_INTEGRATION_TEST = 'ctest --test-dir "$RUNNER_TEMP/build" --label-regex integration --output-on-failure --no-tests=error';
export const CPP: LanguageSpec = {
  id: 'cpp',
  displayName: 'C++',
  baseImageRoles: ['cppBuilder', 'cppRuntime'],
  dockerfile: cppPreset,
  entrypoint: cppEntrypoint,
  // The binary checks the heartbeat itself: the scratch image has nothing else.
  heartbeatCheck: (entrypoint, maxAgeSeconds = HEARTBEAT.maxAgeSeconds) => [entrypoint[0], HEARTBEAT.checkFlag, String(maxAgeSeconds)],
  heartbeatCheckText: `/app/<name> ${HEARTBEAT.checkFlag}`,
  toolchainVersion: () => undefined,
  samples: cppSample,
  ciTimeoutMinutes: 30,
  ciUnitTestSteps: ctx => [
    // The lint: the project's warnings (-Wall -Wextra -Wpedantic in the sample) fail the build.
    { id: 'configure', name: 'Configure', run: `cmake -S ${ctx.appDir} -B "$RUNNER_TEMP/build" -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=ON -DCMAKE_COMPILE_WARNING_AS_ERROR=ON\n` },
    { id: 'compile', name: 'Build', run: 'cmake --build "$RUNNER_TEMP/build" --parallel\n' },
    {
      id: 'unit-test',
      name: 'Unit tests',
      run: runBlock(
        'ctest --test-dir "$RUNNER_TEMP/build" --output-on-failure --label-exclude integration --output-junit "$RUNNER_TEMP/unit-tests.xml" | tee "$RUNNER_TEMP/unit-tests.log"',
      ),
    },
    summaryStep(undefined, []),
  ],
  ciIntegrationSetupSteps: () => [],
  ciIntegrationTestCommand: CI_INTEGRATION_TEST,
  ciIntegrationTestSteps: (ctx, env) => [
    { id: 'configure', name: 'Configure', run: `cmake -S ${ctx.appDir} -B "$RUNNER_TEMP/build" -DBUILD_TESTING=ON\n` },
    { id: 'build-tests', name: 'Build the tests', run: 'cmake --build "$RUNNER_TEMP/build" --parallel\n' },
    {
      id: 'integration-test',
      name: 'Integration tests',
      env,
      run: `${CI_INTEGRATION_TEST}\n`,
    },
  ],
  devcontainerImage: () => 'mcr.microsoft.com/devcontainers/cpp:1-debian-12',
  devcontainerPostCreate: appDir => `npm ci && cmake -S ${appDir} -B build -DBUILD_TESTING=ON`,
  // The binary the devcontainer's CMake configure (build/) builds; build it first (cmake --build build).
  vscodeLaunch: (app, _appDir, env) => ({
    type: 'cppdbg',
    request: 'launch',
    program: `\${workspaceFolder}/build/${app.name}`,
    cwd: '\${workspaceFolder}',
    MIMode: 'gdb',
    environment: Object.entries(env).map(([name, value]) => ({ name, value })),
  }),
  devcontainerExtensions: ['ms-vscode.cpptools', 'ms-vscode.cmake-tools', 'ms-kubernetes-tools.vscode-kubernetes-tools'],
  // C++ dependencies come through CMake/Conan, which Dependabot does not update.
  dependabotEcosystems: () => [],
  gitignore: () => ['build/', 'cmake-build-*/', 'CMakeUserPresets.json', 'compile_commands.json', '.cache/', 'Testing/', '*.o', '*.a'],
  // The generated headers stay in the context: the image's build compiles them.
  dockerignore: () => ['build', 'cmake-build-*', '.cache', 'CMakeUserPresets.json', 'compile_commands.json', 'Testing'],
  bindings: cppBindings,
  testTaskSteps: appDir => [
    requireTools(['cmake', 'c++'], 'cmake and a C++ compiler: apt-get install cmake g++ (or your system\'s packages)'),
    // The warnings of the sample's CMakeLists.txt fail the build, as in CI.
    { name: 'configure', exec: `cmake -S . -B ${BUILD_DIR} -DBUILD_TESTING=ON -DCMAKE_COMPILE_WARNING_AS_ERROR=ON` },
    { name: 'compile', exec: `cmake --build ${BUILD_DIR} --parallel` },
    { name: 'unit-tests', exec: `ctest --test-dir ${BUILD_DIR} --output-on-failure --label-exclude integration --no-tests=error` },
  ].map(step => ({ ...step, cwd: appDir })),
  lintTaskSteps: appDir => [
    requireTools(['clang-format'], 'clang-format: apt-get install clang-format (or pip install clang-format)'),
    // The style is the generated .clang-format; the generated headers are checked too.
    { name: 'format-check', exec: `find ${LINTED_DIRS.join(' ')} -type f \\( -name '*.cpp' -o -name '*.hpp' \\) -exec clang-format --dry-run -Werror {} +` },
  ].map(step => ({ ...step, cwd: appDir })),
  unitTestCommand: 'npx projen test',
  integrationTestCommand: appDir => [
    `cmake -S '${appDir}' -B build -DBUILD_TESTING=ON`,
    'cmake --build build --target integration_test',
    'ctest --test-dir build --label-regex integration --output-on-failure',
  ].join(' && '),
};
