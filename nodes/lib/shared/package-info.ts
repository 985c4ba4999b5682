import fs from 'node:fs';
import path from 'node:path';

/**
 * This package's name and version, from the nearest package.json above this file: the same
 * answer from the sources (nodes/lib) and from the build (dist/nodes/lib).
 */
function read(): { name: string; version: string } {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; version: string };
    if (path.dirname(dir) === dir) return { name: 'node-red-contrib-signalwire', version: 'dev' };
  }
}

export const PACKAGE = read();
