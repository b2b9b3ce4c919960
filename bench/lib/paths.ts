// Where the benchmark harness finds the checkout it measures.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root of this checkout (bench/lib → ../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
