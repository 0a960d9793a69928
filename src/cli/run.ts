// Entry point of the `chatledger` command (bin/chatledger.js runs the compiled copy; tests run this file with tsx).
import { main } from './main.js';

await main();
