import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiErrors, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { UsersService } from './users.service';
import { createUserSchema, type CreateUserDto } from './dto/create-user.dto';
import { UserLifecycleService } from './user-lifecycle.service';
import { userIdParamsSchema, type UserIdParams } from './dto/user-id.dto';
import { listUsersQuerySchema, type ListUsersQuery } from './dto/list-users.dto';
import { createdUserSchema, profileSchema, userStatusSchema, usersPageSchema } from './dto/users.responses';

@Controller()
@UseGuards(InternalAuthGuard)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly lifecycle: UserLifecycleService,
  ) {}

  @Get('me')
  @ApiResponse(200, profileSchema)
  @ApiErrors(404)
  me(@CurrentActor() actor: Actor) {
    return this.users.profile(actor);
  }

  /** The organisation's accounts (id, role, status): org admins, and platform staff under a grant. */
  @Get('users')
  @ApiResponse(200, usersPageSchema)
  list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(listUsersQuerySchema)) query: ListUsersQuery,
  ) {
    return this.users.list(actor, query);
  }

  @Post('users')
  @ApiResponse(201, createdUserSchema)
  @ApiErrors(409)
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createUserSchema)) body: CreateUserDto) {
    return this.users.createByAdmin(actor, body);
  }

  @Post('users/:id/deactivate')
  @ApiResponse(200, userStatusSchema)
  @HttpCode(200)
  deactivate(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(userIdParamsSchema)) params: UserIdParams,
  ) {
    return this.lifecycle.deactivate(actor, params.id);
  }

  @Post('users/:id/reactivate')
  @ApiResponse(200, userStatusSchema)
  @ApiErrors(409)
  @HttpCode(200)
  reactivate(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(userIdParamsSchema)) params: UserIdParams,
  ) {
    return this.lifecycle.reactivate(actor, params.id);
  }
}
