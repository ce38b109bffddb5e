package io.litemodel.cli;

import io.litemodel.InferenceModel;
import io.litemodel.batch.Preprocessor;
import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import io.litemodel.io.CsvRows;
import io.litemodel.io.NpyArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code predict} command's input: a folder of images, a {@code .npy} array or a {@code .csv} file, as items, a
 * preprocessor per pipeline thread, and a display name per item.
 *
 * @param <T> the item type
 */
abstract class PredictSource<T> implements AutoCloseable {
  /** @return the items, in output order */
  abstract Iterator<T> items() throws IOException;

  /** @return how many items there are */
  abstract long count();

  /** @return one preprocessor per pipeline thread */
  abstract Supplier<Preprocessor<T>> preprocessors();

  /** @return the item's name in reports and in CSV output */
  abstract String name(T item);

  /** @return how items are read, for the command's first line (empty, or starting with ", ") */
  String reading() {
    return "";
  }

  @Override
  public void close() throws IOException {}

  /**
   * Opens {@code input} by kind: a directory of images, or a file ending in {@code .npy} or {@code .csv}.
   *
   * @param decoder how image files are decoded (images only)
   * @param scale at what size JPEGs are decoded (images only)
   * @throws IllegalArgumentException if the input is none of those or does not fit the model
   * @throws IllegalStateException if {@code decoder} is OPENCV and OpenCV does not load
   */
  static PredictSource<?> open(Path input, InferenceModel model, Normalization normalization, DecoderKind decoder,
      DecodeScale scale) throws IOException {
    if (Files.isDirectory(input)) {
      return new Images(input, model, normalization, decoder, scale);
    }
    if (!Files.isRegularFile(input)) {
      throw new IllegalArgumentException("input " + input + " does not exist");
    }
    String name = input.getFileName().toString().toLowerCase(Locale.ROOT);
    int row = inputRow(model);
    if (name.endsWith(".npy")) {
      return new Npy(NpyArray.open(input), row);
    }
    if (name.endsWith(".csv")) {
      return new Csv(input, row);
    }
    throw new IllegalArgumentException("input " + input + " is neither a directory of images nor a .npy or .csv file");
  }

  static int inputRow(InferenceModel model) {
    return model.inputs().get(0).rowElements();
  }

  /** Image files (.jpg, .jpeg, .png) directly in a directory, sorted by name. */
  static final class Images extends PredictSource<Path> {
    private final List<Path> files;
    private final Supplier<ImagePreprocessor> factory;
    private final DecoderKind decoder;
    private final DecodeScale scale;

    Images(Path directory, InferenceModel model, Normalization normalization, DecoderKind decoder, DecodeScale scale)
        throws IOException {
      this.decoder = decoder.resolve();
      this.scale = scale;
      this.factory = ImagePreprocessor.factory(model, normalization, this.decoder, scale);
      try (Stream<Path> listing = Files.list(directory)) {
        this.files = listing.filter(Images::isImage).sorted().collect(Collectors.toList());
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("no .jpg, .jpeg or .png files in " + directory);
      }
    }

    private static boolean isImage(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      return Files.isRegularFile(file) && (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png"));
    }

    @Override
    Iterator<Path> items() {
      return files.iterator();
    }

    @Override
    long count() {
      return files.size();
    }

    @Override
    String reading() {
      return ", decoding with " + decoder.name().toLowerCase(Locale.ROOT)
          + (decoder == DecoderKind.OPENCV && scale == DecodeScale.AUTO ? " at a reduced size (--decode-scale auto)"
              : "");
    }

    @Override
    Supplier<Preprocessor<Path>> preprocessors() {
      return factory::get;
    }

    @Override
    String name(Path item) {
      return item.getFileName().toString();
    }
  }

  /**
   * Rows of a .npy array; its row length must match the model's input row. A 1-D array of N values is N rows of one
   * value, which fits a model whose input row is a single value.
   */
  static final class Npy extends PredictSource<Long> {
    private final NpyArray array;

    Npy(NpyArray array, int modelRow) {
      if (array.shape().length == 0) {
        throw new IllegalArgumentException(array.file() + " holds a single scalar, not rows");
      }
      if (array.rowElements() != modelRow) {
        throw new IllegalArgumentException(array.file() + " has shape " + java.util.Arrays.toString(array.shape())
            + ": rows of " + array.rowElements() + " values; the model's input takes " + modelRow + " per row");
      }
      this.array = array;
    }

    @Override
    Iterator<Long> items() {
      return Stream.iterate(0L, row -> row + 1).limit(array.rows()).iterator();
    }

    @Override
    long count() {
      return array.rows();
    }

    @Override
    Supplier<Preprocessor<Long>> preprocessors() {
      return () -> (row, slot) -> array.readRow(row, slot);
    }

    @Override
    String name(Long item) {
      return "row " + item;
    }
  }

  /** One line of a CSV file and its 1-based line number. */
  static final class Line {
    final long number;
    final String text;

    Line(long number, String text) {
      this.number = number;
      this.text = text;
    }

    @Override
    public String toString() {
      return "line " + number;
    }
  }

  /** Lines of numbers; a first line that is not all numbers is taken as a header and skipped; blank lines too. */
  static final class Csv extends PredictSource<Line> {
    private final Path file;
    private final long count;
    private final boolean header;
    private BufferedReader reader;

    Csv(Path file, int modelRow) throws IOException {
      this.file = file;
      long lines = 0;
      boolean firstIsHeader = false;
      try (BufferedReader scan = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        boolean first = true;
        while ((line = scan.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          if (first && !CsvRows.isNumeric(line)) {
            firstIsHeader = true;
          } else {
            lines++;
          }
          first = false;
        }
      }
      this.count = lines;
      this.header = firstIsHeader;
    }

    @Override
    Iterator<Line> items() throws IOException {
      reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      return new Iterator<>() {
        private long number;
        private boolean headerSkipped = !header;
        private Line next = advance();

        private Line advance() {
          try {
            String text;
            while ((text = reader.readLine()) != null) {
              number++;
              if (text.isBlank()) {
                continue;
              }
              if (!headerSkipped) {
                headerSkipped = true;
                continue;
              }
              return new Line(number, text);
            }
            return null;
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " after line " + number, e);
          }
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public Line next() {
          if (next == null) {
            throw new NoSuchElementException();
          }
          Line current = next;
          next = advance();
          return current;
        }
      };
    }

    @Override
    long count() {
      return count;
    }

    @Override
    Supplier<Preprocessor<Line>> preprocessors() {
      return () -> (line, slot) -> CsvRows.parse(line.text, slot);
    }

    @Override
    String name(Line item) {
      return item.toString();
    }

    @Override
    public void close() throws IOException {
      if (reader != null) {
        reader.close();
      }
    }
  }
}
