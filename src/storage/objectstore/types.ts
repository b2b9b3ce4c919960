// The object store room's interface: where a namespace's data files live. Keys are
// '/'-separated relative paths ("tables/12/ab34.parquet"); the store decides where they go.

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ObjectStore {
  /** Where this store points, for messages and for other processes: file:///abs/dir or s3://bucket/prefix. */
  readonly url: string;
  /**
   * A local directory on which writers (DuckDB) create files before handing them to putFile.
   * For the filesystem backend it is on the same filesystem as the store, so putFile is a rename.
   */
  readonly stagingDir: string;
  /**
   * Makes a finished local file the object `key`. The local file is consumed (moved or removed).
   * Durable when the promise resolves: fsynced file and directory, or a completed (multipart) upload.
   */
  putFile(key: string, localPath: string): Promise<{ size: number }>;
  /** Writes small objects (manifests, markers) durably. */
  putBytes(key: string, data: Uint8Array): Promise<void>;
  getBytes(key: string): Promise<Buffer>;
  /**
   * A local filesystem path from which DuckDB can read the object: the file itself for the
   * filesystem backend, a copy in the bounded read cache for remote backends. Fails with a
   * LakeshiftError (58P01) naming the object when it does not exist.
   */
  localPath(key: string): Promise<string>;
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with prefix, in no particular order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  close(): Promise<void>;
}
