/** The export location or a document's address is not one of this store's (refused: retrying will not help). */
export class ExportLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportLocationError';
  }
}

/**
 * Where subject exports are assembled and sealed packages wait for their download: a directory
 * (EXPORT_ROOT, local and tests) or an S3-compatible in-region bucket (EXPORT_S3_BUCKET, clusters).
 * Objects are named by relative keys (`<request>/<service>.json`, `.packages/<request>.sealed`) and
 * addressed in events by URL (`file:` or `s3:`); an address outside the store is refused, so an event
 * cannot make a service read or write elsewhere.
 */
export interface ExportStorage {
  /** The URL of a key (`file:///…` or `s3://bucket/…`). */
  urlOf(key: string): string;
  /** The key of a URL of this store; ExportLocationError for anything else. */
  keyOf(url: string): string;
  /** Writes the object whole (a reader never sees half of it); an existing one is replaced. */
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Deletes the object; nothing if there is none. */
  delete(key: string): Promise<void>;
  /** Deletes every object under `<prefix>/`. */
  deleteUnder(prefix: string): Promise<void>;
}

/** A key: relative segments of letters, digits, `.`, `_`, `-`; no empty, `.` or `..` segment. */
export function checkKey(key: string): string {
  const segments = key.split('/');
  const fine = segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s) && s !== '.' && s !== '..');
  if (!fine) throw new ExportLocationError('not a key of the export store');
  return key;
}
