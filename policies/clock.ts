/**
 * A moment in a meeting as people read it, from seconds since the recording's start: 75 → "1:15",
 * 4505 → "1:15:05". One writing for the meeting page and for answers (api/pages and commands both import it).
 */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
