/** The server's clock, as read from the queue's `now`: countdowns agree with the SLA monitor. */
let offsetMs = 0;

export function syncClock(serverNow: string | undefined): void {
  const at = serverNow ? Date.parse(serverNow) : Number.NaN;
  if (!Number.isNaN(at)) offsetMs = at - Date.now();
}

export function now(): number {
  return Date.now() + offsetMs;
}

type Tick = () => void;
const ticks = new Set<Tick>();
let timer: number | undefined;

/** Runs `tick` every second (one shared timer); returns the function that stops it. */
export function everySecond(tick: Tick): () => void {
  ticks.add(tick);
  timer ??= window.setInterval(() => {
    for (const t of ticks) t();
  }, 1000);
  return () => {
    ticks.delete(tick);
    if (!ticks.size && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}
