/** The domain's rules for naming a tenant and reaching it, owned here. */

/** A tenant is a DNS label: lower-case letters, digits and hyphens, 1–63 characters. */
export const TENANT_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when `name` can be a tenant (a DNS label). */
export function isTenantName(name: string): boolean {
  return TENANT_PATTERN.test(name);
}

/** The base URL of a tenant on Tamr Cloud: `https://<tenant>.tamr.cloud`. */
export function tenantBaseUrl(tenant: string): string {
  return `https://${tenant}.tamr.cloud`;
}

/** True for localhost, ::1 and 127.0.0.0/8, the only hosts `http://` may be used with. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
