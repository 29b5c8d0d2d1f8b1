import { resolve } from 'node:path';
import type { Construct } from 'constructs';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../functions/commons/brand-config-file';
import type { BrandConfig } from '../functions/core/brand-config';

export interface BrandConfigSource {
  /** Absolute path of the file that was read. */
  readonly path: string;
  readonly config: BrandConfig;
  /** The validated config as JSON: what esbuild inlines into every bundle. */
  readonly json: string;
}

/**
 * Reads and validates the brand config at synth time, before any resource is created, so a bad
 * config fails `cdk synth` with the BrandConfigError that names each bad field. The file comes from
 * (first found) the explicit path, context `config` (`-c config=path`), env SOCIALCARE_CONFIG, or the
 * shipped demo airline. Relative paths are relative to the directory `cdk` runs in.
 */
export function loadBrandConfig(scope: Construct, explicitPath?: string): BrandConfigSource {
  const context: unknown = scope.node.tryGetContext('config');
  if (context !== undefined && (typeof context !== 'string' || context === '')) {
    throw new Error(
      'context "config" must be the path of a brand config file, e.g. -c config=config/demo-airline.json',
    );
  }
  const fromContext = context as string | undefined;
  const chosen =
    explicitPath ?? fromContext ?? (process.env.SOCIALCARE_CONFIG || undefined) ?? DEMO_CONFIG_PATH;
  const path = resolve(chosen);
  const config = readBrandConfigFile(path);
  return { path, config, json: JSON.stringify(config) };
}
