// The versions of the clients and tools a suite ran with, for its setup notes: the first line a
// command prints (`psql --version`), a package's version from its package.json.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** The first line of `command args` (e.g. `psql --version`), or 'unknown' when it fails. */
export function commandVersion(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')[0]!;
  } catch {
    return 'unknown';
  }
}

/** The version in an installed package's package.json, or 'unknown'. */
export function packageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
