// Shared by the browser client and the server: the double-submit cookie and header names.
// The cookie is readable by script on purpose (the client copies it into the header); it is
// bound to the session by an HMAC, so a value planted by another site is useless.
export const CSRF_COOKIE_NAME = 'bastion_csrf';
export const CSRF_HEADER_NAME = 'x-csrf-token';
