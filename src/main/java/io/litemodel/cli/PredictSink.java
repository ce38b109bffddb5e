package io.litemodel.cli;

import io.litemodel.io.NpyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code predict} command's output, written row by row as results arrive: {@code .npy} (float32 [N, ...]; a
 * skipped item gets a NaN row, so row i is input item i) or {@code .csv} (an {@code item} column with the item's name,
 * quoted per RFC 4180 where needed, then the output values; skipped items are left out).
 *
 * <p><b>Where it is written.</b> Rows go to a partial file beside the output ({@code .NAME.partial-PID}), which
 * {@link #finish} moves over the output path in one atomic rename. So the output path never holds a half-written
 * file, and a file that is also being read (the input, say) is never truncated under its reader.
 *
 * <p><b>Nothing lost, nothing misreported.</b>
 * <ul>
 *   <li>The partial file is at every moment a readable file of the rows done: each row is one write straight to the
 *       file (no buffer in this process to lose), a {@code .npy} header is rewritten as each row lands
 *       ({@link NpyWriter}), and a failed write (a full disk) cuts the file back to its complete rows. So a process
 *       killed with {@code kill -9} leaves a valid file.</li>
 *   <li>{@link #finish} reports where the rows really are ({@link Landing}): at the output; in a visible
 *       {@code NAME.unfinished-PID.EXT} file when a run ended early and an older output was there (the older file is
 *       finished work too, so a partial run does not replace it); or, when the final move fails, in the partial file,
 *       by name.</li>
 *   <li>{@link #create} looks for partial files that runs which died (no live process with their pid) left beside
 *       the same output, repairs each into a readable file of its complete rows, moves it to
 *       {@code NAME.unfinished-PID.EXT} and reports it in {@link #notices()}.</li>
 * </ul>
 */
abstract class PredictSink implements AutoCloseable {
  /** Opens a partial file (already created, empty) for writing; tests pass one that simulates a full disk. */
  interface Opener {
    /** @return a channel writing {@code file} */
    FileChannel open(Path file) throws IOException;
  }

  /** The real file system. */
  static final Opener FILES = file -> FileChannel.open(file, StandardOpenOption.WRITE);

  private static final String PARTIAL = ".partial-";
  private static final String UNFINISHED = ".unfinished-";

  private final Path target;
  private final Path temporary;
  private final List<String> notices;
  private Landing landing;

  private PredictSink(Path target, Path temporary, List<String> notices) {
    this.target = target;
    this.temporary = temporary;
    this.notices = notices;
  }

  /** Writes one predicted row. On failure the partial file keeps exactly the earlier rows. */
  abstract void row(String name, FloatBuffer output) throws IOException;

  /** Records an item that could not be predicted. On failure the partial file keeps exactly the earlier rows. */
  abstract void skipped(String name) throws IOException;

  /** @return rows in the partial file, each complete */
  abstract long rows();

  /** Closes the partial file; everything is already written. */
  abstract void closeFile() throws IOException;

  /** Where {@link #finish} put the rows. */
  enum Place {
    /** at the output path */
    OUTPUT,
    /** in {@code NAME.unfinished-PID.EXT}: the run ended early and an older output was kept */
    UNFINISHED,
    /** still in the partial file: it could not be closed or moved */
    PARTIAL
  }

  /**
   * Where the rows of a run are after {@link #finish}.
   *
   * @param file the file that holds them
   * @param rows how many rows it holds
   * @param place which kind of file that is
   * @param why empty at the output; else why the rows are not there
   */
  record Landing(Path file, long rows, Place place, String why) {
    /** @return e.g. "the 5 rows predicted before it are in /x/out.npy", plus why they are not at the output */
    String describe(String which) {
      return "the " + rows + " rows " + which + " are in " + file + (why.isEmpty() ? "" : " (" + why + ")");
    }
  }

  /**
   * Closes the partial file and moves it to where its rows belong; never throws, and runs once (later calls return
   * the first answer). A complete run replaces the output. A run that ended early goes to the output only when
   * there is none yet; else to {@code NAME.unfinished-PID.EXT}, leaving the older output as it was.
   *
   * @param complete true when every item was handled
   */
  final Landing finish(boolean complete) {
    if (landing != null) {
      return landing;
    }
    long rows = rows();
    try {
      closeFile();
    } catch (IOException | RuntimeException e) {
      return landing = new Landing(temporary, rows, Place.PARTIAL, "could not close it: " + e);
    }
    boolean replace = complete || Files.notExists(target);
    Path destination = replace ? target : unfinished(target, ProcessHandle.current().pid());
    try {
      move(temporary, destination, replace);
    } catch (IOException | RuntimeException e) {
      return landing = new Landing(temporary, rows, Place.PARTIAL,
          "could not move it to " + destination + ": " + e);
    }
    return landing = replace ? new Landing(destination, rows, Place.OUTPUT, "")
        : new Landing(destination, rows, Place.UNFINISHED, target + ", from an earlier run, was left as it was");
  }

  /**
   * {@link #finish finish(false)} if the caller did not finish, for when an exception skipped it. Idempotent.
   *
   * @throws IOException if the file could not be closed or moved; the message names the file that holds the rows
   */
  @Override
  public final void close() throws IOException {
    Landing landed = finish(false);
    if (landed.place() == Place.PARTIAL) {
      throw new IOException("could not write " + target + "; " + landed.describe("written"));
    }
  }

  /** @return messages about partial files of earlier runs found beside the output (see the class notes) */
  List<String> notices() {
    return notices;
  }

  /** @return the partial file rows are written to until {@link #finish} */
  Path temporary() {
    return temporary;
  }

  /**
   * Creates the partial output file for {@code output}, by its extension, after dealing with the partial files of
   * earlier runs (see the class notes).
   *
   * @param rowShape the model output's shape without the batch dimension (the .npy row shape)
   * @param rowElements the values in one output row (the .csv columns after the item name)
   * @throws IllegalArgumentException if the extension is neither .npy nor .csv
   */
  static PredictSink create(Path output, int[] rowShape, int rowElements) throws IOException {
    return create(output, rowShape, rowElements, FILES);
  }

  /** {@link #create(Path, int[], int)} writing through {@code opener}. */
  static PredictSink create(Path output, int[] rowShape, int rowElements, Opener opener) throws IOException {
    String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean npy = name.endsWith(".npy");
    if (!npy && !name.endsWith(".csv")) {
      throw new IllegalArgumentException("output " + output + " must end in .npy or .csv");
    }
    Path target = output.toAbsolutePath();
    List<String> notices = recoverStale(target, npy);
    Path temporary;
    try {
      temporary = createTemporary(target);
    } catch (IOException e) {
      // Some of these (AccessDeniedException) have only the path for a message: give the reason too.
      throw new IOException("cannot create a partial output file beside " + target + ": " + e, e);
    }
    FileChannel channel = null;
    try {
      channel = opener.open(temporary);
      return npy ? new Npy(target, temporary, notices, new NpyWriter(channel, temporary.toString(), rowShape))
          : new Csv(target, temporary, notices, channel, rowElements);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close(); // idempotent: NpyWriter and Csv may have closed it already
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      Files.deleteIfExists(temporary);
      if (e instanceof IOException) {
        throw new IOException("cannot start the output file " + temporary + " (nothing was written): " + e.getMessage(),
            e);
      }
      throw e;
    }
  }

  /**
   * Creates an empty file beside {@code target}, in the same folder so the final rename is atomic. Not
   * {@link Files#createTempFile}: that makes the file readable by its owner only, and the output would keep those
   * permissions after the rename instead of the usual ones.
   */
  private static Path createTemporary(Path target) throws IOException {
    String base = "." + target.getFileName() + PARTIAL + ProcessHandle.current().pid();
    for (int attempt = 0; ; attempt++) {
      Path candidate = target.resolveSibling(attempt == 0 ? base : base + "-" + attempt);
      try {
        return Files.createFile(candidate);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
  }

  /** @return {@code NAME.unfinished-PID.EXT} beside {@code target}, with a number added if that exists */
  static Path unfinished(Path target, long pid) {
    String name = target.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = name.substring(0, dot);
    String extension = name.substring(dot);
    for (int attempt = 0; ; attempt++) {
      Path candidate = target.resolveSibling(stem + UNFINISHED + pid + (attempt == 0 ? "" : "-" + attempt)
          + extension);
      if (Files.notExists(candidate)) {
        return candidate;
      }
    }
  }

  /**
   * Finds {@code .NAME.partial-PID[-N]} files beside {@code target}. Those of a live process are reported (another
   * run is writing the same output); those of a dead one are repaired into readable files of their complete rows
   * and moved to {@code NAME.unfinished-PID.EXT}. The pid test can be fooled only by pid reuse, and then errs on the
   * safe side (the file is reported, not touched).
   */
  private static List<String> recoverStale(Path target, boolean npy) throws IOException {
    List<String> notices = new ArrayList<>();
    String prefix = "." + target.getFileName() + PARTIAL;
    List<Path> stale = new ArrayList<>();
    try (var listing = Files.newDirectoryStream(target.getParent(), path -> {
      String name = path.getFileName().toString();
      return name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d+(-\\d+)?");
    })) {
      listing.forEach(stale::add);
    }
    stale.sort(null);
    for (Path partial : stale) {
      String suffix = partial.getFileName().toString().substring(prefix.length());
      long pid = Long.parseLong(suffix.split("-")[0]);
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      if (alive) {
        notices.add("note: " + partial + " belongs to process " + pid + ", which is still running: another run "
            + "may be writing " + target + " now, and the two would replace each other's output");
        continue;
      }
      try {
        long bytesBefore = Files.size(partial);
        long rows = npy ? NpyWriter.repair(partial) : repairCsv(partial);
        Path kept = unfinished(target, pid);
        move(partial, kept, false);
        notices.add("found " + partial + ", left by a run (process " + pid + ") that did not finish; moved its "
            + rows + " complete rows (" + Files.size(kept) + " of its " + bytesBefore + " bytes) to " + kept);
      } catch (IOException | RuntimeException e) {
        notices.add("found " + partial + ", left by a run (process " + pid + ") that did not finish, but could not "
            + "make it readable (" + e.getMessage() + "); it was left as it is");
      }
    }
    return notices;
  }

  private static void move(Path from, Path to, boolean replace) throws IOException {
    StandardCopyOption[] options = replace
        ? new StandardCopyOption[] {StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING}
        : new StandardCopyOption[] {StandardCopyOption.ATOMIC_MOVE};
    if (!replace && Files.exists(to)) {
      throw new FileAlreadyExistsException(to.toString()); // an atomic rename would replace it silently on Unix
    }
    try {
      Files.move(from, to, options);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, replace ? new StandardCopyOption[] {StandardCopyOption.REPLACE_EXISTING}
          : new StandardCopyOption[0]);
    }
  }

  /**
   * Cuts a partial CSV file of a dead run back to its last complete record (a line break outside quotes).
   *
   * @return the data rows left (records after the header)
   */
  static long repairCsv(Path file) throws IOException {
    long records = 0;
    long end = 0;
    boolean quoted = false;
    try (var in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      long offset = 0;
      for (int b = in.read(); b >= 0; b = in.read()) {
        offset++;
        if (b == '"') {
          quoted = !quoted; // a doubled quote flips twice: still inside
        } else if (b == '\n' && !quoted) {
          records++;
          end = offset;
        }
      }
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(end);
    }
    return Math.max(0, records - 1);
  }

  private static final class Npy extends PredictSink {
    private final NpyWriter writer;

    Npy(Path target, Path temporary, List<String> notices, NpyWriter writer) {
      super(target, temporary, notices);
      this.writer = writer;
    }

    @Override
    void row(String name, FloatBuffer output) throws IOException {
      writer.write(output);
    }

    @Override
    void skipped(String name) throws IOException {
      writer.writeNaN();
    }

    @Override
    long rows() {
      return writer.rows();
    }

    @Override
    void closeFile() throws IOException {
      writer.close();
    }
  }

  /** Each line is one positioned write of its UTF-8 bytes, so the file never holds a line this process buffered. */
  private static final class Csv extends PredictSink {
    private static final String NEWLINE = System.lineSeparator();

    private final FileChannel channel;
    private final StringBuilder line = new StringBuilder();
    private long length;
    private long rows;

    Csv(Path target, Path temporary, List<String> notices, FileChannel channel, int values) throws IOException {
      super(target, temporary, notices);
      this.channel = channel;
      line.append("item");
      for (int i = 0; i < values; i++) {
        line.append(",out").append(i);
      }
      try {
        writeLine();
      } catch (IOException e) {
        channel.close(); // nobody else will: the constructor did not complete
        throw e;
      }
    }

    @Override
    void row(String name, FloatBuffer output) throws IOException {
      line.setLength(0);
      appendField(line, name);
      for (int i = output.position(); i < output.limit(); i++) {
        line.append(',').append(output.get(i)); // Float.toString: shortest text that reads back exactly
      }
      writeLine();
      rows++;
    }

    /** Writes {@link #line} and a line break, or, on failure, cuts the file back to the lines before it. */
    private void writeLine() throws IOException {
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(line.append(NEWLINE)));
      try {
        while (bytes.hasRemaining()) {
          channel.write(bytes, length + bytes.position());
        }
      } catch (IOException e) {
        try {
          channel.truncate(length);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      length += bytes.limit();
    }

    /** RFC 4180: a field holding a comma, a double quote, CR or LF is quoted, with its quotes doubled. */
    static void appendField(StringBuilder line, String field) {
      boolean quote = false;
      for (int i = 0; i < field.length() && !quote; i++) {
        char c = field.charAt(i);
        quote = c == ',' || c == '"' || c == '\r' || c == '\n';
      }
      if (!quote) {
        line.append(field);
        return;
      }
      line.append('"');
      for (int i = 0; i < field.length(); i++) {
        char c = field.charAt(i);
        line.append(c);
        if (c == '"') {
          line.append('"');
        }
      }
      line.append('"');
    }

    @Override
    void skipped(String name) {
      // Left out: the item column names every row that is there.
    }

    @Override
    long rows() {
      return rows;
    }

    @Override
    void closeFile() throws IOException {
      channel.close();
    }
  }
}
