// The real terminal/stdin behind CliIo.
import { createInterface } from 'node:readline';
import type { CliIo } from './command.ts';

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    let prompted = false;
    // Echo nothing of what is typed (the prompt itself is written once).
    out._writeToOutput = (s: string) => {
      if (!prompted) {
        process.stderr.write(s);
        prompted = true;
      }
    };
    rl.question(prompt, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
  });
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  async readSecret(prompt) {
    if (process.stdin.isTTY) return readHidden(prompt);
    const text = await readAllStdin();
    return text.split(/\r?\n/)[0] ?? '';
  },
  readAll: readAllStdin,
};
