package io.litemodel.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * What it costs on this machine to hand work from one thread to a parked one: two threads pass a turn back and forth,
 * each parking until the other unparks it, which is what a micro-batcher pays for every caller it wakes with a result.
 * Measured twice: with every other core idle (each wake-up then also wakes a sleeping CPU, which on a virtual machine
 * is a costly exit to the hypervisor), and with one more thread spinning (a core kept busy, as under load). Reports
 * wall time and the CPU time of the two threads per hand-off, each the median of 3 runs.
 */
final class HandOffCost {
  private static final int HAND_OFFS = 40_000;

  /** Wall and CPU microseconds per hand-off. */
  record Cost(double wallMicros, double cpuMicros) {}

  private HandOffCost() {}

  /** @param busyThreads threads spinning meanwhile (0: idle cores) */
  static Cost measure(int busyThreads) throws InterruptedException {
    List<Double> wall = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      Cost cost = once(busyThreads);
      wall.add(cost.wallMicros());
      cpu.add(cost.cpuMicros());
    }
    return new Cost(BenchData.median(wall), BenchData.median(cpu));
  }

  private static Cost once(int busyThreads) throws InterruptedException {
    AtomicFlag stop = new AtomicFlag();
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < busyThreads; i++) {
      Thread spinner = new Thread(() -> {
        while (!stop.value) {
          Thread.onSpinWait();
        }
      }, "hand-off-busy-" + i);
      spinner.setDaemon(true);
      spinner.start();
      spinners.add(spinner);
    }
    try {
      return handOffs();
    } finally {
      stop.value = true; // even if a join is interrupted, no spinner is left holding a core
      for (Thread spinner : spinners) {
        spinner.join();
      }
    }
  }

  private static Cost handOffs() throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Turn turn = new Turn();
    Thread[] pair = new Thread[2];
    long[] cpu = new long[2];
    for (int k = 0; k < 2; k++) {
      int me = k;
      pair[k] = new Thread(() -> {
        for (int i = 0; i < HAND_OFFS; i++) {
          while (turn.owner != me) {
            LockSupport.park();
          }
          turn.owner = 1 - me;
          LockSupport.unpark(pair[1 - me]);
        }
        cpu[me] = threads.getCurrentThreadCpuTime();
      }, "hand-off-" + k);
    }
    long start = System.nanoTime();
    pair[0].start();
    pair[1].start();
    pair[0].join();
    pair[1].join();
    long wall = System.nanoTime() - start;
    double handOffs = 2.0 * HAND_OFFS;
    return new Cost(wall / 1e3 / handOffs, (cpu[0] + cpu[1]) / 1e3 / handOffs);
  }

  /** Whose turn it is (0 or 1); volatile so that a woken thread sees the other's write. */
  private static final class Turn {
    volatile int owner;
  }

  private static final class AtomicFlag {
    volatile boolean value;
  }
}
