"""Linux sources for the live acquirer: ``/proc``, ``process_vm_readv`` and ``ptrace``.

No GDB, no Frida: every fact comes from the kernel's own interfaces, read with ctypes.
"""
