import { Project, YamlFile } from 'projen';
import { AppLanguage, VehicleApp } from '../app/vehicle-app';

/** Days a new release must age before Dependabot proposes it (a hijacked release is usually pulled sooner). */
const COOLDOWN_DAYS = 7;

/**
 * `.github/dependabot.yml`: weekly updates of the workflow actions, the Dockerfile base images
 * and, for Python apps, the pip requirements in the app folder.
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
  const updates = [update('github-actions', '/'), update('docker', `/${appDir}`)];
  // C++ dependencies come through CMake/Conan, which Dependabot does not update.
  if (app.language === AppLanguage.PYTHON) updates.push(update('pip', `/${appDir}`));
  return new YamlFile(project, '.github/dependabot.yml', { obj: { version: 2, updates }, committed: true });
}
