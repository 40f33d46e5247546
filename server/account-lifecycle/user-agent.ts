import Bowser from 'bowser';

const MAX_RAW = 120;

/** "Chrome 131 on Linux", or the raw text (bounded) when the parser does not know it. */
export function readableUserAgent(userAgent: string): string {
  if (!userAgent) return 'an unknown browser';
  const parsed = Bowser.parse(userAgent);
  const browser = [parsed.browser.name, parsed.browser.version?.split('.')[0]].filter(Boolean).join(' ');
  if (!browser) return userAgent.slice(0, MAX_RAW);
  return parsed.os.name ? `${browser} on ${parsed.os.name}` : browser;
}
