import { Project, YamlFile } from 'projen';
import { AppLanguage, VehicleApp } from '../app/vehicle-app';
import { PINS_DIR } from '../pin-file';

/** Days a new release must age before Dependabot proposes it (a hijacked release is usually pulled sooner). */
const COOLDOWN_DAYS = 7;

/**
 * `.github/dependabot.yml`: weekly updates of the actions and base images (in the pin files of
 * `.github/pins/`, never in the generated files: `npx projen` renders the bumped pins into them), of
 * the npm dev dependencies (projen-velocitas itself) and, for Python apps, of the pip requirements.
 * @internal
 */
export function addDependabotConfig(project: Project, app: VehicleApp, appDir: string, pinsBaseImages: boolean): YamlFile {
  const update = (ecosystem: string, directory: string) => ({
    'package-ecosystem': ecosystem,
    'directory': directory,
    'schedule': { interval: 'weekly' },
    'cooldown': { 'default-days': COOLDOWN_DAYS },
    'groups': { [ecosystem]: { patterns: ['*'] } },
  });
  const updates = [update('github-actions', `/${PINS_DIR}`), ...(pinsBaseImages ? [update('docker', `/${PINS_DIR}`)] : []), update('npm', '/')];
  // C++ dependencies come through CMake/Conan, which Dependabot does not update.
  if (app.language === AppLanguage.PYTHON) updates.push(update('pip', `/${appDir}`));
  return new YamlFile(project, '.github/dependabot.yml', { obj: { version: 2, updates }, committed: true });
}
