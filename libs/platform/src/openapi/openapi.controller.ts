import { Controller, Get, Inject, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { PLATFORM_CONFIG, type BaseConfig } from '../config/config';
import { describeControllers } from './describe-controllers';
import type { OpenApiDocument } from './openapi-types';

/**
 * The service's routes as an OpenAPI fragment, for the gateway to assemble the public document
 * (GET /api/docs) from. Internal HTTP like every service route; it holds route shapes only, no data.
 */
@Controller()
export class OpenApiController {
  private document?: OpenApiDocument;

  constructor(
    private readonly modules: ModulesContainer,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
  ) {}

  @Get('openapi.json')
  fragment(): OpenApiDocument {
    this.document ??= describeControllers(controllersOf(this.modules), { title: this.config.SERVICE_NAME });
    return this.document;
  }
}

/** Every controller class the application registered, each once. */
export function controllersOf(modules: ModulesContainer): Type<unknown>[] {
  const controllers = new Set<Type<unknown>>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) controllers.add(wrapper.metatype as Type<unknown>);
    }
  }
  return [...controllers];
}
