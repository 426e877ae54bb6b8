import { github } from 'projen';

type JobStep = github.workflows.JobStep;

/** Joins shell lines into one `run:` block. @internal */
export function runBlock(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** Writes the tail of the unit-test log, and any extra lines, to the job summary, even when tests failed. @internal */
export function summaryStep(workingDirectory: string | undefined, extraLines: string[]): JobStep {
  return {
    id: 'summary',
    name: 'Write the job summary',
    if: 'always()',
    workingDirectory,
    run: runBlock(
      '{',
      '  echo "## Unit tests"',
      '  echo \'```\'',
      '  tail -n 15 "$RUNNER_TEMP/unit-tests.log" 2>/dev/null || echo "no test output"',
      '  echo \'```\'',
      ...extraLines,
      '} >> "$GITHUB_STEP_SUMMARY"',
    ),
  };
}
