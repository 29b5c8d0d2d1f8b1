// Ends jest's output with one plain line, `N passed, N failed[, N skipped]`, the closing line CI reads.
// A test file that cannot run at all (a syntax error, a failing beforeAll's import) counts as failed.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    // After everything jest itself prints at the end (its summary comes from a reporter after this one).
    process.once('exit', () => process.stderr.write(`\n${line}\n`));
  }
}
