"""Asks the window titled by the first argument to close, as a window manager's close button
does (a WM_DELETE_WINDOW message; Xvfb has no window manager to send it). It connects first,
then waits for a line on its standard input before sending, so that a test can close the
window within milliseconds of its last keystroke. Prints how many windows it asked.

Needs python-xlib (scripts/test.sh installs it beside the open-data validators)."""
import sys

from Xlib import X, display, protocol

title = sys.argv[1]
screen = display.Display()
protocols = screen.intern_atom('WM_PROTOCOLS')
delete = screen.intern_atom('WM_DELETE_WINDOW')


def windows(parent):
    for child in parent.query_tree().children:
        yield child
        yield from windows(child)


targets = [w for w in windows(screen.screen().root) if w.get_wm_name() == title and delete in (w.get_wm_protocols() or [])]
print('ready', flush=True)
sys.stdin.readline()
for window in targets:
    window.send_event(protocol.event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])))
screen.flush()
print(len(targets), flush=True)
