import { getConfig } from '@/server/core/config';
import { mailLink } from '@/server/mail/templates';

/** A link in a mail, always on APP_ORIGIN (never the request's Host), with its one-time token. */
export const appLink = (path: string, token?: string): string => mailLink(getConfig().appOrigin, path, token);
