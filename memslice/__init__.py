"""memslice: read, write, verify and describe Memory Slice (``.msl``) captures.

Public API::

    from memslice import MslReader, MslWriter, verify, to_canonical

Format knowledge lives in ``spec/``; ``memslice.generated`` holds the codecs generated
from it; this package adds file framing, integrity, compression and page reconstruction.
"""

from memslice.canon import to_canonical
from memslice.errors import MslError
from memslice.reader import MslReader
from memslice.verify import VerifyReport, verify
from memslice.writer import MslWriter

__all__ = ["MslError", "MslReader", "MslWriter", "VerifyReport", "to_canonical", "verify"]
__version__ = "0.1.0"
