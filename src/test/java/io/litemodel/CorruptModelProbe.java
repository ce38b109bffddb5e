package io.litemodel;

import io.litemodel.internal.tflite.ModelHandleTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child-JVM program for {@link ModelHandleTest}: loads many randomly corrupted copies of a model (1 to 4 bytes set
 * to random values, seeded by case number), runs the ones that load, and prints a tally. Only the documented
 * exceptions count as a refusal ({@link LiteModelException} with a status, {@link IllegalArgumentException},
 * {@link IllegalStateException}); any other is counted {@code unclean} and its case printed. If a corruption crashed
 * the process, the last {@code case=} line names it.
 *
 * <p>Usage: {@code CorruptModelProbe MODEL FIRST_CASE END_CASE}
 */
public final class CorruptModelProbe {
  private CorruptModelProbe() {}

  /** @return whether {@code e} is one of the documented exceptions: LiteModelException with a status, IAE, ISE */
  private static boolean isClean(RuntimeException e) {
    return e instanceof LiteModelException lme ? lme.status() != null
        : e instanceof IllegalArgumentException || e instanceof IllegalStateException;
  }

  /**
   * @param args model path, first case (inclusive), last case (exclusive)
   * @throws Exception on I/O failure
   */
  public static void main(String[] args) throws Exception {
    byte[] original = Files.readAllBytes(Path.of(args[0]));
    int first = Integer.parseInt(args[1]);
    int end = Integer.parseInt(args[2]);
    int rejected = 0;
    int ran = 0;
    int failedToRun = 0;
    int unclean = 0;
    for (int c = first; c < end; c++) {
      byte[] bytes = original.clone();
      Random random = new Random(c);
      int mutations = 1 + random.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      System.out.println("case=" + c);
      System.out.flush();
      String stage = "load";
      try (LiteModel model = LiteModel.load(bytes)) {
        stage = "predict";
        model.predict(new float[][] {new float[model.inputs().get(0).shape()[1]]});
        ran++;
      } catch (RuntimeException e) {
        // Only the documented exceptions are a clear refusal; an NPE or IndexOutOfBoundsException is a bug.
        if (!isClean(e)) {
          unclean++;
          System.out.println("unclean_case=" + c + " " + stage + ": " + e);
        } else if (stage.equals("load")) {
          rejected++; // a clear Java exception: what a corrupt model must give
        } else {
          failedToRun++;
        }
      }
    }
    System.out.println("rejected=" + rejected);
    System.out.println("ran=" + ran);
    System.out.println("failed_to_run=" + failedToRun);
    System.out.println("unclean=" + unclean);
  }
}
