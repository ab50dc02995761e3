package dev.latchkey.bench;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One Argon2id verification on one thread, with the same library (Bouncy Castle), parameters and memory handling as the
 * server. Cores divided by its time is the most logins per second any server can do with these parameters: the
 * "hash-bound limit".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class Argon2VerifyBenchmark {
    /**
     * memory KiB:iterations:parallelism: OWASP's first choice (Latchkey's default) and Keycloak 26's default (colons,
     * because JMH's {@code -p} splits values at commas).
     */
    @Param({"19456:2:1", "7168:5:1"})
    public String parameters;

    private int memoryKib;
    private int iterations;
    private int parallelism;
    private final byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

    @Setup
    public void parameters() {
        String[] p = parameters.split(":");
        memoryKib = Integer.parseInt(p[0]);
        iterations = Integer.parseInt(p[1]);
        parallelism = Integer.parseInt(p[2]);
    }

    /**
     * The memory of one hash, kept by each benchmark thread from one hash to the next as each of the server's hashing
     * threads keeps it. Allocating it afresh for every hash (Bouncy Castle's default) costs about a fifth more time,
     * which would lower the limit below what the server's own hashing reaches. Like a server's hashing thread with
     * hashes waiting, it does not wipe the blocks between hashes (the server wipes them when the thread falls idle).
     */
    @State(Scope.Thread)
    public static class KeptMemory implements Argon2BytesGenerator.BlockPool {
        private final ArrayDeque<Argon2BytesGenerator.Block> kept = new ArrayDeque<>();

        @Override
        public Argon2BytesGenerator.Block allocate() {
            Argon2BytesGenerator.Block block = kept.poll();
            return block != null ? block : new Argon2BytesGenerator.Block();
        }

        @Override
        public void deallocate(Argon2BytesGenerator.Block block) {
            kept.push(block);
        }
    }

    /** A verification is one derivation of a 32-byte digest (the comparison after it costs nothing). */
    @Benchmark
    public byte[] verify(KeptMemory memory) {
        var generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memoryKib)
                .withIterations(iterations).withParallelism(parallelism)
                .withSalt(new byte[16]).withBlockPool(memory).build());
        byte[] digest = new byte[32];
        generator.generateBytes(password, digest);
        return digest;
    }
}
