/** Names to try, in order, when claiming a nick in a room. */

/** `alice`, then `alice-2` … `alice-9` (for plain-text clients whose name is taken). */
export function nickCandidates(nick: string): string[] {
  const out = [nick];
  for (let i = 2; i <= 9; i++) out.push(`${nick.slice(0, 22)}-${i}`);
  return out;
}

/** Five random `guest-XXXX` names for clients that gave none. */
export function guestCandidates(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 5; i++)
    out.push(
      `guest-${Math.floor(Math.random() * 0x10000)
        .toString(16)
        .padStart(4, '0')}`,
    );
  return out;
}
