import { type BrandConfig, parseBrandConfigJson } from '../core/brand-config';

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
 * in the bundle (define), so there is no file or network read at cold start.
 */
export function bundledBrandConfig(): BrandConfig {
  const json = process.env.SOCIALCARE_BRAND_CONFIG_JSON;
  if (!json)
    throw new ConfigError(
      'SOCIALCARE_BRAND_CONFIG_JSON is missing: the function was not bundled by the stack',
    );
  return parseBrandConfigJson(json, 'bundled brand config');
}

/** A secret field an operator has filled in: not empty, not still the deploy's REPLACE_ME placeholder. */
export function isSet(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !value.startsWith('REPLACE_ME');
}
