import { getConfig } from '@/server/core/config';

/** A link in a mail, always on APP_ORIGIN (never the request's Host), with its one-time token. */
export function appLink(path: string, token?: string): string {
  const url = new URL(path, getConfig().appOrigin);
  if (token) url.searchParams.set('token', token);
  return url.toString();
}
