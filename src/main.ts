// Entry point of the `postern` command (bin/postern.ts).
import { processIo, runCli } from './cli/index.ts';

export async function main(argv: string[]): Promise<number> {
  return runCli(argv, processIo);
}
