/** Where the benchmark writes: its report on stdout, its progress on stderr. */

const encoder = new TextEncoder();

/** The report, on stdout. */
export function say(text = ""): void {
  let bytes = encoder.encode(text + "\n");
  while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}

/** Progress, on stderr (nothing is written there after the last line). */
export function progress(text: string): void {
  Deno.stderr.writeSync(encoder.encode(`… ${text}\n`));
}
