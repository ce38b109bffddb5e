package io.litemodel.batch;

import io.litemodel.InferenceModel;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One run of a {@link BatchPredictor}: its threads, the claim of items into batch slots, the queue of full batches,
 * and in-order delivery.
 *
 * <p>Flow: a thread claims the next items under {@link #claimLock} (the source is not thread-safe, and the claim
 * assigns each item its batch and slot, so items land in batches in source order); it preprocesses them outside the
 * lock; the thread that finishes a batch's last slot queues the batch in {@link #ready}; an inference thread runs it
 * and queues it in {@link #inferred}; the delivery thread hands it on through the reorder array, which gives batches
 * to the consumer in batch order and then recycles them.
 *
 * <p><b>Per-item cost of claiming.</b> A worker claims up to {@link #claimChunk} consecutive slots per lock
 * acquisition (at most {@value #MAX_CLAIM}, fewer when the batch is small, so every thread still gets a share of each
 * batch). On JDK 17 every contended {@code ReentrantLock} acquisition that has to park allocates a queue node, so
 * taking the lock once per item would make a fast, in-memory source allocate on every item; one acquisition per
 * chunk divides that, and the lock traffic, by the chunk size. An inference thread that helps claims one item at a
 * time, with {@code tryLock} (which never parks), so that it looks for a full batch again after every item.
 *
 * <p><b>Delivery runs on its own thread</b>, under {@link #deliveryLock}, so a slow consumer does not hold up
 * inference: the model keeps running batches while the consumer works through earlier ones, until every buffer of
 * the ring holds a batch that waits for delivery. That is the memory bound (the ring's size, fixed when the
 * predictor is built); past it, preprocessing and then inference wait for the consumer. The consumer's time shows
 * up as {@link PipelineStats#deliveryBusy()}. Run on an inference thread instead, delivery would leave that thread
 * idle for every consumer call.
 */
final class PipelineRun<T> {
  private static final int CLAIMED = 0;
  private static final int DONE = -1;
  private static final int BUSY = -2;
  /** Most slots a worker claims per acquisition of the claim lock. */
  static final int MAX_CLAIM = 8;

  private final BatchPredictor<T> owner;
  private final Iterator<? extends T> items;
  private final ResultConsumer<? super T> consumer;
  private final FailureListener<? super T> failures;
  private final BufferRing ring;
  private final int batchSize;
  private final int workers;
  private final int inferenceThreads;
  private final boolean ordered;
  private final boolean skip;
  /** Slots a worker claims per lock acquisition: see the class comment. */
  private final int claimChunk;

  private final ReentrantLock claimLock = new ReentrantLock();
  // Guarded by claimLock.
  private BatchBuffer filling;
  private long nextBatch;
  private long nextItem;
  private boolean sourceDone;
  /** Number of batches in the run, known once the source is exhausted (or claiming stopped); -1 before. */
  private volatile long totalBatches = -1;
  /** Set to stop claiming new items (fail-fast failure, fatal error, cancellation). */
  private volatile boolean stopClaims;

  /** Full batches waiting for inference, and now and then {@link #WAKE}; see {@link #helpersLooking}. */
  private final ArrayBlockingQueue<Object> ready;
  /**
   * Put in {@link #ready} by the delivery thread after it recycled a buffer, when an inference thread that helps
   * preprocess may be waiting there only because no buffer was free when it last tried to claim: buffers come back
   * on the delivery thread, and without this nudge a pipeline with no workers would wait forever.
   */
  private static final Object WAKE = new Object();
  /**
   * Inference threads between trying to claim and returning from {@code ready.take()}: counted up before the
   * claim, so a recycle that the claim missed always sees the count and wakes them.
   */
  private final java.util.concurrent.atomic.AtomicInteger helpersLooking = new java.util.concurrent.atomic.AtomicInteger();
  /** Batches the model has run, waiting for the delivery thread; never full (it can hold every buffer). */
  private final ArrayBlockingQueue<BatchBuffer> inferred;

  private final ReentrantLock deliveryLock = new ReentrantLock();
  // Guarded by deliveryLock.
  private final BatchBuffer[] reorder;
  private long nextDeliver;
  private volatile long predicted;
  private volatile long failed;

  private final CountDownLatch done = new CountDownLatch(1);
  /** Set when nothing more may be delivered: fail-fast item, fatal error, or cancellation. */
  private volatile boolean halted;
  private volatile boolean cancelled;
  private volatile boolean callerInterrupted;
  private Throwable fatal; // guarded by this
  private ItemFailedException itemFailure; // guarded by deliveryLock

  /** Made in the constructor and started by {@link #start()}: fixed before any other thread can see the run. */
  private final Thread[] threads;
  /**
   * Per-thread nanoseconds, each slot written only by its own thread: workers first, then inference threads, then
   * the delivery thread (at {@link #deliveryId}).
   */
  private final AtomicLongArray busyNanos;
  private final AtomicLongArray helpNanos;
  private final AtomicLongArray waitNanos;
  private final AtomicLongArray deliverNanos;
  private final int deliveryId;
  private long startNanos;
  private volatile long endNanos;

  PipelineRun(BatchPredictor<T> owner, Iterator<? extends T> items, ResultConsumer<? super T> consumer,
      FailureListener<? super T> failures) {
    this.owner = owner;
    this.items = items;
    this.consumer = consumer;
    this.failures = failures;
    this.ring = owner.ring();
    this.batchSize = owner.batchSize();
    this.workers = owner.workers();
    this.inferenceThreads = owner.replicas();
    this.ordered = owner.ordered();
    this.skip = owner.errorPolicy() == ErrorPolicy.SKIP;
    this.ready = new ArrayBlockingQueue<>(ring.size() + 1); // every buffer, plus at most one WAKE
    this.inferred = new ArrayBlockingQueue<>(ring.size());
    this.reorder = new BatchBuffer[ring.size()];
    int threadCount = workers + inferenceThreads + 1;
    // The delivery thread does not preprocess, so it takes no share of a batch's slots.
    this.claimChunk = Math.max(1, Math.min(MAX_CLAIM, batchSize / (threadCount - 1)));
    this.busyNanos = new AtomicLongArray(threadCount);
    this.helpNanos = new AtomicLongArray(threadCount);
    this.waitNanos = new AtomicLongArray(threadCount);
    this.deliverNanos = new AtomicLongArray(threadCount);
    this.threads = new Thread[threadCount];
    for (int w = 0; w < workers; w++) {
      int id = w;
      threads[id] = newThread("worker-" + w, () -> workerLoop(id));
    }
    List<InferenceModel> replicas = owner.replicaList();
    for (int r = 0; r < inferenceThreads; r++) {
      int id = workers + r;
      InferenceModel replica = replicas.get(r);
      threads[id] = newThread("inference-" + r, () -> inferenceLoop(id, replica));
    }
    this.deliveryId = threadCount - 1;
    threads[deliveryId] = newThread("delivery", this::deliveryLoop);
  }

  void start() {
    startNanos = System.nanoTime();
    for (Thread thread : threads) {
      thread.start();
    }
  }

  /** @return true if {@code thread} is one of this run's pipeline threads (by identity, not by name) */
  boolean isPipelineThread(Thread thread) {
    for (Thread mine : threads) {
      if (mine == thread) {
        return true;
      }
    }
    return false;
  }

  private Thread newThread(String name, Body body) {
    Thread thread = new Thread(() -> {
      try {
        body.run();
      } catch (InterruptedException e) {
        if (!halted) {
          fail(new IllegalStateException("pipeline thread interrupted from outside", e));
        }
      } catch (Throwable t) {
        fail(t);
      }
    }, BatchPredictor.THREAD_PREFIX + name);
    thread.setDaemon(true);
    return thread;
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  /** Reused by one thread for all its claims, so a claim allocates nothing: slots [first, first + count). */
  private static final class Claim {
    BatchBuffer batch;
    int first;
    int count;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Threads

  private void workerLoop(int id) throws Exception {
    Preprocessor<? super T> preprocessor = owner.preprocessors().get();
    try {
      Claim claim = new Claim();
      while (!halted && claim(claim, true, claimChunk) == CLAIMED) {
        long start = System.nanoTime();
        preprocess(claim, preprocessor);
        busyNanos.lazySet(id, busyNanos.get(id) + System.nanoTime() - start);
      }
    } finally {
      closeIfCloseable(preprocessor);
    }
  }

  /** Preprocessors that own resources (an image decoder's native buffers) are closed by the thread that made them. */
  private static void closeIfCloseable(Object preprocessor) throws Exception {
    if (preprocessor instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  private void inferenceLoop(int id, InferenceModel replica) throws Exception {
    Preprocessor<? super T> preprocessor = owner.inferenceHelps() ? owner.preprocessors().get() : null;
    try {
      inferenceLoop(id, replica, preprocessor);
    } finally {
      closeIfCloseable(preprocessor);
    }
  }

  private void inferenceLoop(int id, InferenceModel replica, Preprocessor<? super T> preprocessor) throws Exception {
    boolean canHelp = preprocessor != null;
    Claim claim = new Claim();
    while (!halted) {
      Object next = ready.poll();
      if (next == null) {
        boolean looking = canHelp;
        if (looking) {
          helpersLooking.incrementAndGet();
          int claimed = claim(claim, false, 1);
          if (claimed == CLAIMED) {
            helpersLooking.decrementAndGet();
            long start = System.nanoTime();
            preprocess(claim, preprocessor);
            helpNanos.lazySet(id, helpNanos.get(id) + System.nanoTime() - start);
            continue;
          }
          canHelp = claimed != DONE;
        }
        long start = System.nanoTime();
        try {
          next = ready.take();
        } finally {
          if (looking) {
            helpersLooking.decrementAndGet();
          }
        }
        waitNanos.lazySet(id, waitNanos.get(id) + System.nanoTime() - start);
      }
      if (next == WAKE) {
        continue; // a buffer came back: try claiming again
      }
      BatchBuffer batch = (BatchBuffer) next;
      long start = System.nanoTime();
      infer(batch, replica);
      long handOff = System.nanoTime();
      busyNanos.lazySet(id, busyNanos.get(id) + handOff - start);
      inferred.add(batch); // never blocks: the queue has room for every buffer of the ring
      deliverNanos.lazySet(id, deliverNanos.get(id) + System.nanoTime() - handOff);
    }
  }

  /** The delivery thread: hands inferred batches to the consumer (in order, if ordered) and recycles them. */
  private void deliveryLoop() throws InterruptedException {
    while (!halted) {
      BatchBuffer batch = inferred.take();
      long start = System.nanoTime();
      deliver(batch);
      busyNanos.lazySet(deliveryId, busyNanos.get(deliveryId) + System.nanoTime() - start);
      // Only this thread offers WAKE, and only into an empty queue: at most one is ever queued.
      if (helpersLooking.get() > 0 && ready.isEmpty()) {
        ready.offer(WAKE);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Claiming and preprocessing

  /**
   * Claims the next items, up to {@code max} and never past the end of the batch being filled, into consecutive
   * slots of that batch.
   *
   * @param blocking wait for the lock and for a free buffer; otherwise give up at once ({@link #BUSY})
   * @return {@link #CLAIMED} (at least one item), {@link #DONE} when there is nothing more to claim, or {@link #BUSY}
   */
  private int claim(Claim claim, boolean blocking, int max) throws InterruptedException {
    if (blocking) {
      claimLock.lockInterruptibly();
    } else if (!claimLock.tryLock()) {
      return BUSY;
    }
    boolean ended = false;
    try {
      if (sourceDone) {
        return DONE;
      }
      if (stopClaims || !hasNext()) {
        endSource();
        ended = true;
        return DONE;
      }
      if (filling == null) {
        BatchBuffer buffer = blocking ? ring.take() : ring.poll();
        if (buffer == null) {
          return BUSY;
        }
        buffer.reset(nextBatch++, nextItem);
        filling = buffer;
      }
      BatchBuffer batch = filling;
      int first = batch.claimed;
      int count = 0;
      while (true) {
        T item;
        try {
          item = items.next();
        } catch (RuntimeException e) {
          fail(new BatchPredictionException("the item source failed at item " + nextItem, e));
          ended = true;
          break;
        }
        batch.items[batch.claimed++] = item;
        nextItem++;
        count++;
        if (batch.claimed == batchSize) {
          batch.count = batchSize;
          filling = null;
          break;
        }
        if (count == max) {
          break;
        }
        if (stopClaims || !hasNext()) {
          ended = true;
          break;
        }
      }
      if (ended) {
        endSource(); // seals the batch with the slots claimed so far, including this claim's
      }
      if (count == 0) {
        return DONE;
      }
      claim.batch = batch;
      claim.first = first;
      claim.count = count;
      return CLAIMED;
    } finally {
      claimLock.unlock();
      if (ended) {
        checkDone();
      }
    }
  }

  private boolean hasNext() {
    try {
      return items.hasNext();
    } catch (RuntimeException e) {
      fail(new BatchPredictionException("the item source failed at item " + nextItem, e));
      return false;
    }
  }

  /** Under claimLock: seals the partly filled batch and fixes the number of batches. */
  private void endSource() {
    sourceDone = true;
    BatchBuffer batch = filling;
    filling = null;
    if (batch != null) {
      batch.count = batch.claimed;
      if (batch.pending.addAndGet(batch.claimed - batchSize) == 0) {
        ready.add(batch);
      }
    }
    totalBatches = nextBatch;
  }

  /** Preprocesses the claimed slots, then counts them off the batch (which the last one publishes). */
  private void preprocess(Claim claim, Preprocessor<? super T> preprocessor) {
    BatchBuffer batch = claim.batch;
    for (int slot = claim.first, end = claim.first + claim.count; slot < end; slot++) {
      if (!halted) { // once halted, nothing will be delivered: only count the slots off
        preprocessSlot(batch, slot, preprocessor);
      }
    }
    if (batch.pending.addAndGet(-claim.count) == 0) {
      ready.add(batch);
    }
  }

  @SuppressWarnings("unchecked")
  private void preprocessSlot(BatchBuffer batch, int slot, Preprocessor<? super T> preprocessor) {
    FloatBuffer target = batch.inputSlots[slot];
    target.clear();
    T item = (T) batch.items[slot];
    Exception error = null;
    try {
      preprocessor.write(item, target);
      int written = target.position();
      // Position 0: absolute puts, which cannot be checked. Anything else must be a full row (see Preprocessor).
      if (written != 0 && written != target.limit()) {
        error = new IllegalStateException("the preprocessor wrote " + written + " of " + target.limit()
            + " values for item " + (batch.firstItem + slot) + " (" + item + "); relative puts must fill the slot");
      }
    } catch (Exception e) {
      error = e;
    }
    if (error != null) {
      batch.errors[slot] = error;
      // A half-written slot still goes through the model with its batch; zeros keep NaN or denormal garbage from
      // slowing the invocation. The row's output is never delivered.
      for (int i = 0, n = target.limit(); i < n; i++) {
        target.put(i, 0f);
      }
      if (!skip) {
        stopClaims = true;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Inference and delivery

  private void infer(BatchBuffer batch, InferenceModel replica) {
    int good = 0;
    for (int slot = 0; slot < batch.count; slot++) {
      if (batch.errors[slot] == null) {
        good++;
      }
    }
    if (good == 0 || halted) {
      return; // nothing to predict (an empty or all-failed batch), or nobody will read the result
    }
    batch.input.clear();
    batch.output.clear();
    replica.predict(batch.input, batch.output, batch.count);
  }

  private void deliver(BatchBuffer batch) {
    deliveryLock.lock();
    try {
      if (ordered) {
        reorder[(int) (batch.batchIndex % reorder.length)] = batch;
        while (true) {
          int at = (int) (nextDeliver % reorder.length);
          BatchBuffer next = reorder[at];
          if (next == null || next.batchIndex != nextDeliver) {
            break;
          }
          reorder[at] = null;
          emit(next);
          nextDeliver++;
          ring.recycle(next);
        }
      } else {
        emit(batch);
        nextDeliver++;
        ring.recycle(batch);
      }
      checkDoneLocked();
    } finally {
      deliveryLock.unlock();
    }
  }

  /** Under deliveryLock: hands one batch's rows to the consumer and its failures to the listener. */
  @SuppressWarnings("unchecked")
  private void emit(BatchBuffer batch) {
    for (int slot = 0; slot < batch.count && !halted; slot++) {
      long index = batch.firstItem + slot;
      T item = (T) batch.items[slot];
      Exception error = batch.errors[slot];
      if (error != null) {
        if (skip) {
          failed++;
          try {
            failures.failed(index, item, error);
          } catch (RuntimeException e) {
            fail(new BatchPredictionException("the failure listener threw on item " + index + " (" + item + ")", e));
          }
        } else {
          itemFailure = new ItemFailedException(index, item, predicted, error);
          halted = true;
          stopClaims = true;
          done.countDown();
        }
        continue;
      }
      FloatBuffer output = batch.outputSlots[slot];
      output.clear();
      try {
        consumer.accept(index, item, output);
      } catch (Exception e) {
        fail(new BatchPredictionException("the consumer threw on item " + index + " (" + item + ")", e));
        return;
      }
      predicted++;
    }
  }

  private void checkDone() {
    deliveryLock.lock();
    try {
      checkDoneLocked();
    } finally {
      deliveryLock.unlock();
    }
  }

  private void checkDoneLocked() {
    long total = totalBatches;
    if (total >= 0 && nextDeliver == total) {
      done.countDown();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Ending

  private void fail(Throwable error) {
    synchronized (this) {
      if (fatal == null) {
        fatal = error;
      }
    }
    halted = true;
    stopClaims = true;
    done.countDown();
  }

  /** Cancels the run from any thread; {@link BatchPredictor#run} then throws {@link CancellationException}. */
  void cancel() {
    cancelled = true;
    halted = true;
    stopClaims = true;
    done.countDown();
  }

  void awaitDone() {
    try {
      done.await();
    } catch (InterruptedException e) {
      callerInterrupted = true;
      cancel();
    }
  }

  /** Stops every pipeline thread and waits until all have ended. Idempotent. */
  void stopAndJoin() {
    halted = true;
    stopClaims = true;
    // Taking the delivery lock waits out a consumer call in progress, so an interrupt never lands inside one (it
    // could close the consumer's file channel); once halted, no new consumer call starts.
    deliveryLock.lock();
    try {
      for (Thread thread : threads) {
        thread.interrupt();
      }
    } finally {
      deliveryLock.unlock();
    }
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      callerInterrupted = true;
    }
    // Taken once every thread has stopped, so that each thread's measured intervals lie inside the run's wall time
    // (a thread may still be closing its last interval when the run is done) and no fraction exceeds 1.
    if (endNanos == 0) {
      endNanos = System.nanoTime();
    }
  }

  /** After {@link #stopAndJoin()}: the summary, or the reason the run ended early. */
  RunSummary finish() {
    if (cancelled) {
      if (callerInterrupted) {
        Thread.currentThread().interrupt();
      }
      throw new CancellationException("batch prediction cancelled after " + (predicted + failed) + " items");
    }
    if (callerInterrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable error;
    synchronized (this) {
      error = fatal;
    }
    if (error instanceof Error) {
      throw (Error) error;
    }
    if (error instanceof BatchPredictionException) {
      throw (BatchPredictionException) error;
    }
    if (error != null) {
      throw new BatchPredictionException("batch prediction failed", error);
    }
    deliveryLock.lock();
    try {
      if (itemFailure != null) {
        throw itemFailure;
      }
    } finally {
      deliveryLock.unlock();
    }
    return new RunSummary(predicted, failed, stats());
  }

  PipelineStats stats() {
    long end = endNanos != 0 ? endNanos : System.nanoTime();
    long workerBusy = 0;
    for (int i = 0; i < workers; i++) {
      workerBusy += busyNanos.get(i);
    }
    long inferBusy = 0;
    long inferWait = 0;
    long inferHelp = 0;
    long inferDeliver = 0;
    for (int i = workers; i < workers + inferenceThreads; i++) {
      inferBusy += busyNanos.get(i);
      inferWait += waitNanos.get(i);
      inferHelp += helpNanos.get(i);
      inferDeliver += deliverNanos.get(i);
    }
    return new PipelineStats(predicted + failed, failed, end - startNanos, workers, inferenceThreads, workerBusy,
        inferBusy, inferWait, inferHelp, inferDeliver, busyNanos.get(deliveryId));
  }
}
