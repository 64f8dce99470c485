import { clock } from '../../policies/clock';

// The meeting page and answers to questions write moments in a meeting the same way: hours only past an hour.
test('a moment is m:ss within the first hour and h:mm:ss past it', () => {
  expect([0, 5, 65, 599.9, 3599].map(clock)).toEqual(['0:00', '0:05', '1:05', '9:59', '59:59']);
  expect([3600, 4505, 36_061].map(clock)).toEqual(['1:00:00', '1:15:05', '10:01:01']);
});

test('a negative offset (a clock skew in a transcript) reads as the start', () => {
  expect(clock(-3)).toBe('0:00');
});
