// The part of newman's library API (newman has no types of its own) that
// test/jsonapi/postman.test.ts uses.
declare module 'newman' {
  export interface NewmanAssertion {
    assertion: string;
    skipped?: boolean;
    error?: { name: string; message: string };
  }
  export interface NewmanExecution {
    /** The item's id in this run. */
    id: string;
    item: { name: string };
    request: { method: string; url: { toString(): string } };
    response?: { code: number; text(): string };
    assertions?: NewmanAssertion[];
    requestError?: Error;
    testScript?: { error?: Error }[];
    prerequestScript?: { error?: Error }[];
  }
  export interface NewmanRunSummary {
    run: {
      stats: Record<'requests' | 'assertions' | 'testScripts' | 'prerequestScripts', { total: number; failed: number; pending?: number }>;
      failures: { error: { name: string; message: string; test?: string }; source?: { name?: string } }[];
      executions: NewmanExecution[];
    };
  }
  export interface NewmanRunOptions {
    collection: unknown;
    reporters?: string | string[];
    timeoutRequest?: number;
  }
  export function run(options: NewmanRunOptions, callback: (error: Error | null, summary: NewmanRunSummary) => void): unknown;
  const newman: { run: typeof run };
  export default newman;
}
