import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportFile, ExportSink, StoredExport } from '../../core/exports';

/** S3 takes parts of at least 5 MiB (but the last); one part is all an export holds in memory. */
export const EXPORT_PART_BYTES = 8 * 1024 * 1024;
/** How long the download link works. */
export const EXPORT_LINK_SECONDS = 15 * 60;

/**
 * Exports in AWS: the HTTP API answers at most 6 MB from a Lambda, so the text goes to an S3 object
 * (a multipart upload fed as pages are read: one part in memory at a time) and the caller gets a
 * pre-signed GET link for it, valid 15 minutes. The bucket expires objects after a day.
 */
export class S3ExportSink implements ExportSink {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => Date = () => new Date(),
    private readonly partBytes = EXPORT_PART_BYTES,
  ) {}

  async store(file: ExportFile, chunks: AsyncIterable<string>): Promise<StoredExport> {
    const key = `exports/${this.now().toISOString().slice(0, 10)}/${randomUUID()}/${file.name}`;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let bytes = 0;
    let uploadId: string | undefined;
    const parts: Array<{ ETag: string; PartNumber: number }> = [];
    const flush = async () => {
      if (!uploadId) {
        const created = await this.s3.send(
          new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: file.contentType }),
        );
        uploadId = created.UploadId as string;
      }
      const PartNumber = parts.length + 1;
      const uploaded = await this.s3.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber,
          Body: Buffer.concat(pending),
        }),
      );
      parts.push({ ETag: uploaded.ETag as string, PartNumber });
      pending = [];
      pendingBytes = 0;
    };
    try {
      for await (const chunk of chunks) {
        const buffer = Buffer.from(chunk, 'utf8');
        pending.push(buffer);
        pendingBytes += buffer.length;
        bytes += buffer.length;
        if (pendingBytes >= this.partBytes) await flush();
      }
      if (uploadId) {
        if (pendingBytes) await flush();
        await this.s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      } else {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: Buffer.concat(pending),
            ContentType: file.contentType,
          }),
        );
      }
    } catch (error) {
      if (uploadId) {
        await this.s3
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      }
      throw error;
    }
    const url = await getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${file.name}"`,
      }),
      { expiresIn: EXPORT_LINK_SECONDS },
    );
    return {
      url,
      expiresAt: new Date(this.now().getTime() + EXPORT_LINK_SECONDS * 1000).toISOString(),
      bytes,
    };
  }
}
