import { Project, YamlFile } from 'projen';
import { AppLanguage, VehicleApp } from '../app/vehicle-app';

/** Days a new release must age before Dependabot proposes it (a hijacked release is usually pulled sooner). */
const COOLDOWN_DAYS = 7;

/**
 * `.github/dependabot.yml`: weekly updates of the npm dev dependencies (projen-velocitas brings new
 * action pins and base images, tested together) and, for Python apps, the pip requirements.
 *
 * The workflows and the Dockerfile are generated: a Dependabot edit to them would be undone by the next
 * `npx projen` and fail the drift check, so their pins advance with the library instead.
 * @internal
 */
export function addDependabotConfig(project: Project, app: VehicleApp, appDir: string): YamlFile {
  const update = (ecosystem: string, directory: string) => ({
    'package-ecosystem': ecosystem,
    'directory': directory,
    'schedule': { interval: 'weekly' },
    'cooldown': { 'default-days': COOLDOWN_DAYS },
    'groups': { [ecosystem]: { patterns: ['*'] } },
  });
  const updates = [update('npm', '/')];
  // C++ dependencies come through CMake/Conan, which Dependabot does not update.
  if (app.language === AppLanguage.PYTHON) updates.push(update('pip', `/${appDir}`));
  return new YamlFile(project, '.github/dependabot.yml', { obj: { version: 2, updates }, committed: true });
}
