import { HEARTBEAT } from '../app/heartbeat';
import { AppLanguage } from '../app/vehicle-app';

/** What the generated project's README needs to know. */
interface ReadmeFacts {
  readonly name: string;
  readonly description?: string;
  readonly language: AppLanguage;
}

/** The generated project's README: written once, then the user's. */
export function projectReadme(facts: ReadmeFacts): string {
  const tests = facts.language === AppLanguage.CPP
    ? 'cmake -S app -B build && cmake --build build && ctest --test-dir build'
    : 'cd app && python3 -m pip install -r requirements-dev.txt && python3 -m pytest';
  return `# ${facts.name}

${facts.description ?? 'A Velocitas vehicle app.'}

This project is defined in \`.projenrc.ts\` ([projen-velocitas](https://github.com/projen-velocitas/projen-velocitas)).
Change the app there and run \`npx projen\`: the AppManifest, Dockerfile, Helm chart, workflows and
devcontainer are generated from it and marked read-only. The sources under \`app/src\` and \`app/tests\`
are yours.

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

## Health

While its main loop runs, the app touches \`$${HEARTBEAT.fileVariable}\` (default \`${HEARTBEAT.defaultFile}\`) every
${HEARTBEAT.intervalSeconds} seconds. An app without ports is probed by \`${facts.language === AppLanguage.CPP ? `/app/<name> ${HEARTBEAT.checkFlag}` : 'python3 -c ...'}\`, which
fails when that file is older than ${HEARTBEAT.maxAgeSeconds} seconds, so Kubernetes restarts an app that hangs. Keep the
heartbeat when you change the main loop, or replace the chart's probes in its values.
`;
}
