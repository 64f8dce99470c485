import { RateLimiter } from '../../api/middleware/rate-limit';

describe('RateLimiter', () => {
  it('refuses the hit past the limit until the window ends, and says how long to wait', () => {
    const limiter = new RateLimiter(2, 60_000);
    expect([limiter.hit('ip:1', 0), limiter.hit('ip:1', 1_000)]).toEqual([undefined, undefined]);
    expect(limiter.hit('ip:1', 30_000)).toBe(30);
    expect(limiter.hit('ip:2', 30_000)).toBeUndefined();
    expect(limiter.hit('ip:1', 60_000)).toBeUndefined();
  });

  it('keys from many addresses inside one window sweep a few times, not once per new key', () => {
    const limiter = new RateLimiter(5, 15 * 60_000);
    for (let i = 0; i < 50_000; i++) limiter.hit(`ip:${i}`, 1_000 + i);
    expect(limiter.size).toBe(50_000);
    // Past 10,000 keys none has lapsed: the sweeps at 10,001, 20,001 and 40,001 keys find nothing to drop.
    expect(limiter.sweeps).toBe(3);
    expect(limiter.hit('ip:0', 2_000)).toBeUndefined();
  });

  it('drops lapsed windows when it sweeps', () => {
    const limiter = new RateLimiter(5, 1_000);
    for (let i = 0; i < 10_000; i++) limiter.hit(`old:${i}`, 0);
    limiter.hit('new:1', 5_000);
    expect([limiter.size, limiter.sweeps]).toEqual([1, 1]);
  });
});
