export {
  ensureKafkaClasspath,
  ensureMavenClasspath,
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
