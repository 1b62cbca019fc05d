export * from './contract-stack';
export * from './validate-openapi';
