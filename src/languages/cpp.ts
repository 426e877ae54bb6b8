import { runBlock, summaryStep } from './ci-steps';
import { LanguageSpec } from './language-spec';
import { HEARTBEAT } from '../app/heartbeat';
import { cppEntrypoint, cppPreset } from '../container/image-presets';
import { cppSample } from '../samples/cpp';

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
  gitignore: () => ['build/', 'cmake-build-*/', 'CMakeUserPresets.json'],
  unitTestCommand: 'cmake -S app -B build && cmake --build build && ctest --test-dir build',
  integrationTestCommand: appDir => [
    `cmake -S '${appDir}' -B build -DBUILD_TESTING=ON`,
    'cmake --build build --target integration_test',
    'ctest --test-dir build --label-regex integration --output-on-failure',
  ].join(' && '),
};
