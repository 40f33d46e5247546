// The screenshot run (`npm run screenshots`): the e2e settings and server, one capture file.
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'screenshots.capture.ts',
  reporter: [['list']],
  webServer: base.webServer && !Array.isArray(base.webServer) ? { ...base.webServer, cwd: '..' } : base.webServer,
});
