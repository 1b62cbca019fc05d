// kafkajs' table of broker error codes (not in its typings): which errors it retries by itself.
declare module 'kafkajs/src/protocol/error' {
  export const errorCodes: { type: string; code: number; retriable: boolean; message: string }[];
}
