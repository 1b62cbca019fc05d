import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { InternalTokenStrategy } from './internal-token.strategy';
import { InternalAuthGuard } from './internal-auth.guard';
import { GatewayCallerGuard } from './gateway-caller.guard';

@Module({
  imports: [PassportModule],
  providers: [InternalTokenStrategy, InternalAuthGuard, GatewayCallerGuard],
  exports: [InternalAuthGuard, GatewayCallerGuard],
})
export class InternalAuthModule {}
