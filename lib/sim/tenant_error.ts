/** The simulated tenant's refusals, which its HTTP layer answers as Tamr's JSON errors. */

/** A refusal the HTTP layer answers as `{"statusCode": status, "message": message}`. */
export class TenantError extends Error {
  override name = "TenantError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
