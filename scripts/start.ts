// `npm start`: the production server (run `npm run build` first).
import { boot } from './boot';

await boot({ dev: false });
