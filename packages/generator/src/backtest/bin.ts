/** `pnpm backtest`: see command.ts. */
import { backtestCommand } from './command.js';

process.exitCode = await backtestCommand(process.argv.slice(2));
