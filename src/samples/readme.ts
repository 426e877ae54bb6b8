import { HEARTBEAT } from '../app/heartbeat';

/** What the generated project's README needs to know. */
interface ReadmeFacts {
  readonly name: string;
  readonly description?: string;
  /** The language's unit-test command, from the project root. */
  readonly unitTestCommand: string;
  /** The image's heartbeat check, as the README names it. */
  readonly heartbeatCheck: string;
}

/** The generated project's README: written once, then the user's. */
export function projectReadme(facts: ReadmeFacts): string {
  const tests = facts.unitTestCommand;
  return `# ${facts.name}

${facts.description ?? 'A Velocitas vehicle app.'}

This project is defined in \`.projenrc.ts\` ([projen-velocitas](https://github.com/projen-velocitas/projen-velocitas)).
Change the app there and run \`npx projen\`: the AppManifest, Dockerfile, Helm chart, workflows and
devcontainer are generated from it and marked read-only. The sources under \`app/src\` and \`app/tests\`
are yours, except the bindings in \`app/src/generated/\` (and tests marked generated): they follow the
interfaces on every \`npx projen\`, and your code builds on them.

| path | what |
| --- | --- |
| \`app/\` | sources, tests, \`AppManifest.json\` and \`Dockerfile\` |
| \`deploy/helm/${facts.name}/\` | the Helm chart, with the runtime services as subcharts |
| \`deploy/kanto/\` | Eclipse Kanto container manifests |
| \`.github/workflows/\` | CI (build every platform, scan, integration test) and release |

## Develop

\`\`\`sh
${tests}   # unit tests
npx projen image:build       # the image for this machine, tagged :dev
npx projen local:deploy      # kind cluster, image loaded, chart installed as CI does
npx projen local:test        # helm test and the integration tests
npx projen local:down        # delete the cluster
\`\`\`

Without Kubernetes: \`npx projen runtime:up\` starts the databroker and the MQTT broker with docker or podman, and
plays the signal mock \`app/mock.json\` (yours) into the databroker; then run the app from its sources, or
debug it with VS Code's launch configuration; \`npx projen runtime:down\` removes them.

## Health

While its main loop runs, the app touches \`$${HEARTBEAT.fileVariable}\` (default \`${HEARTBEAT.defaultFile}\`) every
${HEARTBEAT.intervalSeconds} seconds. An app without ports is probed by \`${facts.heartbeatCheck}\`, which
fails when that file is older than ${HEARTBEAT.maxAgeSeconds} seconds, so Kubernetes restarts an app that hangs. Keep the
heartbeat when you change the main loop, or replace the chart's probes in its values.
`;
}
