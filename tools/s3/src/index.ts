export { type LocalS3Handle, startLocalS3 } from './local-s3';
