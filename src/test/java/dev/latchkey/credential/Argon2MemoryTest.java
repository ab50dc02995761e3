package dev.latchkey.credential;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;

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
    void keptBlocksAreWipedSoNothingDerivedFromAPasswordOutlivesItsHash() throws ReflectiveOperationException {
        var memory = new Argon2Memory(64);
        Argon2Phc.hash(PASSWORD, memory, 64, 1, 1, 32);
        assertThat(memory.keptBlocks()).isEqualTo(64);

        Field words = Argon2BytesGenerator.Block.class.getDeclaredField("v");
        words.setAccessible(true);
        for (int i = 0; i < 64; i++) {
            assertThat((long[]) words.get(memory.allocate())).containsOnly(0L);
        }
        assertThat(memory.keptBlocks()).isZero();
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
