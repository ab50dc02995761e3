package dev.latchkey.bench;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
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

import java.util.concurrent.TimeUnit;

/**
 * One Argon2id verification on one thread, with the same library and parameters as the server. Cores divided by its
 * time is the most logins per second any server can do with these parameters: the "hash-bound limit".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class Argon2VerifyBenchmark {
    /** memory KiB, iterations, parallelism: OWASP's first choice (Latchkey's default) and Keycloak 26's default. */
    @Param({"19456,2,1", "7168,5,1"})
    public String parameters;

    private Argon2Function function;
    private String hash;

    @Setup
    public void hashOnce() {
        String[] p = parameters.split(",");
        function = Argon2Function.getInstance(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                32, Argon2.ID);
        hash = function.hash("correct horse battery staple").getResult();
    }

    @Benchmark
    public boolean verify() {
        return function.check("correct horse battery staple", hash);
    }
}
