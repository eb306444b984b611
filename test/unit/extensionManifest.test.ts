// Unit tier: what package.json promises about the extension's face in the Extensions view and Marketplace.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

describe('extension manifest', () => {
  it('names a 128×128 PNG icon that the package includes', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { icon?: string };
    assert.equal(manifest.icon, 'media/icon.png');
    // vsce takes PNG only, and the Marketplace shows it at 128×128: the PNG signature, then the IHDR
    // chunk's width and height (big-endian, bytes 16-23), per the PNG specification, section 11.2.2.
    const png = readFileSync(manifest.icon);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    // .vscodeignore excludes everything it does not list again.
    assert.ok(readFileSync('.vscodeignore', 'utf8').split('\n').includes('!media/icon.png'), '.vscodeignore leaves the icon out of the .vsix');
  });
});
