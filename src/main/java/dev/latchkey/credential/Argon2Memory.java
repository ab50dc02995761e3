package dev.latchkey.credential;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * The 1 KiB blocks an Argon2 hash works in, kept by one hashing thread from one hash to the next. A hash with the
 * default cost fills 19,456 of them; made afresh each time, a login flood allocates about a gigabyte a second and the
 * collector, copying the blocks of the hashes still running, stops both hashing threads for a tenth of the time.
 * Returned blocks are wiped before they are kept, so nothing derived from a password outlives its hash; beyond
 * {@code maxBlocks} (a hash imported with a larger cost) they are left to the collector. Not thread-safe: one per thread.
 */
final class Argon2Memory implements Argon2BytesGenerator.BlockPool {
    private static final Argon2Memory NONE = new Argon2Memory(0);

    private final Argon2BytesGenerator.Block[] kept;
    private int count;

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
        block.clear();
        if (count < kept.length) {
            kept[count++] = block;
        }
    }

    int keptBlocks() {
        return count;
    }
}
