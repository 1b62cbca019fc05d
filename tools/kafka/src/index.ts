export { forEachLine, trackChild } from './child-processes';
export { withFileLock } from './file-lock';
export { ensureMavenClasspath } from './jar-cache';
export {
  ensureKafkaClasspath,
  freePorts,
  type KafkaHandle,
  LocalKafka,
  type LocalKafkaOptions,
  startKafkaOrUseExternal,
} from './local-kafka';
export {
  mirrorMakerProperties,
  startMirrorMaker,
  type MirrorMakerHandle,
  type MirrorMakerOptions,
} from './mirror-maker';
