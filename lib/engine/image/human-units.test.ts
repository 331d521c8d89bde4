import { describe, expect, it } from 'vitest';
import { formatG, humanDuration, humanSize, timeAgo } from './human-units.ts';

describe('docker units', () => {
  it.each([
    [0, '0B'], [512, '512B'], [1000, '1kB'], [1234, '1.23kB'], [4_261_000, '4.26MB'], [15_000_000, '15MB'],
    [999_999, '1e+03kB'], [1_500_000_000, '1.5GB'],
  ])('humanSize(%d) = %s', (n, want) => {
    expect(humanSize(n)).toBe(want);
  });

  it('formats %g like Go', () => {
    expect(formatG(0.000012345, 3)).toBe('1.23e-05');
    expect(formatG(12.5, 3)).toBe('12.5');
    expect(formatG(100, 3)).toBe('100');
  });

  it.each([
    [500, 'Less than a second'], [1000, '1 second'], [5000, '5 seconds'], [61_000, 'About a minute'],
    [30 * 60_000, '30 minutes'], [3_600_000, 'About an hour'], [5 * 3_600_000, '5 hours'],
    [3 * 86_400_000, '3 days'], [21 * 86_400_000, '3 weeks'], [90 * 86_400_000, '3 months'], [800 * 86_400_000, '2 years'],
  ])('humanDuration(%d) = %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it('timeAgo handles unknown times', () => {
    expect(timeAgo(undefined)).toBe('N/A');
    expect(timeAgo('1970-01-01T00:00:00Z')).toBe('N/A');
    expect(timeAgo('2020-01-01T00:00:05Z', Date.parse('2020-01-01T00:00:10Z'))).toBe('5 seconds ago');
  });
});
