/**
 * Shell quoting for the commands this program prints (`--resume`, how to run it again). Its own
 * module so `real_io.ts`, which every start loads, need not load the journal and its config (zod,
 * dotenv) for it.
 */

/** Quotes a shell word when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
