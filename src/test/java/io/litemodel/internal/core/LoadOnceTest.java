package io.litemodel.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Runs once, publishes its value, remembers final failures as the same instance, and lets other failures retry. */
class LoadOnceTest {
  /** A caller's own failure type, standing in for LiteModelException (this package knows no LiteModel type). */
  static class LoadFailed extends RuntimeException {
    LoadFailed(String message) {
      super(message);
    }
  }

  @Test
  void runsTheActionOnceAndReturnsTheSameValue() {
    AtomicInteger runs = new AtomicInteger();
    LoadOnce<Object, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> {
      runs.incrementAndGet();
      return new Object();
    });
    Object first = once.get();
    assertSame(first, once.get());
    assertSame(first, once.get());
    assertEquals(1, runs.get());
  }

  @Test
  void aFinalFailureIsRethrownAsTheSameInstanceWithoutRunningAgain() {
    AtomicInteger runs = new AtomicInteger();
    LoadOnce<String, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> {
      throw new LoadFailed("attempt " + runs.incrementAndGet());
    });
    LoadFailed first = assertThrows(LoadFailed.class, once::get);
    assertEquals("attempt 1", first.getMessage());
    assertSame(first, assertThrows(LoadFailed.class, once::get));
    assertSame(first, assertThrows(LoadFailed.class, once::get));
    assertEquals(1, runs.get());
  }

  @Test
  void aSubclassOfTheFailureTypeIsRememberedToo() {
    class Narrower extends LoadFailed {
      Narrower() {
        super("narrower");
      }
    }
    LoadOnce<String, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> {
      throw new Narrower();
    });
    LoadFailed first = assertThrows(Narrower.class, once::get);
    assertSame(first, assertThrows(Narrower.class, once::get));
  }

  /** A failure of another type (a bad setting read before loading) is passed on as it is, and the next call retries. */
  @Test
  void otherExceptionsAreNotRememberedAndTheNextCallRetries() {
    AtomicInteger runs = new AtomicInteger();
    LoadOnce<String, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> {
      if (runs.incrementAndGet() == 1) {
        throw new IllegalArgumentException("bad setting");
      }
      return "loaded";
    });
    assertEquals("bad setting", assertThrows(IllegalArgumentException.class, once::get).getMessage());
    assertEquals("loaded", once.get());
    assertEquals("loaded", once.get());
    assertEquals(2, runs.get());
  }

  @Test
  void errorsAreNotRemembered() {
    AtomicInteger runs = new AtomicInteger();
    LoadOnce<String, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> {
      if (runs.incrementAndGet() == 1) {
        throw new UnsatisfiedLinkError("no library");
      }
      return "loaded";
    });
    assertEquals("no library", assertThrows(UnsatisfiedLinkError.class, once::get).getMessage());
    assertEquals("loaded", once.get());
  }

  @Test
  void aNullResultIsRefusedAndNotPublished() {
    AtomicInteger runs = new AtomicInteger();
    LoadOnce<String, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> runs.incrementAndGet() == 1
        ? null : "loaded");
    assertEquals("the loading action returned null",
        assertThrows(NullPointerException.class, once::get).getMessage());
    assertEquals("loaded", once.get());
  }

  @Test
  void nullArgumentsAreRefused() {
    assertEquals("failureType", assertThrows(NullPointerException.class,
        () -> new LoadOnce<>(null, () -> "x")).getMessage());
    assertEquals("action", assertThrows(NullPointerException.class,
        () -> new LoadOnce<>(LoadFailed.class, null)).getMessage());
  }

  /** Callers racing on the first get all wait for the one action and all see its value. */
  @Test
  void concurrentCallersShareOneRun() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    Object value = new Object();
    LoadOnce<Object, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> {
      runs.incrementAndGet();
      started.countDown();
      await(release);
      return value;
    });
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Object>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(once::get));
      }
      assertTrue(started.await(30, TimeUnit.SECONDS));
      release.countDown();
      for (Future<Object> result : results) {
        assertSame(value, result.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, runs.get());
    } finally {
      pool.shutdownNow();
    }
  }

  /** A settled task waits for a load in progress (it is seen blocked on the lock), and then sees what it wrote. */
  @Test
  void runSettledWaitsForALoadInProgress() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean written = new AtomicBoolean();
    LoadOnce<String, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> {
      started.countDown();
      await(release);
      written.set(true);
      return "loaded";
    });
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> loading = pool.submit(once::get);
      assertTrue(started.await(30, TimeUnit.SECONDS));
      AtomicBoolean sawWritten = new AtomicBoolean();
      Thread settled = new Thread(() -> once.runSettled(() -> sawWritten.set(written.get())));
      settled.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (settled.getState() != Thread.State.BLOCKED) { // waiting for the lock the load holds
        assertTrue(settled.isAlive() && System.nanoTime() < deadline, "the task did not wait for the load");
        Thread.onSpinWait();
      }
      release.countDown();
      settled.join(TimeUnit.SECONDS.toMillis(30));
      assertFalse(settled.isAlive());
      assertEquals("loaded", loading.get(30, TimeUnit.SECONDS));
      assertTrue(sawWritten.get(), "the task did not see what the load wrote");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void runSettledRunsAtOnceWhenNothingLoads() {
    LoadOnce<String, LoadFailed> once = new LoadOnce<>(LoadFailed.class, () -> "loaded");
    AtomicBoolean ran = new AtomicBoolean();
    once.runSettled(() -> ran.set(true));
    assertTrue(ran.get());
  }

  /**
   * This package is the runtime-neutral core: its sources, Javadoc included (which ArchitectureTest, reading class
   * files, cannot see), name no runtime and no package built on the runtimes.
   */
  @Test
  void thisPackageNamesNoRuntime() throws IOException {
    Path folder = Path.of("src/main/java", LoadOnce.class.getPackageName().replace('.', '/'));
    Pattern otherPackage = Pattern.compile("io\\.litemodel\\.(internal\\.(tflite|litert|runtime|isolation)"
        + "|batch|cli|image|io|load|open|serving|spark|tensorflow)\\b");
    List<Path> sources;
    try (Stream<Path> files = Files.list(folder)) {
      sources = files.filter(file -> file.toString().endsWith(".java")).toList();
    }
    assertFalse(sources.isEmpty(), folder.toString());
    for (Path source : sources) {
      for (String line : Files.readAllLines(source)) {
        if (!line.startsWith("package ")) {
          assertFalse(otherPackage.matcher(line).find(), source + ": " + line);
        }
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
