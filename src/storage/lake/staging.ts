// The lake's staging files in one process: data files written before the object store has them.
// A large insert's file waits there until its transaction ends, so garbage collection (here or
// in another process sharing the store) must tell files in use from those a killed writer left:
// a file is in use while this process holds it, and its name carries the owning process's id,
// whose pin in the catalog is live while that process has transactions open.
import { randomUUID } from 'node:crypto';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const STAGED_NAME = new RegExp(`^(${UUID})\\.${UUID}\\.parquet$`);

export class LakeStaging {
  private readonly held = new Set<string>();

  constructor(
    private readonly dir: string,
    /** This process's id; its catalog pin is `process:<ownerId>`. */
    readonly ownerId: string,
  ) {}

  /** A fresh path in the staging directory, in use until released. */
  claim(): string {
    const path = join(this.dir, `${this.ownerId}.${randomUUID()}.parquet`);
    this.held.add(path);
    return path;
  }

  release(path: string): void {
    this.held.delete(path);
  }

  isHeld(path: string): boolean {
    return this.held.has(path);
  }

  /** Keeps held files' modification times recent, for age-based cleanup elsewhere. */
  async touch(): Promise<void> {
    const now = new Date();
    await Promise.all([...this.held].map((p) => utimes(p, now, now).catch(() => undefined)));
  }
}

/** The id of the process that claimed a staging file, from its name; undefined for others. */
export function stagingOwner(name: string): string | undefined {
  return STAGED_NAME.exec(name)?.[1];
}
