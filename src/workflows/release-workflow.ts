import { JsonPatch, github } from 'projen';
import { IMAGE_VALUES } from './deployment-target';
import { WorkflowSettings, checkoutStep, registryCredentialsEnv, registryLoginStep, script } from './workflow-settings';
import { HELM_VERSION } from '../deploy/deploy-plan';

const { JobPermission } = github.workflows;
type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;

/** How long the release looks for CI's run of the tagged commit to appear: 20 × 15 s. */
const FIND_RUN_ATTEMPTS = 20;
const SEMVER_SHELL = '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$';

/**
 * `release.yml`, on a version tag `v*`: promotes the digest CI built, scanned and tested for the
 * tagged commit to the semver tags (no rebuild), exports its SBOMs, signs it with cosign keyless,
 * packages the chart with the promoted digest pinned and pushes it to an OCI registry, and
 * publishes a GitHub release with the chart, the AppManifest and the SBOMs.
 */
export class ReleaseWorkflow extends github.GithubWorkflow {
  public constructor(gh: github.GitHub, s: WorkflowSettings) {
    super(gh, 'release', { fileName: 'release.yml', limitConcurrency: true, concurrencyOptions: { group: '${{ github.workflow }}-${{ github.ref }}' }, env: { IMAGE_NAME: s.image.name } });
    this.on({ push: { tags: ['v*'] } });
    // No token scope unless a job asks for it.
    this.file?.patch(JsonPatch.add('/permissions', {}));
    // An explicit bash shell runs with -eo pipefail.
    this.file?.addOverride('defaults.run.shell', 'bash');
    for (const [id, job] of Object.entries(releaseAppJobs(s))) this.addJob(id, job);
  }
}

/** The jobs that release one app from its version tag. @internal */
export function releaseAppJobs(s: WorkflowSettings): { [id: string]: Job } {
  return { 'promote': promoteJob(s), 'chart': chartJob(s), 'github-release': githubReleaseJob(s) };
}

function promoteJob(s: WorkflowSettings): Job {
  const semverTags = s.image.semverPatterns.map(p => `type=semver,pattern=${p}`);
  const platforms = s.builds.map(b => b.platform);
  // One platform: the SBOM sits directly on the image; several: one per platform.
  const sbomLines = platforms.map(p => {
    const path = platforms.length === 1 ? '.SBOM.SPDX' : `(index .SBOM "${p.id}").SPDX`;
    return `docker buildx imagetools inspect "$IMAGE_NAME@$DIGEST" --format '{{json ${path}}}' > "$RUNNER_TEMP/sbom/sbom-${p.slug}.spdx.json"`;
  });
  const steps: JobStep[] = [
    {
      id: 'version',
      name: 'Read the version from the tag',
      run: script(
        `version="\${GITHUB_REF_NAME#${s.releaseTagPrefix ?? ''}v}"`,
        `if ! [[ "$version" =~ ${SEMVER_SHELL} ]]; then`,
        `  echo "::error::tag $GITHUB_REF_NAME is not ${s.releaseTagPrefix ?? ''}v<semver>"`,
        '  exit 1',
        'fi',
        'echo "version=$version" >> "$GITHUB_OUTPUT"',
      ),
    },
    { id: 'buildx', name: 'Set up Buildx', uses: s.actions.uses('docker/setup-buildx-action') },
    registryLoginStep(s),
    {
      id: 'wait-ci',
      name: 'Wait for CI on this commit',
      // The tag must point at a commit CI built, scanned and tested on main; wait for that run, however long it takes.
      env: { GH_TOKEN: '${{ github.token }}' },
      run: script(
        'run_id=""',
        `for _ in $(seq 1 ${FIND_RUN_ATTEMPTS}); do`,
        '  run_id="$(gh run list --repo "$GITHUB_REPOSITORY" --workflow ci.yml --commit "$GITHUB_SHA" --event push --json databaseId --jq \'.[0].databaseId // empty\')"',
        '  if [ -n "$run_id" ]; then break; fi',
        '  sleep 15',
        'done',
        'if [ -z "$run_id" ]; then',
        '  echo "::error::no CI run for $GITHUB_SHA: push the commit to main before tagging it"',
        '  exit 1',
        'fi',
        'gh run watch "$run_id" --repo "$GITHUB_REPOSITORY" --exit-status --interval 60 > /dev/null',
      ),
    },
    {
      id: 'resolve',
      name: 'Find the digest CI tested for this commit',
      run: script(
        'ref="$IMAGE_NAME:sha-${GITHUB_SHA::7}"',
        'digest="$(docker buildx imagetools inspect "$ref" --format \'{{json .Manifest}}\' | jq -r \'.digest // empty\')"',
        'if [ -z "$digest" ]; then',
        '  echo "::error::$ref does not exist although CI passed: was the image push switched off?"',
        '  exit 1',
        'fi',
        'echo "digest=$digest" >> "$GITHUB_OUTPUT"',
        'echo "Promoting $IMAGE_NAME@$digest" >> "$GITHUB_STEP_SUMMARY"',
      ),
    },
    {
      id: 'meta',
      name: 'Compute the version tags',
      uses: s.actions.uses('docker/metadata-action'),
      with: { images: '${{ env.IMAGE_NAME }}', tags: semverTags.join('\n'), flavor: 'latest=false' },
    },
    {
      id: 'promote',
      name: 'Tag the tested digest',
      env: { META_JSON: '${{ steps.meta.outputs.json }}', DIGEST: '${{ steps.resolve.outputs.digest }}' },
      run: script(
        'tags=()',
        'while IFS= read -r tag; do tags+=(--tag "$tag"); done < <(jq -r \'.tags[]\' <<< "$META_JSON")',
        'docker buildx imagetools create "${tags[@]}" "$IMAGE_NAME@$DIGEST"',
        'while IFS= read -r tag; do',
        '  actual="$(docker buildx imagetools inspect "$tag" --format \'{{json .Manifest}}\' | jq -r .digest)"',
        '  if [ "$actual" != "$DIGEST" ]; then echo "::error::$tag is $actual, expected $DIGEST"; exit 1; fi',
        'done < <(jq -r \'.tags[]\' <<< "$META_JSON")',
      ),
    },
    {
      id: 'sbom',
      name: 'Export the SBOMs',
      env: { DIGEST: '${{ steps.resolve.outputs.digest }}' },
      run: script(
        'mkdir -p "$RUNNER_TEMP/sbom"',
        ...sbomLines,
        'for file in "$RUNNER_TEMP"/sbom/*.json; do',
        '  jq -e .spdxVersion "$file" > /dev/null || { echo "::error::no SBOM in $file"; exit 1; }',
        'done',
      ),
    },
    {
      id: 'upload-sbom',
      name: 'Upload the SBOMs',
      uses: s.actions.uses('actions/upload-artifact'),
      with: { 'name': 'sbom', 'path': '${{ runner.temp }}/sbom/*.json', 'if-no-files-found': 'error' },
    },
  ];
  if (s.signing) {
    steps.push(
      { id: 'cosign-installer', name: 'Install cosign', uses: s.actions.uses('sigstore/cosign-installer') },
      {
        id: 'sign',
        name: 'Sign the image (keyless)',
        env: { DIGEST: '${{ steps.resolve.outputs.digest }}' },
        run: 'cosign sign --yes --recursive "$IMAGE_NAME@$DIGEST"\n',
      },
    );
  }
  return {
    name: 'Promote the tested image',
    runsOn: [s.defaultRunner],
    permissions: s.signing
      ? { contents: JobPermission.READ, actions: JobPermission.READ, packages: JobPermission.WRITE, idToken: JobPermission.WRITE }
      : { contents: JobPermission.READ, actions: JobPermission.READ, packages: JobPermission.WRITE },
    // Long enough for CI's slowest path (emulated builds, then the integration test) to finish.
    timeoutMinutes: 240,
    outputs: {
      digest: { stepId: 'resolve', outputName: 'digest' },
      version: { stepId: 'version', outputName: 'version' },
    },
    steps,
  };
}

function chartJob(s: WorkflowSettings): Job {
  const chartName = s.target.chartName;
  return {
    name: 'Package and push the chart',
    needs: ['promote'],
    runsOn: [s.defaultRunner],
    permissions: { contents: JobPermission.READ, packages: JobPermission.WRITE },
    timeoutMinutes: 15,
    env: {
      CHART_DIR: s.target.chartDir,
      VERSION: '${{ needs.promote.outputs.version }}',
      DIGEST: '${{ needs.promote.outputs.digest }}',
    },
    steps: [
      checkoutStep(s),
      { id: 'setup-helm', name: 'Set up Helm', uses: s.actions.uses('azure/setup-helm'), with: { version: HELM_VERSION } },
      {
        id: 'pin-image',
        name: 'Pin the promoted image in the values',
        run: script(
          'chart="$RUNNER_TEMP/chart"',
          'cp -R "$CHART_DIR" "$chart"',
          `yq -i '.${IMAGE_VALUES.repository} = strenv(IMAGE_NAME) | .${IMAGE_VALUES.tag} = strenv(VERSION) | .${IMAGE_VALUES.digest} = strenv(DIGEST)' "$chart/values.yaml"`,
        ),
      },
      {
        id: 'package',
        name: 'Package',
        run: 'helm package "$RUNNER_TEMP/chart" --version "$VERSION" --app-version "$VERSION" --destination "$RUNNER_TEMP/dist"\n',
      },
      {
        id: 'push',
        name: 'Push to the OCI registry',
        env: { ...registryCredentialsEnv(s), CHART_REPOSITORY: s.chartRepository },
        run: script(
          `helm registry login "${s.chartRepository.split('/')[0]}" --username "$REGISTRY_USERNAME" --password-stdin <<< "$REGISTRY_PASSWORD"`,
          `helm push "$RUNNER_TEMP/dist/${chartName}-$VERSION.tgz" "oci://$CHART_REPOSITORY"`,
        ),
      },
      {
        id: 'collect',
        name: 'Collect the release assets',
        run: script(
          'mkdir -p "$RUNNER_TEMP/assets"',
          `cp "$RUNNER_TEMP/dist/${chartName}-$VERSION.tgz" "${s.appDir}/AppManifest.json" "$RUNNER_TEMP/assets/"`,
        ),
      },
      {
        id: 'upload-assets',
        name: 'Upload the release assets',
        uses: s.actions.uses('actions/upload-artifact'),
        with: { 'name': 'release-assets', 'path': '${{ runner.temp }}/assets/*', 'if-no-files-found': 'error' },
      },
    ],
  };
}

function githubReleaseJob(s: WorkflowSettings): Job {
  return {
    name: 'GitHub release',
    needs: ['promote', 'chart'],
    runsOn: [s.defaultRunner],
    permissions: { contents: JobPermission.WRITE },
    timeoutMinutes: 10,
    steps: [
      {
        id: 'download-assets',
        name: 'Download the chart and AppManifest',
        uses: s.actions.uses('actions/download-artifact'),
        with: { name: 'release-assets', path: '${{ runner.temp }}/assets' },
      },
      {
        id: 'download-sbom',
        name: 'Download the SBOMs',
        uses: s.actions.uses('actions/download-artifact'),
        with: { name: 'sbom', path: '${{ runner.temp }}/assets' },
      },
      {
        id: 'release',
        name: 'Create the release',
        env: { GH_TOKEN: '${{ secrets.GITHUB_TOKEN }}', DIGEST: '${{ needs.promote.outputs.digest }}' },
        run: script(
          'notes="Image: $IMAGE_NAME@$DIGEST"',
          'gh release create "$GITHUB_REF_NAME" "$RUNNER_TEMP"/assets/* --repo "$GITHUB_REPOSITORY" --title "$GITHUB_REF_NAME" --notes "$notes" --generate-notes --verify-tag',
        ),
      },
    ],
  };
}
