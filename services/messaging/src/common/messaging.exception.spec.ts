import { MessagingErrorCode, MessagingException } from './messaging.exception';

describe('messaging errors', () => {
  it.each([
    [MessagingErrorCode.NotFound, 404],
    [MessagingErrorCode.Forbidden, 403],
    [MessagingErrorCode.IdempotencyConflict, 409],
    [MessagingErrorCode.TooManyStreams, 429],
  ])('%s is HTTP %i', (code, status) => {
    expect(new MessagingException(code, 'x').status).toBe(status);
  });
});
