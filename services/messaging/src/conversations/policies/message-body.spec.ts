import { checkMessageBody } from './message-body';

describe('message body', () => {
  it('is stored trimmed', () => {
    expect(checkMessageBody('  See you on Tuesday.\n', 100)).toEqual({
      ok: true,
      body: 'See you on Tuesday.',
    });
  });

  it.each(['', '   ', '\n\t \r\n'])('refuses an empty body (%j)', (body) => {
    expect(checkMessageBody(body, 100)).toEqual({
      ok: false,
      errors: [{ path: 'body', message: 'must not be empty' }],
    });
  });

  it('counts characters, not UTF-16 units or bytes: an emoji is one', () => {
    expect(checkMessageBody('😀'.repeat(10), 10)).toEqual({ ok: true, body: '😀'.repeat(10) });
    const result = checkMessageBody('a'.repeat(11), 10);
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'body', message: 'must be at most 10 characters (it has 11)' }],
    });
  });

  it('keeps line breaks and tabs, refuses other control characters and bidi overrides', () => {
    expect(checkMessageBody('line one\nline\ttwo', 100).ok).toBe(true);
    expect(checkMessageBody('nul\u0000byte', 100).ok).toBe(false);
    expect(checkMessageBody('bell\u0007', 100).ok).toBe(false);
    expect(checkMessageBody('evil\u202Etxt.exe', 100).ok).toBe(false);
  });

  it('leaves Markdown and markup as text (rendering safely is the app’s job)', () => {
    expect(checkMessageBody('**bold** <script>x</script>', 100)).toEqual({
      ok: true,
      body: '**bold** <script>x</script>',
    });
  });
});
