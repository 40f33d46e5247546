// `npm run bench`: every benchmark in bench/, one after another. Figures only, never assertions.
// bench/http needs a production build first (`npm run build`); it makes its comparison builds itself.
import http from './http';
import loginTiming from './login-timing';
import middleware from './middleware';
import throttle from './throttle';

await throttle();
await loginTiming();
await http();
// Last: it sets the app's environment in this process to load the middleware.
await middleware();
