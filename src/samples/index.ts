import { cppSample } from './cpp';
import { pythonSample } from './python';
import { AppLanguage, VehicleApp } from '../app/vehicle-app';

/**
 * The sample sources for the app's language, by path relative to the app folder.
 * Written once; the user owns them afterwards.
 */
export function sampleSources(app: VehicleApp): { [path: string]: string } {
  return app.language === AppLanguage.CPP ? cppSample(app) : pythonSample(app);
}
