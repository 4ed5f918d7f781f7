// Does a burst of hostile requests hold the server's thread? Measured as how
// long /healthz takes to answer while the burst runs, against the same number
// of harmless requests of the same shape, measured right before it: both on
// whatever else the machine is doing at that moment, so the comparison holds
// on a busy CI machine, where a bound in absolute milliseconds does not.
import { expect } from '@jest/globals';

export interface Probed<T> {
  answers: T;
  /** The probes' latencies in ms, sorted. */
  latencies: number[];
}

/**
 * Fetches `url` one request after another (`pauseMs` apart) until stopped;
 * `stop(minProbes)` waits for at least that many answers and returns their
 * latencies in ms, sorted.
 */
export function startProbe(url: string, pauseMs = 0): { stop(minProbes?: number): Promise<number[]> } {
  const latencies: number[] = [];
  let minimum = Infinity;
  const loop = (async () => {
    while (latencies.length < minimum) {
      const started = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      latencies.push(performance.now() - started);
      if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  return {
    async stop(minProbes = 0) {
      minimum = minProbes;
      await loop;
      return latencies.sort((a, b) => a - b);
    },
  };
}

/**
 * Runs `burst` while probing `url` (at least `minProbes` answers), and returns
 * the burst's answers and the probes' latencies.
 */
export async function probeWhile<T>(url: string, burst: () => Promise<T>, minProbes = 5): Promise<Probed<T>> {
  const probe = startProbe(url);
  let latencies: number[] = [];
  const answers = await burst().finally(async () => {
    latencies = await probe.stop(minProbes);
  });
  return { answers, latencies };
}

/** The value at fraction `q` of sorted latencies (0.5: the median; 0.9 of ten or fewer is the slowest). */
export const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;

/**
 * The hostile burst's probes are no slower than twice the harmless burst's
 * plus 50 ms at the median, and plus 1 s at the 90th percentile (the slowest
 * probe, of ten or fewer). Work that holds the thread for hundreds of
 * milliseconds per request (an unscreened regex, an exponential measure)
 * fails this by far; the same work as the harmless requests passes however
 * busy the machine is, since both bursts share its load, and a long run of
 * probes is not failed by one the scheduler delayed.
 */
export function expectNoSlowerThan(hostile: number[], harmless: number[]): void {
  expect(hostile.length).toBeGreaterThan(0);
  expect(harmless.length).toBeGreaterThan(0);
  expect(quantile(hostile, 0.5)).toBeLessThan(2 * quantile(harmless, 0.5) + 50);
  expect(quantile(hostile, 0.9)).toBeLessThan(2 * quantile(harmless, 0.9) + 1_000);
}
