import { describe, expect, it } from 'vitest';
import { redactFields, redactText } from '../../lib/redact.ts';

describe('secrets out of logs and errors', () => {
  it('masks API keys, URL passwords, bearer tokens, key=value secrets and Slack webhook paths', () => {
    const key = `rfy_0123456789ab_${'A'.repeat(43)}`;
    expect(redactText(`used ${key} twice`)).toBe('used rfy_0123456789ab_*** twice');
    expect(redactText('connect postgres://loader:hunter2@db.internal:5432/w failed')).toBe('connect postgres://loader:***@db.internal:5432/w failed');
    expect(redactText('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: Bearer ***');
    expect(redactText('GET /x?password=s3cret&user=bob')).toBe('GET /x?password=***&user=bob');
    expect(redactText('{"token":"abc.def","n":1}')).toBe('{"token":"***","n":1}');
    expect(redactText('POST https://hooks.slack.com/services/T000/B000/XXXX answered 500')).toBe('POST https://hooks.slack.com/services/*** answered 500');
  });

  it('leaves ordinary text alone', () => {
    const text = 'wrote 1200 rows to gold.summary (partition 2026-11-29) in 3.2 s; https://example.com/docs';
    expect(redactText(text)).toBe(text);
  });

  it('masks fields named like secrets and redacts every string inside fields', () => {
    expect(redactFields({ password: 'x', nested: { apiKey: 'y', url: 'https://u:p@h/x', n: 3 }, list: ['Bearer abcdefghijk'] })).toEqual({
      password: '[redacted]',
      nested: { apiKey: '[redacted]', url: 'https://u:***@h/x', n: 3 },
      list: ['Bearer ***'],
    });
  });
});
