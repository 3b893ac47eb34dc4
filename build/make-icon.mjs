#!/usr/bin/env node
// Draws build/icon.png (512x512 RGBA), the Mesh Desktop icon: five nodes of a mesh joined by
// lines on a rounded blue square, anti-aliased by coverage sampling. No image library: PNG is
// written with node:zlib and a CRC-32 table (RFC 2083). Run: node build/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 512;
const nodes = [
  [256, 120],
  [396, 220],
  [344, 388],
  [168, 388],
  [116, 220],
];
const edges = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 0],
  [0, 2],
  [0, 3],
  [1, 3],
  [1, 4],
  [2, 4],
];

function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideRoundedSquare(x, y, margin, radius) {
  const min = margin;
  const max = size - margin;
  const cx = Math.max(min + radius, Math.min(max - radius, x));
  const cy = Math.max(min + radius, Math.min(max - radius, y));
  return x >= min && x <= max && y >= min && y <= max && Math.hypot(x - cx, y - cy) <= radius;
}

/** The colour [r, g, b, a] of one point of the icon. */
function shade(x, y) {
  if (!insideRoundedSquare(x, y, 16, 96)) return [0, 0, 0, 0];
  if (nodes.some(([nx, ny]) => Math.hypot(x - nx, y - ny) <= 34)) return [255, 255, 255, 255];
  if (edges.some(([a, b]) => segmentDistance(x, y, nodes[a], nodes[b]) <= 9)) {
    return [190, 214, 250, 255];
  }
  const t = y / size;
  return [Math.round(31 + 10 * t), Math.round(95 - 40 * t), Math.round(191 - 50 * t), 255];
}

const samples = 4;
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < size; x++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < samples; sy++) {
      for (let sx = 0; sx < samples; sx++) {
        const [r, g, b, a] = shade(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples);
        sum[0] += r * a;
        sum[1] += g * a;
        sum[2] += b * a;
        sum[3] += a;
      }
    }
    const offset = y * (size * 4 + 1) + 1 + x * 4;
    const alpha = sum[3] / (samples * samples);
    for (let c = 0; c < 3; c++) raw[offset + c] = sum[3] === 0 ? 0 : Math.round(sum[c] / sum[3]);
    raw[offset + 3] = Math.round(alpha);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`build/icon.png: ${size}x${size}, ${png.length} bytes`);
