import { mediaSuite, startSuiteApp } from './suite'

// Media in S3 (a local s3rver the test starts).
mediaSuite(await startSuiteApp('s3'))
