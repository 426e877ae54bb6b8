/**
 * `npx projen property [--seed N] [--runs N] [--invalid-runs N]`: the property run with a random seed
 * (or a given one to replay). Prints the seed, projects per minute, every finding with the options that
 * produced it and fast-check's shrunk counterexample; exits 1 on any finding.
 */
import { runInvalid, runValid } from '../test/property/report';
import { BATCH_TOOLS } from '../test/property/project-batch';
import { INSTALL_HINT, missingTools } from '../test/validators/tools';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<number> {
  const missing = missingTools(BATCH_TOOLS);
  if (missing.length > 0) {
    console.error(`property: missing validator(s) ${missing.join(', ')} — run: ${INSTALL_HINT}`);
    return 1;
  }
  const seed = arg('seed', Math.floor(Math.random() * 2 ** 31));
  const runs = arg('runs', 2000);
  const invalidRuns = arg('invalid-runs', 1000);
  console.log(`property: seed ${seed} (replay: npx projen property --seed ${seed} --runs ${runs})`);
  const valid = await runValid(seed, runs);
  console.log(valid.text);
  const invalid = runInvalid(seed, invalidRuns);
  console.log(`property: ${invalidRuns} invalid projects, seed ${seed}: ${invalid.failures.length} without the expected problem report or with a changed folder`);
  for (const f of invalid.failures.slice(0, 20)) console.log(`INVALID ${f.project.path} = ${JSON.stringify(f.project.value)}: ${f.failure}`);
  const failed = valid.report.findings.length + valid.report.synthErrors.length + invalid.failures.length;
  return failed > 0 ? 1 : 0;
}

main().then(code => process.exit(code), e => {
  console.error(e);
  process.exit(1);
});
