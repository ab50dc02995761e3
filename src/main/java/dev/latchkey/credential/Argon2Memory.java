package dev.latchkey.credential;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * The 1 KiB blocks an Argon2 hash works in, kept by one hashing thread from one hash to the next. A hash with the
 * default cost fills 19,456 of them; made afresh each time, a login flood allocates about a gigabyte a second and the
 * collector, copying the blocks of the hashes still running, stops both hashing threads for a tenth of the time.
 * <p>
 * Kept blocks are wiped by {@link #wipe} when the thread runs out of work, not after every hash: the next hash's first
 * pass overwrites every block it takes before reading it, so the blocks of a busy thread hold at most what its last
 * hash derived, for as long as the next one takes to overwrite it, and an idle one holds nothing derived from a
 * password. Wiping after every hash would write all 19 MiB once more per hash, memory traffic that two hashes running
 * side by side on a small machine pay for in time. Blocks beyond {@code maxBlocks} (a hash imported with a larger
 * cost) are wiped and left to the collector. Not thread-safe: one per thread.
 */
final class Argon2Memory implements Argon2BytesGenerator.BlockPool {
    private static final Argon2Memory NONE = new Argon2Memory(0);

    private final Argon2BytesGenerator.Block[] kept;
    private int count;
    private boolean dirty;

    Argon2Memory(int maxBlocks) {
        this.kept = new Argon2BytesGenerator.Block[maxBlocks];
    }

    /** Keeps nothing, so any thread may share it: every hash allocates its own blocks. */
    static Argon2Memory none() {
        return NONE;
    }

    @Override
    public Argon2BytesGenerator.Block allocate() {
        return count > 0 ? kept[--count] : new Argon2BytesGenerator.Block();
    }

    @Override
    public void deallocate(Argon2BytesGenerator.Block block) {
        if (count < kept.length) {
            kept[count++] = block;
            dirty = true;
        } else {
            block.clear();
        }
    }

    /** Zeroes the kept blocks, unless nothing was kept since the last wipe. */
    void wipe() {
        if (dirty) {
            for (int i = 0; i < count; i++) {
                kept[i].clear();
            }
            dirty = false;
        }
    }

    int keptBlocks() {
        return count;
    }
}
