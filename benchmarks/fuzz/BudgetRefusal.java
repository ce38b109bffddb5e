import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How long LiteModel.load takes to refuse a model whose declared tensors exceed the memory budget: 5 warm-up loads,
 * then ROUNDS timed loads, each expected to throw MEMORY_BUDGET_EXCEEDED; prints the median and the range in ms.
 * Run by benchmarks/fuzz/bad-input-figures.sh (java's source-file mode, the test class path).
 */
public class BudgetRefusal {
  public static void main(String[] args) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(args[0]));
    int rounds = Integer.parseInt(args[1]);
    double[] ms = new double[rounds];
    String message = null;
    for (int i = -5; i < rounds; i++) {
      long start = System.nanoTime();
      try (LiteModel model = LiteModel.load(bytes)) {
        throw new IllegalStateException("loaded: the budget did not refuse it");
      } catch (LiteModelException e) {
        if (e.status() != LiteModelException.Status.MEMORY_BUDGET_EXCEEDED) {
          throw e;
        }
        message = e.getMessage();
      }
      if (i >= 0) {
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(ms);
    System.out.printf("bytes=%d rounds=%d median_ms=%.3f min_ms=%.3f max_ms=%.3f%nmessage=%s%n", bytes.length, rounds,
        ms[rounds / 2], ms[0], ms[rounds - 1], message);
  }
}
