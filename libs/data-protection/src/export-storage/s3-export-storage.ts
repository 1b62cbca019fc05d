import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { checkKey, ExportLocationError, type ExportStorage } from './export-storage';

export interface S3ExportStorageOptions {
  bucket: string;
  region: string;
  /** Objects are kept under this prefix (`exports/` by default; empty: the bucket's root). */
  prefix: string;
  /** An S3-compatible endpoint other than AWS's (in-region object store); unset: AWS S3. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Unset: the SDK's default chain (workload identity, instance role, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The export store as an S3-compatible in-region bucket (clusters). Only sealed packages and the
 * participants' documents of a running export are kept there, each deleted once packed or fetched;
 * the bucket's own encryption at rest is an extra, not what protects a package.
 */
export class S3ExportStorage implements ExportStorage {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3ExportStorageOptions) {
    this.bucket = options.bucket;
    this.prefix =
      options.prefix === '' || options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Integrity is the content's own (a document's confirmed SHA-256, a package's AEAD tag); the SDK's
      // default CRC trailers (aws-chunked bodies) are not implemented by every S3-compatible store.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  urlOf(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${checkKey(key)}`;
  }

  keyOf(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ExportLocationError('the export location is not a URL');
    }
    const path = parsed.pathname.replace(/^\//, '');
    if (parsed.protocol !== 's3:' || parsed.hostname !== this.bucket || parsed.search || parsed.hash) {
      throw new ExportLocationError('the export location is not in the export bucket');
    }
    if (!path.startsWith(this.prefix) || path.length === this.prefix.length) {
      throw new ExportLocationError('the export location is outside the export prefix');
    }
    return checkKey(decodeURIComponent(path.slice(this.prefix.length)));
  }

  async put(key: string, body: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      if (!out.Body) throw new Error(`export object ${key} has no body`);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey)
        throw Object.assign(new Error(`no export object ${key}`), { code: 'ENOENT' });
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async deleteUnder(prefix: string): Promise<void> {
    const under = `${this.objectKey(prefix)}/`;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: under, ContinuationToken: token }),
      );
      // One by one: a request holds a handful of documents, and not every S3-compatible store has DeleteObjects.
      for (const o of page.Contents ?? []) {
        if (o.Key) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: o.Key }));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Closes the client's sockets (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    return `${this.prefix}${checkKey(key)}`;
  }
}
