import type { Config } from '../../../config'
import { DiskStorage } from './disk'
import { S3Storage } from './s3'
import type { MediaStorage } from './types'

export type { MediaStorage, UploadTicket, StoredObject } from './types'
export { DiskStorage, BLOB_PATH } from './disk'
export { S3Storage } from './s3'

/** S3 when S3_BUCKET or S3_ENDPOINT is set, else the disk store under DATA_DIR. */
export function createStorage(config: Config): MediaStorage {
  if (config.s3.enabled) return new S3Storage(config.s3)
  return new DiskStorage({ dataDir: config.dataDir, publicUrl: config.media.publicUrl, signingKey: config.media.signingKey })
}
