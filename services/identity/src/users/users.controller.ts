import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { UsersService } from './users.service';
import { createUserSchema, type CreateUserDto } from './dto/create-user.dto';

@Controller()
@UseGuards(InternalAuthGuard)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  me(@CurrentActor() actor: Actor) {
    return this.users.profile(actor);
  }

  @Post('users')
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createUserSchema)) body: CreateUserDto) {
    return this.users.createByAdmin(actor, body);
  }
}
