import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes separators, quotes and line breaks, neutralises formulas, leaves nulls empty', () => {
    expect(
      toCsv([
        { a: 'plain', b: 'with, comma', c: null },
        { a: 'say "hi"', b: '=HYPERLINK("x")', c: 2 },
      ]),
    ).toBe('a,b,c\r\nplain,"with, comma",\r\n"say ""hi""","\'=HYPERLINK(""x"")",2\r\n');
  });

  it('an empty result is an empty file', () => {
    expect(toCsv([])).toBe('');
  });
});
