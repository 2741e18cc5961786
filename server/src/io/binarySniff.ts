/** Bytes looked at to tell a binary file from a text log. */
export const SNIFF_BYTES = 8192;

/**
 * Images, archives and executables are full of NUL and other control bytes (random bytes:
 * 28 in 256, ~11%); text logs have almost none, though a stray NUL or an ANSI colour code
 * does occur. 5% separates the two with room on both sides.
 */
export function looksBinary(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b && b !== 0x0c) control++;
  }
  return control / head.length > 0.05;
}

