import { runDemo } from './main.js';

await runDemo();
