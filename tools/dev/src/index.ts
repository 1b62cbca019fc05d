export * from './service-process';
export * from './stack-env';
export * from './run-identity-cli';
export * from './run-content-cli';
export * from './totp';
export * from './web-build';
