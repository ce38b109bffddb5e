package io.litemodel.spark;

import io.litemodel.InferenceModel;
import io.litemodel.open.Models;
import io.litemodel.open.OpenOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of one executor JVM: loaded lazily by the first task that needs one, shared by every later task, and
 * kept in least-recently-used order up to {@link #CAPACITY_PROPERTY} models (default {@value #DEFAULT_CAPACITY}).
 * Keyed by the driver-side id plus the model hash ({@link ModelSource#cacheKey()}).
 *
 * <p><b>Replicas per task thread:</b> a task {@link #lease leases} a replica for its partition and gives it back at
 * the end, where the next task on any thread picks it up; so an executor with N task slots builds at most N replicas
 * of a model, all on its one loaded copy of the weights. An evicted model is closed once its last lease ends.
 */
final class ExecutorModels {
  /** System property (set through {@code spark.executor.extraJavaOptions}): models kept per executor JVM. */
  static final String CAPACITY_PROPERTY = "litemodel.spark.models";
  static final int DEFAULT_CAPACITY = 2;

  /** The executor JVM's cache. */
  static final ExecutorModels SHARED = new ExecutorModels(Integer.getInteger(CAPACITY_PROPERTY, DEFAULT_CAPACITY));

  private final int capacity;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true); // guarded by this
  private final AtomicInteger loads = new AtomicInteger();

  ExecutorModels(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(CAPACITY_PROPERTY + " must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Leases a replica of {@code source}'s model, loading the model first if this JVM does not hold it yet.
   *
   * @throws IllegalStateException if the model cannot be found or differs from the driver's (the message says
   *     which, and on which host)
   */
  Lease lease(ModelSource source) {
    Entry entry;
    synchronized (this) {
      entry = entries.get(source.cacheKey());
      if (entry == null) {
        entry = new Entry(source);
        entries.put(source.cacheKey(), entry);
        evictBeyondCapacity();
      }
      entry.borrowers.incrementAndGet(); // under the cache's lock, so eviction sees it
    }
    try {
      return new Lease(entry, entry.take());
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        entries.remove(source.cacheKey(), entry); // a later task tries again (the file may have appeared)
      }
      entry.giveBack(null);
      throw e;
    }
  }

  /** Under this: evicts least recently used models beyond the capacity. */
  private void evictBeyondCapacity() {
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (entries.size() > capacity && it.hasNext()) {
      Entry eldest = it.next().getValue();
      it.remove();
      eldest.evict();
    }
  }

  /** @return how many models this cache has loaded (tests check that tasks share one) */
  int loads() {
    return loads.get();
  }

  /** @return models held now */
  synchronized int size() {
    return entries.size();
  }

  /** Evicts everything (closing models without leases at once); for tests. */
  synchronized void clear() {
    entries.values().forEach(Entry::evict);
    entries.clear();
  }

  /** One task's replica; {@link #close()} gives it back. Idempotent. */
  static final class Lease implements AutoCloseable {
    private final Entry entry;
    private InferenceModel replica;

    private Lease(Entry entry, InferenceModel replica) {
      this.entry = entry;
      this.replica = replica;
    }

    /** @return the leased replica, for this task's thread only */
    InferenceModel model() {
      if (replica == null) {
        throw new IllegalStateException("this model lease was already given back");
      }
      return replica;
    }

    @Override
    public void close() {
      InferenceModel leased = replica;
      if (leased != null) {
        replica = null;
        entry.giveBack(leased);
      }
    }
  }

  /** One model: loaded lazily, with its idle replicas. */
  private final class Entry {
    private final ModelSource source;
    private final ArrayDeque<InferenceModel> idle = new ArrayDeque<>();
    private InferenceModel base; // guarded by this
    private Path copy; // the local copy of shipped bytes; guarded by this
    /** Leases out; an atomic, not a lock, because the cache's lock is taken before an entry's, never after. */
    private final AtomicInteger borrowers = new AtomicInteger();
    private boolean evicted; // guarded by this

    Entry(ModelSource source) {
      this.source = source;
    }

    synchronized InferenceModel take() {
      if (base == null) {
        base = load();
        loads.incrementAndGet();
      }
      InferenceModel replica = idle.poll();
      return replica != null ? replica : base.replicate();
    }

    private InferenceModel load() {
      Path local;
      if (source.shipsBytes()) {
        try {
          copy = source.writeLocalCopy("litemodel-spark-");
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the shipped model to a local file on executor " + host()
              + ": " + e.getMessage(), e);
        }
        local = copy;
      } else {
        local = Path.of(source.path());
        if (!Files.exists(local)) {
          throw new IllegalStateException("model " + source.path() + " not found on executor host " + host()
              + " (working directory " + Path.of("").toAbsolutePath() + "): put it where every executor can read "
              + "it (a shared file system, or spark-submit --files), or ship it with ModelSource.shipBytes");
        }
        if (source.sha256() != null) {
          String found = ModelHash.of(local);
          if (!found.equals(source.sha256())) {
            throw new IllegalStateException("model " + source.path() + " on executor host " + host()
                + " differs from the driver's (sha256 " + found.substring(0, 12) + " here, "
                + source.sha256().substring(0, 12) + " on the driver)");
          }
        }
      }
      return Models.open(local, OpenOptions.defaults().withLite(source.options()));
    }

    synchronized void giveBack(InferenceModel replica) {
      borrowers.decrementAndGet();
      if (replica != null) {
        if (evicted) {
          replica.close();
        } else {
          idle.push(replica);
        }
      }
      if (evicted) {
        closeIfUnused();
      }
    }

    synchronized void evict() {
      evicted = true;
      closeIfUnused();
    }

    private void closeIfUnused() {
      if (borrowers.get() > 0) {
        return;
      }
      idle.forEach(InferenceModel::close);
      idle.clear();
      if (base != null) {
        base.close();
        base = null;
      }
      if (copy != null) {
        try {
          Files.deleteIfExists(copy);
        } catch (IOException e) {
          // A leftover temporary file in the executor's temp directory is harmless; the JVM goes on.
        }
        copy = null;
      }
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "(unknown host)";
    }
  }
}
