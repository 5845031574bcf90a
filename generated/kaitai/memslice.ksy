# Generated from spec/ by `msl codegen` (memslice). Do not edit: change spec/ and regenerate.
# Compile with kaitai-struct-compiler 0.11; the process routine memslice_codec is in tools/kaitai/.
meta:
  id: memslice
  title: Memory Slice process memory capture
  application:
    - memslicer
    - memdiver
    - memslice
  file-extension: msl
  license: CC0-1.0
  ks-version: "0.11"
  encoding: UTF-8
doc: |
  A Memory Slice file records one process: its virtual memory with a per-page state map (Captured,
  Failed, Unmapped), plus identity, modules, threads and more, as typed blocks tied together by a
  hash chain. A file is a header followed by a capture segment (blocks up to and including End-of-
  Capture), then optional extension segments (each closed by End-of-Extension), then possibly
  trailing data.

  Byte order: the Endianness byte at offset 8 selects little- or big-endian for every structural
  integer after the first 10 bytes; UUIDs and hashes are byte strings.

  Dialects: besides the public specification 1.0.0 and the unpublished 1.1 written by memslicer
  0.5.2, files from memdiver 1.0.2 and from the pre-1.0 draft differ in some payload layouts;
  body.dialect picks the dialect and block.layout the layout (see their docs).

  What Kaitai Struct cannot express here, and is left to host code:

  * Integrity: the PrevHash chain, the End-of-Capture FileHash, End-of-Extension SegmentHash and
    DiskHash need hash functions (BLAKE3, SHA-256, SHA-512/256), which the expression language
    lacks (rules P4, CS1, CS2).
  * Decryption: the sealed stream of an encrypted file (AEAD, Argon2id, KEM) is kept as bytes.
  * Segments: which blocks form the capture segment and which extension segment is verified and
    terminated (V11-C23) needs counting End-of-Capture / End-of-Extension blocks; so do the
    BlockCount checks (V11-C13, V11-P34). Blocks are listed in file order and the definition stops
    exactly where the end-of-blocks rule C4 says (fewer than 80 bytes left or no block magic), so
    trailing data is kept as bytes instead of failing the parse.
  * Dialect detection signals that need all blocks (see body.dialect).
  * Page data per page: the PageData offset of page i is the number of Captured pages before it (a
    prefix sum), Continuation fragments are reassembled by ParentUUID, and UUID references (Key
    Hint to Memory Region, Module Entry to Module List Index) are lookups: all host code.
  * Text: strings are UTF-8 and cut at the first NUL (strz); the memslice reader keeps bytes up to
    the final NUL and shows invalid UTF-8 as escapes, where Kaitai runtimes raise.
  * Producer rules (reserved fields and padding are zero, P5/P6; lengths and counts in range) are
    documented on the fields but not checked, because consumers must accept such files; valid: is
    used only for values a consumer must reject (C1, C6, C10) and for framing the parse depends
    on.
  * The custom process routine memslice_codec (zstd and LZ4) must be supplied for each target
    language; memslice ships it for Python, JavaScript and Java under tools/kaitai/.
doc-ref:
  - Memory Slice Binary Format Specification 1.0.0 (Working Draft, 2026-03)
  - Memory Slice 1.1.0 (unpublished; reconstructed from memslicer 0.5.2 and memdiver 1.0.2)
  - memslice format catalogue (shared/reference/format-catalogue.md)
seq:
  - id: magic
    contents: MEMSLICE
    doc: |
      Magic: File magic. Consumers reject other bytes (rule C1).
    doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
  - id: endianness
    type: u1
    enum: endianness
    valid:
      any-of:
        - endianness::little
        - endianness::big
    doc: |
      Endianness: Byte order of all structural integers.
    doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3.1
  - id: header_size
    type: u1
    valid:
      any-of:
        - 64
        - 128
    doc: |
      HeaderSize: Header size in bytes; block 0 starts here (rule C2). 64, or 128 when encrypted.
    doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
  - id: body
    type: body
    doc: |
      The rest of the file, in the byte order given by endianness.
types:
  body:
    meta:
      endian:
        switch-on: _root.endianness
        cases:
          endianness::little: le
          endianness::big: be
    doc: |
      The file after its byte-order independent start, in the byte order the Endianness byte gives
      (rules C1, P2).
    doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3.1
    seq:
      - id: header
        type: file_header
        doc: |
          The rest of the file header.
      - id: encryption
        type: encryption_header
        if: _root.header_size == 128
        doc: |
          The encryption extension of a 128-byte header.
        doc-ref: Memory Slice 1.1.0, section 10.1
      - id: kem_ciphertext
        size: encryption.len_kem_ct
        if: is_encrypted
        doc: |
          KEM ciphertext of an encrypted file (KEMCtLen bytes).
        doc-ref: Memory Slice 1.1.0, section 10.3
      - id: sealed_stream
        size-eos: true
        if: is_encrypted
        doc: |
          The AEAD ciphertext of the block stream and its 16-byte tag. Kaitai Struct cannot decrypt it:
          decrypt it outside and parse the plaintext blocks with the block type.
        doc-ref: Memory Slice 1.1.0, section 10.2
      - id: blocks
        type: block(_io.pos)
        repeat: until
        repeat-until: not _.has_successor
        if: has_blocks
        doc: |
          The blocks: the capture segment (up to End-of-Capture), extension segments (each closed by End-
          of-Extension) and blocks of no closed segment, in file order. The list ends when fewer than 80
          bytes remain or the next 4 bytes are not the block magic (rule C4).
      - id: trailing
        size-eos: true
        if: not is_encrypted
        doc: |
          Bytes after the last block: trailing data, never presented as blocks (V11-C14).
        doc-ref: Memory Slice 1.1.0, section 14.2(14)
    instances:
      is_encrypted:
        value: header.flags.encrypted
        doc: |
          Header flag Encrypted (bit 2): the block stream is sealed.
      has_blocks:
        value: not is_encrypted and _io.size - _root.header_size >= 80 and block0_magic == 0x4d534c43
        doc: |
          Block 0 is present at HeaderSize (rules C2, C4).
      block0_magic:
        pos: _root.header_size
        type: u4be
        doc: |
          The first 4 bytes at HeaderSize (peek).
      block0_payload_version:
        pos: _root.header_size + 12
        type: u2
        doc: |
          PayloadVersion of block 0 (peek, for the dialect).
      block0_prev_hash:
        pos: _root.header_size + 48
        size: 32
        doc: |
          PrevHash of block 0 (peek, for the dialect).
      block0_prev_hash_zero:
        value: block0_prev_hash == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        doc: |
          Block 0's PrevHash is all zero (pre-1.1 MemDiver).
      dialect:
        value: >-
          header.version == 0x0100
          ? dialect::spec_1_0
          : header.version == 0x0001
          ? dialect::g0
          : has_blocks and block0_payload_version == 0
          ? dialect::g0
          : header.block_count != 0 or (has_blocks and block0_prev_hash_zero)
          ? dialect::memdiver_1_0_2
          : dialect::spec_1_1
        enum: dialect
        doc: |
          The file's dialect, which picks payload layouts: by header Version where only one dialect uses
          it; for the shared Version, the draft layout when block 0 has PayloadVersion 0, memdiver when
          the header BlockCount is set or block 0's PrevHash is all zero, else the default. The memslice
          reader also looks at every block (legacy compression framing, unpadded payloads, 56-byte Related
          Dump, Module Entry ending at DiskHash, PayloadVersion 0 throughout); Kaitai cannot aggregate
          over blocks, so files recognised only by those signals are read with the default dialect here.
        doc-ref: memslice format catalogue, section 1
    types:
      file_header:
        doc: |
          The file header: 64 bytes, or 128 when the Encrypted flag is set (the 64-byte encryption
          extension follows at 0x40). The first 10 bytes are byte-order independent. This type holds the
          fields from Version on; Magic, Endianness, HeaderSize are read by the top-level type because
          they decide the byte order.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
        seq:
          - id: version
            type: u2
            doc: |
              Version: Format version, major in the high byte: 0x0100 = 1.0, 0x0101 = 1.1.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3.2
          - id: flags
            type: header_flags
            doc: |
              Flags: File flags.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
          - id: cap_bitmap
            type: cap_bitmap
            doc: |
              CapBitmap: Categories of data present (section 8).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 8
          - id: dump_uuid
            size: 16
            doc: |
              DumpUUID: UUIDv4 of this dump.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
          - id: timestamp
            type: u8
            doc: |
              Timestamp: Acquisition start (ns since the Unix epoch, UTC).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
          - id: os_type
            type: u2
            enum: os_type
            doc: |
              OSType: Target operating system.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3.3
          - id: arch_type
            type: u2
            enum: arch_type
            doc: |
              ArchType: Target CPU architecture.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3.3
          - id: pid
            type: u4
            doc: |
              PID: Process ID at acquisition.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
          - id: clock_source
            type: u1
            enum: clock_source
            doc: |
              ClockSource: Clock of the timestamps.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
          - id: block_count
            type: u4
            doc: |
              BlockCount: Capture-segment blocks including End-of-Capture; 0 = unknown (streaming). Never
              patched after writing; a non-zero value must equal the parsed count (1.1 rule C13). Reserved
              (zero) in 1.0. Alignment exception E4: 1.1 placed a u32 at 0x39, inside the 1.0 reserved run;
              every 1.1 tool reads it there, so its misalignment is part of the format.
            doc-ref: Memory Slice 1.1.0, section 3.1
          - id: hash_algo
            type: u1
            enum: hash_algo
            doc: |
              HashAlgo: Hash used for PrevHash, FileHash, SegmentHash and DiskHash; 0 (BLAKE3) in 1.0.
            doc-ref: Memory Slice 1.1.0, section 4.4
          - id: reserved
            size: 2
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
      encryption_header:
        doc: |
          The 64-byte extension at absolute offset 0x40 of an encrypted file (HeaderSize 128, flag
          Encrypted). Followed in the file by KEMCtLen bytes of KEM ciphertext, then the AEAD ciphertext
          of the block stream and its 16-byte tag.
        doc-ref: Memory Slice 1.1.0, section 10.1
        seq:
          - id: enc_algo
            type: u1
            enum: enc_algo
            doc: |
              EncAlgo: AEAD cipher.
            doc-ref: Memory Slice 1.1.0, section 10.1
          - id: kdf_type
            type: u1
            enum: kdf_type
            doc: |
              KDFType: Key derivation.
            doc-ref: Memory Slice 1.1.0, section 10.5
          - id: key_encap
            type: u1
            enum: key_encap
            doc: |
              KeyEncap: Key encapsulation mechanism.
            doc-ref: Memory Slice 1.1.0, section 10.3
          - id: reserved1
            type: u1
            doc: |
              Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 10.1
          - id: kdf_time
            type: u4
            doc: |
              KDFTime: Argon2id time cost (at least 3).
            doc-ref: Memory Slice 1.1.0, section 10.5
          - id: kdf_memory
            type: u4
            doc: |
              KDFMemory: Argon2id memory in KiB (at least 65536).
            doc-ref: Memory Slice 1.1.0, section 10.5
          - id: kdf_lanes
            type: u1
            doc: |
              KDFLanes: Argon2id parallelism (at least 4).
            doc-ref: Memory Slice 1.1.0, section 10.5
          - id: reserved2
            type: u1
            doc: |
              Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 10.1
          - id: len_kem_ct
            type: u2
            doc: |
              KEMCtLen: Bytes of KEM ciphertext after the header; 0 without KEM.
            doc-ref: Memory Slice 1.1.0, section 10.3
          - id: nonce
            size: 24
            doc: |
              Nonce: AEAD nonce (AES-GCM uses the first 12 bytes).
            doc-ref: Memory Slice 1.1.0, section 10.2
          - id: kdf_salt
            size: 16
            doc: |
              KDFSalt: Argon2id salt.
            doc-ref: Memory Slice 1.1.0, section 10.5
          - id: len_cipher
            type: u8
            doc: |
              CipherLen: Primary ciphertext length (1.1.1); 0 = not recorded, the tag is the last 16 bytes.
            doc-ref: Memory Slice 1.1.0, section 10.7
      sealed_header:
        doc: |
          The 64-byte cleartext header of a sealed extension segment (1.1.1 Table 27a), after the primary
          tag (only when CipherLen is non-zero) or after the previous segment's tag. It is followed by
          SegCipherLen bytes of ciphertext and a 16-byte tag. Little-endian always.
        doc-ref: Memory Slice 1.1.0, section 10.8
        seq:
          - id: magic
            contents: MSLS
            doc: |
              Magic: Sealed segment magic. Consumers reject other bytes (rule C1).
            doc-ref: Memory Slice 1.1.0, section 10.8
          - id: seal_hdr_size
            type: u2
            doc: |
              SealHdrSize: 64.
            doc-ref: Memory Slice 1.1.0, section 10.8
          - id: seg_index
            type: u2
            doc: |
              SegIndex: 1-based, consecutive.
            doc-ref: Memory Slice 1.1.0, section 10.8
          - id: seg_cipher_len
            type: u8
            doc: |
              SegCipherLen: Ciphertext (= plaintext) bytes, tag excluded; more than 0.
            doc-ref: Memory Slice 1.1.0, section 10.8
          - id: nonce
            size: 24
            doc: |
              Nonce: Fresh nonce; the cipher-sized prefix is used, the rest zero.
            doc-ref: Memory Slice 1.1.0, section 10.8
          - id: reserved
            size: 24
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 10.8
      block_header:
        doc: |
          The 80-byte header in front of every block payload.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.1
        seq:
          - id: magic
            contents: MSLC
            doc: |
              Magic: Block magic; anything else ends the block stream (C4). Consumers reject other bytes (rule
              C1).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.1
          - id: block_type
            type: u2
            enum: block_type
            valid:
              expr: _.to_i >= 1
            doc: |
              BlockType: Payload selector (block registry).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.3
          - id: flags
            type: block_flags
            doc: |
              Flags: Block flags (compression, children, continuation).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.2
          - id: block_length
            type: u4
            valid:
              min: 80
            doc: |
              BlockLength: Header plus on-disk payload, in bytes.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.1
          - id: payload_version
            type: u2
            doc: |
              PayloadVersion: Payload layout version; 1 for every layout of 1.0 and 1.1 (P10); unknown ones
              are skipped (C7).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.1
          - id: reserved
            type: u2
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.1
          - id: block_uuid
            size: 16
            doc: |
              BlockUUID: UUIDv4 of this block.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.1
          - id: parent_uuid
            size: 16
            doc: |
              ParentUUID: BlockUUID of the parent block, or all zero.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 7
          - id: prev_hash
            size: 32
            doc: |
              PrevHash: Hash of the preceding header or block (hash chain).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.4
      compression_prefix:
        doc: |
          The 8 bytes in front of the codec stream of a compressed payload.
        doc-ref: Memory Slice 1.1.0, section 4.2.1
        seq:
          - id: uncompressed_size
            type: u8
            doc: |
              UncompressedSize: Length of the payload fed to the codec; a hard cap for the inflater.
            doc-ref: Memory Slice 1.1.0, section 4.2.1
      block:
        doc: |
          One block: the 80-byte block header, then BlockLength - 80 payload bytes on disk. The payload is
          inflated by the custom process routine memslice_codec when the block is compressed and has a
          layout here (it gets: compressed?, CompAlgo, little-endian?, legacy framing allowed?), then
          parsed with the layout chosen by `layout`; a block whose type, PayloadVersion or dialect has no
          layout keeps its raw bytes and is skipped by BlockLength (rules C3, C7).
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4
        params:
          - id: ofs_block
            type: u8
            doc: |
              File offset of the block (the position it is read from).
        seq:
          - id: header
            type: block_header
            doc: |
              The block header.
          - id: payload
            size: header.block_length - 80
            process: memslice_codec(is_compressed, header.flags.comp_algo.to_i, _root.endianness == endianness::little, _parent.dialect == dialect::memdiver_1_0_2)
            type:
              switch-on: layout
              cases:
                payload_layout::memory_region: memory_region
                payload_layout::memory_region_g0: memory_region_g0
                payload_layout::module_entry: module_entry
                payload_layout::module_entry_g0: module_entry_g0
                payload_layout::module_list_index: module_list_index
                payload_layout::module_list_index_g0: module_list_index_g0
                payload_layout::thread_context: thread_context
                payload_layout::key_hint: key_hint
                payload_layout::import_provenance: import_provenance
                payload_layout::process_identity: process_identity
                payload_layout::related_dump: related_dump
                payload_layout::system_context: system_context
                payload_layout::system_context_memdiver: system_context_memdiver
                payload_layout::process_table: process_table
                payload_layout::connection_table: connection_table
                payload_layout::handle_table: handle_table
                payload_layout::handle_table_memdiver: handle_table_memdiver
                payload_layout::connectivity_table: connectivity_table
                payload_layout::connectivity_table_memdiver: connectivity_table_memdiver
                payload_layout::kernel_symbol_bundle: kernel_symbol_bundle
                payload_layout::persistence_manifest: persistence_manifest
                payload_layout::kernel_module_list: kernel_module_list
                payload_layout::target_introspection: target_introspection
                payload_layout::physical_memory_map: physical_memory_map
                payload_layout::module_build_id_manifest: module_build_id_manifest
                payload_layout::region_omission_manifest: region_omission_manifest
                payload_layout::end_of_extension: end_of_extension
                payload_layout::end_of_capture: end_of_capture
                payload_layout::block_index_table: block_index_table
                payload_layout::vas_map: vas_map
                payload_layout::pointer_graph: pointer_graph
            doc: |
              The payload, decoded with its layout. Compressed payloads on disk are a u64 UncompressedSize in
              the file's byte order and one zstd frame (CompAlgo 1) or one LZ4 block with a 4-byte little-
              endian size prefix (CompAlgo 2); memdiver's legacy files hold a bare zstd frame or LZ4 frame.
              The routine checks the inflated size against UncompressedSize (rule V11-C20).
            doc-ref: Memory Slice 1.1.0, section 4.2.1
        instances:
          layout:
            value: >-
              header.block_type == block_type::memory_region and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::memory_region
              : header.block_type == block_type::memory_region and header.payload_version == 0 and _parent.dialect == dialect::g0
              ? payload_layout::memory_region_g0
              : header.block_type == block_type::module_entry and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::module_entry
              : header.block_type == block_type::module_entry and header.payload_version == 0 and _parent.dialect == dialect::g0
              ? payload_layout::module_entry_g0
              : header.block_type == block_type::module_list_index and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::module_list_index
              : header.block_type == block_type::module_list_index and header.payload_version == 0 and _parent.dialect == dialect::g0
              ? payload_layout::module_list_index_g0
              : header.block_type == block_type::thread_context and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::thread_context
              : header.block_type == block_type::key_hint and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::key_hint
              : header.block_type == block_type::import_provenance and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::import_provenance
              : header.block_type == block_type::process_identity and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::process_identity
              : header.block_type == block_type::related_dump and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::related_dump
              : header.block_type == block_type::system_context and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::system_context
              : header.block_type == block_type::system_context and header.payload_version == 1 and _parent.dialect == dialect::memdiver_1_0_2
              ? payload_layout::system_context_memdiver
              : header.block_type == block_type::process_table and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::process_table
              : header.block_type == block_type::connection_table and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::connection_table
              : header.block_type == block_type::handle_table and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::handle_table
              : header.block_type == block_type::handle_table and header.payload_version == 1 and _parent.dialect == dialect::memdiver_1_0_2
              ? payload_layout::handle_table_memdiver
              : header.block_type == block_type::connectivity_table and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::connectivity_table
              : header.block_type.to_i == 0x0055 and header.payload_version == 1 and _parent.dialect == dialect::memdiver_1_0_2
              ? payload_layout::connectivity_table_memdiver
              : header.block_type.to_i == 0x0055 and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::kernel_symbol_bundle
              : header.block_type == block_type::persistence_manifest and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::persistence_manifest
              : header.block_type == block_type::kernel_module_list and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::kernel_module_list
              : header.block_type == block_type::target_introspection and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::target_introspection
              : header.block_type == block_type::physical_memory_map and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::physical_memory_map
              : header.block_type == block_type::module_build_id_manifest and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_0 or _parent.dialect == dialect::spec_1_1)
              ? payload_layout::module_build_id_manifest
              : header.block_type == block_type::region_omission_manifest and header.payload_version == 1 and _parent.dialect == dialect::spec_1_1
              ? payload_layout::region_omission_manifest
              : header.block_type == block_type::end_of_extension and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::end_of_extension
              : header.block_type == block_type::end_of_capture and (header.payload_version == 0 or header.payload_version == 1)
              ? payload_layout::end_of_capture
              : header.block_type == block_type::block_index_table and header.payload_version == 1 and _parent.dialect == dialect::spec_1_0
              ? payload_layout::block_index_table
              : header.block_type == block_type::vas_map and header.payload_version == 1 and (_parent.dialect == dialect::spec_1_1 or _parent.dialect == dialect::memdiver_1_0_2)
              ? payload_layout::vas_map
              : header.block_type == block_type::pointer_graph and header.payload_version == 1 and _parent.dialect == dialect::memdiver_1_0_2
              ? payload_layout::pointer_graph
              : payload_layout::none
            enum: payload_layout
            doc: |
              The payload layout for this block type, PayloadVersion and the file's dialect (none: skip the
              block by BlockLength).
          is_compressed:
            value: header.flags.compressed and _parent.dialect != dialect::g0 and layout != payload_layout::none
            doc: |
              The payload is inflated before parsing: flag Compressed is set, the block has a layout, and the
              file is not of the draft dialect (where flag bit 0 means HasChildren).
          ofs_end:
            value: ofs_block + header.block_length
            doc: |
              File offset just past this block.
          next_magic:
            pos: ofs_end
            type: u4be
            if: _io.size - ofs_end >= 4
            doc: |
              The 4 bytes after this block (a peek).
          has_successor:
            value: _io.size - ofs_end >= 80 and next_magic == 0x4d534c43
            doc: |
              Another block follows: at least 80 bytes remain after this one and they start with the block
              magic (rule C4).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 12.2(4)
      header_flags:
        doc: |
          File header Flags (u32).
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 3
        seq:
          - id: value
            type: u4
            doc: |
              The flags as stored.
        instances:
          imported:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.0): Converted from another dump format; block 0 is Import Provenance (P9).
          investigation:
            value: (value & 0x2) != 0
            doc: |
              Bit 1 (since 1.1): System Context and its tables are present (needs cap bit 11).
          encrypted:
            value: (value & 0x4) != 0
            doc: |
              Bit 2 (since 1.1): 128-byte header and an AEAD-encrypted block stream.
          redacted:
            value: (value & 0x8) != 0
            doc: |
              Bit 3 (since 1.1): Values were removed by policy (defined by memslicer, set by nobody).
          unknown_bits:
            value: value & 0xfffffff0
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      cap_bitmap:
        doc: |
          Capability bitmap (u64); a producer sets exactly the categories it captured (P8).
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 8
        seq:
          - id: value
            type: u8
            doc: |
              The flags as stored.
        instances:
          memory_regions:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.0): Memory Region blocks (0x0001) present.
          module_list:
            value: (value & 0x2) != 0
            doc: |
              Bit 1 (since 1.0): Module List Index / Module Entry (0x0010/0x0002) present.
          thread_contexts:
            value: (value & 0x4) != 0
            doc: |
              Bit 2 (since 1.0): Thread Context (0x0011) present.
          file_descriptors:
            value: (value & 0x8) != 0
            doc: |
              Bit 3 (since 1.0): File Descriptor (0x0012).
          network_state:
            value: (value & 0x10) != 0
            doc: |
              Bit 4 (since 1.0): Network Connection (0x0013).
          environment_vars:
            value: (value & 0x20) != 0
            doc: |
              Bit 5 (since 1.0): Environment Block (0x0014).
          shared_memory:
            value: (value & 0x40) != 0
            doc: |
              Bit 6 (since 1.0): IPC identifiers (no block type is defined).
          security_context:
            value: (value & 0x80) != 0
            doc: |
              Bit 7 (since 1.0): Security Token (0x0015).
          process_identity:
            value: (value & 0x100) != 0
            doc: |
              Bit 8 (since 1.0): Process Identity (0x0040) present.
          related_dumps:
            value: (value & 0x200) != 0
            doc: |
              Bit 9 (since 1.0): Related Dump (0x0041) present.
          crypto_hints:
            value: (value & 0x400) != 0
            doc: |
              Bit 10 (since 1.0): Key Hint (0x0020) present.
          system_context:
            value: (value & 0x800) != 0
            doc: |
              Bit 11 (since 1.1): System Context (0x0050); required with the Investigation flag.
          system_process_table:
            value: (value & 0x1000) != 0
            doc: |
              Bit 12 (since 1.1): Process Table (0x0051).
          system_network_table:
            value: (value & 0x2000) != 0
            doc: |
              Bit 13 (since 1.1): Connection Table (0x0052).
          system_handle_table:
            value: (value & 0x4000) != 0
            doc: |
              Bit 14 (since 1.1): Handle Table (0x0053).
          page_states_inferred:
            value: (value & 0x8000) != 0
            doc: |
              Bit 15 (since memdiver-1.0.2): memdiver 1.0.2 private bit: page states of an import were
              inferred.
          unknown_bits:
            value: value & 0xffffffffffff0000
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      block_flags:
        doc: |
          Block header Flags (u16).
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.2
        seq:
          - id: value
            type: u2
            doc: |
              The flags as stored.
        instances:
          compressed:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.0): Payload is compressed with comp_algo.
          comp_algo:
            value: (value >> 1) & 0x3
            enum: comp_algo
            doc: |
              Bit 1-2 (since 1.0): Codec; ignored when not compressed (C9), zero then (P11).
          has_key_hints:
            value: (value & 0x8) != 0
            doc: |
              Bit 3 (since 1.0): Key Hint blocks reference this block.
          has_children:
            value: (value & 0x10) != 0
            doc: |
              Bit 4 (since 1.0): Other blocks name this one as ParentUUID.
          continuation:
            value: (value & 0x20) != 0
            doc: |
              Bit 5 (since 1.0): Continuation fragment of a split region; ParentUUID is the first fragment.
          unknown_bits:
            value: value & 0xffc0
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      protection:
        doc: |
          Memory protection bits of a region.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
        seq:
          - id: value
            type: u1
            doc: |
              The flags as stored.
        instances:
          read:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.0): Readable.
          write:
            value: (value & 0x2) != 0
            doc: |
              Bit 1 (since 1.0): Writable.
          execute:
            value: (value & 0x4) != 0
            doc: |
              Bit 2 (since 1.0): Executable.
          guard:
            value: (value & 0x8) != 0
            doc: |
              Bit 3 (since 1.0): Guard page.
          copy_on_write:
            value: (value & 0x10) != 0
            doc: |
              Bit 4 (since 1.0): Copy-on-write.
          unknown_bits:
            value: value & 0xe0
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      thread_flags:
        doc: |
          Thread Context flags.
        doc-ref: Memory Slice 1.1.0, section 5.7
        seq:
          - id: value
            type: u2
            doc: |
              The flags as stored.
        instances:
          current:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.1): The resumption / current thread.
          crashed:
            value: (value & 0x2) != 0
            doc: |
              Bit 1 (since 1.1): The faulting thread.
          suspended:
            value: (value & 0x4) != 0
            doc: |
              Bit 2 (since 1.1): Registers read from a stopped thread.
          partial:
            value: (value & 0x8) != 0
            doc: |
              Bit 3 (since 1.1): Register file incomplete.
          unknown_bits:
            value: value & 0xfff0
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      register_role:
        doc: |
          Role bits of a Thread Context register entry.
        doc-ref: Memory Slice 1.1.0, section 5.7
        seq:
          - id: value
            type: u2
            doc: |
              The flags as stored.
        instances:
          pc:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.1): Program counter.
          sp:
            value: (value & 0x2) != 0
            doc: |
              Bit 1 (since 1.1): Stack pointer.
          fp:
            value: (value & 0x4) != 0
            doc: |
              Bit 2 (since 1.1): Frame pointer.
          flags:
            value: (value & 0x8) != 0
            doc: |
              Bit 3 (since 1.1): Flags register.
          tls:
            value: (value & 0x10) != 0
            doc: |
              Bit 4 (since 1.1): TLS / thread pointer.
          lr:
            value: (value & 0x20) != 0
            doc: |
              Bit 5 (since 1.1): Link register.
          unknown_bits:
            value: value & 0xffc0
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      system_table_bitmap:
        doc: |
          Tables announced by a System Context (memslicer bits; memdiver uses 0-2 only).
        doc-ref: Memory Slice 1.1.0, section 6.2
        seq:
          - id: value
            type: u4
            doc: |
              The flags as stored.
        instances:
          process_table:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.1): Process Table (0x0051).
          connection_table:
            value: (value & 0x2) != 0
            doc: |
              Bit 1 (since 1.1): Connection Table (0x0052).
          handle_table:
            value: (value & 0x4) != 0
            doc: |
              Bit 2 (since 1.1): Handle Table (0x0053).
          connectivity_table:
            value: (value & 0x8) != 0
            doc: |
              Bit 3 (since 1.1): Connectivity Table (0x0054).
          kernel_symbol_bundle:
            value: (value & 0x10) != 0
            doc: |
              Bit 4 (since 1.1): Kernel Symbol Bundle (0x0055).
          physical_memory_map:
            value: (value & 0x20) != 0
            doc: |
              Bit 5 (since 1.1): Reserved for Physical Memory Map (never set).
          persistence_manifest:
            value: (value & 0x40) != 0
            doc: |
              Bit 6 (since 1.1): Persistence Manifest (0x0056).
          kernel_module_list:
            value: (value & 0x80) != 0
            doc: |
              Bit 7 (since 1.1): Kernel Module List (0x0057).
          build_id_manifest:
            value: (value & 0x100) != 0
            doc: |
              Bit 8 (since 1.1): Reserved for Module BuildId Manifest (never set).
          target_introspection:
            value: (value & 0x200) != 0
            doc: |
              Bit 9 (since 1.1): Target Introspection (0x0058).
          unknown_bits:
            value: value & 0xfffffc00
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      kernel_module_flags:
        doc: |
          Hidden-module indicators of a Kernel Module List row.
        doc-ref: memslice format catalogue, section 6.17
        seq:
          - id: value
            type: u1
            doc: |
              The flags as stored.
        instances:
          only_proc_modules:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.1): Listed only in /proc/modules.
          only_sys_module:
            value: (value & 0x2) != 0
            doc: |
              Bit 1 (since 1.1): Listed only in /sys/module.
          unknown_bits:
            value: value & 0xfc
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      build_id_flags:
        doc: |
          Flags of a Module BuildId Manifest row.
        doc-ref: Memory Slice 1.1.0, section 5.10
        seq:
          - id: value
            type: u1
            doc: |
              The flags as stored.
        instances:
          deleted:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since 1.1): Backing file deleted.
          memfd:
            value: (value & 0x2) != 0
            doc: |
              Bit 1 (since 1.1): memfd mapping.
          anon_rwx:
            value: (value & 0x4) != 0
            doc: |
              Bit 2 (since 1.1): Anonymous RWX.
          unlinked:
            value: (value & 0x8) != 0
            doc: |
              Bit 3 (since 1.1): Unlinked file.
          unknown_bits:
            value: value & 0xf0
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      pointer_graph_flags:
        doc: |
          Flags of a memdiver Pointer Graph header (u32).
        doc-ref: memslice format catalogue, section 6.25
        seq:
          - id: value
            type: u4
            doc: |
              The flags as stored.
        instances:
          integrity_trailer:
            value: (value & 0x1) != 0
            doc: |
              Bit 0 (since memdiver-1.0.2): A 32-byte BLAKE3 of header, nodes and edges follows the edges.
          unknown_bits:
            value: value & 0xfffffffe
            doc: |
              Bits this definition does not name (0 in a file that uses only known bits).
      page_state_map:
        meta:
          bit-endian: be
        doc: |
          2 bits per page, page 0 in the two most significant bits of byte 0 (page i in byte i // 4 at
          shift 6 - 2 * (i % 4)), zero-padded to a multiple of 8 bytes. Every producer writes this order;
          the PDF's "bit position 2i" wording would suggest the opposite (E8). States: 00 Captured
          (PageSize bytes in PageData), 01 Failed, 10 Unmapped, 11 Reserved in 1.0 (treat as Failed) /
          NotResident in 1.1 (zero-content page, never stored).
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 6
        params:
          - id: num_pages
            type: u8
            doc: |
              Number of pages of the region.
        seq:
          - id: states
            type: b2
            enum: page_state
            repeat: expr
            repeat-expr: num_pages
            doc: |
              State of each page, page 0 first.
      memory_region:
        doc: |
          Payload layout of Memory Region (block type 0x0001) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, PayloadVersion 1. Memory Region as in the public spec and every 1.x producer.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
        seq:
          - id: base_addr
            type: u8
            doc: |
              BaseAddr: Virtual address of the region's first byte.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
          - id: region_size
            type: u8
            doc: |
              RegionSize: Region size in bytes; a multiple of 2^page_size_log2.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
          - id: protection
            type: protection
            doc: |
              Protection: Protection bits.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
          - id: region_type
            type: u1
            enum: region_type
            doc: |
              RegionType: Kind of region.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
          - id: page_size_log2
            type: u1
            valid:
              min: 10
              max: 40
            doc: |
              PageSizeLog2: Page size as a power of two (12 = 4 KiB).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
          - id: reserved
            size: 5
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
          - id: timestamp
            type: u8
            doc: |
              Timestamp: When this region was read (ns since the Unix epoch).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
          - id: page_state_map
            size: ((num_pages + 3) / 4 + 7) / 8 * 8
            type: page_state_map(num_pages)
            doc: |
              PageStateMap: 2 bits per page, page 0 in the top bits of byte 0, zero-padded to 8.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 6
          - id: page_data
            size-eos: true
            doc: |
              PageData: The bytes of the Captured pages only, in page order.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
        instances:
          num_pages:
            value: region_size >> page_size_log2
            doc: |
              Number of pages in the region.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
          page_size:
            value: "1 << page_size_log2"
            doc: |
              Page size in bytes.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.1
      memory_region_g0:
        doc: |
          Payload layout of Memory Region (block type 0x0001) in dialects g0, PayloadVersion 0. Pre-1.0
          layout (first draft, libmsl, Chrome capture): PageSize in bytes as u16 and the page count as u32
          where 1.0 has PageSizeLog2 and reserved bytes.
        doc-ref: memslice format catalogue, section 6.1
        seq:
          - id: base_addr
            type: u8
            doc: |
              BaseAddr: Virtual address of the region's first byte.
            doc-ref: memslice format catalogue, section 6.1
          - id: region_size
            type: u8
            doc: |
              RegionSize: Region size in bytes.
            doc-ref: memslice format catalogue, section 6.1
          - id: protection
            type: protection
            doc: |
              Protection: Protection bits.
            doc-ref: memslice format catalogue, section 6.1
          - id: region_type
            type: u1
            enum: region_type
            doc: |
              RegionType: Kind of region.
            doc-ref: memslice format catalogue, section 6.1
          - id: page_size
            type: u2
            valid:
              any-of:
                - 1024
                - 2048
                - 4096
                - 8192
                - 16384
                - 32768
            doc: |
              PageSize: Page size in bytes (a power of two). Alignment exception E14: G0 stored a u16 page
              size at 0x12; kept as found in the Chrome capture.
            doc-ref: memslice format catalogue, section 6.1
          - id: num_pages
            type: u4
            doc: |
              PageCount: Number of pages (the draft called it MapLength). Alignment exception E14: G0 page
              count at 0x14 as found in the Chrome capture.
            doc-ref: memslice format catalogue, section 6.1
          - id: timestamp
            type: u8
            doc: |
              Timestamp: When this region was read (ns).
            doc-ref: memslice format catalogue, section 6.1
          - id: page_state_map
            size: ((num_pages + 3) / 4 + 7) / 8 * 8
            type: page_state_map(num_pages)
            doc: |
              PageStateMap: 2 bits per page, as in 1.0.
            doc-ref: memslice format catalogue, section 6.1
          - id: page_data
            size-eos: true
            doc: |
              PageData: The bytes of the Captured pages.
            doc-ref: memslice format catalogue, section 6.1
      module_entry:
        doc: |
          Payload layout of Module Entry (block type 0x0002) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, PayloadVersion 1. Module Entry. memdiver 1.0.2 stops after DiskHash (no BlobLen,
          Reserved2, NativeBlob): those fields are optional at the tail of the payload.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
        seq:
          - id: base_addr
            type: u8
            doc: |
              BaseAddr: Load address.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: module_size
            type: u8
            doc: |
              ModuleSize: Mapping size in bytes.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: len_path
            type: u2
            doc: |
              PathLen: Byte length of path including its NUL.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: len_version
            type: u2
            doc: |
              VersionLen: Byte length of version including its NUL; 0 if unavailable.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: reserved1
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: path
            type: strz
            size: len_path
            doc: |
              Path: Module path (UTF-8).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: path_pad
            size: (8 - len_path % 8) % 8
            doc: |
              Zero bytes that pad path to a multiple of 8 (rule P6; not checked here).
          - id: version
            type: strz
            size: len_version
            doc: |
              Version: Module version (UTF-8); absent when len_version is 0.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: version_pad
            size: (8 - len_version % 8) % 8
            doc: |
              Zero bytes that pad version to a multiple of 8 (rule P6; not checked here).
          - id: disk_hash
            size: 32
            doc: |
              DiskHash: Hash of the file on disk; all zero = not available (P13, C8).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: len_native_blob
            type: u4
            if: tail_present
            doc: |
              BlobLen: Byte length of native_blob. Optional tail: present only when the payload has bytes
              left.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: reserved2
            type: u4
            if: tail_present
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5). Optional tail:
              present only when the payload has bytes left.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
          - id: native_blob
            size: len_native_blob
            if: tail_present
            doc: |
              NativeBlob: OS-native loader data (Linux: the maps line; memslicer: a build-id record). Optional
              tail: present only when the payload has bytes left.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.2
        instances:
          tail_present:
            value: not _io.eof
            doc: |
              Whether the optional tail fields are present: evaluated once, by the first of them, when the
              payload still has bytes left at that point.
      module_entry_g0:
        doc: |
          Payload layout of Module Entry (block type 0x0002) in dialects g0, PayloadVersion 0. Pre-1.0
          Module Entry whose length fields hold the padded sizes; the version always occupies at least 8
          bytes.
        doc-ref: memslice format catalogue, section 6.2
        seq:
          - id: base_addr
            type: u8
            doc: |
              BaseAddr: Load address.
            doc-ref: memslice format catalogue, section 6.2
          - id: module_size
            type: u8
            doc: |
              ModuleSize: Mapping size in bytes.
            doc-ref: memslice format catalogue, section 6.2
          - id: len_path
            type: u2
            doc: |
              PathLen: Padded byte length of path.
            doc-ref: memslice format catalogue, section 6.2
          - id: len_version
            type: u2
            doc: |
              VersionLen: Padded byte length of version.
            doc-ref: memslice format catalogue, section 6.2
          - id: reserved1
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.2
          - id: path
            type: str
            size: len_path
            pad-right: 0
            doc: |
              Path: Module path, NUL-padded.
            doc-ref: memslice format catalogue, section 6.2
          - id: path_pad
            size: (8 - len_path % 8) % 8
            doc: |
              Zero bytes that pad path to a multiple of 8 (rule P6; not checked here).
          - id: version
            type: str
            size: len_version
            pad-right: 0
            doc: |
              Version: Module version, NUL-padded.
            doc-ref: memslice format catalogue, section 6.2
          - id: version_pad
            size: (8 - len_version % 8) % 8
            doc: |
              Zero bytes that pad version to a multiple of 8 (rule P6; not checked here).
          - id: disk_hash
            size: 32
            doc: |
              DiskHash: Hash of the file on disk; all zero = not available.
            doc-ref: memslice format catalogue, section 6.2
          - id: len_native_blob
            type: u4
            if: tail_present
            doc: |
              BlobLen: Byte length of native_blob. Optional tail: present only when the payload has bytes
              left.
            doc-ref: memslice format catalogue, section 6.2
          - id: reserved2
            type: u4
            if: tail_present
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5). Optional tail:
              present only when the payload has bytes left.
            doc-ref: memslice format catalogue, section 6.2
          - id: native_blob
            size: len_native_blob
            if: tail_present
            doc: |
              NativeBlob: OS-native loader data. Optional tail: present only when the payload has bytes left.
            doc-ref: memslice format catalogue, section 6.2
        instances:
          tail_present:
            value: not _io.eof
            doc: |
              Whether the optional tail fields are present: evaluated once, by the first of them, when the
              payload still has bytes left at that point.
      module_list_index:
        doc: |
          Payload layout of Module List Index (block type 0x0010) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, PayloadVersion 1. Manifest with inline entries.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
        seq:
          - id: num_entries
            type: u4
            doc: |
              EntryCount: Number of manifest entries.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: entries
            type: module_manifest_entry
            repeat: expr
            repeat-expr: num_entries
            doc: |
              Entries: The manifest entries.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
      module_list_index_g0:
        doc: |
          Payload layout of Module List Index (block type 0x0010) in dialects g0, PayloadVersion 0.
          Pre-1.0 count-only manifest (8 bytes, no entries).
        doc-ref: memslice format catalogue, section 6.3
        seq:
          - id: num_entries
            type: u4
            doc: |
              EntryCount: Number of Module Entry blocks that follow.
            doc-ref: memslice format catalogue, section 6.3
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.3
      module_manifest_entry:
        doc: |
          One manifest entry. (Part of Module List Index.)
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
        seq:
          - id: module_uuid
            size: 16
            doc: |
              ModuleUUID: BlockUUID of the Module Entry that follows later.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: base_addr
            type: u8
            doc: |
              BaseAddr: Load address.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: module_size
            type: u8
            doc: |
              ModuleSize: Mapping size.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: len_path
            type: u2
            doc: |
              PathLen: Byte length of path including its NUL.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: reserved1
            type: u2
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: reserved2
            type: u4
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: path
            type: strz
            size: len_path
            doc: |
              Path: Module path (UTF-8).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.3
          - id: path_pad
            size: (8 - len_path % 8) % 8
            doc: |
              Zero bytes that pad path to a multiple of 8 (rule P6; not checked here).
      thread_context:
        doc: |
          Payload layout of Thread Context (block type 0x0011) in dialects spec-1.1, memdiver-1.0.2,
          PayloadVersion 1. 1.1 layout (memslicer 0.5.2, the reverseame memslicer fork, memdiver 1.0.2).
          The fork defines only flag bits 0-1, states 0-4 and role bits 0-3, and leaves Arch reserved (0).
          The pre-1.1 MemDiver decoder (u64 ThreadID then opaque register bytes) was a guess and is not a
          layout.
        doc-ref: Memory Slice 1.1.0, section 5.7
        seq:
          - id: thread_id
            type: u8
            doc: |
              ThreadID: OS thread id.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: start_time
            type: u8
            doc: |
              StartTime: Thread start time (ns since the Unix epoch); 0 = unknown.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: flags
            type: thread_flags
            doc: |
              Flags: Thread flags (Current, Crashed, Suspended, Partial).
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: state
            type: u1
            enum: thread_state
            doc: |
              ThreadState: Scheduler state; memdiver 1.0.2 writes 3 (Stopped) by default.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: arch
            type: u1
            doc: |
              Arch: 0 = same as the header ArchType, otherwise an ArchType code (only codes below 256 fit).
              ArchType 0 is x86, so an x86 thread in an x86-64 process cannot be expressed (D14). Reserved (0)
              in the reverseame fork.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: num_registers
            type: u4
            doc: |
              RegCount: Number of register entries after the name.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: len_name
            type: u2
            doc: |
              NameLen: Byte length of name including its NUL; 0 = no name.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: reserved
            size: 6
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: name
            type: strz
            size: len_name
            doc: |
              ThreadName: Thread name (UTF-8); absent when len_name is 0.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: name_pad
            size: (8 - len_name % 8) % 8
            doc: |
              Zero bytes that pad name to a multiple of 8 (rule P6; not checked here).
          - id: registers
            type: register_entry
            repeat: expr
            repeat-expr: num_registers
            doc: |
              Registers: The register entries, in producer order.
            doc-ref: Memory Slice 1.1.0, section 5.7
      register_entry:
        doc: |
          One register: an 8-byte head, the pad8 name, then the pad8 value (8 + pad8(NameLen) +
          pad8(Width) bytes). (Part of Thread Context.)
        doc-ref: Memory Slice 1.1.0, section 5.7
        seq:
          - id: len_name
            type: u1
            doc: |
              NameLen: Byte length of name including its NUL (2..255).
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: width
            type: u1
            doc: |
              Width: Size of value in bytes (1..255).
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: flags
            type: register_role
            doc: |
              Flags: Role bits (PC, SP, FP, FLAGS, TLS, LR).
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: name
            type: strz
            size: len_name
            doc: |
              Name: Lowercase canonical mnemonic (1.1 Table 19g, e.g. rip, rsp, x0, pc, tpidr_el0); memslicer
              0.5.2 and memdiver lowercase on write, the fork writes what it is given.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: name_pad
            size: (8 - len_name % 8) % 8
            doc: |
              Zero bytes that pad name to a multiple of 8 (rule P6; not checked here).
          - id: value
            size: width
            doc: |
              Value: Raw register bytes in file byte order (little-endian); memdiver zero-extends general,
              flags and segment registers to 8 bytes.
            doc-ref: Memory Slice 1.1.0, section 5.7
          - id: value_pad
            size: (8 - width % 8) % 8
            doc: |
              Zero bytes that pad value to a multiple of 8 (rule P6; not checked here).
      key_hint:
        doc: |
          Payload layout of Key Hint (block type 0x0020) in dialects spec-1.0, spec-1.1, memdiver-1.0.2,
          PayloadVersion 1. 44-byte fixed part, then the Note at +0x2C (E1): the payload is 44 +
          pad8(NoteLen) bytes, always 4 mod 8. memslicer pads the block with 4 more zero bytes, memdiver
          leaves BlockLength = 4 (mod 8). Every producer agrees the Note starts at +0x2C. memdiver
          measures RegionOffset from the region's BaseAddr in virtual-address space (converting it to a
          PageData offset by skipping non-captured pages) and rebases the hint onto the chunk block when
          it split a large region; the two readings agree only when no non-captured page precedes the key
          (D7). memdiver also writes KeyType 0x000C (ML-KEM private key).
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
        seq:
          - id: region_uuid
            size: 16
            doc: |
              RegionUUID: BlockUUID of the Memory Region holding the key material.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: region_offset
            type: u8
            doc: |
              RegionOffset: Byte offset of the key within the region's PageData (memdiver: offset from
              BaseAddr in VA space, see the layout doc).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: len_key
            type: u4
            doc: |
              KeyLen: Length of the key material in bytes; 0 = unknown.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: key_type
            type: u2
            enum: key_type
            doc: |
              KeyType: Kind of key material.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: protocol
            type: u2
            enum: protocol
            doc: |
              Protocol: Protocol the key belongs to.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: confidence
            type: u1
            enum: confidence
            doc: |
              Confidence: How sure the producer is (Speculative, Heuristic, Confirmed).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: key_state
            type: u1
            enum: key_state
            doc: |
              KeyState: State of the key at capture time.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: reserved
            type: u2
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: len_note
            type: u4
            doc: |
              NoteLen: Byte length of note including its NUL; 0 = no note.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: reserved2
            type: u4
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: note
            type: strz
            size: len_note
            doc: |
              Note: Free-form provenance text (UTF-8); absent when len_note is 0. Alignment exception E1: The
              1.0 table puts the Note at +0x2C (4 mod 8), the only variable field of the spec that does not
              start 8-aligned (the fixed part is 44 bytes although Figure 7 says 36; a 4-byte reserved field
              looks missing). memslicer 0.2.x/0.5.2 and memdiver all read and write it at +0x2C, so the
              misalignment is part of the format.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.6
          - id: note_pad
            size: (8 - len_note % 8) % 8
            doc: |
              Zero bytes that pad note to a multiple of 8 (rule P6; not checked here).
      import_provenance:
        doc: |
          Payload layout of Import Provenance (block type 0x0030) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, PayloadVersion 1. The 1.0 layout. memdiver (the pre-1.1 tree and 1.0.2) appends
          a 32-byte SourceHash after the Note; memslicer and the public spec end at the Note, so
          source_hash is an optional tail (readers default it to zeros when absent). memdiver reassigns
          SourceFormat 0x0004 ("existing .msl") and 0x0005 ("regioned raw") and encodes machine-readable
          key=value segments in the Note. memslicer writes ToolNameLen 0 (no bytes) for an empty tool
          name; memdiver always writes one.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
        seq:
          - id: source_format
            type: u2
            enum: source_format
            doc: |
              SourceFormat: Format of the imported source.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: reserved
            type: u2
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: len_tool_name
            type: u4
            doc: |
              ToolNameLen: Byte length of tool_name including its NUL.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: import_time
            type: u8
            doc: |
              ImportTime: Import time (ns since the Unix epoch).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: orig_file_size
            type: u8
            doc: |
              OrigFileSize: Size of the original file in bytes; 0 = unknown.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: len_note
            type: u4
            doc: |
              NoteLen: Byte length of note including its NUL; 0 = no note.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: reserved2
            type: u4
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: tool_name
            type: strz
            size: len_tool_name
            doc: |
              ToolName: Name (and version) of the importing tool (UTF-8).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: tool_name_pad
            size: (8 - len_tool_name % 8) % 8
            doc: |
              Zero bytes that pad tool_name to a multiple of 8 (rule P6; not checked here).
          - id: note
            type: strz
            size: len_note
            doc: |
              Note: Free-form note (UTF-8); memdiver puts '; '-separated key=value segments here. Absent when
              len_note is 0.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 9.1
          - id: note_pad
            size: (8 - len_note % 8) % 8
            doc: |
              Zero bytes that pad note to a multiple of 8 (rule P6; not checked here).
          - id: source_hash
            size: 32
            if: tail_present
            doc: |
              SourceHash: memdiver only: BLAKE3 of the source file, all zero if unknown. Absent in memslicer
              and public-spec files. Optional tail: present only when the payload has bytes left.
            doc-ref: memslice format catalogue, section 6.7
        instances:
          tail_present:
            value: not _io.eof
            doc: |
              Whether the optional tail fields are present: evaluated once, by the first of them, when the
              payload still has bytes left at that point.
      process_identity:
        doc: |
          Payload layout of Process Identity (block type 0x0040) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, PayloadVersion 1. The 1.0 layout, used by every 1.x producer. memslicer writes a
          lone NUL (length 1) for an unknown executable path, memdiver writes length 0 (no bytes);
          memslicer 0.5.2 truncates ExePath and CmdLine (UTF-8-safe) to fit the u16 lengths.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
        seq:
          - id: ppid
            type: u4
            doc: |
              PPID: Parent process id; 0 = unknown.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
          - id: session_id
            type: u4
            doc: |
              SessionID: Session / login session id; 0 = unknown.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
          - id: start_time
            type: u8
            doc: |
              StartTime: Process start time (ns since the Unix epoch); 0 = unknown.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
          - id: len_exe_path
            type: u2
            doc: |
              ExePathLen: Byte length of exe_path including its NUL.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
          - id: len_cmd_line
            type: u2
            doc: |
              CmdLineLen: Byte length of cmd_line including its NUL; 0 = unavailable.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
          - id: exe_path
            type: strz
            size: len_exe_path
            doc: |
              ExePath: Full executable path (UTF-8).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
          - id: exe_path_pad
            size: (8 - len_exe_path % 8) % 8
            doc: |
              Zero bytes that pad exe_path to a multiple of 8 (rule P6; not checked here).
          - id: cmd_line
            type: strz
            size: len_cmd_line
            doc: |
              CmdLine: Command line (UTF-8); absent when len_cmd_line is 0.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.4
          - id: cmd_line_pad
            size: (8 - len_cmd_line % 8) % 8
            doc: |
              Zero bytes that pad cmd_line to a multiple of 8 (rule P6; not checked here).
      related_dump:
        doc: |
          Payload layout of Related Dump (block type 0x0041) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, PayloadVersion 1. 24 bytes in the public spec and memslicer ("24B FIXED");
          memdiver (the pre-1.1 tree and 1.0.2) writes 56 bytes, appending a 32-byte TargetHash, calls
          that the "spec-mandated" layout and the 24-byte form legacy, and reads both. target_hash is
          therefore an optional tail.
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.5
        seq:
          - id: related_dump_uuid
            size: 16
            doc: |
              RelatedDumpUUID: DumpUUID of the related .msl file.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.5
          - id: related_pid
            type: u4
            doc: |
              RelatedPID: PID of the related process; 0 = unknown.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.5
          - id: relationship
            type: u2
            enum: relationship
            doc: |
              Relationship: How the other process relates to this one.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.5
          - id: reserved
            type: u2
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 5.5
          - id: target_hash
            size: 32
            if: tail_present
            doc: |
              TargetHash: memdiver only: BLAKE3 of the related file, all zero if unknown. Absent in memslicer
              and public-spec files. Optional tail: present only when the payload has bytes left.
            doc-ref: memslice format catalogue, section 6.9
        instances:
          tail_present:
            value: not _io.eof
            doc: |
              Whether the optional tail fields are present: evaluated once, by the first of them, when the
              payload still has bytes left at that point.
      system_context:
        doc: |
          Payload layout of System Context (block type 0x0050) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. Layout A (memslicer 0.2.7, the reverseame fork, 0.5.2): u8 TargetCount at
          0x08, then the u32 TableBitmap and five u16 lengths packed without alignment, 9 reserved bytes.
          AcqUser, Hostname and OSDetail are always written (a lone NUL, length 1, when empty); Domain and
          CaseRef have length 0 when omitted. OSDetail follows memslicer's convention "msl.memslicer/1
          <human string> | k=v;k=v..." with %HH escaping (content, not wire structure).
        doc-ref: Memory Slice 1.1.0, section 6.2
        seq:
          - id: boot_time
            type: u8
            doc: |
              BootTime: Host boot time (ns since the Unix epoch).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: num_targets
            type: u1
            doc: |
              TargetCount: Number of captured target processes (u8, 1 in practice).
            doc-ref: memslice format catalogue, section 6.10
          - id: table_bitmap
            type: system_table_bitmap
            doc: |
              TableBitmap: Which system tables follow (bits 0-9; 5 and 8 reserved, never set). Alignment
              exception D8: memslicer packs the head as '<QBIHHHHH9s': the u32 TableBitmap lands at 0x09,
              unaligned; every memslicer release writes it there.
            doc-ref: memslice format catalogue, section 6.10
          - id: len_acq_user
            type: u2
            doc: |
              AcqUserLen: Byte length of acq_user including its NUL. Alignment exception D8: Unaligned u16 at
              0x0D in memslicer's packed head (layout A).
            doc-ref: memslice format catalogue, section 6.10
          - id: len_hostname
            type: u2
            doc: |
              HostnameLen: Byte length of hostname including its NUL. Alignment exception D8: Unaligned u16 at
              0x0F in memslicer's packed head (layout A).
            doc-ref: memslice format catalogue, section 6.10
          - id: len_domain
            type: u2
            doc: |
              DomainLen: Byte length of domain including its NUL; 0 = omitted. Alignment exception D8:
              Unaligned u16 at 0x11 in memslicer's packed head (layout A).
            doc-ref: memslice format catalogue, section 6.10
          - id: len_os_detail
            type: u2
            doc: |
              OSDetailLen: Byte length of os_detail including its NUL. Alignment exception D8: Unaligned u16
              at 0x13 in memslicer's packed head (layout A).
            doc-ref: memslice format catalogue, section 6.10
          - id: len_case_ref
            type: u2
            doc: |
              CaseRefLen: Byte length of case_ref including its NUL; 0 = omitted. Alignment exception D8:
              Unaligned u16 at 0x15 in memslicer's packed head (layout A).
            doc-ref: memslice format catalogue, section 6.10
          - id: reserved
            size: 9
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.10
          - id: acq_user
            type: strz
            size: len_acq_user
            doc: |
              AcqUser: User that ran the acquisition (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: acq_user_pad
            size: (8 - len_acq_user % 8) % 8
            doc: |
              Zero bytes that pad acq_user to a multiple of 8 (rule P6; not checked here).
          - id: hostname
            type: strz
            size: len_hostname
            doc: |
              Hostname: Host name (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: hostname_pad
            size: (8 - len_hostname % 8) % 8
            doc: |
              Zero bytes that pad hostname to a multiple of 8 (rule P6; not checked here).
          - id: domain
            type: strz
            size: len_domain
            doc: |
              Domain: Domain (UTF-8); absent when len_domain is 0.
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: domain_pad
            size: (8 - len_domain % 8) % 8
            doc: |
              Zero bytes that pad domain to a multiple of 8 (rule P6; not checked here).
          - id: os_detail
            type: strz
            size: len_os_detail
            doc: |
              OSDetail: Operating system description (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: os_detail_pad
            size: (8 - len_os_detail % 8) % 8
            doc: |
              Zero bytes that pad os_detail to a multiple of 8 (rule P6; not checked here).
          - id: case_ref
            type: strz
            size: len_case_ref
            doc: |
              CaseRef: Case reference (UTF-8); absent when len_case_ref is 0.
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: case_ref_pad
            size: (8 - len_case_ref % 8) % 8
            doc: |
              Zero bytes that pad case_ref to a multiple of 8 (rule P6; not checked here).
      system_context_memdiver:
        doc: |
          Payload layout of System Context (block type 0x0050) in dialects memdiver-1.0.2, PayloadVersion
          1. Layout B (the pre-1.1 MemDiver tree and memdiver 1.0.2): u32 TargetCount and an aligned u32
          TableBitmap (bits 0-2 only), five u16 lengths at 0x10, 6 reserved bytes. Every string is omitted
          (length 0) when empty. memdiver readers also accept a legacy "deviation tail" after CaseRef (u64
          uptime, u16 OS version length, 6 reserved bytes, OS version string) from older MemDiver writers;
          1.0.2 no longer writes it.
        doc-ref: memslice format catalogue, section 6.10
        seq:
          - id: boot_time
            type: u8
            doc: |
              BootTime: Host boot time (ns since the Unix epoch).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: num_targets
            type: u4
            doc: |
              TargetCount: Number of captured target processes (u32).
            doc-ref: memslice format catalogue, section 6.10
          - id: table_bitmap
            type: system_table_bitmap
            doc: |
              TableBitmap: Which system tables follow (memdiver sets bits 0-2 only).
            doc-ref: memslice format catalogue, section 6.10
          - id: len_acq_user
            type: u2
            doc: |
              AcqUserLen: Byte length of acq_user including its NUL; 0 = empty.
            doc-ref: memslice format catalogue, section 6.10
          - id: len_hostname
            type: u2
            doc: |
              HostnameLen: Byte length of hostname including its NUL; 0 = empty.
            doc-ref: memslice format catalogue, section 6.10
          - id: len_domain
            type: u2
            doc: |
              DomainLen: Byte length of domain including its NUL; 0 = omitted.
            doc-ref: memslice format catalogue, section 6.10
          - id: len_os_detail
            type: u2
            doc: |
              OSDetailLen: Byte length of os_detail including its NUL; 0 = empty.
            doc-ref: memslice format catalogue, section 6.10
          - id: len_case_ref
            type: u2
            doc: |
              CaseRefLen: Byte length of case_ref including its NUL; 0 = omitted.
            doc-ref: memslice format catalogue, section 6.10
          - id: reserved
            size: 6
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.10
          - id: acq_user
            type: strz
            size: len_acq_user
            doc: |
              AcqUser: User that ran the acquisition (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: acq_user_pad
            size: (8 - len_acq_user % 8) % 8
            doc: |
              Zero bytes that pad acq_user to a multiple of 8 (rule P6; not checked here).
          - id: hostname
            type: strz
            size: len_hostname
            doc: |
              Hostname: Host name (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: hostname_pad
            size: (8 - len_hostname % 8) % 8
            doc: |
              Zero bytes that pad hostname to a multiple of 8 (rule P6; not checked here).
          - id: domain
            type: strz
            size: len_domain
            doc: |
              Domain: Domain (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: domain_pad
            size: (8 - len_domain % 8) % 8
            doc: |
              Zero bytes that pad domain to a multiple of 8 (rule P6; not checked here).
          - id: os_detail
            type: strz
            size: len_os_detail
            doc: |
              OSDetail: Operating system description (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: os_detail_pad
            size: (8 - len_os_detail % 8) % 8
            doc: |
              Zero bytes that pad os_detail to a multiple of 8 (rule P6; not checked here).
          - id: case_ref
            type: strz
            size: len_case_ref
            doc: |
              CaseRef: Case reference (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.2
          - id: case_ref_pad
            size: (8 - len_case_ref % 8) % 8
            doc: |
              Zero bytes that pad case_ref to a multiple of 8 (rule P6; not checked here).
          - id: uptime
            type: u8
            if: tail_present
            doc: |
              uptime_ns: Legacy MemDiver deviation tail: host uptime (ns) for clock-skew checks. Not written
              by memdiver 1.0.2. Optional tail: present only when the payload has bytes left.
            doc-ref: memslice format catalogue, section 6.10
          - id: len_os_version
            type: u2
            if: tail_present
            doc: |
              os_version_len: Legacy deviation tail: byte length of os_version including its NUL; 0 = none.
              Optional tail: present only when the payload has bytes left.
            doc-ref: memslice format catalogue, section 6.10
          - id: reserved_tail
            size: 6
            if: tail_present
            doc: |
              Reserved: Legacy deviation tail: reserved; zero. Producers write zero, consumers ignore it
              (rules P5, C5). Optional tail: present only when the payload has bytes left.
            doc-ref: memslice format catalogue, section 6.10
          - id: os_version
            type: strz
            size: len_os_version
            if: tail_present
            doc: |
              os_version: Legacy deviation tail: short OS label (UTF-8). Optional tail: present only when the
              payload has bytes left.
            doc-ref: memslice format catalogue, section 6.10
          - id: os_version_pad
            size: (8 - len_os_version % 8) % 8
            if: tail_present
            doc: |
              Zero bytes that pad os_version to a multiple of 8 (rule P6; not checked here).
        instances:
          tail_present:
            value: not _io.eof
            doc: |
              Whether the optional tail fields are present: evaluated once, by the first of them, when the
              payload still has bytes left at that point.
      process_table:
        doc: |
          Payload layout of Process Table (block type 0x0051) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, PayloadVersion 1. Preamble (EntryCount, Reserved) and EntryCount process
          entries.
        doc-ref: Memory Slice 1.1.0, section 6.3
        seq:
          - id: num_entries
            type: u4
            doc: |
              EntryCount: Number of process entries.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: entries
            type: process_entry
            repeat: expr
            repeat-expr: num_entries
            doc: |
              Entries: The process entries.
            doc-ref: Memory Slice 1.1.0, section 6.3
      process_entry:
        doc: |
          One process: 0x28 fixed bytes, then ExeName, CmdLine and User, each pad8 and present only when
          its length is non-zero. (Part of Process Table.)
        doc-ref: Memory Slice 1.1.0, section 6.3
        seq:
          - id: pid
            type: u4
            doc: |
              PID: Process id.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: ppid
            type: u4
            doc: |
              PPID: Parent process id.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: uid
            type: u4
            doc: |
              UID: User id.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: is_target
            type: u1
            doc: |
              IsTarget: 1 = this is the captured process, else 0.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: reserved
            size: 3
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: start_time
            type: u8
            doc: |
              StartTime: Process start time. memslicer's Linux collector stores the raw /proc/<pid>/stat
              starttime (clock ticks since boot), not ns since the epoch (D12); its macOS and Windows
              collectors write 0.
            doc-ref: memslice format catalogue, section 6.11
          - id: rss
            type: u8
            doc: |
              RSS: Resident set size (bytes in memslicer's Linux collector).
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: len_exe_name
            type: u2
            doc: |
              ExeNameLen: Byte length of exe_name including its NUL; 0 = none.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: len_cmd_line
            type: u2
            doc: |
              CmdLineLen: Byte length of cmd_line including its NUL; 0 = none.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: len_user
            type: u2
            doc: |
              UserLen: Byte length of user including its NUL; 0 = none.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: reserved2
            type: u2
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: exe_name
            type: strz
            size: len_exe_name
            doc: |
              ExeName: Executable name (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: exe_name_pad
            size: (8 - len_exe_name % 8) % 8
            doc: |
              Zero bytes that pad exe_name to a multiple of 8 (rule P6; not checked here).
          - id: cmd_line
            type: strz
            size: len_cmd_line
            doc: |
              CmdLine: Command line (UTF-8); memslicer truncates it to fit the u16 length.
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: cmd_line_pad
            size: (8 - len_cmd_line % 8) % 8
            doc: |
              Zero bytes that pad cmd_line to a multiple of 8 (rule P6; not checked here).
          - id: user
            type: strz
            size: len_user
            doc: |
              User: User name (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 6.3
          - id: user_pad
            size: (8 - len_user % 8) % 8
            doc: |
              Zero bytes that pad user to a multiple of 8 (rule P6; not checked here).
      connection_table:
        doc: |
          Payload layout of Connection Table (block type 0x0052) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, PayloadVersion 1. Preamble (EntryCount, Reserved) and EntryCount 48-byte
          entries.
        doc-ref: Memory Slice 1.1.0, section 6.4
        seq:
          - id: num_entries
            type: u4
            doc: |
              EntryCount: Number of connection entries.
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: entries
            type: connection_entry
            repeat: expr
            repeat-expr: num_entries
            doc: |
              Entries: The connection entries.
            doc-ref: Memory Slice 1.1.0, section 6.4
      connection_entry:
        doc: |
          One socket endpoint pair (48 bytes). (Part of Connection Table.)
        doc-ref: Memory Slice 1.1.0, section 6.4
        seq:
          - id: pid
            type: u4
            doc: |
              PID: Owning process id.
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: family
            type: u1
            enum: address_family
            doc: |
              Family: Address family (0x02 IPv4, 0x0A IPv6).
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: protocol
            type: u1
            enum: ip_protocol
            doc: |
              Protocol: Transport protocol (0x06 TCP, 0x11 UDP).
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: state
            type: u1
            doc: |
              State: Linux TCP state code (values: enum tcp_state; 0x01 ESTABLISHED, 0x0A LISTEN, ...); 0x00 =
              not applicable.
            doc-ref: memslice format catalogue, section 6.12
          - id: reserved
            type: u1
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: local_addr
            size: 16
            doc: |
              LocalAddr: Local address in network byte order; IPv4 in the first 4 bytes, rest zero.
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: local_port
            type: u2
            doc: |
              LocalPort: Local port: a little-endian u16 holding the host-order port number (not network
              order).
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: reserved2
            type: u2
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: remote_addr
            size: 16
            doc: |
              RemoteAddr: Remote address in network byte order; IPv4 in the first 4 bytes, rest zero.
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: remote_port
            type: u2
            doc: |
              RemotePort: Remote port: a little-endian u16 holding the host-order port number.
            doc-ref: Memory Slice 1.1.0, section 6.4
          - id: reserved3
            type: u2
            doc: |
              Reserved3: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.4
      handle_table:
        doc: |
          Payload layout of Handle Table (block type 0x0053) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. memslicer layout (u8 HandleType, memslicer's value table).
        doc-ref: Memory Slice 1.1.0, section 6.5
        seq:
          - id: num_entries
            type: u4
            doc: |
              EntryCount: Number of handle entries.
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: entries
            type: handle_entry
            repeat: expr
            repeat-expr: num_entries
            doc: |
              Entries: The handle entries.
            doc-ref: Memory Slice 1.1.0, section 6.5
      handle_table_memdiver:
        doc: |
          Payload layout of Handle Table (block type 0x0053) in dialects memdiver-1.0.2, PayloadVersion 1.
          memdiver layout (u16 HandleType, memdiver's value table, "spec Table 24").
        doc-ref: memslice format catalogue, section 6.13
        seq:
          - id: num_entries
            type: u4
            doc: |
              EntryCount: Number of handle entries.
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: entries
            type: handle_entry_memdiver
            repeat: expr
            repeat-expr: num_entries
            doc: |
              Entries: The handle entries.
            doc-ref: memslice format catalogue, section 6.13
      handle_entry:
        doc: |
          One handle, memslicer form (0x10 + pad8(PathLen) bytes). (Part of Handle Table.)
        doc-ref: Memory Slice 1.1.0, section 6.5
        seq:
          - id: pid
            type: u4
            doc: |
              PID: Owning process id.
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: fd
            type: u4
            doc: |
              FD: Descriptor / handle number; 0xFFFFFFFF = no descriptor number (e.g. lsof cwd/txt/mem rows).
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: handle_type
            type: u1
            enum: handle_type_memslicer
            doc: |
              HandleType: Kind of handle (u8).
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: reserved
            type: u1
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: len_path
            type: u2
            doc: |
              PathLen: Byte length of path including its NUL; 0 = none.
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: reserved2
            type: u4
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: path
            type: strz
            size: len_path
            doc: |
              Path: Path or description of the handle (UTF-8); absent when len_path is 0.
            doc-ref: Memory Slice 1.1.0, section 6.5
          - id: path_pad
            size: (8 - len_path % 8) % 8
            doc: |
              Zero bytes that pad path to a multiple of 8 (rule P6; not checked here).
      handle_entry_memdiver:
        doc: |
          One handle, memdiver form (0x10 + pad8(PathLen) bytes). (Part of Handle Table.)
        doc-ref: memslice format catalogue, section 6.13
        seq:
          - id: pid
            type: u4
            doc: |
              PID: Owning process id.
            doc-ref: memslice format catalogue, section 6.13
          - id: fd
            type: u4
            doc: |
              FD: Descriptor / handle number.
            doc-ref: memslice format catalogue, section 6.13
          - id: handle_type
            type: u2
            enum: handle_type_memdiver
            doc: |
              HandleType: Kind of handle (u16).
            doc-ref: memslice format catalogue, section 6.13
          - id: len_path
            type: u2
            doc: |
              PathLen: Byte length of path including its NUL; 0 = none.
            doc-ref: memslice format catalogue, section 6.13
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.13
          - id: path
            type: strz
            size: len_path
            doc: |
              Path: Path or description of the handle (UTF-8); absent when len_path is 0.
            doc-ref: memslice format catalogue, section 6.13
          - id: path_pad
            size: (8 - len_path % 8) % 8
            doc: |
              Zero bytes that pad path to a multiple of 8 (rule P6; not checked here).
      connectivity_table:
        doc: |
          Payload layout of Connectivity Table (block type 0x0054) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. memslicer layout: RowCount, Reserved, then RowCount rows with no alignment.
          Strings in the row bodies are u16-length-prefixed UTF-8 without NUL or padding (ms_string).
          RowCount: memslicer 0.2.7 counts the rows offered, 0.5.2 the rows written. A row type a reader
          does not know is skipped by its length.
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: num_rows
            type: u4
            doc: |
              RowCount: Number of rows.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rows
            type: connectivity_row
            repeat: expr
            repeat-expr: num_rows
            doc: |
              Rows: The rows, packed back to back.
            doc-ref: Memory Slice 1.1.0, section 6.6
      connectivity_row:
        doc: |
          One tagged row - RowType u8, RowLen u16 (unaligned), then RowLen body bytes. (Part of
          Connectivity Table.) Packed: Rows are packed back to back with no alignment (1.1 Tables 25/26):
          a 3-byte head and a body of any length.
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: row_type
            type: u1
            enum: connectivity_row_type
            doc: |
              RowType: Kind of row; selects the body layout.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: len_body
            type: u2
            doc: |
              RowLen: Byte length of body.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: body
            size: len_body
            type:
              switch-on: row_type
              cases:
                connectivity_row_type::ipv4_route: ipv4_route_row
                connectivity_row_type::ipv6_route: ipv6_route_row
                connectivity_row_type::neighbour: neighbour_row
                connectivity_row_type::packet_socket: packet_socket_row
                connectivity_row_type::interface_stats: interface_stats_row
                connectivity_row_type::socket_family_aggregate: socket_family_aggregate_row
                connectivity_row_type::snmp_counter: snmp_counter_row
            doc: |
              Body: Row body; raw bytes (skipped by length) for an unknown row type.
            doc-ref: Memory Slice 1.1.0, section 6.6
      ms_string:
        doc: |
          memslicer row string - u16 byte length without NUL, then the UTF-8 bytes (no NUL, no padding).
          (Part of Connectivity Table.) Packed: Strings inside connectivity rows are unpadded; the row
          length gives the extent.
        doc-ref: memslice format catalogue, section 6.14
        seq:
          - id: len_value
            type: u2
            doc: |
              Len: Byte length of value (no NUL).
            doc-ref: memslice format catalogue, section 6.14
          - id: value
            type: str
            size: len_value
            doc: |
              Value: The string (UTF-8, unterminated).
            doc-ref: memslice format catalogue, section 6.14
      ipv4_route_row:
        doc: |
          Row 0x01, an IPv4 route. (Part of Connectivity Table.) Packed: Connectivity row bodies pack
          tight (1.1 6.6).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: iface
            type: ms_string
            doc: |
              Iface: Interface name.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: dest
            size: 4
            doc: |
              Dest: Destination (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: gateway
            size: 4
            doc: |
              Gateway: Gateway (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: mask
            size: 4
            doc: |
              Mask: Netmask (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: flags
            type: u2
            doc: |
              Flags: Route flags (RTF_* as /proc/net/route reports them).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: metric
            type: u4
            doc: |
              Metric: Route metric.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: mtu
            type: u4
            doc: |
              MTU: Route MTU.
            doc-ref: Memory Slice 1.1.0, section 6.6
      ipv6_route_row:
        doc: |
          Row 0x02, an IPv6 route. (Part of Connectivity Table.) Packed: Connectivity row bodies pack
          tight (1.1 6.6).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: iface
            type: ms_string
            doc: |
              Iface: Interface name.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: dest
            size: 16
            doc: |
              Dest: Destination (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: dest_prefix
            type: u1
            doc: |
              DestPrefix: Destination prefix length in bits.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: next_hop
            size: 16
            doc: |
              NextHop: Next hop (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: metric
            type: u4
            doc: |
              Metric: Route metric.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: flags
            type: u4
            doc: |
              Flags: Route flags.
            doc-ref: Memory Slice 1.1.0, section 6.6
      neighbour_row:
        doc: |
          Row 0x03, an ARP / neighbour entry. (Part of Connectivity Table.) Packed: Connectivity row
          bodies pack tight (1.1 6.6).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: family
            type: u1
            enum: address_family
            doc: |
              Family: Address family (0x02).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: ip
            size: 4
            doc: |
              IP: IPv4 address (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: hw_type
            type: u2
            doc: |
              HwType: Hardware type (ARPHRD_*).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: flags
            type: u2
            doc: |
              Flags: Neighbour flags (ATF_*).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: hw_addr
            size: 6
            doc: |
              HwAddr: Hardware (MAC) address.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: iface
            type: ms_string
            doc: |
              Iface: Interface name.
            doc-ref: Memory Slice 1.1.0, section 6.6
      packet_socket_row:
        doc: |
          Row 0x04, a packet socket (30 bytes). (Part of Connectivity Table.) Packed: Connectivity row
          bodies pack tight (1.1 6.6).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: pid
            type: u4
            doc: |
              PID: Owning process id; 0 if unattributed.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: inode
            type: u8
            doc: |
              Inode: Socket inode.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: proto
            type: u2
            doc: |
              Proto: Protocol (EtherType) as the kernel reports it.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: iface_index
            type: u4
            doc: |
              IfaceIndex: Interface index.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: user
            type: u4
            doc: |
              User: Owning user id.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rmem
            type: u8
            doc: |
              Rmem: Receive-queue memory in bytes (memdiver calls it mem).
            doc-ref: Memory Slice 1.1.0, section 6.6
      interface_stats_row:
        doc: |
          Row 0x05, interface counters. (Part of Connectivity Table.) Packed: Connectivity row bodies pack
          tight (1.1 6.6).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: iface
            type: ms_string
            doc: |
              Iface: Interface name.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rx_bytes
            type: u8
            doc: |
              RxBytes: Bytes received.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rx_packets
            type: u8
            doc: |
              RxPackets: Packets received.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rx_errs
            type: u8
            doc: |
              RxErrs: Receive errors.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rx_drop
            type: u8
            doc: |
              RxDrop: Received packets dropped.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: tx_bytes
            type: u8
            doc: |
              TxBytes: Bytes sent.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: tx_packets
            type: u8
            doc: |
              TxPackets: Packets sent.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: tx_errs
            type: u8
            doc: |
              TxErrs: Transmit errors.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: tx_drop
            type: u8
            doc: |
              TxDrop: Outgoing packets dropped.
            doc-ref: Memory Slice 1.1.0, section 6.6
      socket_family_aggregate_row:
        doc: |
          Row 0x06, per-family socket counts (/proc/net/sockstat; 17 bytes). (Part of Connectivity Table.)
          Packed: Connectivity row bodies pack tight (1.1 6.6).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: family
            type: u1
            enum: sockstat_family
            doc: |
              Family: Section tag of the sockstat line.
            doc-ref: memslice format catalogue, section 6.14
          - id: in_use
            type: u4
            doc: |
              InUse: Sockets in use.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: alloc
            type: u4
            doc: |
              Alloc: Sockets allocated.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: mem
            type: u8
            doc: |
              Mem: Memory used (as the kernel reports it).
            doc-ref: Memory Slice 1.1.0, section 6.6
      snmp_counter_row:
        doc: |
          Row 0x07, an SNMP / MIB counter. (Part of Connectivity Table.) Packed: Connectivity row bodies
          pack tight (1.1 6.6).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: mib
            type: ms_string
            doc: |
              Mib: MIB name (e.g. Tcp).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: counter
            type: ms_string
            doc: |
              Counter: Counter name (e.g. MaxConn).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: value
            type: u8
            doc: |
              Value: Counter value; memslicer 0.5.2 stores signed kernel values (Tcp.MaxConn = -1) as two's
              complement.
            doc-ref: memslice format catalogue, section 6.14
      connectivity_table_memdiver:
        doc: |
          Payload layout of Connectivity Table (memdiver) (block type 0x0055) in dialects memdiver-1.0.2,
          PayloadVersion 1. RowCount, Reserved, then RowCount rows with no alignment. Field order of every
          row body is identical to memslicer's; strings are u16 length including the NUL, then the bytes
          and the NUL, unpadded (md_string). memdiver counts the rows written.
        doc-ref: memslice format catalogue, section 6.14
        seq:
          - id: num_rows
            type: u4
            doc: |
              RowCount: Number of rows.
            doc-ref: memslice format catalogue, section 6.14
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.14
          - id: rows
            type: md_connectivity_row
            repeat: expr
            repeat-expr: num_rows
            doc: |
              Rows: The rows, packed back to back.
            doc-ref: memslice format catalogue, section 6.14
      md_connectivity_row:
        doc: |
          One tagged row - RowType u8, RowLen u16 (unaligned), then RowLen body bytes. (Part of
          Connectivity Table (memdiver).) Packed: Rows are packed back to back with no alignment (1.1
          Tables 25/26): a 3-byte head and a body of any length.
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: row_type
            type: u1
            enum: connectivity_row_type
            doc: |
              RowType: Kind of row; selects the body layout.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: len_body
            type: u2
            doc: |
              RowLen: Byte length of body.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: body
            size: len_body
            type:
              switch-on: row_type
              cases:
                connectivity_row_type::ipv4_route: md_ipv4_route_row
                connectivity_row_type::ipv6_route: md_ipv6_route_row
                connectivity_row_type::neighbour: md_neighbour_row
                connectivity_row_type::packet_socket: md_packet_socket_row
                connectivity_row_type::interface_stats: md_interface_stats_row
                connectivity_row_type::socket_family_aggregate: md_socket_family_aggregate_row
                connectivity_row_type::snmp_counter: md_snmp_counter_row
            doc: |
              Body: Row body; raw bytes (skipped by length) for an unknown row type.
            doc-ref: Memory Slice 1.1.0, section 6.6
      md_string:
        doc: |
          memdiver row string - u16 byte length including the NUL, then the UTF-8 bytes and the NUL (no
          padding); an empty string is length 0 and no bytes. (Part of Connectivity Table (memdiver).)
          Packed: memdiver row strings are unpadded; the row length gives the extent.
        doc-ref: memslice format catalogue, section 6.14
        seq:
          - id: len_value
            type: u2
            doc: |
              Len: Byte length of value including its NUL; 0 = empty.
            doc-ref: memslice format catalogue, section 6.14
          - id: value
            type: strz
            size: len_value
            doc: |
              Value: The string (UTF-8, NUL-terminated, unpadded).
            doc-ref: memslice format catalogue, section 6.14
      md_ipv4_route_row:
        doc: |
          Row 0x01, an IPv4 route. (Part of Connectivity Table (memdiver).) Packed: memdiver packs row
          bodies tight; RowLen gives the extent (cat 6.14).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: iface
            type: md_string
            doc: |
              Iface: Interface name.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: dest
            size: 4
            doc: |
              Dest: Destination (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: gateway
            size: 4
            doc: |
              Gateway: Gateway (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: mask
            size: 4
            doc: |
              Mask: Netmask (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: flags
            type: u2
            doc: |
              Flags: Route flags (RTF_* as /proc/net/route reports them).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: metric
            type: u4
            doc: |
              Metric: Route metric.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: mtu
            type: u4
            doc: |
              MTU: Route MTU.
            doc-ref: Memory Slice 1.1.0, section 6.6
      md_ipv6_route_row:
        doc: |
          Row 0x02, an IPv6 route. (Part of Connectivity Table (memdiver).) Packed: memdiver packs row
          bodies tight; RowLen gives the extent (cat 6.14).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: iface
            type: md_string
            doc: |
              Iface: Interface name.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: dest
            size: 16
            doc: |
              Dest: Destination (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: dest_prefix
            type: u1
            doc: |
              DestPrefix: Destination prefix length in bits.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: next_hop
            size: 16
            doc: |
              NextHop: Next hop (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: metric
            type: u4
            doc: |
              Metric: Route metric.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: flags
            type: u4
            doc: |
              Flags: Route flags.
            doc-ref: Memory Slice 1.1.0, section 6.6
      md_neighbour_row:
        doc: |
          Row 0x03, an ARP / neighbour entry. (Part of Connectivity Table (memdiver).) Packed: memdiver
          packs row bodies tight; RowLen gives the extent (cat 6.14).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: family
            type: u1
            enum: address_family
            doc: |
              Family: Address family (0x02).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: ip
            size: 4
            doc: |
              IP: IPv4 address (network byte order).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: hw_type
            type: u2
            doc: |
              HwType: Hardware type (ARPHRD_*).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: flags
            type: u2
            doc: |
              Flags: Neighbour flags (ATF_*).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: hw_addr
            size: 6
            doc: |
              HwAddr: Hardware (MAC) address.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: iface
            type: md_string
            doc: |
              Iface: Interface name.
            doc-ref: Memory Slice 1.1.0, section 6.6
      md_packet_socket_row:
        doc: |
          Row 0x04, a packet socket (30 bytes). (Part of Connectivity Table (memdiver).) Packed: memdiver
          packs row bodies tight; RowLen gives the extent (cat 6.14).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: pid
            type: u4
            doc: |
              PID: Owning process id; 0 if unattributed.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: inode
            type: u8
            doc: |
              Inode: Socket inode.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: proto
            type: u2
            doc: |
              Proto: Protocol (EtherType) as the kernel reports it.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: iface_index
            type: u4
            doc: |
              IfaceIndex: Interface index.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: user
            type: u4
            doc: |
              User: Owning user id.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rmem
            type: u8
            doc: |
              Rmem: Receive-queue memory in bytes (memdiver: mem).
            doc-ref: Memory Slice 1.1.0, section 6.6
      md_interface_stats_row:
        doc: |
          Row 0x05, interface counters. (Part of Connectivity Table (memdiver).) Packed: memdiver packs
          row bodies tight; RowLen gives the extent (cat 6.14).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: iface
            type: md_string
            doc: |
              Iface: Interface name.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rx_bytes
            type: u8
            doc: |
              RxBytes: Bytes received.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rx_packets
            type: u8
            doc: |
              RxPackets: Packets received.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rx_errs
            type: u8
            doc: |
              RxErrs: Receive errors.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: rx_drop
            type: u8
            doc: |
              RxDrop: Received packets dropped.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: tx_bytes
            type: u8
            doc: |
              TxBytes: Bytes sent.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: tx_packets
            type: u8
            doc: |
              TxPackets: Packets sent.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: tx_errs
            type: u8
            doc: |
              TxErrs: Transmit errors.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: tx_drop
            type: u8
            doc: |
              TxDrop: Outgoing packets dropped.
            doc-ref: Memory Slice 1.1.0, section 6.6
      md_socket_family_aggregate_row:
        doc: |
          Row 0x06, per-family socket counts (/proc/net/sockstat; 17 bytes). (Part of Connectivity Table
          (memdiver).) Packed: memdiver packs row bodies tight; RowLen gives the extent (cat 6.14).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: family
            type: u1
            enum: sockstat_family
            doc: |
              Family: Section tag of the sockstat line.
            doc-ref: memslice format catalogue, section 6.14
          - id: in_use
            type: u4
            doc: |
              InUse: Sockets in use.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: alloc
            type: u4
            doc: |
              Alloc: Sockets allocated.
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: mem
            type: u8
            doc: |
              Mem: Memory used (as the kernel reports it).
            doc-ref: Memory Slice 1.1.0, section 6.6
      md_snmp_counter_row:
        doc: |
          Row 0x07, an SNMP / MIB counter. (Part of Connectivity Table (memdiver).) Packed: memdiver packs
          row bodies tight; RowLen gives the extent (cat 6.14).
        doc-ref: Memory Slice 1.1.0, section 6.6
        seq:
          - id: mib
            type: md_string
            doc: |
              Mib: MIB name (e.g. Tcp).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: counter
            type: md_string
            doc: |
              Counter: Counter name (e.g. MaxConn).
            doc-ref: Memory Slice 1.1.0, section 6.6
          - id: value
            type: u8
            doc: |
              Value: Counter value (memdiver packs it unsigned).
            doc-ref: memslice format catalogue, section 6.14
      kernel_symbol_bundle:
        doc: |
          Payload layout of Kernel Symbol Bundle (block type 0x0055) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. RowCount, Reserved, then RowCount TLV rows packed back to back (Tag u16, Len
          u16, Value[Len]). A tag is emitted only when its value is non-zero / non-empty. Integer values
          are little-endian of the width the tag table gives; strings are unterminated UTF-8. Unknown tags
          are skipped by length.
        doc-ref: memslice format catalogue, section 6.15
        seq:
          - id: num_rows
            type: u4
            doc: |
              RowCount: Number of TLV rows.
            doc-ref: memslice format catalogue, section 6.15
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.15
          - id: rows
            type: ksb_row
            repeat: expr
            repeat-expr: num_rows
            doc: |
              Rows: The TLV rows.
            doc-ref: memslice format catalogue, section 6.15
      ksb_row:
        doc: |
          One TLV row (4 + Len bytes). (Part of Kernel Symbol Bundle.) Packed: TLV rows are packed back to
          back; a row is 4 + Len bytes with no padding.
        doc-ref: memslice format catalogue, section 6.15
        seq:
          - id: tag
            type: u2
            enum: ksb_tag
            doc: |
              Tag: What the value is (see ksb_tag for its type).
            doc-ref: memslice format catalogue, section 6.15
          - id: len_value
            type: u2
            doc: |
              Len: Byte length of value.
            doc-ref: memslice format catalogue, section 6.15
          - id: value
            size: len_value
            doc: |
              Value: Raw value; its type follows from the tag.
            doc-ref: memslice format catalogue, section 6.15
      persistence_manifest:
        doc: |
          Payload layout of Persistence Manifest (block type 0x0056) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. RowCount, Reserved, then RowCount rows of 24 + PathLen bytes, packed without
          alignment.
        doc-ref: memslice format catalogue, section 6.16
        seq:
          - id: num_rows
            type: u4
            doc: |
              RowCount: Number of rows (memslicer counts the rows written).
            doc-ref: memslice format catalogue, section 6.16
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.16
          - id: rows
            type: persistence_row
            repeat: expr
            repeat-expr: num_rows
            doc: |
              Rows: The rows.
            doc-ref: memslice format catalogue, section 6.16
      persistence_row:
        doc: |
          One persistence file (24 + PathLen bytes). (Part of Persistence Manifest.) Packed: memslicer
          packs rows tight: the path is unpadded, so the u64 fields after it are unaligned.
        doc-ref: memslice format catalogue, section 6.16
        seq:
          - id: source
            type: u1
            enum: persistence_source
            doc: |
              Source: Persistence mechanism the file belongs to.
            doc-ref: memslice format catalogue, section 6.16
          - id: reserved
            type: u1
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.16
          - id: len_path
            type: u2
            doc: |
              PathLen: Byte length of path (no NUL).
            doc-ref: memslice format catalogue, section 6.16
          - id: path
            type: str
            size: len_path
            doc: |
              Path: File path (UTF-8, unterminated, unpadded).
            doc-ref: memslice format catalogue, section 6.16
          - id: mtime_ns
            type: u8
            doc: |
              MtimeNs: File modification time (ns since the Unix epoch).
            doc-ref: memslice format catalogue, section 6.16
          - id: size
            type: u8
            doc: |
              Size: File size in bytes.
            doc-ref: memslice format catalogue, section 6.16
          - id: mode
            type: u4
            doc: |
              Mode: st_mode (type and permission bits).
            doc-ref: memslice format catalogue, section 6.16
      kernel_module_list:
        doc: |
          Payload layout of Kernel Module List (block type 0x0057) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. RowCount, Reserved, then RowCount rows of 26 + NameLen bytes, packed without
          alignment.
        doc-ref: memslice format catalogue, section 6.17
        seq:
          - id: num_rows
            type: u4
            doc: |
              RowCount: Number of rows (memslicer counts the rows written).
            doc-ref: memslice format catalogue, section 6.17
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.17
          - id: rows
            type: kernel_module_row
            repeat: expr
            repeat-expr: num_rows
            doc: |
              Rows: The rows.
            doc-ref: memslice format catalogue, section 6.17
      kernel_module_row:
        doc: |
          One kernel module (26 + NameLen bytes). (Part of Kernel Module List.) Packed: memslicer packs
          rows tight: the name is unpadded, so the fields after it are unaligned.
        doc-ref: memslice format catalogue, section 6.17
        seq:
          - id: len_name
            type: u2
            doc: |
              NameLen: Byte length of name (no NUL).
            doc-ref: memslice format catalogue, section 6.17
          - id: name
            type: str
            size: len_name
            doc: |
              Name: Module name (UTF-8, unterminated, unpadded).
            doc-ref: memslice format catalogue, section 6.17
          - id: size
            type: u8
            doc: |
              Size: Module size in bytes.
            doc-ref: memslice format catalogue, section 6.17
          - id: ref_count
            type: u4
            doc: |
              RefCount: Reference count.
            doc-ref: memslice format catalogue, section 6.17
          - id: state
            type: u1
            enum: kernel_module_state
            doc: |
              State: Module state.
            doc-ref: memslice format catalogue, section 6.17
          - id: taint
            type: u1
            doc: |
              Taint: Taint bitmask from /sys/module/<name>/taint.
            doc-ref: memslice format catalogue, section 6.17
          - id: base_addr
            type: u8
            doc: |
              Base: Load address; 0 when hidden by kptr_restrict.
            doc-ref: memslice format catalogue, section 6.17
          - id: flags
            type: kernel_module_flags
            doc: |
              Flags: Hidden-module indicators.
            doc-ref: memslice format catalogue, section 6.17
          - id: reserved
            type: u1
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.17
      target_introspection:
        doc: |
          Payload layout of Target Introspection (block type 0x0058) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. TargetPID, Reserved, then TLV rows (Tag u16, Len u16, Value[Len]) with NO row
          count: a reader walks rows until a row with Tag = Len = 0 (the start of memslicer's zero block
          padding; tag 0 is never used) or until fewer than 4 bytes remain, i.e. also at the end of the
          payload (when the rows happen to end on a multiple of 8 there is no padding and no terminator
          row; with 1 to 3 padding bytes left there is no room for one). Zero or empty values are not
          emitted (D15). Unknown tags are skipped by length.
        doc-ref: memslice format catalogue, section 6.18
        seq:
          - id: target_pid
            type: u4
            doc: |
              TargetPID: PID of the target these facts describe (multi-target disambiguation).
            doc-ref: memslice format catalogue, section 6.18
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.18
          - id: rows
            type: target_introspection_row
            repeat: until
            repeat-until: (_.tag.to_i == 0) and (_.len_value == 0) or _io.size - _io.pos < 4
            if: _io.size - _io.pos >= 4
            doc: |
              Rows: The TLV rows, up to and including a Tag = Len = 0 row; the walk also stops at the end of
              the payload (or when fewer than 4 bytes remain).
            doc-ref: memslice format catalogue, section 6.18
      target_introspection_row:
        doc: |
          One TLV row (4 + Len bytes). (Part of Target Introspection.) Packed: TLV rows are packed back to
          back; a row is 4 + Len bytes with no padding.
        doc-ref: memslice format catalogue, section 6.18
        seq:
          - id: tag
            type: u2
            enum: target_introspection_tag
            doc: |
              Tag: What the value is (see target_introspection_tag for its type); 0 ends the rows.
            doc-ref: memslice format catalogue, section 6.18
          - id: len_value
            type: u2
            doc: |
              Len: Byte length of value.
            doc-ref: memslice format catalogue, section 6.18
          - id: value
            size: len_value
            doc: |
              Value: Raw value; its type follows from the tag.
            doc-ref: memslice format catalogue, section 6.18
      physical_memory_map:
        doc: |
          Payload layout of Physical Memory Map (block type 0x0059) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. RowCount, Reserved, then RowCount rows of 20 + LabelLen bytes, packed without
          alignment.
        doc-ref: memslice format catalogue, section 6.19
        seq:
          - id: num_rows
            type: u4
            doc: |
              RowCount: Number of ranges.
            doc-ref: memslice format catalogue, section 6.19
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.19
          - id: rows
            type: physical_range_row
            repeat: expr
            repeat-expr: num_rows
            doc: |
              Rows: The ranges.
            doc-ref: memslice format catalogue, section 6.19
      physical_range_row:
        doc: |
          One physical range (20 + LabelLen bytes). (Part of Physical Memory Map.) Packed: memslicer packs
          rows tight: a 20-byte head and an unpadded label, so rows after the first are unaligned.
        doc-ref: memslice format catalogue, section 6.19
        seq:
          - id: start
            type: u8
            doc: |
              Start: First physical address of the range.
            doc-ref: memslice format catalogue, section 6.19
          - id: end
            type: u8
            doc: |
              End: Last physical address of the range (inclusive).
            doc-ref: memslice format catalogue, section 6.19
          - id: len_label
            type: u2
            doc: |
              LabelLen: Byte length of label (no NUL).
            doc-ref: memslice format catalogue, section 6.19
          - id: reserved
            type: u2
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.19
          - id: label
            type: str
            size: len_label
            doc: |
              Label: The /proc/iomem label (UTF-8, unterminated, unpadded).
            doc-ref: memslice format catalogue, section 6.19
      module_build_id_manifest:
        doc: |
          Payload layout of Module BuildId Manifest (block type 0x005A) in dialects spec-1.0, spec-1.1,
          PayloadVersion 1. RowCount, Reserved, then RowCount fixed 64-byte rows (no variable fields).
        doc-ref: memslice format catalogue, section 6.20
        seq:
          - id: num_rows
            type: u4
            doc: |
              RowCount: Number of rows.
            doc-ref: memslice format catalogue, section 6.20
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.20
          - id: rows
            type: build_id_row
            repeat: expr
            repeat-expr: num_rows
            doc: |
              Rows: The rows.
            doc-ref: memslice format catalogue, section 6.20
      build_id_row:
        doc: |
          One module's build id (64 bytes). (Part of Module BuildId Manifest.)
        doc-ref: Memory Slice 1.1.0, section 5.10
        seq:
          - id: base_addr
            type: u8
            doc: |
              BaseAddr: Load address; the key matching a Module Entry.
            doc-ref: Memory Slice 1.1.0, section 5.10
          - id: len_build_id
            type: u1
            doc: |
              BuildIdLen: Significant bytes of build_id: 0, 16 or 20. Producers keep it the value <= 20 (rule
              none); consumers accept other values, so this definition does not check it.
            doc-ref: Memory Slice 1.1.0, section 5.10
          - id: build_id_source
            type: u1
            enum: build_id_source
            doc: |
              BuildIdSource: Where the build id came from.
            doc-ref: Memory Slice 1.1.0, section 5.10
          - id: flags
            type: build_id_flags
            doc: |
              Flags: Mapping flags (deleted, memfd, anonymous RWX, unlinked).
            doc-ref: Memory Slice 1.1.0, section 5.10
          - id: reserved
            type: u1
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 5.10
          - id: build_id
            size: 20
            doc: |
              BuildId: Build id, zero-padded to 20 bytes.
            doc-ref: Memory Slice 1.1.0, section 5.10
          - id: disk_hash
            size: 32
            doc: |
              DiskHash: Hash of the file on disk; all zero = none.
            doc-ref: Memory Slice 1.1.0, section 5.10
      region_omission_manifest:
        doc: |
          Payload layout of Region Omission Manifest (block type 0x005B) in dialects spec-1.1,
          PayloadVersion 1. 16-byte head, the scope and pattern strings (pad8), then RowCount rows. All
          strings here are UTF-8 without NUL, padded to 8, and MUST NOT contain NUL.
        doc-ref: memslice format catalogue, section 6.21
        seq:
          - id: num_rows
            type: u4
            doc: |
              RowCount: Number of omitted ranges.
            doc-ref: memslice format catalogue, section 6.21
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.21
          - id: len_scope
            type: u2
            doc: |
              ScopeLen: Byte length of scope (no NUL).
            doc-ref: memslice format catalogue, section 6.21
          - id: len_patterns
            type: u2
            doc: |
              PatternsLen: Byte length of patterns (no NUL).
            doc-ref: memslice format catalogue, section 6.21
          - id: reserved2
            type: u4
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.21
          - id: scope
            type: str
            size: len_scope
            doc: |
              Scope: Capture scope, e.g. 'heap,stack' (UTF-8, unterminated).
            doc-ref: memslice format catalogue, section 6.21
          - id: scope_pad
            size: (8 - len_scope % 8) % 8
            doc: |
              Zero bytes that pad scope to a multiple of 8 (rule P6; not checked here).
          - id: patterns
            type: str
            size: len_patterns
            doc: |
              Patterns: Newline-joined exclusion globs (UTF-8, unterminated).
            doc-ref: memslice format catalogue, section 6.21
          - id: patterns_pad
            size: (8 - len_patterns % 8) % 8
            doc: |
              Zero bytes that pad patterns to a multiple of 8 (rule P6; not checked here).
          - id: rows
            type: omission_row
            repeat: expr
            repeat-expr: num_rows
            doc: |
              Rows: The omitted ranges.
            doc-ref: memslice format catalogue, section 6.21
      omission_row:
        doc: |
          One omitted range (24 + pad8(NameLen) bytes). (Part of Region Omission Manifest.)
        doc-ref: memslice format catalogue, section 6.21
        seq:
          - id: base_addr
            type: u8
            doc: |
              BaseAddr: Start of the omitted range.
            doc-ref: memslice format catalogue, section 6.21
          - id: region_size
            type: u8
            doc: |
              Size: Size of the omitted range in bytes.
            doc-ref: memslice format catalogue, section 6.21
          - id: protection
            type: protection
            doc: |
              Protection: Protection bits, as in Memory Region.
            doc-ref: memslice format catalogue, section 6.21
          - id: region_type
            type: u1
            enum: region_type
            doc: |
              RegionType: Kind of region, as in Memory Region.
            doc-ref: memslice format catalogue, section 6.21
          - id: reason
            type: u1
            enum: omission_reason
            doc: |
              Reason: Why the range was skipped (3 and up reserved).
            doc-ref: memslice format catalogue, section 6.21
          - id: reserved
            type: u1
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.21
          - id: len_name
            type: u2
            doc: |
              NameLen: Byte length of name (no NUL).
            doc-ref: memslice format catalogue, section 6.21
          - id: reserved2
            type: u2
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.21
          - id: name
            type: str
            size: len_name
            doc: |
              Name: Mapping name (UTF-8, unterminated).
            doc-ref: memslice format catalogue, section 6.21
          - id: name_pad
            size: (8 - len_name % 8) % 8
            doc: |
              Zero bytes that pad name to a multiple of 8 (rule P6; not checked here).
      end_of_extension:
        doc: |
          Payload layout of End of Extension (block type 0x0FFE) in dialects spec-1.1, memdiver-1.0.2,
          PayloadVersion 1. 56-byte fixed part, then the producer name.
        doc-ref: Memory Slice 1.1.0, section 4.6
        seq:
          - id: segment_hash
            size: 32
            doc: |
              SegmentHash: HashAlgo over all bytes from the segment's first block up to (not including) this
              block.
            doc-ref: Memory Slice 1.1.0, section 4.6
          - id: written_at
            type: u8
            doc: |
              WrittenAt: When the segment was written (ns since the Unix epoch); 0 = unknown.
            doc-ref: Memory Slice 1.1.0, section 4.6
          - id: block_count
            type: u4
            doc: |
              BlockCount: Blocks in the segment including this one; exact, never 0. Producers keep it the
              value >= 1 (rule V11-P34); consumers accept other values, so this definition does not check it.
            doc-ref: Memory Slice 1.1.0, section 4.6
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 4.6
          - id: len_producer
            type: u2
            doc: |
              ProducerLen: Byte length of producer including its NUL; 0 = none.
            doc-ref: Memory Slice 1.1.0, section 4.6
          - id: reserved2
            size: 6
            doc: |
              Reserved2: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 4.6
          - id: producer
            type: strz
            size: len_producer
            doc: |
              Producer: Tool that wrote the segment, e.g. memslicer-enrich/<ver>, memdiver/<ver> (UTF-8).
            doc-ref: Memory Slice 1.1.0, section 4.6
          - id: producer_pad
            size: (8 - len_producer % 8) % 8
            doc: |
              Zero bytes that pad producer to a multiple of 8 (rule P6; not checked here).
      end_of_capture:
        doc: |
          Payload layout of End of Capture (block type 0x0FFF) in dialects spec-1.0, spec-1.1,
          memdiver-1.0.2, g0, PayloadVersion 0, 1. 48 bytes in 1.0 (8 reserved) and 1.1 (BlockCount + 4
          reserved); pre-1.1 memdiver wrote only the first 40 bytes, which 1.1 consumers accept
          (V11-4.5-eoc-40).
        doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.5
        seq:
          - id: file_hash
            size: 32
            doc: |
              FileHash: Hash of all file bytes before this block.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.5
          - id: acq_end
            type: u8
            doc: |
              AcqEnd: Acquisition end time (ns since the Unix epoch).
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.5
          - id: block_count
            type: u4
            if: tail_present
            doc: |
              BlockCount: Capture-segment blocks including this one; 0 = unknown. Reserved (zero) in 1.0.
              Optional tail: present only when the payload has bytes left.
            doc-ref: Memory Slice 1.1.0, section 4.5
          - id: reserved
            type: u4
            if: tail_present
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5). Optional tail:
              present only when the payload has bytes left.
            doc-ref: Memory Slice Binary Format Specification 1.0.0, section 4.5
        instances:
          tail_present:
            value: not _io.eof
            doc: |
              Whether the optional tail fields are present: evaluated once, by the first of them, when the
              payload still has bytes left at that point.
      block_index_table:
        doc: |
          Payload layout of Block Index Table (block type 0x1000) in dialects spec-1.0, PayloadVersion 1.
          The draft layout, kept for reference only: it was never implemented by any producer or consumer
          and is not part of spec 1.0. It is listed under dialect spec-1.0 only because a layout needs at
          least one dialect; no writer should emit it.
        doc-ref: memslice format catalogue, section 5
        seq:
          - id: num_entries
            type: u4
            doc: |
              EntryCount: Number of index entries.
            doc-ref: memslice format catalogue, section 5
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 5
          - id: entries
            type: block_index_entry
            repeat: expr
            repeat-expr: num_entries
            doc: |
              Entries: The index entries.
            doc-ref: memslice format catalogue, section 5
      block_index_entry:
        doc: |
          One indexed block (32 bytes). (Part of Block Index Table.)
        doc-ref: memslice format catalogue, section 5
        seq:
          - id: block_uuid
            size: 16
            doc: |
              BlockUUID: BlockUUID of the indexed block.
            doc-ref: memslice format catalogue, section 5
          - id: ofs_block
            type: u8
            doc: |
              FileOffset: File offset of the indexed block.
            doc-ref: memslice format catalogue, section 5
          - id: block_type
            type: u2
            enum: block_type
            doc: |
              BlockType: BlockType of the indexed block.
            doc-ref: memslice format catalogue, section 5
          - id: payload_version
            type: u2
            doc: |
              PayloadVersion: PayloadVersion of the indexed block.
            doc-ref: memslice format catalogue, section 5
          - id: block_length
            type: u4
            doc: |
              BlockLength: BlockLength of the indexed block.
            doc-ref: memslice format catalogue, section 5
      vas_map:
        doc: |
          Payload layout of VAS Map (block type 0x1001) in dialects spec-1.1, memdiver-1.0.2,
          PayloadVersion 1. EntryCount, EntrySize, then the entries. EntrySize 0 (what every producer
          writes) means variable-length entries of 24 + pad8(PathLen) bytes; a non-zero EntrySize is a
          fixed stride a reader must honour (each entry then occupies exactly EntrySize bytes).
        doc-ref: Memory Slice 1.1.0, section 5.8
        seq:
          - id: num_entries
            type: u4
            doc: |
              EntryCount: Number of entries.
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: len_entry
            type: u4
            doc: |
              EntrySize: 0 = variable-length entries; otherwise the fixed size of every entry.
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: entries
            type: vas_entry
            repeat: expr
            repeat-expr: num_entries
            if: len_entry == 0
            doc: |
              Entries: Variable-length entries (EntrySize 0).
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: entries_fixed
            type: vas_entry
            size: len_entry
            repeat: expr
            repeat-expr: num_entries
            if: len_entry != 0
            doc: |
              Entries: Entries at a fixed stride of len_entry bytes (EntrySize non-zero; written by no known
              producer).
            doc-ref: Memory Slice 1.1.0, section 5.8
      vas_entry:
        doc: |
          One mapping (24 + pad8(PathLen) bytes). (Part of VAS Map.)
        doc-ref: Memory Slice 1.1.0, section 5.8
        seq:
          - id: base_addr
            type: u8
            doc: |
              BaseAddr: Start of the mapping.
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: region_size
            type: u8
            doc: |
              RegionSize: Size of the mapping in bytes.
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: protection
            type: protection
            doc: |
              Protection: Protection bits, as in Memory Region.
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: region_type
            type: u1
            enum: region_type
            doc: |
              RegionType: Kind of region, as in Memory Region.
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: len_path
            type: u2
            doc: |
              PathLen: Byte length of mapped_path including its NUL; 0 = anonymous / unnamed.
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: name_source
            type: u1
            enum: name_source
            doc: |
              NameSource: Where the name came from. The pre-1.1 MemDiver reader treats bytes 0x14-0x17 as
              reserved, and memslicer 0.5.2's docstring still says 'reserved: 4 bytes' although it writes
              NameSource here (D11).
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: reserved
            size: 3
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: mapped_path
            type: strz
            size: len_path
            doc: |
              MappedPath: Full mapping name ([heap], [anon:...], a file path; UTF-8).
            doc-ref: Memory Slice 1.1.0, section 5.8
          - id: mapped_path_pad
            size: (8 - len_path % 8) % 8
            doc: |
              Zero bytes that pad mapped_path to a multiple of 8 (rule P6; not checked here).
      pointer_graph:
        doc: |
          Payload layout of Pointer Graph (block type 0x1003) in dialects memdiver-1.0.2, PayloadVersion
          1. 16-byte header, NodeCount nodes, EdgeCount edges, then (Flags bit 0) a 32-byte BLAKE3 trailer
          over header, nodes and edges. memdiver never pads the payload.
        doc-ref: memslice format catalogue, section 6.25
        seq:
          - id: num_nodes
            type: u4
            doc: |
              NodeCount: Number of nodes.
            doc-ref: memslice format catalogue, section 6.25
          - id: num_edges
            type: u4
            doc: |
              EdgeCount: Number of edges.
            doc-ref: memslice format catalogue, section 6.25
          - id: flags
            type: pointer_graph_flags
            doc: |
              Flags: Graph flags; bit 0 = integrity trailer present, other bits zero.
            doc-ref: memslice format catalogue, section 6.25
          - id: reserved
            type: u4
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.25
          - id: nodes
            type: pointer_graph_node
            repeat: expr
            repeat-expr: num_nodes
            doc: |
              Nodes: The nodes; edges refer to them by index.
            doc-ref: memslice format catalogue, section 6.25
          - id: edges
            type: pointer_graph_edge
            repeat: expr
            repeat-expr: num_edges
            doc: |
              Edges: The edges. Alignment exception D16: Nodes are 12 + pad8(LabelLen) bytes, so the edges
              start 4 bytes off the 8-byte grid whenever the node count is odd.
            doc-ref: memslice format catalogue, section 6.25
          - id: integrity_hash
            size: 32
            if: (flags.value & 1) != 0
            doc: |
              IntegrityTrailer: BLAKE3 of header, nodes and edges; present when flags bit 0 is set. Alignment
              exception D16: Follows the 12-byte-head nodes and edges directly, so it is 8-aligned only when
              the node and edge counts together are even.
            doc-ref: memslice format catalogue, section 6.25
      pointer_graph_node:
        doc: |
          One node (12 + pad8(LabelLen) bytes). (Part of Pointer Graph.) Packed: D16: memdiver's 12-byte
          node head puts the u64 Value at +4 and the label at +0x0C; its documentation's claim of 8-byte
          aligned nodes is wrong.
        doc-ref: memslice format catalogue, section 6.25
        seq:
          - id: kind
            type: u1
            enum: node_kind
            doc: |
              NodeKind: Kind of node.
            doc-ref: memslice format catalogue, section 6.25
          - id: reserved
            type: u1
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.25
          - id: len_label
            type: u2
            doc: |
              LabelLen: Byte length of label including its NUL; 0 = none.
            doc-ref: memslice format catalogue, section 6.25
          - id: value
            type: u8
            doc: |
              Value: Address, offset or symbol value (per kind). Alignment exception D16: memdiver packs the
              node head as '<BBHQ': the u64 Value sits unaligned at +4.
            doc-ref: memslice format catalogue, section 6.25
          - id: label
            type: strz
            size: len_label
            doc: |
              Label: Node label (UTF-8); absent when len_label is 0.
            doc-ref: memslice format catalogue, section 6.25
          - id: label_pad
            size: (8 - len_label % 8) % 8
            doc: |
              Zero bytes that pad label to a multiple of 8 (rule P6; not checked here).
      pointer_graph_edge:
        doc: |
          One edge (12 + pad8(MetadataLen) bytes). (Part of Pointer Graph.) Packed: D16: memdiver's
          12-byte edge head puts the metadata at +0x0C, so edges are not 8-aligned.
        doc-ref: memslice format catalogue, section 6.25
        seq:
          - id: src_idx
            type: u4
            doc: |
              SrcIdx: Index of the source node.
            doc-ref: memslice format catalogue, section 6.25
          - id: dst_idx
            type: u4
            doc: |
              DstIdx: Index of the destination node.
            doc-ref: memslice format catalogue, section 6.25
          - id: kind
            type: u1
            enum: edge_kind
            doc: |
              EdgeKind: Kind of edge.
            doc-ref: memslice format catalogue, section 6.25
          - id: reserved
            type: u1
            doc: |
              Reserved: Reserved: producers write zero, consumers ignore it (rules P5, C5).
            doc-ref: memslice format catalogue, section 6.25
          - id: len_metadata
            type: u2
            doc: |
              MetadataLen: Byte length of metadata including its NUL; 0 = none.
            doc-ref: memslice format catalogue, section 6.25
          - id: metadata
            type: strz
            size: len_metadata
            doc: |
              Metadata: Edge metadata (UTF-8); absent when len_metadata is 0.
            doc-ref: memslice format catalogue, section 6.25
          - id: metadata_pad
            size: (8 - len_metadata % 8) % 8
            doc: |
              Zero bytes that pad metadata to a multiple of 8 (rule P6; not checked here).
enums:
  endianness:
    0x01:
      id: little
      doc: |
        Little-endian.
    0x02:
      id: big
      doc: |
        Big-endian.
  os_type:
    0x0000:
      id: windows
      doc: |
        Windows.
    0x0001:
      id: linux
      doc: |
        Linux.
    0x0002:
      id: macos
      doc: |
        macOS.
    0x0003:
      id: android
      doc: |
        Android.
    0x0004:
      id: ios
      doc: |
        iOS / iPadOS.
    0x0005:
      id: freebsd
      doc: |
        FreeBSD.
    0x0006:
      id: netbsd
      doc: |
        NetBSD.
    0x0007:
      id: openbsd
      doc: |
        OpenBSD.
    0x0008:
      id: qnx
      doc: |
        QNX.
    0x0009:
      id: fuchsia
      doc: |
        Fuchsia.
    0xffff:
      id: unknown
      doc: |
        Unknown.
  arch_type:
    0x0000:
      id: x86
      doc: |
        x86 (32-bit).
    0x0001:
      id: x86_64
      doc: |
        x86-64.
    0x0002:
      id: arm64
      doc: |
        ARM64 / AArch64.
    0x0003:
      id: arm32
      doc: |
        ARM32.
    0x0004:
      id: mips32
      doc: |
        MIPS32.
    0x0005:
      id: mips64
      doc: |
        MIPS64.
    0x0006:
      id: riscv32
      doc: |
        RISC-V RV32.
    0x0007:
      id: riscv64
      doc: |
        RISC-V RV64.
    0x0008:
      id: ppc32
      doc: |
        PowerPC 32.
    0x0009:
      id: ppc64
      doc: |
        PowerPC 64.
    0x000a:
      id: s390x
      doc: |
        IBM s390x.
    0x000b:
      id: loongarch64
      doc: |
        LoongArch64.
    0xffff:
      id: unknown
      doc: |
        Unknown.
  clock_source:
    0x00:
      id: unknown
      doc: |
        Unknown.
    0x01:
      id: clock_realtime
      doc: |
        CLOCK_REALTIME.
    0x02:
      id: clock_monotonic_raw
      doc: |
        CLOCK_MONOTONIC_RAW.
    0x03:
      id: query_performance_counter
      doc: |
        QueryPerformanceCounter.
    0x04:
      id: mach_absolute_time
      doc: |
        mach_absolute_time.
    0xff:
      id: other
      doc: |
        Other.
  hash_algo:
    0x00:
      id: blake3
      doc: |
        BLAKE3-256 (the only algorithm of 1.0).
    0x01:
      id: sha256
      doc: |
        SHA-256.
    0x02:
      id: sha512_256
      doc: |
        SHA-512/256.
    0xff:
      id: other
      doc: |
        Other (not verifiable).
  enc_algo:
    0x01:
      id: aes_256_gcm
      doc: |
        AES-256-GCM, 12-byte nonce, 16-byte tag.
    0x02:
      id: xchacha20_poly1305
      doc: |
        XChaCha20-Poly1305, 24-byte nonce, 16-byte tag.
  kdf_type:
    0x00:
      id: none
      doc: |
        Raw 32-byte content key supplied out of band.
    0x01:
      id: argon2id
      doc: |
        Argon2id from a passphrase.
  key_encap:
    0x00:
      id: none
      doc: |
        No KEM.
    0x01:
      id: x25519
      doc: |
        X25519 (32-byte ciphertext).
    0x02:
      id: ml_kem_768
      doc: |
        ML-KEM-768 (1088-byte ciphertext).
    0x03:
      id: ml_kem_1024
      doc: |
        ML-KEM-1024 (1568-byte ciphertext).
    0x04:
      id: x25519_ml_kem_768
      doc: |
        X25519 + ML-KEM-768 hybrid (1120 bytes).
    0xff:
      id: other
      doc: |
        Other.
  comp_algo:
    0x00:
      id: none
      doc: |
        Not compressed.
    0x01:
      id: zstd
      doc: |
        One zstd frame after the u64 size prefix.
    0x02:
      id: lz4
      doc: |
        One LZ4 block with a 4-byte size prefix, after the u64 size prefix.
    0x03:
      id: extended
      doc: |
        Reserved ("extended" algorithm id); not decodable.
  page_state:
    0x00:
      id: captured
      doc: |
        Read; PageSize bytes stored in PageData.
    0x01:
      id: failed
      doc: |
        Mapped but unreadable; no bytes.
    0x02:
      id: unmapped
      doc: |
        Gone at read time (TOCTOU); no bytes.
    0x03:
      id: not_resident
      doc: |
        1.1: mapped, never touched, zero content, no bytes. 1.0: reserved, treat as Failed.
  region_type:
    0x00:
      id: unknown
      doc: |
        Unknown.
    0x01:
      id: heap
      doc: |
        Heap.
    0x02:
      id: stack
      doc: |
        Stack.
    0x03:
      id: image
      doc: |
        Executable image / shared object.
    0x04:
      id: mapped_file
      doc: |
        File mapping.
    0x05:
      id: anonymous
      doc: |
        Anonymous memory.
    0x06:
      id: shared_mem
      doc: |
        Shared memory.
    0xff:
      id: other
      doc: |
        Other.
  key_type:
    0x0000:
      id: unknown
      doc: |
        Unknown.
    0x0001:
      id: pre_master_secret
      doc: |
        Pre-Master Secret.
    0x0002:
      id: master_secret
      doc: |
        Master Secret.
    0x0003:
      id: session_key
      doc: |
        Session key (symmetric).
    0x0004:
      id: handshake_secret
      doc: |
        Handshake Secret.
    0x0005:
      id: application_traffic_secret
      doc: |
        Application Traffic Secret.
    0x0006:
      id: rsa_private_key
      doc: |
        RSA private key.
    0x0007:
      id: ecdh_private_key
      doc: |
        ECDH private key.
    0x0008:
      id: ike_sa_key
      doc: |
        IKE SA key.
    0x0009:
      id: esp_ah_key
      doc: |
        ESP/AH key.
    0x000a:
      id: ssh_session_key
      doc: |
        SSH session key.
    0x000b:
      id: wireguard_key
      doc: |
        WireGuard key.
    0x000c:
      id: ml_kem_private_key
      doc: |
        ML-KEM private key (memdiver 1.0.2 only, dialect memdiver-1.0.2).
    0xffff:
      id: other
      doc: |
        Other.
  protocol:
    0x0000:
      id: unknown
      doc: |
        Unknown.
    0x0001:
      id: tls_1_2
      doc: |
        TLS 1.2.
    0x0002:
      id: tls_1_3
      doc: |
        TLS 1.3.
    0x0003:
      id: dtls_1_2
      doc: |
        DTLS 1.2.
    0x0004:
      id: dtls_1_3
      doc: |
        DTLS 1.3.
    0x0005:
      id: quic
      doc: |
        QUIC.
    0x0006:
      id: ikev2_ipsec
      doc: |
        IKEv2 / IPsec.
    0x0007:
      id: ssh
      doc: |
        SSH.
    0x0008:
      id: wireguard
      doc: |
        WireGuard.
    0x0009:
      id: pq_tls_hybrid
      doc: |
        PQ-TLS hybrid.
    0xffff:
      id: other
      doc: |
        Other.
  confidence:
    0x00:
      id: speculative
      doc: |
        Region belongs to a crypto library; no key located.
    0x01:
      id: heuristic
      doc: |
        Pattern match; may be a false positive.
    0x02:
      id: confirmed
      doc: |
        Observed at the KDF; exact offset and length.
  key_state:
    0x00:
      id: unknown
      doc: |
        Unknown.
    0x01:
      id: active
      doc: |
        Active at capture.
    0x02:
      id: expired
      doc: |
        Expired or zeroed.
  relationship:
    0x0000:
      id: unknown
      doc: |
        Unknown.
    0x0001:
      id: parent
      doc: |
        Parent process.
    0x0002:
      id: child
      doc: |
        Child process.
    0x0003:
      id: shared_memory
      doc: |
        Shares memory.
    0x0004:
      id: ipc_peer
      doc: |
        IPC peer.
    0x0005:
      id: thread_group
      doc: |
        Same thread group.
    0xffff:
      id: other
      doc: |
        Other.
  source_format:
    0x0000:
      id: unknown
      doc: |
        Unknown.
    0x0001:
      id: raw
      doc: |
        Raw byte stream.
    0x0002:
      id: elf_core
      doc: |
        ELF core dump.
    0x0003:
      id: minidump
      doc: |
        Windows Minidump.
    0x0004:
      id: macos_core
      doc: |
        macOS core dump (memdiver: existing .msl).
    0x0005:
      id: procdump
      doc: |
        ProcDump (memdiver: regioned raw).
    0xffff:
      id: other
      doc: |
        Other.
  thread_state:
    0x00:
      id: unknown
      doc: |
        Unknown.
    0x01:
      id: running
      doc: |
        Running.
    0x02:
      id: sleeping
      doc: |
        Sleeping.
    0x03:
      id: stopped
      doc: |
        Stopped.
    0x04:
      id: waiting
      doc: |
        Waiting.
    0x05:
      id: uninterruptible
      doc: |
        Uninterruptible sleep.
    0x06:
      id: halted
      doc: |
        Halted.
    0x07:
      id: zombie
      doc: |
        Zombie.
  name_source:
    0x00:
      id: unspecified
      doc: |
        Unspecified.
    0x01:
      id: live
      doc: |
        Read from the live process.
    0x02:
      id: source_metadata
      doc: |
        From the imported source's metadata.
    0x03:
      id: synthesized
      doc: |
        Made up by the producer (not trusted).
  handle_type_memslicer:
    0x00:
      id: unknown
      doc: |
        Unknown.
    0x01:
      id: file
      doc: |
        Regular file.
    0x02:
      id: dir
      doc: |
        Directory.
    0x03:
      id: socket
      doc: |
        Socket.
    0x04:
      id: pipe
      doc: |
        Pipe.
    0x05:
      id: device
      doc: |
        Device.
    0x06:
      id: registry
      doc: |
        Registry key.
    0xff:
      id: other
      doc: |
        Other.
  handle_type_memdiver:
    0x00:
      id: unknown
      doc: |
        Unknown.
    0x01:
      id: file
      doc: |
        Regular file.
    0x02:
      id: dir
      doc: |
        Directory.
    0x03:
      id: socket
      doc: |
        Socket.
    0x04:
      id: pipe
      doc: |
        Pipe.
    0x05:
      id: mutex
      doc: |
        Mutex.
    0x06:
      id: timer
      doc: |
        Timer.
    0x07:
      id: other
      doc: |
        Other.
  address_family:
    0x01:
      id: unix
      doc: |
        Unix-domain socket (AF_UNIX); memslicer 0.5.2's Linux collector writes one row per
        /proc/net/unix socket with Protocol 0, State 0 and zero addresses and ports, for PID attribution
        (cat:6.12).
    0x02:
      id: ipv4
      doc: |
        IPv4 (AF_INET).
    0x0a:
      id: ipv6
      doc: |
        IPv6 (AF_INET6).
  ip_protocol:
    0x00:
      id: none
      doc: |
        No transport protocol (the Unix-domain socket rows of memslicer 0.5.2).
    0x06:
      id: tcp
      doc: |
        TCP.
    0x11:
      id: udp
      doc: |
        UDP.
  tcp_state:
    0x00:
      id: none
      doc: |
        Not applicable (UDP and Unix-domain rows).
    0x01:
      id: established
      doc: |
        ESTABLISHED.
    0x02:
      id: syn_sent
      doc: |
        SYN_SENT.
    0x03:
      id: syn_recv
      doc: |
        SYN_RECV.
    0x04:
      id: fin_wait1
      doc: |
        FIN_WAIT1.
    0x05:
      id: fin_wait2
      doc: |
        FIN_WAIT2.
    0x06:
      id: time_wait
      doc: |
        TIME_WAIT.
    0x07:
      id: close
      doc: |
        CLOSE (also an unconnected UDP socket).
    0x08:
      id: close_wait
      doc: |
        CLOSE_WAIT.
    0x09:
      id: last_ack
      doc: |
        LAST_ACK.
    0x0a:
      id: listen
      doc: |
        LISTEN.
    0x0b:
      id: closing
      doc: |
        CLOSING.
    0x0c:
      id: new_syn_recv
      doc: |
        NEW_SYN_RECV.
  connectivity_row_type:
    0x01:
      id: ipv4_route
      doc: |
        IPv4 route.
    0x02:
      id: ipv6_route
      doc: |
        IPv6 route.
    0x03:
      id: neighbour
      doc: |
        ARP / neighbour entry.
    0x04:
      id: packet_socket
      doc: |
        Packet socket.
    0x05:
      id: interface_stats
      doc: |
        Interface counters.
    0x06:
      id: socket_family_aggregate
      doc: |
        Per-family socket counts.
    0x07:
      id: snmp_counter
      doc: |
        SNMP / MIB counter.
  persistence_source:
    0x01:
      id: systemd_system
      doc: |
        systemd system unit.
    0x02:
      id: systemd_user
      doc: |
        systemd user unit.
    0x03:
      id: cron_system
      doc: |
        System crontab.
    0x04:
      id: cron_user
      doc: |
        User crontab.
    0x05:
      id: rc_local
      doc: |
        rc.local.
    0x06:
      id: profile_d
      doc: |
        /etc/profile.d.
    0x07:
      id: pam_d
      doc: |
        /etc/pam.d.
    0x08:
      id: udev_rules
      doc: |
        udev rules.
    0x09:
      id: modprobe_d
      doc: |
        modprobe.d.
    0x0a:
      id: system_generators
      doc: |
        systemd generators.
    0x0b:
      id: modules_load
      doc: |
        modules-load.d.
  kernel_module_state:
    0x00:
      id: unknown
      doc: |
        Unknown.
    0x01:
      id: live
      doc: |
        Live.
    0x02:
      id: loading
      doc: |
        Loading.
    0x03:
      id: unloading
      doc: |
        Unloading.
  build_id_source:
    0x00:
      id: none
      doc: |
        None.
    0x01:
      id: bridge
      doc: |
        Live read.
    0x02:
      id: map_files
      doc: |
        /proc/PID/map_files.
    0x03:
      id: on_disk
      doc: |
        The file on disk.
    0x04:
      id: captured_region
      doc: |
        A captured region.
    0x05:
      id: retroactive
      doc: |
        Added after capture.
  omission_reason:
    0x01:
      id: module_exclude
      doc: |
        Excluded by module pattern.
    0x02:
      id: scope
      doc: |
        Outside the capture scope.
  node_kind:
    0x01:
      id: address
      doc: |
        Virtual address.
    0x02:
      id: offset
      doc: |
        Offset.
    0x03:
      id: symbol
      doc: |
        Symbol.
  edge_kind:
    0x01:
      id: pointer
      doc: |
        Pointer.
    0x02:
      id: call
      doc: |
        Call.
    0x03:
      id: import_
      doc: |
        Import.
  sockstat_family:
    0x02:
      id: tcp
      doc: |
        TCP.
    0x03:
      id: raw
      doc: |
        RAW.
    0x04:
      id: frag
      doc: |
        FRAG.
    0x0a:
      id: tcp6
      doc: |
        TCP6.
    0x0b:
      id: udp6
      doc: |
        UDP6.
    0x11:
      id: udp
      doc: |
        UDP.
    0x83:
      id: raw6
      doc: |
        RAW6 (/proc/net/sockstat6; memslicer 0.5.2).
    0x84:
      id: frag6
      doc: |
        FRAG6 (/proc/net/sockstat6; memslicer 0.5.2).
    0xff:
      id: sockets_used
      doc: |
        The 'sockets: used' line.
  ksb_tag:
    0x01:
      id: page_size
      doc: |
        Kernel page size in bytes. Value: u32.
    0x02:
      id: kernel_build_id
      doc: |
        GNU build id of the running kernel. Value: bytes.
    0x03:
      id: kaslr_text_va
      doc: |
        Virtual address of the kernel text after KASLR. Value: u64.
    0x04:
      id: kernel_page_offset
      doc: |
        Base of the kernel direct map (PAGE_OFFSET). Value: u64.
    0x05:
      id: la57_enabled
      doc: |
        1 = 5-level paging enabled. Value: u8.
    0x06:
      id: pti_active
      doc: |
        1 = page-table isolation active. Value: u8.
    0x07:
      id: btf_sha256
      doc: |
        SHA-256 of the kernel BTF blob. Value: bytes (32).
    0x08:
      id: btf_size_bytes
      doc: |
        Size of the kernel BTF blob in bytes. Value: u64.
    0x09:
      id: vmcoreinfo_sha256
      doc: |
        SHA-256 of vmcoreinfo. Value: bytes.
    0x0a:
      id: kernel_config_sha256
      doc: |
        SHA-256 of the kernel config. Value: bytes.
    0x0b:
      id: clock_realtime_ns
      doc: |
        CLOCK_REALTIME at collection (ns). Value: u64.
    0x0c:
      id: clock_monotonic_ns
      doc: |
        CLOCK_MONOTONIC at collection (ns). Value: u64.
    0x0d:
      id: clock_boottime_ns
      doc: |
        CLOCK_BOOTTIME at collection (ns). Value: u64.
    0x0e:
      id: clocksource
      doc: |
        Current kernel clocksource name. Value: str.
    0x0f:
      id: thp_mode
      doc: |
        Transparent huge page mode. Value: str.
    0x10:
      id: ksm_active
      doc: |
        1 = kernel same-page merging active. Value: u8.
    0x11:
      id: directmap_4k_kib
      doc: |
        Direct map covered by 4 KiB pages (KiB). Value: u64.
    0x12:
      id: directmap_2m_kib
      doc: |
        Direct map covered by 2 MiB pages (KiB). Value: u64.
    0x13:
      id: directmap_1g_kib
      doc: |
        Direct map covered by 1 GiB pages (KiB). Value: u64.
    0x14:
      id: zram_devices_json
      doc: |
        zram devices as a JSON document. Value: str (JSON).
    0x15:
      id: zswap_enabled
      doc: |
        1 = zswap enabled. Value: u8.
  target_introspection_tag:
    0x00:
      id: end
      doc: |
        Never a real tag: Tag = Len = 0 is the block's zero padding and ends the rows.
    0x01:
      id: tracer_pid
      doc: |
        PID of the tracer (TracerPid). Value: u32.
    0x02:
      id: login_uid
      doc: |
        Audit login uid. Value: u32.
    0x03:
      id: session_audit_id
      doc: |
        Audit session id. Value: u32.
    0x04:
      id: selinux_context
      doc: |
        SELinux context of the target. Value: str.
    0x05:
      id: target_ns_fingerprint
      doc: |
        Fingerprint of the target's namespaces. Value: str.
    0x06:
      id: target_ns_scope_vs_collector
      doc: |
        Namespace scope of the target relative to the collector. Value: str.
    0x07:
      id: smaps_rollup_pss_kib
      doc: |
        PSS from smaps_rollup (KiB). Value: u64.
    0x08:
      id: smaps_rollup_swap_kib
      doc: |
        Swap from smaps_rollup (KiB). Value: u64.
    0x09:
      id: smaps_anon_hugepages_kib
      doc: |
        Anonymous huge pages (KiB). Value: u64.
    0x0a:
      id: rwx_region_count
      doc: |
        Number of RWX regions. Value: u32.
    0x0b:
      id: target_cgroup
      doc: |
        cgroup of the target. Value: str.
    0x0c:
      id: target_cwd
      doc: |
        Current working directory. Value: str.
    0x0d:
      id: target_root
      doc: |
        Root directory. Value: str.
    0x0e:
      id: cap_eff
      doc: |
        Effective capabilities (CapEff). Value: str.
    0x0f:
      id: cap_amb
      doc: |
        Ambient capabilities (CapAmb). Value: str.
    0x10:
      id: no_new_privs
      doc: |
        NoNewPrivs. Value: u8.
    0x11:
      id: seccomp_mode
      doc: |
        Seccomp mode. Value: u8.
    0x12:
      id: core_dumping
      doc: |
        CoreDumping. Value: u8.
    0x13:
      id: thread_count
      doc: |
        Number of threads. Value: u32.
    0x14:
      id: sig_cgt
      doc: |
        Caught-signal mask (SigCgt). Value: str.
    0x15:
      id: io_rchar
      doc: |
        Characters read (/proc/PID/io rchar). Value: u64.
    0x16:
      id: io_wchar
      doc: |
        Characters written (wchar). Value: u64.
    0x17:
      id: io_read_bytes
      doc: |
        Bytes read from storage (read_bytes). Value: u64.
    0x18:
      id: io_write_bytes
      doc: |
        Bytes written to storage (write_bytes). Value: u64.
    0x19:
      id: limit_core
      doc: |
        Core-file size limit. Value: str.
    0x1a:
      id: limit_memlock
      doc: |
        Locked-memory limit. Value: str.
    0x1b:
      id: limit_nofile
      doc: |
        Open-files limit. Value: str.
    0x1c:
      id: personality_hex
      doc: |
        Execution domain (personality), hex. Value: str.
    0x1d:
      id: ancestry
      doc: |
        Process ancestry chain. Value: str.
    0x1e:
      id: exe_comm_mismatch
      doc: |
        1 = executable name and comm differ. Value: u8.
    0x1f:
      id: environ
      doc: |
        The process environment as read (memslicer's stand-in for the reserved Environment Block
        0x0014). Value: raw bytes.
    0x20:
      id: redacted_env_keys
      doc: |
        Environment keys whose values were redacted. Value: str (comma-joined).
  block_type:
    0x0001:
      id: memory_region
      doc: |
        Memory Region
    0x0002:
      id: module_entry
      doc: |
        Module Entry
    0x0010:
      id: module_list_index
      doc: |
        Module List Index
    0x0011:
      id: thread_context
      doc: |
        Thread Context
    0x0012:
      id: file_descriptor
      doc: |
        File Descriptor
    0x0013:
      id: network_connection
      doc: |
        Network Connection
    0x0014:
      id: environment_block
      doc: |
        Environment Block
    0x0015:
      id: security_token
      doc: |
        Security Token
    0x0020:
      id: key_hint
      doc: |
        Key Hint
    0x0030:
      id: import_provenance
      doc: |
        Import Provenance
    0x0040:
      id: process_identity
      doc: |
        Process Identity
    0x0041:
      id: related_dump
      doc: |
        Related Dump
    0x0050:
      id: system_context
      doc: |
        System Context
    0x0051:
      id: process_table
      doc: |
        Process Table
    0x0052:
      id: connection_table
      doc: |
        Connection Table
    0x0053:
      id: handle_table
      doc: |
        Handle Table
    0x0054:
      id: connectivity_table
      doc: |
        Connectivity Table
    0x0055:
      id: kernel_symbol_bundle
      doc: |
        Kernel Symbol Bundle Same code: connectivity_table_memdiver in dialect(s) memdiver-1.0.2.
    0x0056:
      id: persistence_manifest
      doc: |
        Persistence Manifest
    0x0057:
      id: kernel_module_list
      doc: |
        Kernel Module List
    0x0058:
      id: target_introspection
      doc: |
        Target Introspection
    0x0059:
      id: physical_memory_map
      doc: |
        Physical Memory Map
    0x005a:
      id: module_build_id_manifest
      doc: |
        Module BuildId Manifest
    0x005b:
      id: region_omission_manifest
      doc: |
        Region Omission Manifest
    0x0ffe:
      id: end_of_extension
      doc: |
        End of Extension
    0x0fff:
      id: end_of_capture
      doc: |
        End of Capture
    0x1000:
      id: block_index_table
      doc: |
        Block Index Table
    0x1001:
      id: vas_map
      doc: |
        VAS Map
    0x1002:
      id: region_classification
      doc: |
        Region Classification
    0x1003:
      id: pointer_graph
      doc: |
        Pointer Graph
    0x2001:
      id: structure_candidate
      doc: |
        Structure Candidate
    0x2002:
      id: analyst_annotation
      doc: |
        Analyst Annotation
    0x2003:
      id: diff_result
      doc: |
        Diff Result
    0x2004:
      id: scan_signature
      doc: |
        Scan Signature
  dialect:
    0x01:
      id: spec_1_0
      doc: |
        Public specification 1.0.0. The layout of the public spec 1.0.0, as memslicer 0.2.x writes it
        (Version 0x0100). Header 0x39-0x3F reserved (memslicer 0.2.7 already stores BlockCount/HashAlgo
        there, which reads back as zero or BLAKE3), 48-byte End-of-Capture with 8 reserved bytes.
    0x02:
      id: spec_1_1
      doc: |
        Memory Slice 1.1 (memslicer 0.5.2). The unpublished 1.1 as memslicer 0.5.2 writes it: header
        BlockCount and HashAlgo, End-of-Capture BlockCount, 1.1 block types, System Context layout A,
        Connectivity Table at 0x0054 and Kernel Symbol Bundle at 0x0055. This is what our writer emits
        by default.
    0x03:
      id: memdiver_1_0_2
      doc: |
        memdiver 1.0.2 dialect. Files written by memdiver (1.0.2 and the earlier MemDiver tree): Module
        Entry without BlobLen/NativeBlob, Related Dump of 56 bytes (+TargetHash), Import Provenance with
        a trailing 32-byte SourceHash, System Context layout B (u32 TargetCount), Connectivity Table at
        0x0055 with NUL-terminated strings, u16 HandleType, unpadded payloads, and in the pre-1.1
        MemDiver tree a zero block 0 PrevHash, bare zstd/LZ4-frame compression and a 40-byte End-of-
        Capture.
    0x04:
      id: g0
      doc: |
        Pre-1.0 draft layout ("G0"). Files written from the first draft (memslicer 0.1, libmsl,
        memslicer-rs and the Chrome capture): Version stored as two bytes 01 00 (reads as 0x0001),
        PayloadVersion 0, HasChildren in flag bit 0, Memory Region with PageSize u16 and a page count,
        Module Entry lengths that include the padding, count-only Module List Index, no ClockSource.
  payload_layout:
    0x00:
      id: none
      doc: |
        No layout: the block is skipped.
    0x01:
      id: memory_region
      doc: |
        Memory Region (0x0001), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x02:
      id: memory_region_g0
      doc: |
        Memory Region (0x0001), dialects g0, PayloadVersion 0.
    0x03:
      id: module_entry
      doc: |
        Module Entry (0x0002), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x04:
      id: module_entry_g0
      doc: |
        Module Entry (0x0002), dialects g0, PayloadVersion 0.
    0x05:
      id: module_list_index
      doc: |
        Module List Index (0x0010), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x06:
      id: module_list_index_g0
      doc: |
        Module List Index (0x0010), dialects g0, PayloadVersion 0.
    0x07:
      id: thread_context
      doc: |
        Thread Context (0x0011), dialects spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x08:
      id: key_hint
      doc: |
        Key Hint (0x0020), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x09:
      id: import_provenance
      doc: |
        Import Provenance (0x0030), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x0a:
      id: process_identity
      doc: |
        Process Identity (0x0040), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x0b:
      id: related_dump
      doc: |
        Related Dump (0x0041), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x0c:
      id: system_context
      doc: |
        System Context (0x0050), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x0d:
      id: system_context_memdiver
      doc: |
        System Context (0x0050), dialects memdiver-1.0.2, PayloadVersion 1.
    0x0e:
      id: process_table
      doc: |
        Process Table (0x0051), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x0f:
      id: connection_table
      doc: |
        Connection Table (0x0052), dialects spec-1.0, spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x10:
      id: handle_table
      doc: |
        Handle Table (0x0053), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x11:
      id: handle_table_memdiver
      doc: |
        Handle Table (0x0053), dialects memdiver-1.0.2, PayloadVersion 1.
    0x12:
      id: connectivity_table
      doc: |
        Connectivity Table (0x0054), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x13:
      id: connectivity_table_memdiver
      doc: |
        Connectivity Table (memdiver) (0x0055), dialects memdiver-1.0.2, PayloadVersion 1.
    0x14:
      id: kernel_symbol_bundle
      doc: |
        Kernel Symbol Bundle (0x0055), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x15:
      id: persistence_manifest
      doc: |
        Persistence Manifest (0x0056), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x16:
      id: kernel_module_list
      doc: |
        Kernel Module List (0x0057), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x17:
      id: target_introspection
      doc: |
        Target Introspection (0x0058), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x18:
      id: physical_memory_map
      doc: |
        Physical Memory Map (0x0059), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x19:
      id: module_build_id_manifest
      doc: |
        Module BuildId Manifest (0x005A), dialects spec-1.0, spec-1.1, PayloadVersion 1.
    0x1a:
      id: region_omission_manifest
      doc: |
        Region Omission Manifest (0x005B), dialects spec-1.1, PayloadVersion 1.
    0x1b:
      id: end_of_extension
      doc: |
        End of Extension (0x0FFE), dialects spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x1c:
      id: end_of_capture
      doc: |
        End of Capture (0x0FFF), dialects spec-1.0, spec-1.1, memdiver-1.0.2, g0, PayloadVersion 0, 1.
    0x1d:
      id: block_index_table
      doc: |
        Block Index Table (0x1000), dialects spec-1.0, PayloadVersion 1.
    0x1e:
      id: vas_map
      doc: |
        VAS Map (0x1001), dialects spec-1.1, memdiver-1.0.2, PayloadVersion 1.
    0x1f:
      id: pointer_graph
      doc: |
        Pointer Graph (0x1003), dialects memdiver-1.0.2, PayloadVersion 1.

