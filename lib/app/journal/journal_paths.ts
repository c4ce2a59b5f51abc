/** Where run journals are kept: the state folder, the default file names, the archive names. */

/** The folder the default journals are kept in: `$XDG_STATE_HOME/tamr-refresh`, else under HOME. */
export function stateDir(env: Record<string, string | undefined>): string {
  return env.XDG_STATE_HOME
    ? `${env.XDG_STATE_HOME}/tamr-refresh`
    : env.HOME
    ? `${env.HOME}/.local/state/tamr-refresh`
    : ".tamr-refresh";
}

/**
 * The longest default journal name, without `.json`: room left for `.json.lock`, `.json.ids` and
 * `.json.ids.<8>.tmp`.
 */
const MAX_NAME = 200;

/** A 32-bit FNV-1a hash in 8 hex digits: tells apart names that the safe form made equal. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/**
 * The default journal's file name for a base URL and data product:
 * `<host>_<port>--<dataProduct>.json` (the port is the scheme's when the URL has none, a path
 * after the host follows the port). Characters other than `A-Z a-z 0-9 . _ -` become `_`; when
 * that changed anything, or the name would be longer than 200 characters, it is shortened and
 * ends with a hash of the exact base URL and data product, so two plans never share a file.
 */
export function journalFileName(baseUrl: string, dataProduct: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === "http:" ? "80" : "443");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1"); // an IPv6 address without its brackets
  const where = `${host}_${port}${url.pathname.replace(/\/+$/, "")}`;
  const exact = `${where}--${dataProduct}`;
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");
  const name = `${safe(where)}--${safe(dataProduct)}`;
  if (name === exact && name.length <= MAX_NAME) return `${name}.json`;
  const hash = shortHash(`${url.origin}${url.pathname}\n${dataProduct}`);
  const keep = (s: string, n: number) => s.length <= n ? s : s.slice(0, n);
  const short = `${keep(safe(where), 100)}--${keep(safe(dataProduct), MAX_NAME - 112)}`;
  return `${short}-${hash}.json`;
}

/**
 * The default journal file for a base URL (host and port: two tenants on one host keep apart)
 * and a data product, under `$XDG_STATE_HOME/tamr-refresh/`, else `~/.local/state/tamr-refresh/`.
 */
export function defaultJournalPath(
  env: Record<string, string | undefined>,
  baseUrl: string,
  dataProduct: string,
): string {
  return `${stateDir(env)}/${journalFileName(baseUrl, dataProduct)}`;
}

/**
 * Where tamr-refresh 0.1 kept the default journal (`<tenant>--<dataProduct>.json`), to point a
 * `--resume` that finds none at the new name to it.
 */
export function legacyJournalPath(
  env: Record<string, string | undefined>,
  tenant: string,
  dataProduct: string,
): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");
  return `${stateDir(env)}/${safe(tenant)}--${safe(dataProduct)}.json`;
}

/**
 * Where `--fresh` keeps an unfinished journal it starts over: beside it, named for when its run
 * began (`j.json` → `j.2026-01-01T00-00-00Z.json`); `n` > 1 tells apart two of the same second.
 */
export function archivePathFor(path: string, startedAt: string, n = 1): string {
  const stamp = startedAt.replace(/\.\d+Z$/, "Z").replace(/:/g, "-") + (n > 1 ? `-${n}` : "");
  return path.endsWith(".json") ? `${path.slice(0, -5)}.${stamp}.json` : `${path}.${stamp}`;
}
