export * from './contract-stack';
