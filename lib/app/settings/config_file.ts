/** The JSON config file (`--config FILE`): its fields, and reading it with every problem named. */
import { z } from "zod";
import { UsageError } from "../../kit/errors.ts";
import { machineError } from "../machine_errors.ts";
import type { ConfigIo } from "./types.ts";

const durationField = z.union([z.string(), z.number()]);
const configSchema = z.strictObject({
  $schema: z.string().optional(),
  tenant: z.string().optional(),
  baseUrl: z.string().optional(),
  sources: z.array(z.string()).optional(),
  dataProduct: z.string().optional(),
  workflow: z.string().optional(),
  destinations: z.array(z.string()).optional(),
  concurrency: z.number().optional(),
  pollInterval: durationField.optional(),
  timeout: durationField.optional(),
  requestTimeout: durationField.optional(),
});

/**
 * The config file a run uses when no `--config` is given and this file is in the working
 * directory; `init` writes it by default.
 */
export const DEFAULT_CONFIG_FILE = "tamr-refresh.json";

/** A config file's content, its types checked (its values are checked when they are used). */
export type ConfigFile = z.infer<typeof configSchema>;

/** The fields a config file may have, for messages and `config.example.json`. */
export const CONFIG_FIELDS = Object.keys(configSchema.shape).filter((k) => k !== "$schema");

/** Reads and validates a config file; every problem is a UsageError naming the field. */
export async function readConfigFile(path: string, io: ConfigIo): Promise<ConfigFile> {
  let text: string;
  try {
    text = await io.readTextFile(path);
  } catch (e) {
    throw machineError(e, {
      doing: "read config file",
      path,
      instead: "pass --config with another file",
      hint: "Check the path given to --config, or run `tamr-refresh init` to write one.",
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`Config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (data && typeof data === "object" && !Array.isArray(data) && "apiKey" in data) {
    throw new UsageError(
      `Config file ${path} has an "apiKey" field; the API key is never read from a file`,
      { hint: "Remove it and set TAMR_API_KEY in the environment or an env file instead." },
    );
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(top level)";
    if (issue.code === "unrecognized_keys") {
      throw new UsageError(
        `Config file ${path} has an unknown field "${issue.keys.join('", "')}"`,
        { hint: `The fields are: ${CONFIG_FIELDS.join(", ")}.` },
      );
    }
    if (issue.code === "invalid_type") {
      const got = valueAt(data, issue.path);
      throw new UsageError(
        `Config file ${path}: "${field}" must be ${article(issue.expected)}, got ${
          JSON.stringify(got)
        }`,
      );
    }
    throw new UsageError(`Config file ${path}: "${field}" ${issue.message}`);
  }
  return parsed.data;
}

function article(expected: string): string {
  return expected === "array" ? "an array" : `a ${expected}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) v = (v as Record<PropertyKey, unknown> | undefined)?.[k];
  return v;
}
