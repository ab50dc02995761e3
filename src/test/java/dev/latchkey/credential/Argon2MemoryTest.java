package dev.latchkey.credential;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import dev.latchkey.testing.Await;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Argon2MemoryTest {
    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void hashesInKeptBlocksEqualHashesInFreshOnesWhateverRanBefore() {
        var memory = new Argon2Memory(1024);

        String first = Argon2Phc.hash(PASSWORD, memory, 1024, 2, 1, 32);
        assertThat(memory.keptBlocks()).isEqualTo(1024);
        // the next hashes run in blocks the previous ones wrote: a larger cost, then every type and another lane count
        String larger = Argon2Phc.hash(PASSWORD, memory, 2048, 1, 1, 32);
        assertThat(memory.keptBlocks()).as("no more than its bound is kept").isEqualTo(1024);
        for (Argon2 type : Argon2.values()) {
            String foreign = Argon2Function.getInstance(1024, 3, 2, 32, type).hash(PASSWORD).getResult();
            assertThat(Argon2Phc.parse(foreign).orElseThrow().matches(PASSWORD, memory)).as(foreign).isTrue();
            assertThat(Argon2Phc.parse(foreign).orElseThrow().matches(PASSWORD + "!", memory)).as(foreign).isFalse();
        }

        for (String hash : new String[] {first, larger}) {
            assertThat(Argon2Phc.parse(hash).orElseThrow().matches(PASSWORD, Argon2Memory.none())).as(hash).isTrue();
            assertThat(Argon2Function.getInstanceFromHash(hash).check(PASSWORD, hash)).as(hash).isTrue();
        }
    }

    @Test
    void wipingZeroesTheBlocksAHashLeft() {
        var memory = new Argon2Memory(64);
        Argon2Phc.hash(PASSWORD, memory, 64, 1, 1, 32);
        assertThat(memory.keptBlocks()).isEqualTo(64);
        Argon2BytesGenerator.Block last = memory.allocate();
        assertThat(Arrays.stream(words(last)).anyMatch(word -> word != 0)).as("left for the next hash to overwrite")
                .isTrue();
        memory.deallocate(last);

        memory.wipe();

        for (int i = 0; i < 64; i++) {
            assertThat(words(memory.allocate())).containsOnly(0L);
        }
        assertThat(memory.keptBlocks()).isZero();
    }

    @Test
    void aHashingThreadWipesItsMemoryBeforeItWaitsForWork() throws Exception {
        try (var pool = new HashingPool(1, 8, 64)) {
            Thread worker = pool.run(memory -> {
                Argon2Phc.hash(PASSWORD, memory, 64, 1, 1, 32);
                return Thread.currentThread();
            });
            Await.until(() -> worker.getState() == Thread.State.WAITING, 10_000, "the hashing thread idle");
            assertThat(worker.getState()).as("idle, waiting for the next hash").isEqualTo(Thread.State.WAITING);

            List<long[]> kept = pool.run(memory -> {
                List<long[]> blocks = new ArrayList<>();
                while (memory.keptBlocks() > 0) {
                    blocks.add(words(memory.allocate()).clone());
                }
                return blocks;
            });
            assertThat(kept).hasSize(64).allSatisfy(words -> assertThat(words).containsOnly(0L));
        }
    }

    private static long[] words(Argon2BytesGenerator.Block block) {
        try {
            Field words = Argon2BytesGenerator.Block.class.getDeclaredField("v");
            words.setAccessible(true);
            return (long[]) words.get(block);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eachHashingThreadKeepsItsMemoryFromOneHashToTheNext() {
        try (var pool = new HashingPool(1, 8, 1024)) {
            Argon2Memory first = pool.run(memory -> memory);
            Argon2Memory second = pool.run(memory -> memory);
            assertThat(second).isSameAs(first);
            assertThat(first).isNotSameAs(Argon2Memory.none());
        }
    }
}
