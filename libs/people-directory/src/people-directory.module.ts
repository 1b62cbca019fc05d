import { Module } from '@nestjs/common';
import { PeopleDirectory } from './people-directory';
import { PeopleDirectoryConsumer } from './people-directory.consumer';

/**
 * A local directory of identity's accounts (role, display name, status) for a service that shows or
 * checks people without asking identity. The service imports this module and lists
 * `PeopleDirectory1763900000050` in its migrations (before any of its own that reference person).
 */
@Module({ controllers: [PeopleDirectoryConsumer], providers: [PeopleDirectory], exports: [PeopleDirectory] })
export class PeopleDirectoryModule {}
