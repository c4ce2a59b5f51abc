/** The version of tamr-refresh, as in deno.json. */
export const VERSION = "0.1.0";
