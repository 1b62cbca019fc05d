export {
  ensureKafkaClasspath,
  type KafkaHandle,
  LocalKafka,
  type LocalKafkaOptions,
  startKafkaOrUseExternal,
} from './local-kafka';
