package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.io.NpyArray;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictSinkTest {
  @TempDir
  Path dir;

  @Test
  void csvQuotesNamesWithCommasQuotesAndLineBreaks() throws Exception {
    Path output = dir.resolve("out.csv");
    try (PredictSink sink = PredictSink.create(output, new int[] {2}, 2)) {
      FloatBuffer row = FloatBuffer.wrap(new float[] {1.5f, -2f});
      sink.row("plain.jpg", row);
      sink.row("a,b.jpg", row);
      sink.row("say \"hi\".jpg", row);
      sink.row("two\nlines.jpg", row);
      sink.row("carriage\rreturn.jpg", row);
      sink.skipped("gone.jpg");
      assertEquals(5, sink.rows());
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    String nl = System.lineSeparator();
    assertEquals("item,out0,out1" + nl
        + "plain.jpg,1.5,-2.0" + nl
        + "\"a,b.jpg\",1.5,-2.0" + nl
        + "\"say \"\"hi\"\".jpg\",1.5,-2.0" + nl
        + "\"two\nlines.jpg\",1.5,-2.0" + nl
        + "\"carriage\rreturn.jpg\",1.5,-2.0" + nl, text);
  }

  @Test
  void writesBesideTheOutputAndMovesIntoPlaceOnClose() throws Exception {
    Path output = dir.resolve("out.npy");
    Files.writeString(output, "previous run");
    PredictSink sink = PredictSink.create(output, new int[] {3}, 3);
    Path temporary = sink.temporary();
    assertEquals(dir.toAbsolutePath(), temporary.getParent());
    assertTrue(temporary.getFileName().toString().startsWith(".out.npy.partial-"), temporary.toString());
    sink.row("row 0", FloatBuffer.wrap(new float[] {1, 2, 3}));
    sink.skipped("row 1");
    // Until close, the old output is untouched.
    assertEquals("previous run", Files.readString(output));
    sink.close();
    sink.close(); // idempotent
    assertTrue(Files.notExists(temporary));
    NpyArray array = NpyArray.open(output);
    assertEquals(2, array.rows());
    FloatBuffer row = FloatBuffer.allocate(3);
    array.readRow(0, row);
    assertEquals(3f, row.get(2));
    array.readRow(1, row);
    assertTrue(Float.isNaN(row.get(0)));
  }

  @Test
  void rejectsOtherExtensionsWithoutCreatingFiles() throws Exception {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> PredictSink.create(dir.resolve("out.txt"), new int[] {1}, 1));
    assertTrue(error.getMessage().contains("must end in .npy or .csv"), error.getMessage());
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }
}
