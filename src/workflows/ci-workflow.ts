import { JsonPatch, github } from 'projen';
import { IMAGE_VALUES } from './deployment-target';
import {
  NOT_PUSHING, PUSHING, PUSH_CONDITION, WorkflowSettings, checkoutStep, registryLoginStep, script,
} from './workflow-settings';
import { DeployPlan, HELM_VERSION } from '../deploy/deploy-plan';
import { LanguageCiContext } from '../languages/language-spec';
import { INTEGRATION_REQUIRED } from '../runtime/runtime-service-catalogue';

const { JobPermission } = github.workflows;
type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;

/** Namespace and release name of the integration test install. */
const TEST_NAMESPACE = 'ci';
const TEST_RELEASE = 'ci';
/** Local tag of the image under test inside the kind cluster (never pushed). */
const TEST_TAG = 'ci';
const SOAK_SECONDS = 20;
/** kind that creates the integration test's clusters: the release whose default node image is the newest tested. @internal */
export const KIND_VERSION = 'v0.32.0';

/**
 * `ci.yml`: lint and unit tests, the projen drift check, the image build per platform on native
 * runners, the vulnerability scan, the integration test on a kind cluster with the image built in
 * this very run, and the merge of the per-platform digests into the tagged manifest list.
 *
 * Tags are pushed only after every gate passed, so a `sha-<commit>` tag means "built, scanned and
 * tested"; the release workflow promotes exactly that digest.
 */
export class CiWorkflow extends github.GithubWorkflow {
  public constructor(gh: github.GitHub, s: WorkflowSettings) {
    super(gh, 'ci', {
      fileName: 'ci.yml',
      limitConcurrency: true,
      // Pull requests share a group per ref; every push to main gets its own, so no commit loses its tags.
      concurrencyOptions: { group: "${{ github.workflow }}-${{ github.event_name == 'pull_request' && github.ref || github.sha }}" },
      env: { IMAGE_NAME: s.image.name, PUSH_IMAGE: `\${{ ${PUSH_CONDITION} }}` },
    });
    this.on({ push: { branches: ['main'] }, pullRequest: {}, workflowDispatch: {} });
    // No token scope unless a job asks for it.
    this.file?.patch(JsonPatch.add('/permissions', {}));
    // An explicit bash shell runs with -eo pipefail, so `pytest | tee` fails when pytest fails.
    this.file?.addOverride('defaults.run.shell', 'bash');
    // Superseded pull request runs are cancelled; main runs finish so every commit gets its tags.
    this.file?.addOverride('concurrency.cancel-in-progress', "${{ github.event_name == 'pull_request' }}");

    const { 'unit-test': unitTest, ...imageJobs } = ciAppJobs(s);
    this.addJob('unit-test', unitTest);
    this.addJob('drift', ciDriftJob(s));
    for (const [id, job] of Object.entries(imageJobs)) this.addJob(id, job);
  }
}

/** The jobs of one app: everything but the drift check, which belongs to the repository. @internal */
export function ciAppJobs(s: WorkflowSettings): { [id: string]: Job } {
  return {
    'unit-test': unitTestJob(s),
    'build': buildJob(s),
    // Without a natively built platform validation reports the problem; nothing is rendered for it.
    ...(s.testBuilds.length > 0 ? { 'integration-test': integrationTestJob(s) } : {}),
    'merge': mergeJob(s),
  };
}

/** The drift check: `npx projen` leaves the tree unchanged (job id `drift`). @internal */
export function ciDriftJob(s: WorkflowSettings): Job {
  return driftJob(s);
}

/** The steps of the app's language, as the workflows pin actions. */
function languageCi(s: WorkflowSettings): LanguageCiContext {
  return { appDir: s.appDir, app: s.app, pythonVersion: s.pythonVersion, uses: action => s.actions.uses(action) };
}

/** The unit-test job: checkout, the language's lint and test steps, least privilege. */
function unitTestJob(s: WorkflowSettings): Job {
  return {
    name: `Lint and unit tests (${s.language.displayName})`,
    runsOn: [s.defaultRunner],
    permissions: { contents: JobPermission.READ },
    timeoutMinutes: s.language.ciTimeoutMinutes,
    steps: [checkoutStep(s), ...s.language.ciUnitTestSteps(languageCi(s))],
  };
}

function driftJob(s: WorkflowSettings): Job {
  return {
    name: 'Generated files are up to date',
    runsOn: [s.defaultRunner],
    permissions: { contents: JobPermission.READ },
    timeoutMinutes: 15,
    steps: [
      checkoutStep(s),
      { id: 'setup-node', name: 'Set up Node.js', uses: s.actions.uses('actions/setup-node'), with: { 'node-version': s.nodeVersion } },
      { id: 'install', name: 'Install', run: 'npm ci\n' },
      { id: 'synth', name: 'Synthesize', run: 'npx projen\n' },
      {
        id: 'check',
        name: 'Fail on drift',
        run: script(
          'git status --porcelain',
          'if [ -n "$(git status --porcelain)" ]; then',
          '  git diff',
          '  echo "::error::npx projen changed the tree: run it locally and commit the result (for a Dependabot PR of .github/pins/: on its branch)"',
          '  exit 1',
          'fi',
          'git diff --exit-code',
        ),
      },
    ],
  };
}

/** The image's revision and created labels, the same for every build of a commit. */
const OCI_BUILD_ARGS = 'OCI_REVISION=${{ github.sha }}\nOCI_CREATED=${{ steps.oci.outputs.created }}';

/** What every build of the app image in a matrix job shares: the Dockerfile, the platform, the labels, the cache. */
function imageBuildInputs(s: WorkflowSettings): { [input: string]: string } {
  return {
    'context': s.appDir,
    'file': `${s.appDir}/Dockerfile`,
    'platforms': '${{ matrix.platform }}',
    'build-args': OCI_BUILD_ARGS,
    'cache-from': 'type=gha,scope=${{ matrix.slug }}',
  };
}

/** The commit time, not the build time: rebuilding a commit gives the same label. */
function ociLabelValuesStep(condition?: string): JobStep {
  return { id: 'oci', name: 'Image label values', if: condition, run: script('echo "created=$(git log -1 --format=%cI)" >> "$GITHUB_OUTPUT"') };
}

function buildJob(s: WorkflowSettings): Job {
  const anyEmulated = s.builds.some(b => b.emulated);
  // Pull requests and forks keep the image local: loaded for the scan, or only cached.
  const localImage = (slug: string) => `${s.image.name}:ci-${slug}`;
  const localOutput = (slug: string) => (s.scan ? `type=docker,name=${localImage(slug)}` : 'type=cacheonly');
  const pushOutput = `type=image,name=${s.image.name},push-by-digest=true,name-canonical=true,push=true`;
  const steps: JobStep[] = [checkoutStep(s)];
  if (anyEmulated) {
    steps.push({ id: 'qemu', name: 'Set up QEMU', if: 'matrix.emulated', uses: s.actions.uses('docker/setup-qemu-action'), with: { platforms: '${{ matrix.platform }}' } });
  }
  steps.push(
    { id: 'buildx', name: 'Set up Buildx', uses: s.actions.uses('docker/setup-buildx-action') },
    registryLoginStep(s, PUSHING),
    ociLabelValuesStep(),
    {
      id: 'build',
      name: 'Build (push by digest)',
      uses: s.actions.uses('docker/build-push-action'),
      with: {
        ...imageBuildInputs(s),
        'outputs': `\${{ ${PUSHING} && matrix.push-output || matrix.local-output }}`,
        'provenance': `\${{ ${PUSHING} && 'mode=max' || 'false' }}`,
        'sbom': `\${{ ${PUSHING} }}`,
        'cache-to': 'type=gha,scope=${{ matrix.slug }},mode=max',
      },
    },
  );
  if (s.scan) {
    steps.push({
      id: 'scan',
      name: 'Scan for fixable vulnerabilities',
      uses: s.actions.uses('aquasecurity/trivy-action'),
      env: { TRIVY_PLATFORM: '${{ matrix.platform }}' },
      with: {
        'image-ref': `\${{ ${PUSHING} && format('{0}@{1}', env.IMAGE_NAME, steps.build.outputs.digest) || matrix.local-image }}`,
        'ignore-unfixed': true,
        'severity': s.scanSeverities,
        'vuln-type': 'os,library',
        'format': 'table',
        'exit-code': '1',
      },
    });
  }
  steps.push(
    {
      id: 'export-digest',
      name: 'Record the digest',
      if: PUSHING,
      env: { DIGEST: '${{ steps.build.outputs.digest }}' },
      run: script('mkdir -p "$RUNNER_TEMP/digests"', 'touch "$RUNNER_TEMP/digests/${DIGEST#sha256:}"'),
    },
    {
      id: 'upload-digest',
      name: 'Upload the digest',
      if: PUSHING,
      uses: s.actions.uses('actions/upload-artifact'),
      with: { 'name': 'digest-${{ matrix.slug }}', 'path': '${{ runner.temp }}/digests/*', 'if-no-files-found': 'error', 'retention-days': 1 },
    },
  );
  return {
    name: 'Build ${{ matrix.platform }}',
    runsOn: ['${{ matrix.runner }}'],
    permissions: { contents: JobPermission.READ, packages: JobPermission.WRITE },
    timeoutMinutes: anyEmulated ? 120 : 60,
    strategy: {
      failFast: false,
      matrix: {
        include: s.builds.map(b => ({
          'platform': b.platform.id,
          'slug': b.platform.slug,
          'runner': b.runner,
          'emulated': b.emulated,
          'push-output': pushOutput,
          'local-output': localOutput(b.platform.slug),
          'local-image': localImage(b.platform.slug),
        })),
      },
    },
    steps,
  };
}

/** `v1.27.16` of `kindest/node:v1.27.16@sha256:...`; the whole reference when it has no tag. */
function kubernetesVersionOf(nodeImage: string): string {
  return /:(v?[0-9][^@]*)/.exec(nodeImage.slice(nodeImage.lastIndexOf('/')))?.[1] ?? nodeImage;
}

function integrationTestJob(s: WorkflowSettings): Job {
  const services = s.target.runtimeServices;
  // The job's env names the release, namespace and chart; the plan renders the commands from them.
  const plan = new DeployPlan({
    release: '$RELEASE',
    namespace: '$NAMESPACE',
    chartDir: '$CHART_DIR',
    services,
    values: [
      { key: IMAGE_VALUES.repository, value: '$IMAGE_NAME' },
      { key: IMAGE_VALUES.tag, value: TEST_TAG },
      { key: IMAGE_VALUES.pullPolicy, value: 'Never' },
    ],
    integrationTestCommand: s.language.ciIntegrationTestCommand,
    integrationRequiredVariable: INTEGRATION_REQUIRED,
  });
  const steps: JobStep[] = [
    checkoutStep(s),
    // Pull requests cannot push: build the same Dockerfile from this run's cache and load it.
    { id: 'buildx', name: 'Set up Buildx', if: NOT_PUSHING, uses: s.actions.uses('docker/setup-buildx-action') },
    ociLabelValuesStep(NOT_PUSHING),
    {
      id: 'build',
      name: 'Build the image under test',
      if: NOT_PUSHING,
      uses: s.actions.uses('docker/build-push-action'),
      with: { ...imageBuildInputs(s), load: true, tags: `\${{ env.IMAGE_NAME }}:${TEST_TAG}`, provenance: false },
    },
    // Pushes test the very image the build job pushed, by digest.
    registryLoginStep(s, PUSHING),
    {
      id: 'download-digest',
      name: 'Download the digest',
      if: PUSHING,
      uses: s.actions.uses('actions/download-artifact'),
      with: { name: 'digest-${{ matrix.slug }}', path: '${{ runner.temp }}/digests' },
    },
    {
      id: 'pull',
      name: 'Pull the pushed image',
      if: PUSHING,
      run: script(
        'set -- "$RUNNER_TEMP"/digests/*',
        'digest="sha256:$(basename "$1")"',
        'docker pull "$IMAGE_NAME@$digest"',
        `docker tag "$IMAGE_NAME@$digest" "$IMAGE_NAME:${TEST_TAG}"`,
        'echo "digest=$digest" >> "$GITHUB_OUTPUT"',
      ),
    },
    {
      id: 'kind',
      name: 'Create a kind cluster',
      uses: s.actions.uses('helm/kind-action'),
      with: { version: KIND_VERSION, cluster_name: 'ci', node_image: '${{ matrix.node-image }}' },
    },
    { id: 'setup-helm', name: 'Set up Helm', uses: s.actions.uses('azure/setup-helm'), with: { version: HELM_VERSION } },
    {
      id: 'load',
      name: 'Load the image into the cluster',
      // Through an archive of the one platform: `kind load docker-image` fails on Docker's containerd store
      // when the pulled index also lists attestation manifests whose content was never pulled.
      env: { PLATFORM: '${{ matrix.platform }}' },
      run: script(
        `docker save --platform "$PLATFORM" "$IMAGE_NAME:${TEST_TAG}" --output "$RUNNER_TEMP/image.tar"`,
        'kind load image-archive "$RUNNER_TEMP/image.tar" --name ci',
      ),
    },
    {
      id: 'deploy',
      name: 'Install the chart',
      // The runtime services are unpacked subcharts in charts/: nothing to download.
      run: script(plan.installCommandParts().join(' \\\n  ')),
    },
    { id: 'helm-test', name: 'helm test', run: script(plan.testCommand()) },
    {
      id: 'smoke',
      name: 'The app stays up',
      // Restarts while the services came up are tolerated; any during the soak, or a pod not ready, fails.
      run: script(
        'restarts() {',
        '  kubectl --namespace "$NAMESPACE" get pods -l "app.kubernetes.io/instance=$RELEASE" -o json \\',
        '    | jq \'[.items[] | select(.status.phase == "Running") | .status.containerStatuses[].restartCount] | add // 0\'',
        '}',
        'before=$(restarts)',
        `sleep ${SOAK_SECONDS}`,
        'kubectl --namespace "$NAMESPACE" get pods',
        'after=$(restarts)',
        'if [ "$after" != "$before" ]; then echo "::error::pods of the release restarted during the soak ($before -> $after restarts)"; exit 1; fi',
        'kubectl --namespace "$NAMESPACE" get pods -l "app.kubernetes.io/instance=$RELEASE" -o json \\',
        '  | jq -e \'[.items[]',
        '    | select((.status.phase != "Running" and .status.phase != "Succeeded")',
        '      or (.status.phase == "Running" and any(.status.containerStatuses[]; .ready != true)))]',
        '    | length == 0\' \\',
        '  || { echo "::error::a pod of the release is not running and ready"; exit 1; }',
      ),
    },
  ];
  steps.push(...s.language.ciIntegrationSetupSteps(languageCi(s)));
  if (services.length > 0) {
    steps.push({
      id: 'port-forward',
      name: 'Forward the runtime services',
      run: script(...plan.portForwardScript('$RUNNER_TEMP')),
    });
  }
  // Here the services were deployed: one that does not answer fails the tests instead of skipping them.
  steps.push(...s.language.ciIntegrationTestSteps(languageCi(s), plan.integrationTestEnv));
  steps.push({
    id: 'diagnostics',
    name: 'Show the cluster state',
    if: 'failure()',
    run: script(
      'kubectl --namespace "$NAMESPACE" get all',
      'kubectl --namespace "$NAMESPACE" describe pods',
      'kubectl --namespace "$NAMESPACE" logs -l "app.kubernetes.io/instance=$RELEASE" --all-containers --prefix --tail=200 || true',
    ),
  });
  // Every tested platform on the chart's oldest Kubernetes and on the newest kind offers.
  const include = s.testBuilds.flatMap(b => s.kindTestImages.map(image => ({
    'platform': b.platform.id,
    'slug': b.platform.slug,
    'runner': b.runner,
    'kubernetes': kubernetesVersionOf(image),
    'node-image': image,
  })));
  return {
    name: 'Integration test (${{ matrix.platform }}, Kubernetes ${{ matrix.kubernetes }})',
    needs: ['build'],
    runsOn: ['${{ matrix.runner }}'],
    strategy: { failFast: false, matrix: { include } },
    permissions: { contents: JobPermission.READ, packages: JobPermission.READ },
    timeoutMinutes: 45,
    env: { CHART_DIR: s.target.chartDir, RELEASE: TEST_RELEASE, NAMESPACE: TEST_NAMESPACE },
    steps,
  };
}

function mergeJob(s: WorkflowSettings): Job {
  const tags = [
    s.image.tagCommitSha ? 'type=sha' : undefined,
    s.image.tagBranch ? 'type=ref,event=branch' : undefined,
    s.image.tagLatest ? 'type=raw,value=latest,enable={{is_default_branch}}' : undefined,
  ].filter(t => t !== undefined);
  const expected = s.builds.map(b => b.platform.id).sort().join(',');
  const steps: JobStep[] = [
    {
      id: 'download-digests',
      name: 'Download the digests',
      uses: s.actions.uses('actions/download-artifact'),
      with: { 'pattern': 'digest-*', 'merge-multiple': true, 'path': '${{ runner.temp }}/digests' },
    },
    { id: 'buildx', name: 'Set up Buildx', uses: s.actions.uses('docker/setup-buildx-action') },
    registryLoginStep(s),
    {
      id: 'meta',
      name: 'Compute the tags',
      uses: s.actions.uses('docker/metadata-action'),
      with: { images: '${{ env.IMAGE_NAME }}', tags: tags.join('\n'), flavor: 'latest=false' },
    },
    {
      id: 'verify',
      name: 'Verify every platform is in the list, before any tag moves',
      run: script(
        'sources=()',
        'for file in "$RUNNER_TEMP"/digests/*; do sources+=("$IMAGE_NAME@sha256:$(basename "$file")"); done',
        'docker buildx imagetools create --dry-run --tag "$IMAGE_NAME:verify" "${sources[@]}" > "$RUNNER_TEMP/manifest-list.json"',
        'platforms=\'[.manifests[] | select(.platform.os != "unknown") | .platform | [.os, .architecture, .variant] | map(select(. != null)) | join("/")]\'',
        'actual="$(jq -r "$platforms | sort | join(\\",\\")" "$RUNNER_TEMP/manifest-list.json")"',
        'if [ "$actual" != "$EXPECTED_PLATFORMS" ]; then',
        '  echo "::error::the manifest list would hold [$actual], expected [$EXPECTED_PLATFORMS]"',
        '  exit 1',
        'fi',
        'printf \'%s\\n\' "${sources[@]}" > "$RUNNER_TEMP/sources.txt"',
      ),
    },
    {
      id: 'create',
      name: 'Push the manifest list with its tags',
      env: { META_JSON: '${{ steps.meta.outputs.json }}' },
      run: script(
        'tags=()',
        'while IFS= read -r tag; do tags+=(--tag "$tag"); done < <(jq -r \'.tags[]\' <<< "$META_JSON")',
        'mapfile -t sources < "$RUNNER_TEMP/sources.txt"',
        'docker buildx imagetools create "${tags[@]}" "${sources[@]}"',
        'ref="$(jq -r \'.tags[0]\' <<< "$META_JSON")"',
        'digest="$(docker buildx imagetools inspect "$ref" --format \'{{json .Manifest}}\' | jq -r .digest)"',
        'echo "digest=$digest" >> "$GITHUB_OUTPUT"',
        'echo "Pushed $IMAGE_NAME@$digest for $EXPECTED_PLATFORMS" >> "$GITHUB_STEP_SUMMARY"',
      ),
    },
  ];
  const permissions: github.workflows.JobPermissions = s.signing
    ? { contents: JobPermission.READ, packages: JobPermission.WRITE, idToken: JobPermission.WRITE, attestations: JobPermission.WRITE }
    : { contents: JobPermission.READ, packages: JobPermission.WRITE };
  if (s.signing) {
    steps.push({
      id: 'attest',
      name: 'Attest build provenance',
      uses: s.actions.uses('actions/attest-build-provenance'),
      with: { 'subject-name': '${{ env.IMAGE_NAME }}', 'subject-digest': '${{ steps.create.outputs.digest }}', 'push-to-registry': true },
    });
  }
  return {
    name: 'Push the multi-platform image',
    if: PUSH_CONDITION,
    // Tags move only after every gate: unit tests, drift check, the build and its integration test.
    needs: ['unit-test', 'drift', 'build', ...(s.testBuilds.length > 0 ? ['integration-test'] : [])],
    runsOn: [s.defaultRunner],
    permissions,
    timeoutMinutes: 15,
    env: { EXPECTED_PLATFORMS: expected },
    outputs: { digest: { stepId: 'create', outputName: 'digest' } },
    steps,
  };
}
