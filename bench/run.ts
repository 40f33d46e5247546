// `npm run bench`: every benchmark in bench/, one after another. Figures only, never assertions.
import loginTiming from './login-timing';
import throttle from './throttle';

await throttle();
await loginTiming();
