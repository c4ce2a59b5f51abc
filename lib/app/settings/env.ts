/** The environment as a run sees it: the variables already set, `--env-file FILE` and `.env`. */
import dotenv from "dotenv";
import { machineError } from "../machine_errors.ts";
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
      throw machineError(e, {
        doing: "read env file",
        path: envFile,
        instead: "pass --env-file with another file",
        hint: "Check the path given to --env-file.",
      });
    }
    sources.push({ file: envFile, vars: dotenv.parse(text) });
  }
  let dotEnv: string | undefined;
  try {
    if (await io.exists(".env")) dotEnv = await io.readTextFile(".env");
  } catch (e) {
    throw machineError(e, {
      doing: "read env file",
      path: ".env",
      instead: "remove .env from the working directory",
      hint: "Fix or remove .env in the working directory, or run from another folder.",
    });
  }
  if (dotEnv !== undefined) sources.push({ file: ".env", vars: dotenv.parse(dotEnv) });
  return sources;
}
