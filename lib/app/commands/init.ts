import { resolveSettings } from "../settings/resolve.ts";
import { type ConfigFile, DEFAULT_CONFIG_FILE, readConfigFile } from "../settings/config_file.ts";
import { UsageError } from "../../kit/errors.ts";
import { EXIT_CODES } from "../../kit/run/outcome.ts";
import { type Io, isInteractive } from "../io.ts";

/**
 * `tamr-refresh init`: asks the questions of an interactive run and writes a config file
 * (`--config FILE`, default `tamr-refresh.json`). Over an existing file, its values are the
 * defaults and it is overwritten only when the review is confirmed. Cancel exits 130, as Ctrl-C.
 */
export async function initCommand(flags: { config?: string | undefined }, io: Io): Promise<number> {
  if (!isInteractive(io, {})) {
    throw new UsageError("init asks questions and needs a terminal", {
      hint: "Copy config.example.json and edit it instead.",
    });
  }
  const path = flags.config ?? DEFAULT_CONFIG_FILE;
  const exists = await io.exists(path);
  const file = exists ? await readExisting(path, io) : undefined;
  const settings = await resolveSettings(file ? { config: path } : {}, io, {
    findConfigFile: false,
  });
  if (file) {
    io.err(
      `${path} exists: its values are the defaults below, and it is overwritten only when you ` +
        `confirm at the end.\n`,
    );
  }
  const { initFlow } = await import("../../../tui/interactive.ts");
  const result = await initFlow(settings, io, { path, exists, keep: file ?? {} });
  if (result === null) {
    io.err(`Cancelled; ${exists ? `${path} was left as it was` : "nothing was written"}.\n`);
    return EXIT_CODES.SIGINT;
  }
  return 0;
}

/** An existing config file's fields, or undefined (said) when it cannot be used as it is. */
async function readExisting(path: string, io: Io): Promise<ConfigFile | undefined> {
  try {
    return await readConfigFile(path, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(
      `${error.message}; the questions start from scratch, and ${path} is overwritten only when ` +
        `you confirm at the end.\n`,
    );
    return undefined;
  }
}
