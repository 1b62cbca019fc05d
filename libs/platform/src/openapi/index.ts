export * from './api-response.decorator';
export * from './describe-controllers';
export * from './json-schema';
export * from './openapi-types';
export * from './openapi.controller';
export * from './problem.schema';
