"""The Frida backend (``msl capture --backend frida``): see :mod:`memslice.acquirer.frida.source`."""
