// Runs once in jest's main process before the test workers start, so the workers, the worker threads the
// embedded queues run in and the processes the tests spawn all inherit these (a setupFiles entry would
// only change the test file's sandboxed copy of process.env).
export default function globalSetup(): void {
  // Quiet logs unless asked for (POWERTOOLS_LOG_LEVEL=DEBUG npm test).
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  // The tests that check metric output turn them on for themselves.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // Node 20 here; the Lambdas run on 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
