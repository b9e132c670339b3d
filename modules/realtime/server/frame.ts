/** Largest payload whose length fits in the 7-bit field (RFC 6455 § 5.2). */
const SHORT_LENGTH = 125;
/** Largest payload whose length fits in the 16-bit extended field. */
const MEDIUM_LENGTH = 0xffff;
/** FIN set (the whole message in one frame), opcode 1 (text). */
const FIN_TEXT = 0x81;

/**
 * The complete server-to-client WebSocket frame (RFC 6455 § 5.2) of one text message: FIN, opcode 1,
 * unmasked (servers never mask), with a 7-bit, 16-bit or 64-bit length. Built once per event and
 * written as it is to every recipient's TCP stream, so a message costs its encoding once, not once
 * per recipient as `ws.send` does.
 */
export function textFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const header = length <= SHORT_LENGTH ? 2 : length <= MEDIUM_LENGTH ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    // Lengths stay far below 2^53; the high word is written for the format's sake.
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(json, header, length, 'utf8');
  return frame;
}
