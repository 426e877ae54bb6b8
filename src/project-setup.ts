import * as fs from 'fs';
import { dirname, join } from 'path';
import { javascript, typescript } from 'projen';
import { withGitRemote } from './app/git-remote';
import { normaliseRepositoryUrl } from './app/repository-url';
import { NODE_MAJOR } from './node-version';
import { checkOptionShape } from './option-shapes';
import { PROJENRC_COMPILER_OPTIONS, runProjenrcWithLoader } from './projenrc/projenrc-typescript';
import { Problems, rules } from './validation';

// What the project types share about the repository: its license, its .projenrc.ts and dev dependencies.

const LIBRARY = 'projen-velocitas';

/** The options the license check reads. @internal */
export interface LicenseOptions {
  readonly license?: string;
  readonly authorName?: string;
}

/**
 * projen writes LICENSE from its own `license-text/<spdx>.txt` and throws mid-construction when there is none or
 * when the text names a copyright owner and none is given; checking first reports it with every other problem.
 * @internal
 */
export function checkLicense(problems: Problems, options: LicenseOptions): void {
  const spdx = options.license ?? 'Apache-2.0';
  const textDir = join(dirname(require.resolve('projen/package.json')), 'license-text');
  // The id becomes a file name: nothing but SPDX id characters.
  const textFile = /^[A-Za-z0-9.+-]+$/.test(String(spdx)) ? join(textDir, `${spdx}.txt`) : undefined;
  const known = textFile !== undefined && fs.existsSync(textFile);
  const ids = known ? [] : fs.readdirSync(textDir).filter(f => f.endsWith('.txt')).map(f => f.slice(0, -'.txt'.length)).sort();
  if (!problems.check(known, 'license', spdx, 'is not a license projen can write a LICENSE file for',
    `use an SPDX id projen knows, such as Apache-2.0 (one of ${ids.join(', ')})`)) return;
  const needsOwner = fs.readFileSync(textFile!, 'utf8').includes('$copyright_owner');
  problems.check(!needsOwner || !!options.authorName, 'license', spdx, 'needs a copyright owner in the LICENSE file, and authorName is not set',
    'set authorName (the copyright owner)');
}

/** Whether projen can write the license; when not, the project goes without one until validation reports why. @internal */
export function isLicenseUsable(options: LicenseOptions, subject: string): boolean {
  const problems = new Problems(subject);
  checkLicense(problems, options);
  return problems.list.length === 0;
}

/** What the repository owns, checked alike in both project types: the license, projen's version, the author, the URL. @internal */
export function checkRepositoryOptions(problems: Problems, options: RepositoryOptions): void {
  checkLicense(problems, options);
  if (options.projenVersion !== undefined) {
    problems.check(rules.isNpmVersionRange(options.projenVersion), 'projenVersion', options.projenVersion, rules.npmVersionRangeRule,
      'use e.g. "0.103.25" or "~0.103.25"');
  }
  if (options.authorEmail !== undefined) {
    problems.check(rules.isEmail(options.authorEmail), 'authorEmail', options.authorEmail, 'is not an email address', 'use e.g. "team@example.com"');
    problems.check(!!options.authorName, 'authorEmail', options.authorEmail, 'is set without authorName, and package.json names an author by name',
      'set authorName too, or leave out authorEmail');
  }
  const urlProblem = options.repositoryUrl === undefined ? undefined : rules.repositoryUrlProblem(options.repositoryUrl);
  if (urlProblem) problems.add('repositoryUrl', options.repositoryUrl, urlProblem.rule, urlProblem.fix);
}

/** What both project types tell projen about the repository. @internal */
export interface RepositoryOptions extends LicenseOptions {
  readonly name: string;
  readonly description?: string;
  readonly outdir?: string;
  readonly repositoryUrl?: string;
  readonly authorEmail?: string;
  readonly projenVersion?: string;
}

/**
 * Unknown keys and values of the wrong kind reported as tsc would (.projenrc.ts runs without type-checking), then,
 * in `projen new` inside a clone, the git remote's URL, so the images get the right ghcr.io owner.
 * @internal
 */
export function checkRepositoryOptionTypes<T extends RepositoryOptions>(options: T, subject: string, typeName: string): T {
  const problems = new Problems(subject);
  checkOptionShape(problems, '', options, typeName);
  problems.throwIfAny();
  return withGitRemote(options);
}

/** A Node project with projen's own release, lint and bot machinery off: the repository of vehicle apps. @internal */
export function repositoryProjectOptions(options: RepositoryOptions, subject: string, readme: string): javascript.NodeProjectOptions {
  return {
    name: options.name,
    description: options.description,
    outdir: options.outdir,
    defaultReleaseBranch: 'main',
    repository: normaliseRepositoryUrl(options.repositoryUrl)?.webUrl,
    license: options.license ?? 'Apache-2.0',
    licensed: isLicenseUsable(options, subject),
    authorName: options.authorName,
    // projen throws on an email without a name; validation reports it.
    authorEmail: options.authorName ? options.authorEmail : undefined,
    packageManager: javascript.NodePackageManager.NPM,
    projenVersion: options.projenVersion,
    projenrcJs: false,
    projenrcJson: false,
    jest: false,
    release: false,
    buildWorkflow: false,
    githubOptions: { mergify: false, pullRequestLint: false },
    depsUpgrade: false,
    pullRequestTemplate: false,
    package: false,
    npmignoreEnabled: false,
    stale: false,
    entrypoint: '',
    minNodeVersion: `${NODE_MAJOR}.0.0`,
    readme: { contents: readme },
    // `projen new` hands its bootstrap data through this key; without it no .projenrc.ts is written.
    ...({ __new__: (options as any).__new__ } as {}),
  };
}

/** npm needs `name@file:path` for a local tarball or folder; projen passes the bare path. @internal */
export function asDependencySpec(spec: string): string {
  const isPath = /^(\.{0,2}\/|[A-Za-z]:\\)/.test(spec) || spec.endsWith('.tgz');
  if (!isPath) return spec;
  const base = spec.replace(/\\/g, '/').split('/').pop() ?? '';
  const name = base.startsWith(LIBRARY) ? LIBRARY : base.replace(/-\d+\.\d+\.\d+.*$/, '').replace(/\.tgz$/, '');
  return `${name}@file:${spec}`;
}

/** `.projenrc.ts` run on plain Node through our loader, its tsconfig and `typecheck` task, and the dev dependencies it imports. @internal */
export function addProjenrc(project: javascript.NodeProject, extraDevDeps: string[] | undefined): void {
  // .projenrc.ts runs on plain Node through our loader, without type-checking; `npx projen typecheck` checks it.
  const projenrc = new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.nodejs() });
  runProjenrcWithLoader(project.defaultTask!, projenrc.filePath);
  // `projen new --from <spec>` passes the spec it installed from: a version, or a tarball or folder path.
  const devDeps = (extraDevDeps ?? []).map(asDependencySpec);
  const hasLibrary = devDeps.some(d => d === LIBRARY || d.startsWith(`${LIBRARY}@`));
  project.addDevDeps('typescript@~5.9.3', `@types/node@^${NODE_MAJOR}`, 'constructs', 'cdk8s', 'cdk8s-plus-27', ...(hasLibrary ? [] : [LIBRARY]), ...devDeps);
  projenrc.tsconfig.file.addOverride('compilerOptions', PROJENRC_COMPILER_OPTIONS);
  project.addTask('typecheck', { description: 'Type-check .projenrc.ts', exec: 'tsc --noEmit -p tsconfig.projen.json' });
}
