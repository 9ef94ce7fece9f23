// Reading Prometheus's text format in tests: a sample's value by metric name and labels.

/** Every sample line of a scrape as name, labels and value. */
export function samples(
  text: string,
): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const found = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value;
    }
    found.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return found;
}

/** The sum of the samples of `name` whose labels include `labels`; 0 when there are none. */
export function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  return samples(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Whether a scrape has any sample of `name`. */
export function exports(text: string, name: string): boolean {
  return samples(text).some((s) => s.name === name);
}

export async function scrape(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${res.status}`);
  return res.text();
}

/**
 * Every metric name a scrape declares (its `# TYPE` lines), with the series names a histogram or
 * summary adds (`_bucket`, `_sum`, `_count`): what a PromQL query may name.
 */
export function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression reads: identifiers that are neither functions, keywords nor labels. */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\[[^\]]*\]/g, ''); // ranges ($__rate_interval)
  const names = new Set<string>();
  for (const match of bare.matchAll(/\$?[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const [name] = match;
    const calls = /^\s*\(/.test(bare.slice(match.index + name.length));
    if (calls || name.startsWith('$') || PROMQL_WORDS.has(name.toLowerCase())) continue;
    // The exponent of a number such as 1e-9.
    if (match.index > 0 && /[0-9.]/.test(bare[match.index - 1])) continue;
    names.add(name);
  }
  return [...names];
}
