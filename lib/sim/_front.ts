/**
 * A TCP front for the simulated tenant's Deno.serve server. Deno.serve cannot close a connection
 * without answering (the headers of any Response get sent), so clients connect here and each
 * connection is piped to its own connection to the server. The server's handler can then drop a
 * client's connection (its fetch throws a network error), or wait until the client gave up.
 * The handler finds its client by `info.remoteAddr.port`: the local port of the piped connection.
 */

export interface FrontOptions {
  hostname: string;
  port: number;
  /** The port of the Deno.serve server on 127.0.0.1. */
  upstreamPort: number;
  /** Told about failures nobody awaits (the server could not be reached). */
  onError: (error: Error) => void;
}

const DROPPED = new TextEncoder().encode("HTTP/1.1 000 Connection dropped\r\n\r\n");

class Link {
  readonly closed: Promise<void>;
  #done = false;
  #resolve!: () => void;
  constructor(readonly client: Deno.Conn, readonly upstream: Deno.Conn) {
    this.closed = new Promise((resolve) => (this.#resolve = resolve));
  }
  close(): void {
    if (this.#done) return;
    this.#done = true;
    closeQuietly(this.client);
    closeQuietly(this.upstream);
    this.#resolve();
  }
}

/** Listens for clients and pipes each to the server; see the module comment. */
export class ConnectionFront {
  readonly #listener: Deno.TcpListener;
  readonly #upstreamPort: number;
  readonly #onError: (error: Error) => void;
  /** By the local port of the connection to the server. */
  readonly #links = new Map<number, Link>();
  readonly #serving = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;
  #closing = false;
  #resolveClosed!: () => void;
  readonly #allClosed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));

  constructor(options: FrontOptions) {
    this.#listener = Deno.listen({ hostname: options.hostname, port: options.port });
    this.#upstreamPort = options.upstreamPort;
    this.#onError = options.onError;
    this.#accepting = this.#accept();
  }

  /** The port clients connect to. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /**
   * Breaks the client connection piped from `upstreamPort` without a usable answer, so the
   * client's fetch throws. Closing it silently is not enough: when a reused keep-alive
   * connection closes before any answer, Deno's fetch quietly sends the request again (even a
   * POST) on a new connection. An unparsable status line is not retried.
   */
  async drop(upstreamPort: number): Promise<void> {
    const link = this.#links.get(upstreamPort);
    if (!link) return;
    try {
      await link.client.write(DROPPED);
    } catch (error) {
      // The client may already be gone; then closing is all there is to do.
      if (
        !(error instanceof Deno.errors.BadResource || error instanceof Deno.errors.BrokenPipe ||
          error instanceof Deno.errors.ConnectionReset)
      ) throw error;
    }
    link.close();
  }

  /** Resolves when the client piped from `upstreamPort` is gone, or the front closes. */
  closed(upstreamPort: number): Promise<void> {
    return this.#links.get(upstreamPort)?.closed ?? this.#allClosed;
  }

  /** Stops listening and closes every connection; resolves when all piping has ended. */
  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#listener.close();
      for (const link of this.#links.values()) link.close();
      this.#resolveClosed();
    }
    await this.#accepting;
    while (this.#serving.size) await Promise.all(this.#serving);
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) {
        const serving = this.#serve(client).then(() => {
          this.#serving.delete(serving);
        });
        this.#serving.add(serving);
      }
    } catch (error) {
      // Closing the listener ends the loop; an error at any other time is reported.
      if (!this.#closing) this.#onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async #serve(client: Deno.Conn): Promise<void> {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#upstreamPort });
    } catch (error) {
      // The server is gone (closing): the client sees its connection closed.
      closeQuietly(client);
      if (!this.#closing) {
        this.#onError(
          new Error(`The simulated tenant could not reach its own server: ${error}`, {
            cause: error,
          }),
        );
      }
      return;
    }
    const link = new Link(client, upstream);
    if (this.#closing) {
      link.close();
      return;
    }
    const key = (upstream.localAddr as Deno.NetAddr).port;
    this.#links.set(key, link);
    await Promise.allSettled([
      client.readable.pipeTo(upstream.writable).finally(() => link.close()),
      upstream.readable.pipeTo(client.writable).finally(() => link.close()),
    ]);
    link.close();
    this.#links.delete(key);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (error) {
    // Closing twice (or after the peer's pipe closed it) is the expected case; nothing to do.
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
