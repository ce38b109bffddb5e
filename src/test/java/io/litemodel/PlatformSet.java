package io.litemodel;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test of the set that runs on every platform LiteModel is built for, beside the full suite on the build
 * machine: {@code src/test/sh/arm64-check.sh} runs the tests carrying it on linux-arm64 (an aarch64 JVM under QEMU
 * user-mode emulation), against the library jar with the cross-built shims. Such a test runs in-process (an emulated
 * JVM cannot start another) and scales its call counts with {@link Calls#scaled}, since emulation is about 100 times
 * slower.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Tag("platform")
public @interface PlatformSet {

  /** Call counts for loops in these tests. */
  public final class Calls {
    private Calls() {}

    /**
     * @param count the count on the build machine
     * @return {@code count}, or a fortieth of it (at least 200) when system property {@code litemodel.test.emulated}
     *     is true
     */
    static int scaled(int count) {
      return Boolean.getBoolean("litemodel.test.emulated") ? Math.max(count / 40, 200) : count;
    }
  }
}
