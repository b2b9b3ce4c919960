// Catalog lookups by name at a snapshot (a schema, a table, a view) never change for that
// snapshot: later commits only end rows at later snapshots. They are kept here, shared by every
// transaction of the lake, so that binding a statement does not ask the catalog again for the
// names the previous statement on the same snapshot already looked up. Bounded, least recently
// used first out.
const DEFAULT_CAPACITY = 4096;

export class SnapshotLookups {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The value of `load()` for this key, loaded once; a failed load is not kept. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key) as Promise<T> | undefined;
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const loading = load();
    this.entries.set(key, loading);
    loading.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }
}
