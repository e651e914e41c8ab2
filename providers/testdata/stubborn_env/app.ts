/**
 * A test environment whose shutdown never finishes, so only SIGKILL stops it.
 *
 * @module
 */
export default {
  fetch: (_request: Request): Response => Response.json({ status: "healthy" }),
  close: (): Promise<void> => new Promise(() => {}),
};
