package io.litemodel.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every latency benchmark here shares, in one place: JMH annotations are inherited by subclasses.
 * SampleTime mode (so results carry percentiles), per-thread state, two forks with a fixed 1 GiB heap, 3 x 1 s of
 * warm-up and 5 x 1 s of measurement. {@code run-latency.sh} overrides forks and iterations only for its quick mode
 * and its allocation pass.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class JmhDefaults {}
