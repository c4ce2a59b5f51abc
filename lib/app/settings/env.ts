/** The environment as a run sees it: the variables already set, `--env-file FILE` and `.env`. */
import dotenv from "dotenv";
import { UsageError } from "../../kit/errors.ts";
import type { ConfigIo } from "./types.ts";

/** Variables from one place, and the file they came from (undefined: the process environment). */
export interface EnvSource {
  file: string | undefined;
  vars: Record<string, string | undefined>;
}

/**
 * The environment's sources, the one that wins first: the variables already set, then
 * `--env-file FILE` (which must exist), then `.env` (when present).
 */
export async function readEnvSources(
  envFile: string | undefined,
  io: ConfigIo,
): Promise<EnvSource[]> {
  const sources: EnvSource[] = [{ file: undefined, vars: io.env }];
  if (envFile !== undefined) {
    let text: string;
    try {
      text = await io.readTextFile(envFile);
    } catch (e) {
      throw new UsageError(`Cannot read env file ${envFile}: ${(e as Error).message}`, {
        hint: "Check the path given to --env-file.",
      });
    }
    sources.push({ file: envFile, vars: dotenv.parse(text) });
  }
  if (await io.exists(".env")) {
    sources.push({ file: ".env", vars: dotenv.parse(await io.readTextFile(".env")) });
  }
  return sources;
}
