/**
 * Runs `reload` on every SIGHUP (the operator's "re-read your configuration", e.g. MCP_PRINCIPALS_FILE).
 * One handler per process role; a reload that throws is reported through `onError` and changes nothing.
 * Returns what removes the handler.
 */
export function onReloadSignal(
  reload: () => Promise<void> | void,
  onError: (err: unknown) => void,
): () => void {
  const handler = () => {
    Promise.resolve().then(reload).catch(onError);
  };
  process.on("SIGHUP", handler);
  return () => process.off("SIGHUP", handler);
}
