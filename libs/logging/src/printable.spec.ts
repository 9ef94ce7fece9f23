import { isPrintable, printable } from './printable';

describe(printable.name, () => {
  it.each([
    ['a newline', 'a\nb', 'a\\nb'],
    ['a carriage return and a tab', 'a\r\tb', 'a\\r\\tb'],
    ['NUL and ESC', '\u0000\u001b[31m', '\\u0000\\u001b[31m'],
    ['DEL and a C1 control (NEL)', '\u007f\u0085', '\\u007f\\u0085'],
    ['the line and paragraph separators', '\u2028\u2029', '\\u2028\\u2029'],
    ['bidi overrides and isolates', '\u202eevil\u2066', '\\u202eevil\\u2066'],
    ['lone surrogates', 'x\ud800y\udc00', 'x\\ud800y\\udc00'],
  ])('should escape %s', (_label, text, escaped) => {
    expect(printable(text)).toBe(escaped);
    expect(isPrintable(text)).toBe(false);
  });

  it.each([['plain ASCII'], ['accents: é, ü, ñ'], ['an emoji with a joiner: 👩‍💻'], ['CJK: 東京'], ['']])(
    'should leave %p as it is',
    (text) => {
      expect(printable(text)).toBe(text);
      expect(isPrintable(text)).toBe(true);
    },
  );
});
