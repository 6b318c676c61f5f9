/** `vigil backtest`: the backtest suite (../backtest/) on the user's own spec. */
import { backtestCommand, backtestUsage } from '../backtest/command.js';
import { exitCode, type Subcommand } from './command.js';

const help = (program: string): string =>
  [
    backtestUsage.replace('usage: backtest', `usage: ${program} backtest`),
    '',
    'Replays simulated days of realistic traffic (night lulls, weekly cycles, deploys, restarts,',
    'scrape gaps, incidents) through the real promtool against the rules rendered from the spec,',
    'and reports false pages, false tickets, missed incidents and detection times.',
    'exit codes: 0 every expectation held, 1 one was broken, 2 bad command line',
  ].join('\n');

export const backtestSubcommand: Subcommand = {
  name: 'backtest',
  summary: 'judge the rendered alerts on simulated weeks of realistic traffic (promtool)',
  help,
  async run(argv, context) {
    if (argv.includes('--help') || argv.includes('-h')) {
      context.stdout(`${help(context.program)}\n`);
      return exitCode.ok;
    }
    return backtestCommand(argv, (line) => context.stdout(`${line}\n`));
  },
};
