import { Injectable } from '@nestjs/common';

/** The service's clock: record times and checkpoint schedules read it, tests move it. */
@Injectable()
export class AuditClock {
  now(): Date {
    return new Date();
  }
}
