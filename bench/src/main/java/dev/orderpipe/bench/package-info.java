/**
 * The synthetic order generator ({@link dev.orderpipe.bench.OrderGenerator}, behind {@code orderpipe generate}) and
 * the bench ({@link dev.orderpipe.bench.Bench}, behind {@code orderpipe bench}): the pipeline against a raw queue hop
 * and against stages written the naive, allocating way, driven and measured with the replay's own driver, recorder
 * and stall watch. The naive stages exist to be measured against; nothing in the runtime uses this package.
 */
package dev.orderpipe.bench;
