// Shared by the browser client and the server: the double-submit cookie and header names.
// The cookie is readable by script on purpose (the client copies it into the header); it is
// bound to the session by an HMAC, so a value planted by another site is useless.
// In secure contexts (production) the name carries the __Host- prefix, so a sibling subdomain
// cannot plant a cookie of that name that would shadow ours; plain-http development uses the bare name.
export const CSRF_COOKIE_NAME = '__Host-bastion_csrf';
export const CSRF_COOKIE_NAME_PLAIN = 'bastion_csrf';
export const CSRF_HEADER_NAME = 'x-csrf-token';
