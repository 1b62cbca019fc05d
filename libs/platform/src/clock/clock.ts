/**
 * Time as a dependency: every decision that depends on the time (a link's window, a share's expiry,
 * a notice throttle, presence freshness) reads it here, so a test moves the clock instead of waiting.
 * PlatformModule provides SystemClock; a test overrides it (`app.get(Clock)` and a spy, or
 * `FixedClock`).
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that says what it is told (tests): starts at `start`, moves only by `advance`/`set`. */
export class FixedClock extends Clock {
  private at: number;

  constructor(start: Date = new Date()) {
    super();
    this.at = start.getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  advance(ms: number): Date {
    this.at += ms;
    return this.now();
  }

  set(at: Date): void {
    this.at = at.getTime();
  }
}
