import {
  BadRequestException,
  HttpException,
  HttpStatus,
  InternalServerErrorException,
  NotFoundException,
} from '@nestjs/common';
import { z } from 'zod';
import { toProblem } from './problem-exception.filter';
import { DomainException, ValidationException } from './problem';

enum AssignmentErrorCode {
  ALREADY_ASSIGNED = 'ALREADY_ASSIGNED',
}
class AssignmentException extends DomainException<AssignmentErrorCode> {
  get status() {
    return 409;
  }
}

describe('toProblem', () => {
  it('turns a ValidationException into a 400 with its field errors', () => {
    const errors = [
      { path: 'clientId', message: 'Invalid UUID' },
      { path: 'extra', message: 'is not allowed' },
    ];
    expect(toProblem(new ValidationException(errors))).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is not valid.',
      errors,
    });
    expect(toProblem(new ValidationException([], 'The date range is empty.'))).toMatchObject({
      status: 400,
      detail: 'The date range is empty.',
      errors: [],
    });
  });

  it('turns a ZodError into a 400 with one field error per path, listing each unrecognized key', () => {
    const schema = z
      .object({
        clientId: z.uuid(),
        window: z.object({ from: z.iso.date(), to: z.iso.date() }).strict(),
        tags: z.array(z.string().min(1)),
      })
      .strict();
    const result = schema.safeParse({
      clientId: 'nope',
      window: { from: '2025-01-01', to: 5, note: 'x' },
      tags: ['ok', ''],
      diary: 'free text',
      admin: true,
    });
    expect(result.success).toBe(false);
    const problem = toProblem(result.error);
    expect(problem).toMatchObject({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is not valid.',
    });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'clientId', message: expect.stringMatching(/uuid/i) },
        { path: 'window.to', message: expect.any(String) },
        { path: 'window.note', message: 'is not allowed' },
        { path: 'tags.1', message: expect.any(String) },
        { path: 'diary', message: 'is not allowed' },
        { path: 'admin', message: 'is not allowed' },
      ]),
    );
    expect(problem.errors).toHaveLength(6);
    // The rejected values are not echoed back.
    expect(JSON.stringify(problem)).not.toContain('free text');
  });

  it('names a root-level zod failure "(root)"', () => {
    const result = z.object({ a: z.string() }).safeParse('not an object');
    expect(toProblem(result.error)).toMatchObject({
      status: 400,
      errors: [{ path: '(root)', message: expect.any(String) }],
    });
  });

  it('turns an unknown error into a generic 500 that leaks neither its message nor its stack', () => {
    const error = new Error(
      'duplicate key value violates unique constraint "user_email_key" DETAIL: Key (email)=(jane@example.org)',
    );
    const problem = toProblem(error);
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side.',
    });
    const body = JSON.stringify(problem);
    expect(body).not.toContain('jane@example.org');
    expect(body).not.toContain('user_email_key');
    expect(body).not.toMatch(/\bat .*\.ts:\d+/);
    expect(toProblem('a thrown string')).toMatchObject({
      status: 500,
      detail: 'Something went wrong on our side.',
    });
    expect(toProblem(undefined)).toMatchObject({ status: 500 });
  });

  it('keeps the status and message of an HttpException, but not the message of a 5xx one', () => {
    expect(toProblem(new NotFoundException())).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Not Found',
    });
    expect(toProblem(new HttpException('No such client.', HttpStatus.NOT_FOUND))).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No such client.',
    });
    expect(toProblem(new BadRequestException('The request body is not valid JSON.'))).toMatchObject({
      status: 400,
      detail: 'The request body is not valid JSON.',
    });
    expect(toProblem(new HttpException('Slow down.', 429))).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
    });
    expect(toProblem(new HttpException('teapot', 418))).toMatchObject({ status: 418, title: 'Error' });
    const internal = toProblem(new InternalServerErrorException('connection to 10.0.0.7 refused'));
    expect(internal).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(JSON.stringify(internal)).not.toContain('10.0.0.7');
  });

  it('maps a domain exception to its own status and code', () => {
    expect(
      toProblem(
        new AssignmentException(
          AssignmentErrorCode.ALREADY_ASSIGNED,
          'This client is already in your caseload.',
        ),
      ),
    ).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'This client is already in your caseload.',
      code: 'ALREADY_ASSIGNED',
    });
  });
});
