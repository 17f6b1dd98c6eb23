/**
 * Lets pending events (a progress bar's redraw, SIGINT, a worker's messages) run between
 * batches: setImmediate in Node, a zero-delay timer where it does not exist (browsers).
 */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}
