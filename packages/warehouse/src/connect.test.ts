import { describe, expect, it } from 'vitest';
import { redactPassword } from './connect.js';

describe('redactPassword', () => {
  it.each([
    ['postgres://app:s3cret@db.example:5432/analytics', 'postgres://app:***@db.example:5432/analytics'],
    [
      'postgres://app@db.example/analytics?password=s3cret&sslmode=require',
      'postgres://app@db.example/analytics?password=***&sslmode=require',
    ],
    ['postgresql://db.example/a?sslpassword=s3cret', 'postgresql://db.example/a?sslpassword=***'],
    ['postgres://app:s3/cr@t@db.example/analytics', 'postgres://app:***@db.example/analytics'],
    ['postgres://app@db.example/analytics', 'postgres://app@db.example/analytics'],
  ])('%s → %s', (url, redacted) => {
    expect(redactPassword(url)).toBe(redacted);
    expect(redactPassword(url)).not.toContain('s3');
  });
});
