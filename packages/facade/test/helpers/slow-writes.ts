/** Writes `bytes` one per macrotask, so the peer sees many one-byte chunks. */
export async function writeByteByByte(
  socket: { write(chunk: Buffer): unknown },
  bytes: Buffer,
): Promise<void> {
  for (let i = 0; i < bytes.length; i++) {
    socket.write(bytes.subarray(i, i + 1));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
