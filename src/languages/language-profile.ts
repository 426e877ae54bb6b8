import { CPP } from './cpp';
import { LanguageSpec } from './language-spec';
import { PYTHON } from './python';
import { AppLanguage } from '../app/vehicle-app';

/**
 * Everything language-specific about an app (Dockerfile preset, samples, CI steps, devcontainer, Dependabot,
 * heartbeat check, .gitignore, test commands), chosen once from its `AppLanguage`.
 */
export class LanguageProfile {
  /** The profile of a language; the one place a language is chosen. */
  public static of(language: AppLanguage): LanguageProfile {
    const profile = LanguageProfile.tryOf(language);
    if (!profile) {
      const known = Object.values(AppLanguage).map(l => `"${l}"`).join(', ');
      throw new Error(`No language profile for ${JSON.stringify(language)}. Fix: use one of ${known} (AppLanguage).`);
    }
    return profile;
  }

  /** The profile of a language, or undefined when none is registered (validation reports it). */
  public static tryOf(language: AppLanguage): LanguageProfile | undefined {
    switch (language) {
      case AppLanguage.PYTHON: return LanguageProfile._fromSpec(PYTHON);
      case AppLanguage.CPP: return LanguageProfile._fromSpec(CPP);
      default: return unknownLanguage(language);
    }
  }

  /** @internal */
  public static _fromSpec(spec: LanguageSpec): LanguageProfile {
    return new LanguageProfile(spec);
  }

  /** @internal */
  public readonly _spec: LanguageSpec;

  private constructor(spec: LanguageSpec) {
    this._spec = spec;
  }

  /** The language's name, e.g. `Python`. */
  public get displayName(): string {
    return this._spec.displayName;
  }
}

/** Compile-time exhaustiveness: a new AppLanguage without a case is a type error here. */
function unknownLanguage(language: never): undefined {
  void language;
  return undefined;
}
