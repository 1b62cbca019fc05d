import type { NextFunction, Request, Response } from 'express';
import { ValidationException } from './problem';
import { refuseUnstorableText, unstorableTextErrors, UNSTORABLE_TEXT_MESSAGE } from './storable-text';

const run = (req: Partial<Request>) => {
  let passed: unknown = 'not called';
  refuseUnstorableText(req as Request, {} as Response, ((err?: unknown) => (passed = err)) as NextFunction);
  return passed;
};

describe('unstorableTextErrors', () => {
  it('names every string field holding a NUL or an unpaired surrogate, at any depth, and keys too', () => {
    const body = JSON.parse(
      '{"email":"a\\u0000@example.org","ok":"fine \\ud83d\\ude00","items":[{"name":"x"},{"name":"\\ud800"}],' +
        '"nested":{"deep":{"low":"\\udc00 alone"}},"bad\\u0000key":1,"n":3,"b":true,"z":null}',
    );
    const errors = unstorableTextErrors(body);
    expect(errors).toEqual([
      { path: 'bad\\u0000key', message: expect.stringContaining('field name') },
      { path: 'email', message: UNSTORABLE_TEXT_MESSAGE },
      { path: 'items.1.name', message: UNSTORABLE_TEXT_MESSAGE },
      { path: 'nested.deep.low', message: UNSTORABLE_TEXT_MESSAGE },
    ]);
    // The error path never echoes the raw character back.
    expect(errors.every((e) => !e.path.includes('\u0000'))).toBe(true);
  });

  it('passes text PostgreSQL stores (emoji, accents, other control characters)', () => {
    expect(unstorableTextErrors({ a: 'Zoë 😀 \t\u0001\u001f\u007f', b: ['ĳ', { c: '\ufffd' }] })).toEqual([]);
  });

  it('walks a deeply nested body without recursion and caps the number of errors', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableTextErrors(deep)).toEqual([
      { path: `${Array(100_000).fill('0').join('.')}`, message: UNSTORABLE_TEXT_MESSAGE },
    ]);
    expect(unstorableTextErrors(Array(1000).fill('\u0000'))).toHaveLength(20);
  });
});

describe('refuseUnstorableText', () => {
  it('refuses a NUL in a query parameter, naming it', () => {
    const err = run({ path: '/clients', query: { q: 'ann\u0000', page: '1' } });
    expect(err).toBeInstanceOf(ValidationException);
    expect((err as ValidationException).errors).toEqual([{ path: 'q', message: UNSTORABLE_TEXT_MESSAGE }]);
    expect(
      (run({ path: '/clients', query: { tag: ['a', 'b\u0000'] } }) as ValidationException).errors,
    ).toEqual([{ path: 'tag.1', message: UNSTORABLE_TEXT_MESSAGE }]);
  });

  it('refuses a percent-encoded NUL in any path segment (every route parameter)', () => {
    const err = run({ path: '/clients/abc%00def/notes', query: {} });
    expect((err as ValidationException).errors).toEqual([
      { path: '(path)', message: UNSTORABLE_TEXT_MESSAGE },
    ]);
  });

  it('refuses a NUL in the body and lets clean requests through', () => {
    const err = run({ path: '/auth/login', query: {}, body: { organisation: 'org', email: 'a@b\u0000' } });
    expect((err as ValidationException).errors).toEqual([
      { path: 'email', message: UNSTORABLE_TEXT_MESSAGE },
    ]);
    expect(run({ path: '/clients/%E2%82%AC', query: { q: 'Zoë' }, body: { a: ['b'] } })).toBeUndefined();
    expect(run({ path: '/bad/%E0%A4%A', query: {} })).toBeUndefined();
  });
});
