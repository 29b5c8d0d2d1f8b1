import type { BrandConfig } from '../core/brand-config';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads required variables once, at module load; a missing one fails the cold start naming all of them. */
export function requireEnv<const K extends string>(names: readonly K[]): Record<K, string> {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length) throw new ConfigError(`missing environment variable(s): ${missing.join(', ')}`);
  return Object.fromEntries(names.map((name) => [name, process.env[name] as string])) as Record<K, string>;
}

/**
 * The brand config inside a Lambda. The stack validates the file at synth time and esbuild inlines it
 * in the bundle (define), so there is no file or network read at cold start. What is inlined is the
 * validated config itself, defaults filled in (lib/brand-config-source.ts), so it is read here, not
 * validated again: validation is where the config enters, at synth. Doing it again cost every cold
 * start the schemas and a time zone lookup per calendar (about a third of the triage's module load).
 */
export function bundledBrandConfig(): BrandConfig {
  const json = process.env.SOCIALCARE_BRAND_CONFIG_JSON;
  if (!json)
    throw new ConfigError(
      'SOCIALCARE_BRAND_CONFIG_JSON is missing: the function was not bundled by the stack',
    );
  return JSON.parse(json) as BrandConfig;
}

/** A secret field an operator has filled in: not empty, not still the deploy's REPLACE_ME placeholder. */
export function isSet(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !value.startsWith('REPLACE_ME');
}
