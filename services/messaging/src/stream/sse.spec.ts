import { sseComment, sseFrame } from './sse';

describe('server-sent events framing', () => {
  it('an event is a name and one JSON data line, ended by a blank line', () => {
    expect(sseFrame('message', { conversationId: 'c', text: 'two\nlines' })).toBe(
      'event: message\ndata: {"conversationId":"c","text":"two\\nlines"}\n\n',
    );
  });

  it('with an id first', () => {
    expect(sseFrame('read', { a: 1 }, '42')).toBe('id: 42\nevent: read\ndata: {"a":1}\n\n');
  });

  it('refuses names and ids that would break the framing', () => {
    expect(() => sseFrame('bad\nevent', {})).toThrow();
    expect(() => sseFrame('ok', {}, 'x\ny')).toThrow();
  });

  it('comments are single lines', () => {
    expect(sseComment('heart\nbeat')).toBe(': heart beat\n\n');
  });
});
