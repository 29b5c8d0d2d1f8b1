import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BrandConfig, BrandConfigError } from '../core/brand-config';
import { parseBrandConfigJson } from '../core/brand-config-schema';

/** The shipped demo airline: what `npm start` and the examples use unless SOCIALCARE_CONFIG says otherwise. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../config/demo-airline.json', import.meta.url));

export function readBrandConfigFile(path: string): BrandConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BrandConfigError(`cannot read brand config ${path}: ${(error as Error).message}`, [
      `(file): unreadable`,
    ]);
  }
  return parseBrandConfigJson(text, path);
}
