"""Adapters: executables that speak the ``msl-conformance/1`` contract (see ``contract.md``).

``reference.py`` is our own reader and the example for third parties;
``memslicer_adapter.py`` and ``memdiver_adapter.py`` run inside the oracle venvs with the
tools' public APIs only; ``registry.py`` says how to start each one.
"""
