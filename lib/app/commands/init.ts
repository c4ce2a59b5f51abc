import { resolveSettings } from "../settings/resolve.ts";
import { UsageError } from "../../kit/errors.ts";
import { type Io, isInteractive } from "../io.ts";

/** `tamr-refresh init`: asks the questions of an interactive run and writes a config file. */
export async function initCommand(flags: { config?: string | undefined }, io: Io): Promise<number> {
  if (!isInteractive(io, {})) {
    throw new UsageError("init asks questions and needs a terminal", {
      hint: "Copy config.example.json and edit it instead.",
    });
  }
  const settings = await resolveSettings({}, io);
  const { initFlow } = await import("../../../tui/interactive.ts");
  const result = await initFlow(settings, io, flags.config);
  if (result === null) {
    io.err("Cancelled; nothing was written.\n");
    return 0;
  }
  if (result.savedTo) {
    io.err(`Run it with: TAMR_API_KEY=... tamr-refresh run --config ${result.savedTo}\n`);
  }
  return 0;
}
