"""The index: license texts in, clauses out.

Rooms, in the order a text goes through them (each package's ``__init__`` names what it offers):

- ``sources``: where documents come from (the ScanCode LicenseDB, packaged texts, admin folders)
  and every license name the LicenseDB knows (``Catalog``);
- ``text``: clause-aware chunking, in phases (``markers``, ``numbering``, ``units``, ``headings``,
  ``leadins``, ``roles``, assembled in ``chunker``), and sentence and span helpers;
- ``embed``: embedding backends, one module each, chosen through ``embed.registry``;
- ``store``: the vector store protocol, Chroma behind it, control records and the inventory;
- ``reindex``: the one reindex path (``ReindexService``) and the atomic ``Indexer``;
- ``search``: what a question reads (``Snapshot``), what it asks (``Query``), keyword search,
  names, scope and ranking, put together by ``Retriever``.

``documents`` holds the data passed between rooms (``Document``, ``Chunk``, ``Hit``, reports).
"""
