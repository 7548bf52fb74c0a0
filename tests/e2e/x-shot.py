"""Writes what the X screen shows to a PNG file (the first argument): for what WebDriver cannot
photograph, a message box shown before any web view exists. Xvfb has no window manager, so
the screen is the windows as they are.

Needs python-xlib (scripts/test.sh installs it beside the open-data validators)."""
import struct
import sys
import zlib

from Xlib import X, display

root = display.Display().screen().root
geometry = root.get_geometry()
width, height = geometry.width, geometry.height
# Xvfb's 24-bit screens give 4 bytes a pixel, blue first.
pixels = root.get_image(0, 0, width, height, X.ZPixmap, 0xFFFFFFFF).data
rgb = bytearray(width * height * 3)
rgb[0::3], rgb[1::3], rgb[2::3] = pixels[2::4], pixels[1::4], pixels[0::4]
stride = width * 3
rows = b''.join(b'\x00' + bytes(rgb[y * stride:(y + 1) * stride]) for y in range(height))


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)


header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
with open(sys.argv[1], 'wb') as out:
    out.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(rows, 6)) + chunk(b'IEND', b''))
