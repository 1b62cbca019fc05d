export {
  ensureKafkaClasspath,
  ensureMavenClasspath,
  freePorts,
  type KafkaHandle,
  LocalKafka,
  type LocalKafkaOptions,
  startKafkaOrUseExternal,
} from './local-kafka';
