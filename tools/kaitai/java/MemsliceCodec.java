// Custom Kaitai Struct process routine `memslice_codec` for Java (kaitai-struct-compiler 0.11).
//
// The compiled parser calls `new MemsliceCodec(compressed, compAlgo, isLe, legacy).decode(raw)` on
// every block payload. A compressed payload on disk is a u64 UncompressedSize in the file's byte
// order followed by one zstd frame (CompAlgo 1) or one LZ4 block with its own 4-byte little-endian
// size prefix (CompAlgo 2); memdiver's legacy files (`legacy` true) may instead hold a bare zstd
// frame or an LZ4 frame. LZ4 is decoded here (every read and match offset bounds-checked); zstd
// needs zstd-jni (com.github.luben:zstd-jni) on the class path, loaded by reflection so that this
// file compiles with the JDK alone. Output is collected as it is inflated: the declared size is a
// cap, never an allocation request. Put this class in the same package as the generated parser.

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

public class MemsliceCodec {
    /** A compressed payload whose framing or stream is broken. */
    public static class MemsliceCodecException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MemsliceCodecException(String message) {
            super(message);
        }
    }

    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    private static final byte[] LZ4_FRAME_MAGIC = {0x04, 0x22, 0x4d, 0x18};
    private static final long MAX_UNCOMPRESSED = 1L << 32;
    private static final long LZ4_MAX_RATIO = 255;

    private final boolean compressed;
    private final long compAlgo;
    private final boolean isLe;
    private final boolean legacy;

    public MemsliceCodec(boolean compressed, long compAlgo, boolean isLe, boolean legacy) {
        this.compressed = compressed;
        this.compAlgo = compAlgo;
        this.isLe = isLe;
        this.legacy = legacy;
    }

    public byte[] decode(byte[] data) {
        if (!compressed) {
            return data;
        }
        if (compAlgo != 1 && compAlgo != 2) {
            throw new MemsliceCodecException("Compressed flag set with CompAlgo " + compAlgo);
        }
        if (legacy && isLegacy(data)) {
            return startsWith(data, ZSTD_MAGIC, 0) ? zstd(data, MAX_UNCOMPRESSED) : lz4Frame(data);
        }
        if (data.length < 8) {
            throw new MemsliceCodecException("compressed payload of " + data.length + " bytes has no size prefix");
        }
        long size = ByteBuffer.wrap(data, 0, 8).order(isLe ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN).getLong();
        if (size < 0 || size > MAX_UNCOMPRESSED) {
            throw new MemsliceCodecException("UncompressedSize " + Long.toUnsignedString(size) + " exceeds 4 GiB");
        }
        byte[] stream = Arrays.copyOfRange(data, 8, data.length);
        byte[] out;
        if (compAlgo == 1) {
            out = zstd(stream, size);
        } else {
            if (stream.length < 4) {
                throw new MemsliceCodecException("LZ4 block lacks its 4-byte size prefix");
            }
            long inner = u32le(stream, 0);
            if (inner != size) {
                throw new MemsliceCodecException("LZ4 size prefix " + inner + " differs from " + size);
            }
            if (size > LZ4_MAX_RATIO * stream.length + 64) {
                throw new MemsliceCodecException("LZ4 block of " + stream.length + " bytes cannot inflate to " + size);
            }
            out = null;
            // memslicer 0.2.x padded size+stream to 8 with zero bytes: retry without up to 7 of them.
            for (int trim = 0; trim < 8 && out == null; trim++) {
                int end = stream.length - trim;
                if (trim > 0 && (end < 4 || stream[end] != 0)) {
                    break;
                }
                try {
                    out = lz4Block(stream, 4, end, (int) size, (int) size);
                } catch (MemsliceCodecException e) {
                    if (trim == 7) {
                        throw e;
                    }
                }
            }
            if (out == null) {
                throw new MemsliceCodecException("LZ4 block is corrupt");
            }
        }
        if (out.length != size) {
            throw new MemsliceCodecException("payload inflates to " + out.length + " bytes, not " + size);
        }
        return out;
    }

    private static boolean startsWith(byte[] data, byte[] magic, int at) {
        if (data.length < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (data[at + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLegacy(byte[] data) {
        if (startsWith(data, LZ4_FRAME_MAGIC, 0) && data.length > 4 && data[4] != 0) {
            return true;
        }
        return startsWith(data, ZSTD_MAGIC, 0) && !startsWith(data, ZSTD_MAGIC, 8);
    }

    private static long u32le(byte[] data, int at) {
        if (at + 4 > data.length) {
            throw new MemsliceCodecException("LZ4 data is truncated");
        }
        return (data[at] & 0xffL) | (data[at + 1] & 0xffL) << 8 | (data[at + 2] & 0xffL) << 16 | (data[at + 3] & 0xffL) << 24;
    }

    /** One LZ4 block src[from, to) into at most `cap` bytes; `exact` >= 0 demands that size. */
    static byte[] lz4Block(byte[] src, int from, int to, int cap, int exact) {
        int s = from;
        int d = 0;
        byte[] dst = new byte[Math.min(cap, Math.max(16, (to - from) * 4))];
        while (s < to) {
            int token = src[s++] & 0xff;
            int lit = token >>> 4;
            if (lit == 15) {
                int b;
                do {
                    if (s >= to) {
                        throw new MemsliceCodecException("LZ4 block is corrupt (reads past its end)");
                    }
                    b = src[s++] & 0xff;
                    lit += b;
                } while (b == 255);
            }
            if (s + lit > to || (long) d + lit > cap) {
                throw new MemsliceCodecException("LZ4 block is corrupt or inflates beyond its size");
            }
            dst = grow(dst, d + lit, cap);
            System.arraycopy(src, s, dst, d, lit);
            s += lit;
            d += lit;
            if (s >= to) {
                break;
            }
            if (s + 2 > to) {
                throw new MemsliceCodecException("LZ4 block is corrupt (reads past its end)");
            }
            int offset = (src[s] & 0xff) | (src[s + 1] & 0xff) << 8;
            s += 2;
            int len = token & 15;
            if (len == 15) {
                int b;
                do {
                    if (s >= to) {
                        throw new MemsliceCodecException("LZ4 block is corrupt (reads past its end)");
                    }
                    b = src[s++] & 0xff;
                    len += b;
                } while (b == 255);
            }
            len += 4;
            if (offset == 0 || offset > d || (long) d + len > cap) {
                throw new MemsliceCodecException("LZ4 block is corrupt (bad match)");
            }
            dst = grow(dst, d + len, cap);
            for (int i = 0; i < len; i++, d++) {
                dst[d] = dst[d - offset];
            }
        }
        if (exact >= 0 && d != exact) {
            throw new MemsliceCodecException("LZ4 block inflates to " + d + " bytes, not " + exact);
        }
        return Arrays.copyOf(dst, d);
    }

    private static byte[] grow(byte[] dst, int need, int cap) {
        if (need <= dst.length) {
            return dst;
        }
        return Arrays.copyOf(dst, (int) Math.min(cap, Math.max(need, (long) dst.length * 2)));
    }

    private static byte[] lz4Frame(byte[] data) {
        int flg = data[4] & 0xff;
        int pos = 6 + ((flg & 0x08) != 0 ? 8 : 0) + ((flg & 0x01) != 0 ? 4 : 0) + 1;
        boolean blockChecksum = (flg & 0x10) != 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            long word = u32le(data, pos);
            pos += 4;
            if (word == 0) {
                break;
            }
            int size = (int) (word & 0x7fffffffL);
            if ((long) pos + size > data.length) {
                throw new MemsliceCodecException("legacy LZ4 frame is truncated");
            }
            long room = MAX_UNCOMPRESSED - out.size();
            byte[] chunk = (word & 0x80000000L) != 0 ? Arrays.copyOfRange(data, pos, pos + size)
                : lz4Block(data, pos, pos + size, (int) Math.min(Integer.MAX_VALUE - 8, Math.min(room,
                    LZ4_MAX_RATIO * size + 64)), -1);
            out.write(chunk, 0, chunk.length);
            pos += size + (blockChecksum ? 4 : 0);
        }
        return out.toByteArray();
    }

    private static byte[] zstd(byte[] stream, long cap) {
        InputStream in;
        try {
            Class<?> cls = Class.forName("com.github.luben.zstd.ZstdInputStream");
            in = (InputStream) cls.getConstructor(InputStream.class).newInstance(new ByteArrayInputStream(stream));
        } catch (ClassNotFoundException e) {
            throw new MemsliceCodecException("zstd needs zstd-jni (com.github.luben:zstd-jni) on the class path");
        } catch (ReflectiveOperationException e) {
            throw new MemsliceCodecException("zstd-jni cannot be used: " + e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        try (InputStream z = in) {
            int n;
            while ((n = z.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > cap) {
                    throw new MemsliceCodecException("zstd stream inflates beyond " + cap + " bytes");
                }
            }
        } catch (java.io.IOException e) {
            throw new MemsliceCodecException("zstd frame is corrupt: " + e.getMessage());
        }
        return out.toByteArray();
    }
}
