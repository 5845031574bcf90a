# Generated from spec/enums.yaml and blocks/*.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Enumerations (IntEnum) and flag sets (IntFlag) of the format.

``ENUM_NAMES``, ``ENUM_DOCS`` and ``FLAG_BITS`` give the same facts as plain tables for code that
must render values it does not know (unknown codes stay integers).
"""

from __future__ import annotations

from enum import IntEnum, IntFlag


class Endianness(IntEnum):
    """Byte order of structural integers. (spec 3)"""

    LITTLE = 0x1
    """Little-endian."""
    BIG = 0x2
    """Big-endian."""



class OsType(IntEnum):
    """Target operating system. 0x000A-0x00FF reserved, 0x0100-0xFFFE vendor. (spec 3.3)"""

    WINDOWS = 0x0
    """Windows."""
    LINUX = 0x1
    """Linux."""
    MACOS = 0x2
    """macOS."""
    ANDROID = 0x3
    """Android."""
    IOS = 0x4
    """iOS / iPadOS."""
    FREEBSD = 0x5
    """FreeBSD."""
    NETBSD = 0x6
    """NetBSD."""
    OPENBSD = 0x7
    """OpenBSD."""
    QNX = 0x8
    """QNX."""
    FUCHSIA = 0x9
    """Fuchsia."""
    UNKNOWN = 0xFFFF
    """Unknown."""



class ArchType(IntEnum):
    """Target CPU. 0x000C-0x00FF reserved, 0x0100-0xFFFE vendor. (spec 3.3)"""

    X86 = 0x0
    """x86 (32-bit)."""
    X86_64 = 0x1
    """x86-64."""
    ARM64 = 0x2
    """ARM64 / AArch64."""
    ARM32 = 0x3
    """ARM32."""
    MIPS32 = 0x4
    """MIPS32."""
    MIPS64 = 0x5
    """MIPS64."""
    RISCV32 = 0x6
    """RISC-V RV32."""
    RISCV64 = 0x7
    """RISC-V RV64."""
    PPC32 = 0x8
    """PowerPC 32."""
    PPC64 = 0x9
    """PowerPC 64."""
    S390X = 0xA
    """IBM s390x."""
    LOONGARCH64 = 0xB
    """LoongArch64."""
    UNKNOWN = 0xFFFF
    """Unknown."""



class ClockSource(IntEnum):
    """Clock used for timestamps. 0x05-0xFE reserved. (spec 3)"""

    UNKNOWN = 0x0
    """Unknown."""
    CLOCK_REALTIME = 0x1
    """CLOCK_REALTIME."""
    CLOCK_MONOTONIC_RAW = 0x2
    """CLOCK_MONOTONIC_RAW."""
    QUERY_PERFORMANCE_COUNTER = 0x3
    """QueryPerformanceCounter."""
    MACH_ABSOLUTE_TIME = 0x4
    """mach_absolute_time."""
    OTHER = 0xFF
    """Other."""



class HashAlgo(IntEnum):
    """Hash for PrevHash, FileHash, SegmentHash and DiskHash; every choice gives 32 bytes. Unknown
    codes are rejected. (spec 1.1:4.4)
    """

    BLAKE3 = 0x0
    """BLAKE3-256 (the only algorithm of 1.0)."""
    SHA256 = 0x1
    """SHA-256."""
    SHA512_256 = 0x2
    """SHA-512/256."""
    OTHER = 0xFF
    """Other (not verifiable)."""



class EncAlgo(IntEnum):
    """AEAD cipher of an encrypted file. (spec 1.1:10.1)"""

    AES_256_GCM = 0x1
    """AES-256-GCM, 12-byte nonce, 16-byte tag."""
    XCHACHA20_POLY1305 = 0x2
    """XChaCha20-Poly1305, 24-byte nonce, 16-byte tag."""



class KdfType(IntEnum):
    """Key derivation of an encrypted file. (spec 1.1:10.5)"""

    NONE = 0x0
    """Raw 32-byte content key supplied out of band."""
    ARGON2ID = 0x1
    """Argon2id from a passphrase."""



class KeyEncap(IntEnum):
    """Key encapsulation of an encrypted file. (spec 1.1:10.3)"""

    NONE = 0x0
    """No KEM."""
    X25519 = 0x1
    """X25519 (32-byte ciphertext)."""
    ML_KEM_768 = 0x2
    """ML-KEM-768 (1088-byte ciphertext)."""
    ML_KEM_1024 = 0x3
    """ML-KEM-1024 (1568-byte ciphertext)."""
    X25519_ML_KEM_768 = 0x4
    """X25519 + ML-KEM-768 hybrid (1120 bytes)."""
    OTHER = 0xFF
    """Other."""



class CompAlgo(IntEnum):
    """Compression codec in block flag bits 1-2. (spec 4.2)"""

    NONE = 0x0
    """Not compressed."""
    ZSTD = 0x1
    """One zstd frame after the u64 size prefix."""
    LZ4 = 0x2
    """One LZ4 block with a 4-byte size prefix, after the u64 size prefix."""
    EXTENDED = 0x3
    """Reserved ("extended" algorithm id); not decodable."""



class PageState(IntEnum):
    """Two-bit state of one page in a PageStateMap. (spec 6)"""

    CAPTURED = 0x0
    """Read; PageSize bytes stored in PageData."""
    FAILED = 0x1
    """Mapped but unreadable; no bytes."""
    UNMAPPED = 0x2
    """Gone at read time (TOCTOU); no bytes."""
    NOT_RESIDENT = 0x3
    """1.1: mapped, never touched, zero content, no bytes. 1.0: reserved, treat as Failed."""



class RegionType(IntEnum):
    """Kind of memory region. (spec 5.1)"""

    UNKNOWN = 0x0
    """Unknown."""
    HEAP = 0x1
    """Heap."""
    STACK = 0x2
    """Stack."""
    IMAGE = 0x3
    """Executable image / shared object."""
    MAPPED_FILE = 0x4
    """File mapping."""
    ANONYMOUS = 0x5
    """Anonymous memory."""
    SHARED_MEM = 0x6
    """Shared memory."""
    OTHER = 0xFF
    """Other."""



class KeyType(IntEnum):
    """Kind of key material in a Key Hint. (spec 5.6)"""

    UNKNOWN = 0x0
    """Unknown."""
    PRE_MASTER_SECRET = 0x1
    """Pre-Master Secret."""
    MASTER_SECRET = 0x2
    """Master Secret."""
    SESSION_KEY = 0x3
    """Session key (symmetric)."""
    HANDSHAKE_SECRET = 0x4
    """Handshake Secret."""
    APPLICATION_TRAFFIC_SECRET = 0x5
    """Application Traffic Secret."""
    RSA_PRIVATE_KEY = 0x6
    """RSA private key."""
    ECDH_PRIVATE_KEY = 0x7
    """ECDH private key."""
    IKE_SA_KEY = 0x8
    """IKE SA key."""
    ESP_AH_KEY = 0x9
    """ESP/AH key."""
    SSH_SESSION_KEY = 0xA
    """SSH session key."""
    WIREGUARD_KEY = 0xB
    """WireGuard key."""
    ML_KEM_PRIVATE_KEY = 0xC
    """ML-KEM private key (memdiver 1.0.2 only, dialect memdiver-1.0.2)."""
    OTHER = 0xFFFF
    """Other."""



class Protocol(IntEnum):
    """Protocol of the key material in a Key Hint. (spec 5.6)"""

    UNKNOWN = 0x0
    """Unknown."""
    TLS_1_2 = 0x1
    """TLS 1.2."""
    TLS_1_3 = 0x2
    """TLS 1.3."""
    DTLS_1_2 = 0x3
    """DTLS 1.2."""
    DTLS_1_3 = 0x4
    """DTLS 1.3."""
    QUIC = 0x5
    """QUIC."""
    IKEV2_IPSEC = 0x6
    """IKEv2 / IPsec."""
    SSH = 0x7
    """SSH."""
    WIREGUARD = 0x8
    """WireGuard."""
    PQ_TLS_HYBRID = 0x9
    """PQ-TLS hybrid."""
    OTHER = 0xFFFF
    """Other."""



class Confidence(IntEnum):
    """How sure the producer is about a Key Hint. (spec 5.6)"""

    SPECULATIVE = 0x0
    """Region belongs to a crypto library; no key located."""
    HEURISTIC = 0x1
    """Pattern match; may be a false positive."""
    CONFIRMED = 0x2
    """Observed at the KDF; exact offset and length."""



class KeyState(IntEnum):
    """State of the key material at capture time. (spec 5.6)"""

    UNKNOWN = 0x0
    """Unknown."""
    ACTIVE = 0x1
    """Active at capture."""
    EXPIRED = 0x2
    """Expired or zeroed."""



class Relationship(IntEnum):
    """Relation of a Related Dump to this one. 0x0006-0xFFFE reserved. (spec 5.5)"""

    UNKNOWN = 0x0
    """Unknown."""
    PARENT = 0x1
    """Parent process."""
    CHILD = 0x2
    """Child process."""
    SHARED_MEMORY = 0x3
    """Shares memory."""
    IPC_PEER = 0x4
    """IPC peer."""
    THREAD_GROUP = 0x5
    """Same thread group."""
    OTHER = 0xFFFF
    """Other."""



class SourceFormat(IntEnum):
    """Source of an imported dump. memdiver 1.0.2 reuses 0x0004 for "existing .msl" and 0x0005 for
    "regioned raw" (dialect memdiver-1.0.2). (spec 9.1)
    """

    UNKNOWN = 0x0
    """Unknown."""
    RAW = 0x1
    """Raw byte stream."""
    ELF_CORE = 0x2
    """ELF core dump."""
    MINIDUMP = 0x3
    """Windows Minidump."""
    MACOS_CORE = 0x4
    """macOS core dump (memdiver: existing .msl)."""
    PROCDUMP = 0x5
    """ProcDump (memdiver: regioned raw)."""
    OTHER = 0xFFFF
    """Other."""



class ThreadState(IntEnum):
    """Scheduler state of a thread. (spec 1.1:5.7)"""

    UNKNOWN = 0x0
    """Unknown."""
    RUNNING = 0x1
    """Running."""
    SLEEPING = 0x2
    """Sleeping."""
    STOPPED = 0x3
    """Stopped."""
    WAITING = 0x4
    """Waiting."""
    UNINTERRUPTIBLE = 0x5
    """Uninterruptible sleep."""
    HALTED = 0x6
    """Halted."""
    ZOMBIE = 0x7
    """Zombie."""



class NameSource(IntEnum):
    """Where a VAS Map entry's name came from. (spec 1.1:5.8)"""

    UNSPECIFIED = 0x0
    """Unspecified."""
    LIVE = 0x1
    """Read from the live process."""
    SOURCE_METADATA = 0x2
    """From the imported source's metadata."""
    SYNTHESIZED = 0x3
    """Made up by the producer (not trusted)."""



class HandleTypeMemslicer(IntEnum):
    """Handle kind in a memslicer Handle Table (u8). (spec 1.1:6.5)"""

    UNKNOWN = 0x0
    """Unknown."""
    FILE = 0x1
    """Regular file."""
    DIR = 0x2
    """Directory."""
    SOCKET = 0x3
    """Socket."""
    PIPE = 0x4
    """Pipe."""
    DEVICE = 0x5
    """Device."""
    REGISTRY = 0x6
    """Registry key."""
    OTHER = 0xFF
    """Other."""



class HandleTypeMemdiver(IntEnum):
    """Handle kind in a memdiver Handle Table (u16). (spec cat:6.13)"""

    UNKNOWN = 0x0
    """Unknown."""
    FILE = 0x1
    """Regular file."""
    DIR = 0x2
    """Directory."""
    SOCKET = 0x3
    """Socket."""
    PIPE = 0x4
    """Pipe."""
    MUTEX = 0x5
    """Mutex."""
    TIMER = 0x6
    """Timer."""
    OTHER = 0x7
    """Other."""



class AddressFamily(IntEnum):
    """Address family of a connection. (spec 1.1:6.4)"""

    UNIX = 0x1
    """Unix-domain socket (AF_UNIX); memslicer 0.5.2's Linux collector writes one row per
    /proc/net/unix socket with Protocol 0, State 0 and zero addresses and ports, for PID attribution
    (cat:6.12).
    """
    IPV4 = 0x2
    """IPv4 (AF_INET)."""
    IPV6 = 0xA
    """IPv6 (AF_INET6)."""



class IpProtocol(IntEnum):
    """Transport protocol of a connection. (spec 1.1:6.4)"""

    NONE = 0x0
    """No transport protocol (the Unix-domain socket rows of memslicer 0.5.2)."""
    TCP = 0x6
    """TCP."""
    UDP = 0x11
    """UDP."""



class TcpState(IntEnum):
    """Linux TCP socket state (include/net/tcp_states.h), as /proc/net/tcp reports it; 0 = not
    applicable (UDP, Unix). (spec cat:6.12)
    """

    NONE = 0x0
    """Not applicable (UDP and Unix-domain rows)."""
    ESTABLISHED = 0x1
    """ESTABLISHED."""
    SYN_SENT = 0x2
    """SYN_SENT."""
    SYN_RECV = 0x3
    """SYN_RECV."""
    FIN_WAIT1 = 0x4
    """FIN_WAIT1."""
    FIN_WAIT2 = 0x5
    """FIN_WAIT2."""
    TIME_WAIT = 0x6
    """TIME_WAIT."""
    CLOSE = 0x7
    """CLOSE (also an unconnected UDP socket)."""
    CLOSE_WAIT = 0x8
    """CLOSE_WAIT."""
    LAST_ACK = 0x9
    """LAST_ACK."""
    LISTEN = 0xA
    """LISTEN."""
    CLOSING = 0xB
    """CLOSING."""
    NEW_SYN_RECV = 0xC
    """NEW_SYN_RECV."""



class ConnectivityRowType(IntEnum):
    """Row kind in a Connectivity Table. (spec 1.1:6.6)"""

    IPV4_ROUTE = 0x1
    """IPv4 route."""
    IPV6_ROUTE = 0x2
    """IPv6 route."""
    NEIGHBOUR = 0x3
    """ARP / neighbour entry."""
    PACKET_SOCKET = 0x4
    """Packet socket."""
    INTERFACE_STATS = 0x5
    """Interface counters."""
    SOCKET_FAMILY_AGGREGATE = 0x6
    """Per-family socket counts."""
    SNMP_COUNTER = 0x7
    """SNMP / MIB counter."""



class PersistenceSource(IntEnum):
    """Origin of a Persistence Manifest row. (spec cat:6.16)"""

    SYSTEMD_SYSTEM = 0x1
    """systemd system unit."""
    SYSTEMD_USER = 0x2
    """systemd user unit."""
    CRON_SYSTEM = 0x3
    """System crontab."""
    CRON_USER = 0x4
    """User crontab."""
    RC_LOCAL = 0x5
    """rc.local."""
    PROFILE_D = 0x6
    """/etc/profile.d."""
    PAM_D = 0x7
    """/etc/pam.d."""
    UDEV_RULES = 0x8
    """udev rules."""
    MODPROBE_D = 0x9
    """modprobe.d."""
    SYSTEM_GENERATORS = 0xA
    """systemd generators."""
    MODULES_LOAD = 0xB
    """modules-load.d."""



class KernelModuleState(IntEnum):
    """State of a kernel module. (spec cat:6.17)"""

    UNKNOWN = 0x0
    """Unknown."""
    LIVE = 0x1
    """Live."""
    LOADING = 0x2
    """Loading."""
    UNLOADING = 0x3
    """Unloading."""



class BuildIdSource(IntEnum):
    """Where a module's build id came from. (spec 1.1:5.10)"""

    NONE = 0x0
    """None."""
    BRIDGE = 0x1
    """Live read."""
    MAP_FILES = 0x2
    """/proc/PID/map_files."""
    ON_DISK = 0x3
    """The file on disk."""
    CAPTURED_REGION = 0x4
    """A captured region."""
    RETROACTIVE = 0x5
    """Added after capture."""



class OmissionReason(IntEnum):
    """Why a range is missing from the region stream. (spec 1.1:5.11)"""

    MODULE_EXCLUDE = 0x1
    """Excluded by module pattern."""
    SCOPE = 0x2
    """Outside the capture scope."""



class NodeKind(IntEnum):
    """Pointer Graph node kind (memdiver). (spec cat:6.25)"""

    ADDRESS = 0x1
    """Virtual address."""
    OFFSET = 0x2
    """Offset."""
    SYMBOL = 0x3
    """Symbol."""



class EdgeKind(IntEnum):
    """Pointer Graph edge kind (memdiver). (spec cat:6.25)"""

    POINTER = 0x1
    """Pointer."""
    CALL = 0x2
    """Call."""
    IMPORT = 0x3
    """Import."""



class SockstatFamily(IntEnum):
    """Section tag of a socket-family aggregate row (the /proc/net/sockstat line it came from). (spec
    cat:6.14)
    """

    TCP = 0x2
    """TCP."""
    RAW = 0x3
    """RAW."""
    FRAG = 0x4
    """FRAG."""
    TCP6 = 0xA
    """TCP6."""
    UDP6 = 0xB
    """UDP6."""
    UDP = 0x11
    """UDP."""
    RAW6 = 0x83
    """RAW6 (/proc/net/sockstat6; memslicer 0.5.2)."""
    FRAG6 = 0x84
    """FRAG6 (/proc/net/sockstat6; memslicer 0.5.2)."""
    SOCKETS_USED = 0xFF
    """The 'sockets: used' line."""



class KsbTag(IntEnum):
    """Tags of Kernel Symbol Bundle rows; each value's doc names the type of its Value. (spec cat:6.15)"""

    PAGE_SIZE = 0x1
    """Kernel page size in bytes. Value: u32."""
    KERNEL_BUILD_ID = 0x2
    """GNU build id of the running kernel. Value: bytes."""
    KASLR_TEXT_VA = 0x3
    """Virtual address of the kernel text after KASLR. Value: u64."""
    KERNEL_PAGE_OFFSET = 0x4
    """Base of the kernel direct map (PAGE_OFFSET). Value: u64."""
    LA57_ENABLED = 0x5
    """1 = 5-level paging enabled. Value: u8."""
    PTI_ACTIVE = 0x6
    """1 = page-table isolation active. Value: u8."""
    BTF_SHA256 = 0x7
    """SHA-256 of the kernel BTF blob. Value: bytes (32)."""
    BTF_SIZE_BYTES = 0x8
    """Size of the kernel BTF blob in bytes. Value: u64."""
    VMCOREINFO_SHA256 = 0x9
    """SHA-256 of vmcoreinfo. Value: bytes."""
    KERNEL_CONFIG_SHA256 = 0xA
    """SHA-256 of the kernel config. Value: bytes."""
    CLOCK_REALTIME_NS = 0xB
    """CLOCK_REALTIME at collection (ns). Value: u64."""
    CLOCK_MONOTONIC_NS = 0xC
    """CLOCK_MONOTONIC at collection (ns). Value: u64."""
    CLOCK_BOOTTIME_NS = 0xD
    """CLOCK_BOOTTIME at collection (ns). Value: u64."""
    CLOCKSOURCE = 0xE
    """Current kernel clocksource name. Value: str."""
    THP_MODE = 0xF
    """Transparent huge page mode. Value: str."""
    KSM_ACTIVE = 0x10
    """1 = kernel same-page merging active. Value: u8."""
    DIRECTMAP_4K_KIB = 0x11
    """Direct map covered by 4 KiB pages (KiB). Value: u64."""
    DIRECTMAP_2M_KIB = 0x12
    """Direct map covered by 2 MiB pages (KiB). Value: u64."""
    DIRECTMAP_1G_KIB = 0x13
    """Direct map covered by 1 GiB pages (KiB). Value: u64."""
    ZRAM_DEVICES_JSON = 0x14
    """zram devices as a JSON document. Value: str (JSON)."""
    ZSWAP_ENABLED = 0x15
    """1 = zswap enabled. Value: u8."""



class TargetIntrospectionTag(IntEnum):
    """Tags of Target Introspection rows; each value's doc names the type of its Value. (spec cat:6.18)"""

    END = 0x0
    """Never a real tag: Tag = Len = 0 is the block's zero padding and ends the rows."""
    TRACER_PID = 0x1
    """PID of the tracer (TracerPid). Value: u32."""
    LOGIN_UID = 0x2
    """Audit login uid. Value: u32."""
    SESSION_AUDIT_ID = 0x3
    """Audit session id. Value: u32."""
    SELINUX_CONTEXT = 0x4
    """SELinux context of the target. Value: str."""
    TARGET_NS_FINGERPRINT = 0x5
    """Fingerprint of the target's namespaces. Value: str."""
    TARGET_NS_SCOPE_VS_COLLECTOR = 0x6
    """Namespace scope of the target relative to the collector. Value: str."""
    SMAPS_ROLLUP_PSS_KIB = 0x7
    """PSS from smaps_rollup (KiB). Value: u64."""
    SMAPS_ROLLUP_SWAP_KIB = 0x8
    """Swap from smaps_rollup (KiB). Value: u64."""
    SMAPS_ANON_HUGEPAGES_KIB = 0x9
    """Anonymous huge pages (KiB). Value: u64."""
    RWX_REGION_COUNT = 0xA
    """Number of RWX regions. Value: u32."""
    TARGET_CGROUP = 0xB
    """cgroup of the target. Value: str."""
    TARGET_CWD = 0xC
    """Current working directory. Value: str."""
    TARGET_ROOT = 0xD
    """Root directory. Value: str."""
    CAP_EFF = 0xE
    """Effective capabilities (CapEff). Value: str."""
    CAP_AMB = 0xF
    """Ambient capabilities (CapAmb). Value: str."""
    NO_NEW_PRIVS = 0x10
    """NoNewPrivs. Value: u8."""
    SECCOMP_MODE = 0x11
    """Seccomp mode. Value: u8."""
    CORE_DUMPING = 0x12
    """CoreDumping. Value: u8."""
    THREAD_COUNT = 0x13
    """Number of threads. Value: u32."""
    SIG_CGT = 0x14
    """Caught-signal mask (SigCgt). Value: str."""
    IO_RCHAR = 0x15
    """Characters read (/proc/PID/io rchar). Value: u64."""
    IO_WCHAR = 0x16
    """Characters written (wchar). Value: u64."""
    IO_READ_BYTES = 0x17
    """Bytes read from storage (read_bytes). Value: u64."""
    IO_WRITE_BYTES = 0x18
    """Bytes written to storage (write_bytes). Value: u64."""
    LIMIT_CORE = 0x19
    """Core-file size limit. Value: str."""
    LIMIT_MEMLOCK = 0x1A
    """Locked-memory limit. Value: str."""
    LIMIT_NOFILE = 0x1B
    """Open-files limit. Value: str."""
    PERSONALITY_HEX = 0x1C
    """Execution domain (personality), hex. Value: str."""
    ANCESTRY = 0x1D
    """Process ancestry chain. Value: str."""
    EXE_COMM_MISMATCH = 0x1E
    """1 = executable name and comm differ. Value: u8."""
    ENVIRON = 0x1F
    """The process environment as read (memslicer's stand-in for the reserved Environment Block
    0x0014). Value: raw bytes.
    """
    REDACTED_ENV_KEYS = 0x20
    """Environment keys whose values were redacted. Value: str (comma-joined)."""



class BlockType(IntEnum):
    """Block type codes (the block registry). (spec 4.3)"""

    MEMORY_REGION = 0x1
    """Memory Region"""
    MODULE_ENTRY = 0x2
    """Module Entry"""
    MODULE_LIST_INDEX = 0x10
    """Module List Index"""
    THREAD_CONTEXT = 0x11
    """Thread Context"""
    FILE_DESCRIPTOR = 0x12
    """File Descriptor"""
    NETWORK_CONNECTION = 0x13
    """Network Connection"""
    ENVIRONMENT_BLOCK = 0x14
    """Environment Block"""
    SECURITY_TOKEN = 0x15
    """Security Token"""
    KEY_HINT = 0x20
    """Key Hint"""
    IMPORT_PROVENANCE = 0x30
    """Import Provenance"""
    PROCESS_IDENTITY = 0x40
    """Process Identity"""
    RELATED_DUMP = 0x41
    """Related Dump"""
    SYSTEM_CONTEXT = 0x50
    """System Context"""
    PROCESS_TABLE = 0x51
    """Process Table"""
    CONNECTION_TABLE = 0x52
    """Connection Table"""
    HANDLE_TABLE = 0x53
    """Handle Table"""
    CONNECTIVITY_TABLE = 0x54
    """Connectivity Table"""
    CONNECTIVITY_TABLE_MEMDIVER = 0x55
    """Connectivity Table (memdiver)"""
    KERNEL_SYMBOL_BUNDLE = 0x55
    """Kernel Symbol Bundle"""
    PERSISTENCE_MANIFEST = 0x56
    """Persistence Manifest"""
    KERNEL_MODULE_LIST = 0x57
    """Kernel Module List"""
    TARGET_INTROSPECTION = 0x58
    """Target Introspection"""
    PHYSICAL_MEMORY_MAP = 0x59
    """Physical Memory Map"""
    MODULE_BUILD_ID_MANIFEST = 0x5A
    """Module BuildId Manifest"""
    REGION_OMISSION_MANIFEST = 0x5B
    """Region Omission Manifest"""
    END_OF_EXTENSION = 0xFFE
    """End of Extension"""
    END_OF_CAPTURE = 0xFFF
    """End of Capture"""
    BLOCK_INDEX_TABLE = 0x1000
    """Block Index Table"""
    VAS_MAP = 0x1001
    """VAS Map"""
    REGION_CLASSIFICATION = 0x1002
    """Region Classification"""
    POINTER_GRAPH = 0x1003
    """Pointer Graph"""
    STRUCTURE_CANDIDATE = 0x2001
    """Structure Candidate"""
    ANALYST_ANNOTATION = 0x2002
    """Analyst Annotation"""
    DIFF_RESULT = 0x2003
    """Diff Result"""
    SCAN_SIGNATURE = 0x2004
    """Scan Signature"""




class HeaderFlags(IntFlag):
    """File header Flags (u32). (spec 3)"""

    IMPORTED = 0x1
    """Converted from another dump format; block 0 is Import Provenance (P9)."""
    INVESTIGATION = 0x2
    """System Context and its tables are present (needs cap bit 11)."""
    ENCRYPTED = 0x4
    """128-byte header and an AEAD-encrypted block stream."""
    REDACTED = 0x8
    """Values were removed by policy (defined by memslicer, set by nobody)."""



class BlockFlags(IntFlag):
    """Block header Flags (u16). (spec 4.2)"""

    COMPRESSED = 0x1
    """Payload is compressed with comp_algo."""
    COMP_ALGO = 0x6
    """Codec; ignored when not compressed (C9), zero then (P11). (bits 1-2, values: comp_algo)"""
    HAS_KEY_HINTS = 0x8
    """Key Hint blocks reference this block."""
    HAS_CHILDREN = 0x10
    """Other blocks name this one as ParentUUID."""
    CONTINUATION = 0x20
    """Continuation fragment of a split region; ParentUUID is the first fragment."""



class CapBitmap(IntFlag):
    """Capability bitmap (u64); a producer sets exactly the categories it captured (P8). (spec 8)"""

    MEMORY_REGIONS = 0x1
    """Memory Region blocks (0x0001) present."""
    MODULE_LIST = 0x2
    """Module List Index / Module Entry (0x0010/0x0002) present."""
    THREAD_CONTEXTS = 0x4
    """Thread Context (0x0011) present."""
    FILE_DESCRIPTORS = 0x8
    """File Descriptor (0x0012)."""
    NETWORK_STATE = 0x10
    """Network Connection (0x0013)."""
    ENVIRONMENT_VARS = 0x20
    """Environment Block (0x0014)."""
    SHARED_MEMORY = 0x40
    """IPC identifiers (no block type is defined)."""
    SECURITY_CONTEXT = 0x80
    """Security Token (0x0015)."""
    PROCESS_IDENTITY = 0x100
    """Process Identity (0x0040) present."""
    RELATED_DUMPS = 0x200
    """Related Dump (0x0041) present."""
    CRYPTO_HINTS = 0x400
    """Key Hint (0x0020) present."""
    SYSTEM_CONTEXT = 0x800
    """System Context (0x0050); required with the Investigation flag."""
    SYSTEM_PROCESS_TABLE = 0x1000
    """Process Table (0x0051)."""
    SYSTEM_NETWORK_TABLE = 0x2000
    """Connection Table (0x0052)."""
    SYSTEM_HANDLE_TABLE = 0x4000
    """Handle Table (0x0053)."""
    PAGE_STATES_INFERRED = 0x8000
    """memdiver 1.0.2 private bit: page states of an import were inferred."""



class Protection(IntFlag):
    """Memory protection bits of a region. (spec 5.1)"""

    READ = 0x1
    """Readable."""
    WRITE = 0x2
    """Writable."""
    EXECUTE = 0x4
    """Executable."""
    GUARD = 0x8
    """Guard page."""
    COPY_ON_WRITE = 0x10
    """Copy-on-write."""



class ThreadFlags(IntFlag):
    """Thread Context flags. (spec 1.1:5.7)"""

    CURRENT = 0x1
    """The resumption / current thread."""
    CRASHED = 0x2
    """The faulting thread."""
    SUSPENDED = 0x4
    """Registers read from a stopped thread."""
    PARTIAL = 0x8
    """Register file incomplete."""



class RegisterRole(IntFlag):
    """Role bits of a Thread Context register entry. (spec 1.1:5.7)"""

    PC = 0x1
    """Program counter."""
    SP = 0x2
    """Stack pointer."""
    FP = 0x4
    """Frame pointer."""
    FLAGS = 0x8
    """Flags register."""
    TLS = 0x10
    """TLS / thread pointer."""
    LR = 0x20
    """Link register."""



class SystemTableBitmap(IntFlag):
    """Tables announced by a System Context (memslicer bits; memdiver uses 0-2 only). (spec 1.1:6.2)"""

    PROCESS_TABLE = 0x1
    """Process Table (0x0051)."""
    CONNECTION_TABLE = 0x2
    """Connection Table (0x0052)."""
    HANDLE_TABLE = 0x4
    """Handle Table (0x0053)."""
    CONNECTIVITY_TABLE = 0x8
    """Connectivity Table (0x0054)."""
    KERNEL_SYMBOL_BUNDLE = 0x10
    """Kernel Symbol Bundle (0x0055)."""
    PHYSICAL_MEMORY_MAP = 0x20
    """Reserved for Physical Memory Map (never set)."""
    PERSISTENCE_MANIFEST = 0x40
    """Persistence Manifest (0x0056)."""
    KERNEL_MODULE_LIST = 0x80
    """Kernel Module List (0x0057)."""
    BUILD_ID_MANIFEST = 0x100
    """Reserved for Module BuildId Manifest (never set)."""
    TARGET_INTROSPECTION = 0x200
    """Target Introspection (0x0058)."""



class BuildIdFlags(IntFlag):
    """Flags of a Module BuildId Manifest row. (spec 1.1:5.10)"""

    DELETED = 0x1
    """Backing file deleted."""
    MEMFD = 0x2
    """memfd mapping."""
    ANON_RWX = 0x4
    """Anonymous RWX."""
    UNLINKED = 0x8
    """Unlinked file."""



class KernelModuleFlags(IntFlag):
    """Hidden-module indicators of a Kernel Module List row. (spec cat:6.17)"""

    ONLY_PROC_MODULES = 0x1
    """Listed only in /proc/modules."""
    ONLY_SYS_MODULE = 0x2
    """Listed only in /sys/module."""



class PointerGraphFlags(IntFlag):
    """Flags of a memdiver Pointer Graph header (u32). (spec cat:6.25)"""

    INTEGRITY_TRAILER = 0x1
    """A 32-byte BLAKE3 of header, nodes and edges follows the edges."""



ENUM_NAMES: dict[str, dict[int, str]] = {
    "endianness": {
        0x1: "little",
        0x2: "big",
    },
    "os_type": {
        0x0: "windows",
        0x1: "linux",
        0x2: "macos",
        0x3: "android",
        0x4: "ios",
        0x5: "freebsd",
        0x6: "netbsd",
        0x7: "openbsd",
        0x8: "qnx",
        0x9: "fuchsia",
        0xFFFF: "unknown",
    },
    "arch_type": {
        0x0: "x86",
        0x1: "x86_64",
        0x2: "arm64",
        0x3: "arm32",
        0x4: "mips32",
        0x5: "mips64",
        0x6: "riscv32",
        0x7: "riscv64",
        0x8: "ppc32",
        0x9: "ppc64",
        0xA: "s390x",
        0xB: "loongarch64",
        0xFFFF: "unknown",
    },
    "clock_source": {
        0x0: "unknown",
        0x1: "clock_realtime",
        0x2: "clock_monotonic_raw",
        0x3: "query_performance_counter",
        0x4: "mach_absolute_time",
        0xFF: "other",
    },
    "hash_algo": {
        0x0: "blake3",
        0x1: "sha256",
        0x2: "sha512_256",
        0xFF: "other",
    },
    "enc_algo": {
        0x1: "aes_256_gcm",
        0x2: "xchacha20_poly1305",
    },
    "kdf_type": {
        0x0: "none",
        0x1: "argon2id",
    },
    "key_encap": {
        0x0: "none",
        0x1: "x25519",
        0x2: "ml_kem_768",
        0x3: "ml_kem_1024",
        0x4: "x25519_ml_kem_768",
        0xFF: "other",
    },
    "comp_algo": {
        0x0: "none",
        0x1: "zstd",
        0x2: "lz4",
        0x3: "extended",
    },
    "page_state": {
        0x0: "captured",
        0x1: "failed",
        0x2: "unmapped",
        0x3: "not_resident",
    },
    "region_type": {
        0x0: "unknown",
        0x1: "heap",
        0x2: "stack",
        0x3: "image",
        0x4: "mapped_file",
        0x5: "anonymous",
        0x6: "shared_mem",
        0xFF: "other",
    },
    "key_type": {
        0x0: "unknown",
        0x1: "pre_master_secret",
        0x2: "master_secret",
        0x3: "session_key",
        0x4: "handshake_secret",
        0x5: "application_traffic_secret",
        0x6: "rsa_private_key",
        0x7: "ecdh_private_key",
        0x8: "ike_sa_key",
        0x9: "esp_ah_key",
        0xA: "ssh_session_key",
        0xB: "wireguard_key",
        0xC: "ml_kem_private_key",
        0xFFFF: "other",
    },
    "protocol": {
        0x0: "unknown",
        0x1: "tls_1_2",
        0x2: "tls_1_3",
        0x3: "dtls_1_2",
        0x4: "dtls_1_3",
        0x5: "quic",
        0x6: "ikev2_ipsec",
        0x7: "ssh",
        0x8: "wireguard",
        0x9: "pq_tls_hybrid",
        0xFFFF: "other",
    },
    "confidence": {
        0x0: "speculative",
        0x1: "heuristic",
        0x2: "confirmed",
    },
    "key_state": {
        0x0: "unknown",
        0x1: "active",
        0x2: "expired",
    },
    "relationship": {
        0x0: "unknown",
        0x1: "parent",
        0x2: "child",
        0x3: "shared_memory",
        0x4: "ipc_peer",
        0x5: "thread_group",
        0xFFFF: "other",
    },
    "source_format": {
        0x0: "unknown",
        0x1: "raw",
        0x2: "elf_core",
        0x3: "minidump",
        0x4: "macos_core",
        0x5: "procdump",
        0xFFFF: "other",
    },
    "thread_state": {
        0x0: "unknown",
        0x1: "running",
        0x2: "sleeping",
        0x3: "stopped",
        0x4: "waiting",
        0x5: "uninterruptible",
        0x6: "halted",
        0x7: "zombie",
    },
    "name_source": {
        0x0: "unspecified",
        0x1: "live",
        0x2: "source_metadata",
        0x3: "synthesized",
    },
    "handle_type_memslicer": {
        0x0: "unknown",
        0x1: "file",
        0x2: "dir",
        0x3: "socket",
        0x4: "pipe",
        0x5: "device",
        0x6: "registry",
        0xFF: "other",
    },
    "handle_type_memdiver": {
        0x0: "unknown",
        0x1: "file",
        0x2: "dir",
        0x3: "socket",
        0x4: "pipe",
        0x5: "mutex",
        0x6: "timer",
        0x7: "other",
    },
    "address_family": {
        0x1: "unix",
        0x2: "ipv4",
        0xA: "ipv6",
    },
    "ip_protocol": {
        0x0: "none",
        0x6: "tcp",
        0x11: "udp",
    },
    "tcp_state": {
        0x0: "none",
        0x1: "established",
        0x2: "syn_sent",
        0x3: "syn_recv",
        0x4: "fin_wait1",
        0x5: "fin_wait2",
        0x6: "time_wait",
        0x7: "close",
        0x8: "close_wait",
        0x9: "last_ack",
        0xA: "listen",
        0xB: "closing",
        0xC: "new_syn_recv",
    },
    "connectivity_row_type": {
        0x1: "ipv4_route",
        0x2: "ipv6_route",
        0x3: "neighbour",
        0x4: "packet_socket",
        0x5: "interface_stats",
        0x6: "socket_family_aggregate",
        0x7: "snmp_counter",
    },
    "persistence_source": {
        0x1: "systemd_system",
        0x2: "systemd_user",
        0x3: "cron_system",
        0x4: "cron_user",
        0x5: "rc_local",
        0x6: "profile_d",
        0x7: "pam_d",
        0x8: "udev_rules",
        0x9: "modprobe_d",
        0xA: "system_generators",
        0xB: "modules_load",
    },
    "kernel_module_state": {
        0x0: "unknown",
        0x1: "live",
        0x2: "loading",
        0x3: "unloading",
    },
    "build_id_source": {
        0x0: "none",
        0x1: "bridge",
        0x2: "map_files",
        0x3: "on_disk",
        0x4: "captured_region",
        0x5: "retroactive",
    },
    "omission_reason": {
        0x1: "module_exclude",
        0x2: "scope",
    },
    "node_kind": {
        0x1: "address",
        0x2: "offset",
        0x3: "symbol",
    },
    "edge_kind": {
        0x1: "pointer",
        0x2: "call",
        0x3: "import",
    },
    "sockstat_family": {
        0x2: "tcp",
        0x3: "raw",
        0x4: "frag",
        0xA: "tcp6",
        0xB: "udp6",
        0x11: "udp",
        0x83: "raw6",
        0x84: "frag6",
        0xFF: "sockets_used",
    },
    "ksb_tag": {
        0x1: "page_size",
        0x2: "kernel_build_id",
        0x3: "kaslr_text_va",
        0x4: "kernel_page_offset",
        0x5: "la57_enabled",
        0x6: "pti_active",
        0x7: "btf_sha256",
        0x8: "btf_size_bytes",
        0x9: "vmcoreinfo_sha256",
        0xA: "kernel_config_sha256",
        0xB: "clock_realtime_ns",
        0xC: "clock_monotonic_ns",
        0xD: "clock_boottime_ns",
        0xE: "clocksource",
        0xF: "thp_mode",
        0x10: "ksm_active",
        0x11: "directmap_4k_kib",
        0x12: "directmap_2m_kib",
        0x13: "directmap_1g_kib",
        0x14: "zram_devices_json",
        0x15: "zswap_enabled",
    },
    "target_introspection_tag": {
        0x0: "end",
        0x1: "tracer_pid",
        0x2: "login_uid",
        0x3: "session_audit_id",
        0x4: "selinux_context",
        0x5: "target_ns_fingerprint",
        0x6: "target_ns_scope_vs_collector",
        0x7: "smaps_rollup_pss_kib",
        0x8: "smaps_rollup_swap_kib",
        0x9: "smaps_anon_hugepages_kib",
        0xA: "rwx_region_count",
        0xB: "target_cgroup",
        0xC: "target_cwd",
        0xD: "target_root",
        0xE: "cap_eff",
        0xF: "cap_amb",
        0x10: "no_new_privs",
        0x11: "seccomp_mode",
        0x12: "core_dumping",
        0x13: "thread_count",
        0x14: "sig_cgt",
        0x15: "io_rchar",
        0x16: "io_wchar",
        0x17: "io_read_bytes",
        0x18: "io_write_bytes",
        0x19: "limit_core",
        0x1A: "limit_memlock",
        0x1B: "limit_nofile",
        0x1C: "personality_hex",
        0x1D: "ancestry",
        0x1E: "exe_comm_mismatch",
        0x1F: "environ",
        0x20: "redacted_env_keys",
    },
    "block_type": {
        0x1: "memory_region",
        0x2: "module_entry",
        0x10: "module_list_index",
        0x11: "thread_context",
        0x12: "file_descriptor",
        0x13: "network_connection",
        0x14: "environment_block",
        0x15: "security_token",
        0x20: "key_hint",
        0x30: "import_provenance",
        0x40: "process_identity",
        0x41: "related_dump",
        0x50: "system_context",
        0x51: "process_table",
        0x52: "connection_table",
        0x53: "handle_table",
        0x54: "connectivity_table",
        0x55: "connectivity_table_memdiver",
        0x56: "persistence_manifest",
        0x57: "kernel_module_list",
        0x58: "target_introspection",
        0x59: "physical_memory_map",
        0x5A: "module_build_id_manifest",
        0x5B: "region_omission_manifest",
        0xFFE: "end_of_extension",
        0xFFF: "end_of_capture",
        0x1000: "block_index_table",
        0x1001: "vas_map",
        0x1002: "region_classification",
        0x1003: "pointer_graph",
        0x2001: "structure_candidate",
        0x2002: "analyst_annotation",
        0x2003: "diff_result",
        0x2004: "scan_signature",
    },
}
"""Enum id -> value -> value id (the canonical JSON names)."""

ENUM_DOCS: dict[str, dict[int, str]] = {
    "endianness": {
        0x1: "Little-endian.",
        0x2: "Big-endian.",
    },
    "os_type": {
        0x0: "Windows.",
        0x1: "Linux.",
        0x2: "macOS.",
        0x3: "Android.",
        0x4: "iOS / iPadOS.",
        0x5: "FreeBSD.",
        0x6: "NetBSD.",
        0x7: "OpenBSD.",
        0x8: "QNX.",
        0x9: "Fuchsia.",
        0xFFFF: "Unknown.",
    },
    "arch_type": {
        0x0: "x86 (32-bit).",
        0x1: "x86-64.",
        0x2: "ARM64 / AArch64.",
        0x3: "ARM32.",
        0x4: "MIPS32.",
        0x5: "MIPS64.",
        0x6: "RISC-V RV32.",
        0x7: "RISC-V RV64.",
        0x8: "PowerPC 32.",
        0x9: "PowerPC 64.",
        0xA: "IBM s390x.",
        0xB: "LoongArch64.",
        0xFFFF: "Unknown.",
    },
    "clock_source": {
        0x0: "Unknown.",
        0x1: "CLOCK_REALTIME.",
        0x2: "CLOCK_MONOTONIC_RAW.",
        0x3: "QueryPerformanceCounter.",
        0x4: "mach_absolute_time.",
        0xFF: "Other.",
    },
    "hash_algo": {
        0x0: "BLAKE3-256 (the only algorithm of 1.0).",
        0x1: "SHA-256.",
        0x2: "SHA-512/256.",
        0xFF: "Other (not verifiable).",
    },
    "enc_algo": {
        0x1: "AES-256-GCM, 12-byte nonce, 16-byte tag.",
        0x2: "XChaCha20-Poly1305, 24-byte nonce, 16-byte tag.",
    },
    "kdf_type": {
        0x0: "Raw 32-byte content key supplied out of band.",
        0x1: "Argon2id from a passphrase.",
    },
    "key_encap": {
        0x0: "No KEM.",
        0x1: "X25519 (32-byte ciphertext).",
        0x2: "ML-KEM-768 (1088-byte ciphertext).",
        0x3: "ML-KEM-1024 (1568-byte ciphertext).",
        0x4: "X25519 + ML-KEM-768 hybrid (1120 bytes).",
        0xFF: "Other.",
    },
    "comp_algo": {
        0x0: "Not compressed.",
        0x1: "One zstd frame after the u64 size prefix.",
        0x2: "One LZ4 block with a 4-byte size prefix, after the u64 size prefix.",
        0x3: 'Reserved ("extended" algorithm id); not decodable.',
    },
    "page_state": {
        0x0: "Read; PageSize bytes stored in PageData.",
        0x1: "Mapped but unreadable; no bytes.",
        0x2: "Gone at read time (TOCTOU); no bytes.",
        0x3: "1.1: mapped, never touched, zero content, no bytes. 1.0: reserved, treat as Failed.",
    },
    "region_type": {
        0x0: "Unknown.",
        0x1: "Heap.",
        0x2: "Stack.",
        0x3: "Executable image / shared object.",
        0x4: "File mapping.",
        0x5: "Anonymous memory.",
        0x6: "Shared memory.",
        0xFF: "Other.",
    },
    "key_type": {
        0x0: "Unknown.",
        0x1: "Pre-Master Secret.",
        0x2: "Master Secret.",
        0x3: "Session key (symmetric).",
        0x4: "Handshake Secret.",
        0x5: "Application Traffic Secret.",
        0x6: "RSA private key.",
        0x7: "ECDH private key.",
        0x8: "IKE SA key.",
        0x9: "ESP/AH key.",
        0xA: "SSH session key.",
        0xB: "WireGuard key.",
        0xC: "ML-KEM private key (memdiver 1.0.2 only, dialect memdiver-1.0.2).",
        0xFFFF: "Other.",
    },
    "protocol": {
        0x0: "Unknown.",
        0x1: "TLS 1.2.",
        0x2: "TLS 1.3.",
        0x3: "DTLS 1.2.",
        0x4: "DTLS 1.3.",
        0x5: "QUIC.",
        0x6: "IKEv2 / IPsec.",
        0x7: "SSH.",
        0x8: "WireGuard.",
        0x9: "PQ-TLS hybrid.",
        0xFFFF: "Other.",
    },
    "confidence": {
        0x0: "Region belongs to a crypto library; no key located.",
        0x1: "Pattern match; may be a false positive.",
        0x2: "Observed at the KDF; exact offset and length.",
    },
    "key_state": {
        0x0: "Unknown.",
        0x1: "Active at capture.",
        0x2: "Expired or zeroed.",
    },
    "relationship": {
        0x0: "Unknown.",
        0x1: "Parent process.",
        0x2: "Child process.",
        0x3: "Shares memory.",
        0x4: "IPC peer.",
        0x5: "Same thread group.",
        0xFFFF: "Other.",
    },
    "source_format": {
        0x0: "Unknown.",
        0x1: "Raw byte stream.",
        0x2: "ELF core dump.",
        0x3: "Windows Minidump.",
        0x4: "macOS core dump (memdiver: existing .msl).",
        0x5: "ProcDump (memdiver: regioned raw).",
        0xFFFF: "Other.",
    },
    "thread_state": {
        0x0: "Unknown.",
        0x1: "Running.",
        0x2: "Sleeping.",
        0x3: "Stopped.",
        0x4: "Waiting.",
        0x5: "Uninterruptible sleep.",
        0x6: "Halted.",
        0x7: "Zombie.",
    },
    "name_source": {
        0x0: "Unspecified.",
        0x1: "Read from the live process.",
        0x2: "From the imported source's metadata.",
        0x3: "Made up by the producer (not trusted).",
    },
    "handle_type_memslicer": {
        0x0: "Unknown.",
        0x1: "Regular file.",
        0x2: "Directory.",
        0x3: "Socket.",
        0x4: "Pipe.",
        0x5: "Device.",
        0x6: "Registry key.",
        0xFF: "Other.",
    },
    "handle_type_memdiver": {
        0x0: "Unknown.",
        0x1: "Regular file.",
        0x2: "Directory.",
        0x3: "Socket.",
        0x4: "Pipe.",
        0x5: "Mutex.",
        0x6: "Timer.",
        0x7: "Other.",
    },
    "address_family": {
        0x1: "Unix-domain socket (AF_UNIX); memslicer 0.5.2's Linux collector writes one row per /proc/net/unix socket with Protocol 0, State 0 and zero addresses and ports, for PID attribution (cat:6.12).",  # noqa: E501
        0x2: "IPv4 (AF_INET).",
        0xA: "IPv6 (AF_INET6).",
    },
    "ip_protocol": {
        0x0: "No transport protocol (the Unix-domain socket rows of memslicer 0.5.2).",
        0x6: "TCP.",
        0x11: "UDP.",
    },
    "tcp_state": {
        0x0: "Not applicable (UDP and Unix-domain rows).",
        0x1: "ESTABLISHED.",
        0x2: "SYN_SENT.",
        0x3: "SYN_RECV.",
        0x4: "FIN_WAIT1.",
        0x5: "FIN_WAIT2.",
        0x6: "TIME_WAIT.",
        0x7: "CLOSE (also an unconnected UDP socket).",
        0x8: "CLOSE_WAIT.",
        0x9: "LAST_ACK.",
        0xA: "LISTEN.",
        0xB: "CLOSING.",
        0xC: "NEW_SYN_RECV.",
    },
    "connectivity_row_type": {
        0x1: "IPv4 route.",
        0x2: "IPv6 route.",
        0x3: "ARP / neighbour entry.",
        0x4: "Packet socket.",
        0x5: "Interface counters.",
        0x6: "Per-family socket counts.",
        0x7: "SNMP / MIB counter.",
    },
    "persistence_source": {
        0x1: "systemd system unit.",
        0x2: "systemd user unit.",
        0x3: "System crontab.",
        0x4: "User crontab.",
        0x5: "rc.local.",
        0x6: "/etc/profile.d.",
        0x7: "/etc/pam.d.",
        0x8: "udev rules.",
        0x9: "modprobe.d.",
        0xA: "systemd generators.",
        0xB: "modules-load.d.",
    },
    "kernel_module_state": {
        0x0: "Unknown.",
        0x1: "Live.",
        0x2: "Loading.",
        0x3: "Unloading.",
    },
    "build_id_source": {
        0x0: "None.",
        0x1: "Live read.",
        0x2: "/proc/PID/map_files.",
        0x3: "The file on disk.",
        0x4: "A captured region.",
        0x5: "Added after capture.",
    },
    "omission_reason": {
        0x1: "Excluded by module pattern.",
        0x2: "Outside the capture scope.",
    },
    "node_kind": {
        0x1: "Virtual address.",
        0x2: "Offset.",
        0x3: "Symbol.",
    },
    "edge_kind": {
        0x1: "Pointer.",
        0x2: "Call.",
        0x3: "Import.",
    },
    "sockstat_family": {
        0x2: "TCP.",
        0x3: "RAW.",
        0x4: "FRAG.",
        0xA: "TCP6.",
        0xB: "UDP6.",
        0x11: "UDP.",
        0x83: "RAW6 (/proc/net/sockstat6; memslicer 0.5.2).",
        0x84: "FRAG6 (/proc/net/sockstat6; memslicer 0.5.2).",
        0xFF: "The 'sockets: used' line.",
    },
    "ksb_tag": {
        0x1: "Kernel page size in bytes. Value: u32.",
        0x2: "GNU build id of the running kernel. Value: bytes.",
        0x3: "Virtual address of the kernel text after KASLR. Value: u64.",
        0x4: "Base of the kernel direct map (PAGE_OFFSET). Value: u64.",
        0x5: "1 = 5-level paging enabled. Value: u8.",
        0x6: "1 = page-table isolation active. Value: u8.",
        0x7: "SHA-256 of the kernel BTF blob. Value: bytes (32).",
        0x8: "Size of the kernel BTF blob in bytes. Value: u64.",
        0x9: "SHA-256 of vmcoreinfo. Value: bytes.",
        0xA: "SHA-256 of the kernel config. Value: bytes.",
        0xB: "CLOCK_REALTIME at collection (ns). Value: u64.",
        0xC: "CLOCK_MONOTONIC at collection (ns). Value: u64.",
        0xD: "CLOCK_BOOTTIME at collection (ns). Value: u64.",
        0xE: "Current kernel clocksource name. Value: str.",
        0xF: "Transparent huge page mode. Value: str.",
        0x10: "1 = kernel same-page merging active. Value: u8.",
        0x11: "Direct map covered by 4 KiB pages (KiB). Value: u64.",
        0x12: "Direct map covered by 2 MiB pages (KiB). Value: u64.",
        0x13: "Direct map covered by 1 GiB pages (KiB). Value: u64.",
        0x14: "zram devices as a JSON document. Value: str (JSON).",
        0x15: "1 = zswap enabled. Value: u8.",
    },
    "target_introspection_tag": {
        0x0: "Never a real tag: Tag = Len = 0 is the block's zero padding and ends the rows.",
        0x1: "PID of the tracer (TracerPid). Value: u32.",
        0x2: "Audit login uid. Value: u32.",
        0x3: "Audit session id. Value: u32.",
        0x4: "SELinux context of the target. Value: str.",
        0x5: "Fingerprint of the target's namespaces. Value: str.",
        0x6: "Namespace scope of the target relative to the collector. Value: str.",
        0x7: "PSS from smaps_rollup (KiB). Value: u64.",
        0x8: "Swap from smaps_rollup (KiB). Value: u64.",
        0x9: "Anonymous huge pages (KiB). Value: u64.",
        0xA: "Number of RWX regions. Value: u32.",
        0xB: "cgroup of the target. Value: str.",
        0xC: "Current working directory. Value: str.",
        0xD: "Root directory. Value: str.",
        0xE: "Effective capabilities (CapEff). Value: str.",
        0xF: "Ambient capabilities (CapAmb). Value: str.",
        0x10: "NoNewPrivs. Value: u8.",
        0x11: "Seccomp mode. Value: u8.",
        0x12: "CoreDumping. Value: u8.",
        0x13: "Number of threads. Value: u32.",
        0x14: "Caught-signal mask (SigCgt). Value: str.",
        0x15: "Characters read (/proc/PID/io rchar). Value: u64.",
        0x16: "Characters written (wchar). Value: u64.",
        0x17: "Bytes read from storage (read_bytes). Value: u64.",
        0x18: "Bytes written to storage (write_bytes). Value: u64.",
        0x19: "Core-file size limit. Value: str.",
        0x1A: "Locked-memory limit. Value: str.",
        0x1B: "Open-files limit. Value: str.",
        0x1C: "Execution domain (personality), hex. Value: str.",
        0x1D: "Process ancestry chain. Value: str.",
        0x1E: "1 = executable name and comm differ. Value: u8.",
        0x1F: "The process environment as read (memslicer's stand-in for the reserved Environment Block 0x0014). Value: raw bytes.",  # noqa: E501
        0x20: "Environment keys whose values were redacted. Value: str (comma-joined).",
    },
    "block_type": {
        0x1: "Memory Region",
        0x2: "Module Entry",
        0x10: "Module List Index",
        0x11: "Thread Context",
        0x12: "File Descriptor",
        0x13: "Network Connection",
        0x14: "Environment Block",
        0x15: "Security Token",
        0x20: "Key Hint",
        0x30: "Import Provenance",
        0x40: "Process Identity",
        0x41: "Related Dump",
        0x50: "System Context",
        0x51: "Process Table",
        0x52: "Connection Table",
        0x53: "Handle Table",
        0x54: "Connectivity Table",
        0x55: "Connectivity Table (memdiver)",
        0x56: "Persistence Manifest",
        0x57: "Kernel Module List",
        0x58: "Target Introspection",
        0x59: "Physical Memory Map",
        0x5A: "Module BuildId Manifest",
        0x5B: "Region Omission Manifest",
        0xFFE: "End of Extension",
        0xFFF: "End of Capture",
        0x1000: "Block Index Table",
        0x1001: "VAS Map",
        0x1002: "Region Classification",
        0x1003: "Pointer Graph",
        0x2001: "Structure Candidate",
        0x2002: "Analyst Annotation",
        0x2003: "Diff Result",
        0x2004: "Scan Signature",
    },
}
"""Enum id -> value -> the value's doc (e.g. a TLV tag's "Value: u32." type)."""

FLAG_BITS: dict[str, tuple[tuple[str, int, int, str | None], ...]] = {
    "header_flags": (
        ("imported", 0, 1, None),
        ("investigation", 1, 1, None),
        ("encrypted", 2, 1, None),
        ("redacted", 3, 1, None),
    ),
    "block_flags": (
        ("compressed", 0, 1, None),
        ("comp_algo", 1, 2, "comp_algo"),
        ("has_key_hints", 3, 1, None),
        ("has_children", 4, 1, None),
        ("continuation", 5, 1, None),
    ),
    "cap_bitmap": (
        ("memory_regions", 0, 1, None),
        ("module_list", 1, 1, None),
        ("thread_contexts", 2, 1, None),
        ("file_descriptors", 3, 1, None),
        ("network_state", 4, 1, None),
        ("environment_vars", 5, 1, None),
        ("shared_memory", 6, 1, None),
        ("security_context", 7, 1, None),
        ("process_identity", 8, 1, None),
        ("related_dumps", 9, 1, None),
        ("crypto_hints", 10, 1, None),
        ("system_context", 11, 1, None),
        ("system_process_table", 12, 1, None),
        ("system_network_table", 13, 1, None),
        ("system_handle_table", 14, 1, None),
        ("page_states_inferred", 15, 1, None),
    ),
    "protection": (
        ("read", 0, 1, None),
        ("write", 1, 1, None),
        ("execute", 2, 1, None),
        ("guard", 3, 1, None),
        ("copy_on_write", 4, 1, None),
    ),
    "thread_flags": (
        ("current", 0, 1, None),
        ("crashed", 1, 1, None),
        ("suspended", 2, 1, None),
        ("partial", 3, 1, None),
    ),
    "register_role": (
        ("pc", 0, 1, None),
        ("sp", 1, 1, None),
        ("fp", 2, 1, None),
        ("flags", 3, 1, None),
        ("tls", 4, 1, None),
        ("lr", 5, 1, None),
    ),
    "system_table_bitmap": (
        ("process_table", 0, 1, None),
        ("connection_table", 1, 1, None),
        ("handle_table", 2, 1, None),
        ("connectivity_table", 3, 1, None),
        ("kernel_symbol_bundle", 4, 1, None),
        ("physical_memory_map", 5, 1, None),
        ("persistence_manifest", 6, 1, None),
        ("kernel_module_list", 7, 1, None),
        ("build_id_manifest", 8, 1, None),
        ("target_introspection", 9, 1, None),
    ),
    "build_id_flags": (
        ("deleted", 0, 1, None),
        ("memfd", 1, 1, None),
        ("anon_rwx", 2, 1, None),
        ("unlinked", 3, 1, None),
    ),
    "kernel_module_flags": (
        ("only_proc_modules", 0, 1, None),
        ("only_sys_module", 1, 1, None),
    ),
    "pointer_graph_flags": (
        ("integrity_trailer", 0, 1, None),
    ),
}
"""Flag-set id -> (bit id, first bit, width, enum of a multi-bit field)."""

CAP_BIT_BLOCKS: dict[str, tuple[int, ...]] = {
    "memory_regions": (1,),
    "module_list": (16, 2),
    "thread_contexts": (17,),
    "file_descriptors": (18,),
    "network_state": (19,),
    "environment_vars": (20,),
    "shared_memory": (),
    "security_context": (21,),
    "process_identity": (64,),
    "related_dumps": (65,),
    "crypto_hints": (32,),
    "system_context": (80,),
    "system_process_table": (81,),
    "system_network_table": (82,),
    "system_handle_table": (83,),
    "page_states_inferred": (),
}
"""Capability bit id -> the block type codes that set it."""

FLAG_MASKS_SINCE: dict[str, dict[str, int]] = {
    "header_flags": {"1.0": 0x1, "1.1": 0xE},
    "block_flags": {"1.0": 0x3F},
    "cap_bitmap": {"1.0": 0x7FF, "1.1": 0x7800, "memdiver-1.0.2": 0x8000},
    "protection": {"1.0": 0x1F},
    "thread_flags": {"1.1": 0xF},
    "register_role": {"1.1": 0x3F},
    "system_table_bitmap": {"1.1": 0x3FF},
    "build_id_flags": {"1.1": 0xF},
    "kernel_module_flags": {"1.1": 0x3},
    "pointer_graph_flags": {"memdiver-1.0.2": 0x1},
}
"""Flag-set id -> the version (or dialect) that defined bits -> the mask of those bits."""


BLOCK_FLAGS_COMP_ALGO_SHIFT = 1
"""First bit of the comp_algo field of block_flags (the field is ``(value & mask) >> shift``)."""

