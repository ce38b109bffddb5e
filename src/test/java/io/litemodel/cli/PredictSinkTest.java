package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.io.NpyArray;
import io.litemodel.io.NpyWriter;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    assertEquals(PredictSink.Place.OUTPUT, sink.finish(true).place());
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

  private List<String> names() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static FloatBuffer row(float... values) {
    return FloatBuffer.wrap(values);
  }

  @Test
  void npyPartialFileReadsWithEveryRowDoneAtEveryMoment() throws Exception {
    Path output = dir.resolve("out.npy");
    try (PredictSink sink = PredictSink.create(output, new int[] {2}, 2)) {
      assertEquals(0, NpyArray.open(sink.temporary()).rows());
      for (int i = 0; i < 5; i++) {
        sink.row("r" + i, row(i, -i));
        NpyArray partial = NpyArray.open(sink.temporary()); // what a kill -9 right now would leave
        assertEquals(i + 1, partial.rows());
        FloatBuffer read = FloatBuffer.allocate(2);
        partial.readRow(i, read);
        assertArrayEquals(new float[] {i, -i}, read.array());
      }
    }
  }

  @Test
  void csvPartialFileHoldsEveryRowDoneAtEveryMoment() throws Exception {
    Path output = dir.resolve("out.csv");
    try (PredictSink sink = PredictSink.create(output, new int[] {1}, 1)) {
      for (int i = 0; i < 3; i++) {
        sink.row("r" + i, row(i));
        assertEquals(i + 2, Files.readAllLines(sink.temporary()).size()); // no row waits in a buffer
      }
    }
  }

  /** A disk with room for the header and 3.5 rows: the 4th row fails and is cut off, the first 3 stay. */
  @Test
  void fullDiskKeepsTheCompleteRowsAndReportsWhereTheyAre() throws Exception {
    Path output = dir.resolve("out.npy");
    PredictSink sink = PredictSink.create(output, new int[] {4}, 4, FullDiskChannel.opener(128 + 16 * 3 + 8));
    for (int i = 0; i < 3; i++) {
      sink.row("r" + i, row(i, i, i, i));
    }
    java.io.IOException full = assertThrows(java.io.IOException.class, () -> sink.row("r3", row(3, 3, 3, 3)));
    assertEquals("No space left on device", full.getMessage());
    assertEquals(128 + 16 * 3, Files.size(sink.temporary())); // the half row is gone, its space free
    assertEquals(3, sink.rows());
    PredictSink.Landing landing = sink.finish(false);
    assertEquals(PredictSink.Place.OUTPUT, landing.place());
    assertEquals("the 3 rows written before it are in " + output.toAbsolutePath(),
        landing.describe("written before it"));
    assertEquals(3, NpyArray.open(output).rows());
    assertEquals(List.of("out.npy"), names());
  }

  @Test
  void fullDiskInCsvCutsTheHalfLine() throws Exception {
    Path output = dir.resolve("out.csv");
    String header = "item,out0" + System.lineSeparator();
    String line = "r0,1.0" + System.lineSeparator();
    PredictSink sink = PredictSink.create(output, new int[] {1}, 1,
        FullDiskChannel.opener(header.length() + 2 * line.length() + 3));
    sink.row("r0", row(1));
    sink.row("r1", row(1));
    assertThrows(java.io.IOException.class, () -> sink.row("r2", row(1)));
    assertEquals(header + line + line.replace("r0", "r1"), Files.readString(sink.temporary()));
    assertEquals(2, sink.finish(false).rows());
    assertEquals(3, Files.readAllLines(output).size());
  }

  @Test
  void aRunThatEndsEarlyKeepsAnOlderOutputAndNamesWhereItsRowsWent() throws Exception {
    Path output = dir.resolve("out.npy");
    Files.writeString(output, "finished results of an earlier run");
    PredictSink sink = PredictSink.create(output, new int[] {1}, 1);
    sink.row("r0", row(5));
    PredictSink.Landing landing = sink.finish(false);
    sink.close();
    assertEquals(PredictSink.Place.UNFINISHED, landing.place());
    Path unfinished = dir.resolve("out.unfinished-" + ProcessHandle.current().pid() + ".npy");
    assertEquals(unfinished.toAbsolutePath(), landing.file());
    assertEquals("the 1 rows predicted before it are in " + unfinished.toAbsolutePath() + " ("
        + output.toAbsolutePath() + ", from an earlier run, was left as it was)",
        landing.describe("predicted before it"));
    assertEquals("finished results of an earlier run", Files.readString(output));
    assertEquals(1, NpyArray.open(unfinished).rows());
  }

  @Test
  void aFailedMoveNamesThePartialFileThatHoldsTheRows() throws Exception {
    Path output = dir.resolve("out.csv");
    PredictSink sink = PredictSink.create(output, new int[] {1}, 1);
    sink.row("r0", row(1));
    Files.createDirectory(output); // a folder cannot be replaced by a file
    Files.writeString(output.resolve("keep"), "x");
    PredictSink.Landing landing = sink.finish(true);
    assertEquals(PredictSink.Place.PARTIAL, landing.place());
    assertEquals(sink.temporary(), landing.file());
    assertTrue(landing.describe("predicted").startsWith("the 1 rows predicted are in " + sink.temporary()
        + " (could not move it to " + output.toAbsolutePath()), landing.describe("predicted"));
    java.io.IOException error = assertThrows(java.io.IOException.class, sink::close);
    assertTrue(error.getMessage().contains(sink.temporary().toString()), error.getMessage());
    assertEquals(2, Files.readAllLines(sink.temporary()).size());
  }

  /** @return the pid of a process that has exited */
  private static long deadPid() throws Exception {
    Process process = new ProcessBuilder("true").start();
    process.waitFor();
    return process.pid();
  }

  @Test
  void staleNpyPartialOfADeadRunIsRepairedMovedAndReported() throws Exception {
    Path output = dir.resolve("out.npy");
    long pid = deadPid();
    Path stale = dir.resolve(".out.npy.partial-" + pid);
    // As the writer before this fix left it after kill -9: header saying 0 rows, 3 rows and a half of data.
    try (NpyWriter old = new NpyWriter(stale, 2)) {
      assertEquals(0, old.rows());
    }
    java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(8 * 3 + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 7; i++) {
      data.putFloat(i);
    }
    Files.write(stale, data.array(), java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(output, "older output");

    try (PredictSink sink = PredictSink.create(output, new int[] {2}, 2)) {
      Path kept = dir.resolve("out.unfinished-" + pid + ".npy").toAbsolutePath();
      assertEquals(List.of("found " + stale.toAbsolutePath() + ", left by a run (process " + pid + ") that did not "
          + "finish; moved its 3 complete rows (" + (128 + 24) + " of its " + (128 + 28) + " bytes) to " + kept),
          sink.notices());
      NpyArray repaired = NpyArray.open(kept);
      assertEquals(3, repaired.rows());
      FloatBuffer read = FloatBuffer.allocate(2);
      repaired.readRow(2, read);
      assertArrayEquals(new float[] {4, 5}, read.array());
      assertTrue(Files.notExists(stale));
      sink.finish(true);
    }
    assertEquals(List.of("out.npy", "out.unfinished-" + pid + ".npy"), names());
  }

  @Test
  void staleCsvPartialIsCutAtItsLastCompleteLine() throws Exception {
    Path output = dir.resolve("out.csv");
    long pid = deadPid();
    Path stale = dir.resolve(".out.csv.partial-" + pid);
    Files.writeString(stale, "item,out0\n\"two\nlines\",1.0\nb,2.0\nc,3");
    try (PredictSink sink = PredictSink.create(output, new int[] {1}, 1)) {
      assertEquals(1, sink.notices().size());
      assertTrue(sink.notices().get(0).contains("moved its 2 complete rows"), sink.notices().get(0));
    }
    assertEquals("item,out0\n\"two\nlines\",1.0\nb,2.0\n",
        Files.readString(dir.resolve("out.unfinished-" + pid + ".csv")));
  }

  @Test
  void partialFileOfALiveProcessIsReportedAndLeftAlone() throws Exception {
    Path output = dir.resolve("out.csv");
    Path other = dir.resolve(".out.csv.partial-" + ProcessHandle.current().pid() + "-7");
    Files.writeString(other, "item,out0\nx,1");
    try (PredictSink sink = PredictSink.create(output, new int[] {1}, 1)) {
      assertEquals(1, sink.notices().size());
      assertTrue(sink.notices().get(0).contains("is still running"), sink.notices().get(0));
      sink.finish(true);
    }
    assertEquals("item,out0\nx,1", Files.readString(other));
  }
}
