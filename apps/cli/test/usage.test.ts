import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/main.js';
import { runCli } from './support/cli-harness.js';

describe('parley usage', () => {
  it('prints the overview with every command for --help and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toContain(`  ${command.name}`);
  });

  it('prints the overview on stderr and exits 2 without a command', async () => {
    const { code, stdout, stderr } = await runCli([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('usage: parley <command>');
  });

  it.each(COMMANDS.map((c) => c.name))('parley %s --help prints its usage and exits 0', async (name) => {
    const { code, stdout } = await runCli([name, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`usage: parley ${name}`);
  });

  it('parley help <command> is the same as <command> --help', async () => {
    const { code, stdout } = await runCli(['help', 'curl']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: parley curl');
  });

  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['connect'], 'missing <url>'],
    [['connect', 'ws://127.0.0.1:1/', '--bogus'], "Unknown option '--bogus'"],
    [['connect', 'not a url'], 'ws://'],
    [['connect', 'ws://127.0.0.1:1/', '--ping-interval', 'soon'], '--ping-interval must be an integer'],
    [['connect', 'ws://127.0.0.1:1/', '-H', 'no colon'], "must look like 'Name: value'"],
    [['send', 'ws://127.0.0.1:1/'], 'expects <url> and <file>'],
    [['send', 'ws://127.0.0.1:1/', 'f', '--fragment-size', '0'], '--fragment-size must be an integer in 1..'],
    [['receive'], 'missing <url>'],
    [['echo-server', '--port', '70000'], '--port must be an integer in 0..65535'],
    [['broadcast-server', 'extra'], "unexpected argument 'extra'"],
    [['transfer', '--port=-1'], '--port must be an integer'],
    [['curl'], 'missing <url>'],
    [['curl', 'http://127.0.0.1:1/', '-d', 'a', '--data-file', 'b'], 'either -d or --data-file'],
    [['curl', 'http://127.0.0.1:1/', '--timeout'], "Option '--timeout <value>' argument missing"],
    [['httpd', '--port', 'x'], '--port must be an integer'],
  ])('parley %j is a usage error (exit 2)', async (argv, message) => {
    const { code, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
