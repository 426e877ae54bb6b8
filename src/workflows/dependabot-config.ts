import { Project, YamlFile } from 'projen';
import { DependabotEcosystem } from '../languages/language-spec';
import { PINS_DIR } from '../pin-file';

/** Days a new release must age before Dependabot proposes it (a hijacked release is usually pulled sooner). */
const COOLDOWN_DAYS = 7;

/**
 * `.github/dependabot.yml`: weekly updates of the actions and base images (in the pin files of
 * `.github/pins/`, never in the generated files: `npx projen` renders the bumped pins into them), of
 * the npm dev dependencies (projen-velocitas itself) and of the app's own packages where its language has an ecosystem.
 * @internal
 */
export function addDependabotConfig(project: Project, appEcosystems: DependabotEcosystem[], pinsImages: boolean): YamlFile {
  const update = (ecosystem: string, directory: string) => ({
    'package-ecosystem': ecosystem,
    'directory': directory,
    'schedule': { interval: 'weekly' },
    'cooldown': { 'default-days': COOLDOWN_DAYS },
    'groups': { [ecosystem]: { patterns: ['*'] } },
  });
  const updates = [
    update('github-actions', `/${PINS_DIR}`),
    ...(pinsImages ? [update('docker', `/${PINS_DIR}`)] : []),
    update('npm', '/'),
    ...appEcosystems.map(e => update(e.ecosystem, e.directory)),
  ];
  return new YamlFile(project, '.github/dependabot.yml', { obj: { version: 2, updates }, committed: true });
}
