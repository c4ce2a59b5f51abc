import { EXIT_CODES } from "../../kit/run/outcome.ts";
import { startSimTenant } from "../../sim/server.ts";
import { parseScenario } from "../../sim/scenario.ts";
import { UsageError } from "../../kit/errors.ts";
import type { Io } from "../io.ts";

/** `tamr-refresh sim`: serves the simulated tenant until interrupted. */
export async function simCommand(
  flags: { port?: string | undefined; scenario?: string | undefined },
  io: Io,
): Promise<number> {
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      `--port must be a port number from 0 to 65535, got ${JSON.stringify(flags.port)}`,
    );
  }
  let scenario;
  if (flags.scenario !== undefined) {
    let text: string;
    try {
      text = await io.readTextFile(flags.scenario);
    } catch (e) {
      throw new UsageError(`Cannot read scenario file ${flags.scenario}: ${(e as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new UsageError(
        `Scenario file ${flags.scenario} is not valid JSON: ${(e as Error).message}`,
      );
    }
    scenario = parseScenario(json);
  }
  const sim = await startSimTenant({
    port,
    ...(scenario ? { scenario } : {}),
    ...(io.env.TAMR_SIM_API_KEY ? { apiKey: io.env.TAMR_SIM_API_KEY } : {}),
  });
  io.out(
    `Simulated Tamr tenant listening at ${sim.baseUrl}\n` +
      `Use it with:\n  export TAMR_BASE_URL=${sim.baseUrl}\n  export TAMR_API_KEY=${sim.apiKey}\n` +
      `Press Ctrl-C to stop.\n`,
  );
  const signal = await io.untilSignal();
  await sim.close();
  io.err("Simulated tenant stopped.\n");
  return EXIT_CODES[signal];
}
