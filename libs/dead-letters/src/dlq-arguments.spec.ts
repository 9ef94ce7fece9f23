import { parseDlqArguments, UsageError } from './dlq-arguments';

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

describe(parseDlqArguments.name, () => {
  it('should read a list with its filters, limit and format', () => {
    expect(
      parseDlqArguments(['list', '--reason', 'deadline', '--tenant', TENANT, '--limit', '5', '--json']),
    ).toEqual({
      command: 'list',
      filter: { id: undefined, reason: 'deadline', tenant: TENANT },
      all: false,
      limit: 5,
      json: true,
    });
  });

  it('should list everything, without limit, when nothing is given', () => {
    expect(parseDlqArguments(['list'])).toMatchObject({ filter: {}, all: false, limit: Infinity });
  });

  it('should take --all for replay and purge', () => {
    expect(parseDlqArguments(['purge', '--all'])).toMatchObject({ command: 'purge', all: true });
    expect(parseDlqArguments(['replay', '--id', 'm-1'])).toMatchObject({ filter: { id: 'm-1' } });
  });

  it('should answer --help before anything else', () => {
    expect(parseDlqArguments(['--help'])).toEqual({ command: 'help' });
    expect(parseDlqArguments(['purge', '-h'])).toEqual({ command: 'help' });
  });

  it.each([
    [[], /Name a command/],
    [['drop'], /Unknown command "drop"/],
    [['list', 'extra'], /Unexpected argument "extra"/],
    [['list', '--force'], /Unknown option '--force'/],
    [['purge'], /purge needs a filter/],
    [['replay'], /replay needs a filter/],
    [['purge', '--reason', ''], /--reason must not be empty/],
    [['purge', '--all', '--reason', 'x'], /cannot be combined/],
    [['list', '--all'], /without --all/],
    [['list', '--tenant', 'acme'], /--tenant must be a uuid/],
    [['list', '--limit', '0'], /--limit must be a positive integer/],
    [['list', '--limit', '2.5'], /--limit must be a positive integer/],
  ])('should refuse %p', (argv, message) => {
    expect(() => parseDlqArguments(argv)).toThrow(UsageError);
    expect(() => parseDlqArguments(argv)).toThrow(message);
  });
});
