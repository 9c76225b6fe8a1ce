/** What one line typed into `parley connect` asks for. */
export type InputAction =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly data: Buffer }
  | { readonly kind: 'ping'; readonly payload: string }
  | { readonly kind: 'close'; readonly code: number | undefined; readonly reason: string }
  | { readonly kind: 'quit' }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly message: string };

export const INPUT_HELP = `commands:
  <text>                 send a text message
  //text                 send a text message that starts with '/'
  /ping [payload]        send a ping (the pong is printed)
  /close [code] [reason] start the close handshake (default 1000)
  /binary <hex>          send a binary message, e.g. /binary 48656c6c6f
  /quit                  close (1000) and exit
  /help                  this list`;

/** Splits off the first space-separated word: `['/close', '4000 bye now']`. */
function head(line: string): [string, string] {
  const space = line.indexOf(' ');
  return space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)];
}

export function parseInputLine(line: string): InputAction {
  if (!line.startsWith('/')) return { kind: 'text', text: line };
  if (line.startsWith('//')) return { kind: 'text', text: line.slice(1) };
  const [command, rest] = head(line);
  switch (command) {
    case '/ping':
      return { kind: 'ping', payload: rest };
    case '/close': {
      const [codeText, reason] = head(rest.trim());
      if (codeText === '') return { kind: 'close', code: undefined, reason: '' };
      if (!/^\d+$/.test(codeText))
        return { kind: 'invalid', message: `/close: '${codeText}' is not a close code` };
      return { kind: 'close', code: Number(codeText), reason };
    }
    case '/binary': {
      const hex = rest.replace(/\s+/g, '');
      if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
        return { kind: 'invalid', message: '/binary: expects an even number of hex digits' };
      }
      return { kind: 'binary', data: Buffer.from(hex, 'hex') };
    }
    case '/quit':
    case '/exit':
      return { kind: 'quit' };
    case '/help':
      return { kind: 'help' };
    default:
      return { kind: 'invalid', message: `unknown command ${command} (try /help; '//' sends a leading '/')` };
  }
}
