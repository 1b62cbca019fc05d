import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { InternalTokenStrategy } from './internal-token.strategy';
import { InternalAuthGuard } from './internal-auth.guard';

@Module({
  imports: [PassportModule],
  providers: [InternalTokenStrategy, InternalAuthGuard],
  exports: [InternalAuthGuard],
})
export class InternalAuthModule {}
